package model_test

import (
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestWhoMayChangeAMilestone(t *testing.T) {
	lead, supporting, responsible, other := uint(1), uint(2), uint(3), uint(4)
	c := &model.Commitment{LeadAgencyID: &lead, SupportingAgencies: []model.Agency{{ID: supporting}}}
	ownMilestone := &model.Milestone{}                    // answered for by the lead
	delegated := &model.Milestone{AgencyID: &responsible} // answered for by another agency
	liaison := func(agency uint) *model.User { return &model.User{Role: model.RoleLiaison, AgencyID: &agency} }
	for _, tc := range []struct {
		who     string
		u       *model.User
		m       *model.Milestone
		allowed bool
	}{
		{"the public", nil, ownMilestone, false},
		{"a committee member", &model.User{Role: model.RoleCommittee}, ownMilestone, false},
		{"an administrator", &model.User{Role: model.RoleAdmin}, delegated, true},
		{"a disabled administrator", &model.User{Role: model.RoleAdmin, Disabled: true}, ownMilestone, false},
		{"the lead's liaison", liaison(lead), delegated, true},
		{"a supporting agency's liaison", liaison(supporting), ownMilestone, true},
		{"the responsible agency's liaison", liaison(responsible), delegated, true},
		{"the responsible agency's liaison, another milestone", liaison(responsible), ownMilestone, false},
		{"another agency's liaison", liaison(other), delegated, false},
		{"a liaison without an agency", &model.User{Role: model.RoleLiaison}, ownMilestone, false},
	} {
		if got := tc.u.MayChangeMilestone(tc.m, c); got != tc.allowed {
			t.Errorf("%s: may change = %v, want %v", tc.who, got, tc.allowed)
		}
	}
}

func TestOnlyAdministratorsManageThePlanData(t *testing.T) {
	agency := uint(1)
	for _, tc := range []struct {
		who     string
		u       *model.User
		allowed bool
	}{
		{"the public", nil, false},
		{"a committee member", &model.User{Role: model.RoleCommittee}, false},
		{"the committee's chair", &model.User{Role: model.RoleCommittee, Chair: true}, false},
		{"a liaison", &model.User{Role: model.RoleLiaison, AgencyID: &agency}, false},
		{"an administrator", &model.User{Role: model.RoleAdmin}, true},
		{"a disabled administrator", &model.User{Role: model.RoleAdmin, Disabled: true}, false},
		{"an account of no known role", &model.User{Role: "owner"}, false},
	} {
		if got := tc.u.MayManagePlans(); got != tc.allowed {
			t.Errorf("%s: may manage plans = %v, want %v", tc.who, got, tc.allowed)
		}
		if got := tc.u.MayAdminister(); got != tc.allowed {
			t.Errorf("%s: may administer = %v, want %v", tc.who, got, tc.allowed)
		}
	}
}

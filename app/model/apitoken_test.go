package model_test

import (
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// A token may change what a liaison of its agency may, with the scope,
// until it is revoked.
func TestWhichMilestonesATokenMayChange(t *testing.T) {
	lead, supporting, responsible, other := uint(1), uint(2), uint(3), uint(4)
	c := &model.Commitment{LeadAgencyID: &lead, SupportingAgencies: []model.Agency{{ID: supporting}}}
	ownMilestone := &model.Milestone{}
	delegated := &model.Milestone{AgencyID: &responsible}
	write := model.Strings{string(model.ScopeMilestonesWrite)}
	token := func(agency uint, scopes model.Strings) *model.APIToken {
		return &model.APIToken{Name: "pms", AgencyID: agency, Scopes: scopes}
	}
	revoked := token(lead, write)
	revoked.RevokedAt = &time.Time{}
	for _, tc := range []struct {
		who     string
		t       *model.APIToken
		m       *model.Milestone
		allowed bool
	}{
		{"no token", nil, ownMilestone, false},
		{"the lead's token", token(lead, write), delegated, true},
		{"a supporting agency's token", token(supporting, write), ownMilestone, true},
		{"the responsible agency's token", token(responsible, write), delegated, true},
		{"the responsible agency's token, another milestone", token(responsible, write), ownMilestone, false},
		{"another agency's token", token(other, write), delegated, false},
		{"the lead's token for reports only", token(lead, model.Strings{string(model.ScopeReportsWrite)}), ownMilestone, false},
		{"the lead's revoked token", revoked, ownMilestone, false},
	} {
		if got := tc.t.MayChangeMilestone(tc.m, c); got != tc.allowed {
			t.Errorf("%s: may change = %v, want %v", tc.who, got, tc.allowed)
		}
		// The same as a liaison of the agency, wherever the token works.
		if tc.t != nil && !tc.t.Revoked() && tc.t.Has(model.ScopeMilestonesWrite) {
			liaison := &model.User{Role: model.RoleLiaison, AgencyID: &tc.t.AgencyID}
			if liaison.MayChangeMilestone(tc.m, c) != tc.allowed {
				t.Errorf("%s: the token and a liaison of its agency disagree", tc.who)
			}
		}
	}
}

func TestATokenNeedsANameAnAgencyAndKnownScopes(t *testing.T) {
	err := (&model.APIToken{Scopes: model.Strings{"everything"}}).Validate()
	fe, ok := err.(model.FieldErrors)
	if !ok || fe["name"] == "" || fe["agency"] == "" || fe["scopes"] == "" {
		t.Errorf("an empty token: %v", err)
	}
	if err := (&model.APIToken{Name: "pms", AgencyID: 1, Scopes: model.Strings{"milestones:write"}}).Validate(); err != nil {
		t.Errorf("a good token: %v", err)
	}
}

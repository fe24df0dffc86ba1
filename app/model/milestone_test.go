package model_test

import (
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestAMilestoneIsAnsweredForByItsOwnAgencyElseTheLead(t *testing.T) {
	lead, own := uint(1), uint(2)
	ndc, cec := &model.Agency{ID: lead}, &model.Agency{ID: own}
	c := &model.Commitment{LeadAgencyID: &lead, LeadAgency: ndc}
	named := &model.Milestone{AgencyID: &own, Agency: cec}
	unnamed := &model.Milestone{}
	if r := named.ResponsibleAgencyID(c); r == nil || *r != own || named.ResponsibleAgency(c) != cec {
		t.Errorf("a milestone naming an agency is answered for by %v", r)
	}
	if r := unnamed.ResponsibleAgencyID(c); r == nil || *r != lead || unnamed.ResponsibleAgency(c) != ndc {
		t.Errorf("a milestone naming no agency is answered for by %v, want the lead", r)
	}
	if r := unnamed.ResponsibleAgencyID(&model.Commitment{}); r != nil {
		t.Errorf("with no lead either, nobody is known to answer: got %v", *r)
	}
}

func TestLeavesLeaveOutParentsNotChildlessMilestones(t *testing.T) {
	one := uint(1)
	ms := []model.Milestone{{ID: 1}, {ID: 2, ParentID: &one}, {ID: 3, ParentID: &one}, {ID: 4}}
	var got []uint
	for _, m := range model.Leaves(ms) {
		got = append(got, m.ID)
	}
	if len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 4 {
		t.Errorf("leaves = %v, want [2 3 4]", got)
	}
}

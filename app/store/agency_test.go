package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// agencyMilestonesDataset is codesDataset with milestones each agency
// answers for in its own way: as the lead of a commitment, named as
// responsible where it leads, supports or does neither, named among other
// agencies (also where it answers as the lead), and as the parent of
// milestones of others.
func agencyMilestonesDataset() *model.Dataset {
	ds := codesDataset()
	m := func(ref, agency string, due string, status model.MilestoneStatus, others ...string) model.MilestoneRecord {
		r := model.MilestoneRecord{Ref: ref, Title: model.T("en", "Milestone "+ref), Agency: agency, Status: status, Weight: 1, OtherAgencies: others}
		if due != "" {
			r.Due = model.MustDate(due)
		}
		return r
	}
	done := m("2", "A", "2022-06", model.MilestoneCompleted)
	done.CompletedOn, done.StatusAsOf = model.MustDate("2022-05-20"), new(model.MustDate("2022-05-21"))
	parent := m("2", "", "2022-12", model.MilestoneInProgress)
	parent.Children = []model.MilestoneRecord{m("2.1", "C", "2022-04", model.MilestoneInProgress), m("2.2", "", "2022-11", model.MilestoneNotStarted)}
	parent.Children[1].Start = model.MustDate("2022-09")
	for i := range ds.Plans[0].Commitments {
		c := &ds.Plans[0].Commitments[i]
		switch c.Code {
		case "2-10": // led by A
			c.Milestones = []model.MilestoneRecord{m("1", "", "2022-03", model.MilestoneInProgress), parent, m("3", "B", "2022-06-30", model.MilestoneDelayed, "A", "C"),
				m("4", "", "2022-08", model.MilestoneInProgress, "A")}
		case "1-1": // led by B, supported by A
			c.Milestones = []model.MilestoneRecord{m("1", "A", "2023-01", model.MilestoneNotStarted), m("2", "", "", model.MilestoneInProgress)}
		case "3-1": // led by B alone
			c.Milestones = []model.MilestoneRecord{m("1", "C", "2022-02", model.MilestoneInProgress, "A"), done, m("3", "", "2022-07-10", model.MilestoneCancelled)}
		case "2-2": // led by no agency
			c.Milestones = []model.MilestoneRecord{m("1", "", "2022-01", model.MilestoneInProgress), m("2", "C", "2022-07", model.MilestoneNotStarted, "B")}
		}
	}
	for i := range ds.Plans[1].Commitments {
		c := &ds.Plans[1].Commitments[i]
		switch c.Code {
		case "1-1": // led by A, in a plan still being written
			c.Milestones = []model.MilestoneRecord{m("1", "", "2022-05", model.MilestoneInProgress, "B")}
		case "1-2": // led by C
			c.Milestones = []model.MilestoneRecord{m("1", "A", "2022-06", model.MilestoneNotStarted), m("2", "", "2021-12", model.MilestoneInProgress, "A")}
		}
	}
	return ds
}

// The milestones FindAgencyCommitments reads for an agency are exactly
// those it answers for, each once, and judge as the full milestones do.
func TestFindAgencyCommitmentsJudgeLikeFullMilestones(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, agencyMilestonesDataset())
	outlines, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids, planIDs []uint
	for _, o := range outlines {
		ids, planIDs = append(ids, o.ID), append(planIDs, o.PlanID)
	}
	cs, err := s.FindCommitmentsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.FindMilestones(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := s.PlanTerms(ctx, planIDs)
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2022, 7, 1, 12, 0, 0, 0, time.UTC)
	answered := 0
	for _, code := range []string{"A", "B", "C"} {
		agency, err := s.FindAgencyByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		share, err := s.FindAgencyCommitments(ctx, agency.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[uint]store.AgencyMilestone{}
		for _, am := range share.Milestones {
			if _, twice := got[am.ID]; twice {
				t.Errorf("%s: milestone %d read twice", code, am.ID)
			}
			got[am.ID] = am
		}
		for i := range cs {
			c := &cs[i]
			leaves := map[uint]bool{}
			for _, l := range model.Leaves(full[c.ID]) {
				leaves[l.ID] = true
			}
			for _, f := range full[c.ID] {
				am, read := got[f.ID]
				if !f.AnswersFor(agency.ID, c) {
					continue // if read, it is left in got
				}
				if !read {
					t.Errorf("%s answers for milestone %s of %s, which was not read", code, f.Ref, c.Ref)
					continue
				}
				delete(got, f.ID)
				answered++
				named := false
				for _, a := range f.OtherAgencies {
					named = named || a.ID == agency.ID
				}
				if am.CommitmentID != c.ID || am.PlanID != c.PlanID || am.Leaf != leaves[f.ID] || am.Named != named || am.Position != f.Position {
					t.Errorf("%s: milestone %s of %s read in commitment %d of plan %d, leaf %v, named %v, position %d; want %d, %d, %v, %v, %d",
						code, f.Ref, c.Ref, am.CommitmentID, am.PlanID, am.Leaf, am.Named, am.Position, c.ID, c.PlanID, leaves[f.ID], named, f.Position)
				}
				if !am.Leaf {
					continue
				}
				m := am.Milestone()
				if a, b := model.LeafState(plans[c.PlanID], &m, asOf), model.LeafState(plans[c.PlanID], &f, asOf); a != b {
					t.Errorf("%s: milestone %s of %s is %s as read, %s in full", code, f.Ref, c.Ref, a, b)
				}
				if a, b := m.LastProgress(), f.LastProgress(); !a.Equal(b) || am.Due != f.Due || am.Start != f.Start || am.Status != f.Status || !reflect.DeepEqual(m.AgencyID, f.AgencyID) {
					t.Errorf("%s: milestone %s of %s: last progress %v, due %v, start %v, %s, agency %d; in full %v, %v, %v, %s, %v",
						code, f.Ref, c.Ref, a, am.Due, am.Start, am.Status, am.AgencyID, b, f.Due, f.Start, f.Status, f.AgencyID)
				}
			}
		}
		for _, am := range got {
			t.Errorf("%s: milestone %d of commitment %d read, which it does not answer for", code, am.ID, am.CommitmentID)
		}
	}
	if answered != 21 {
		t.Errorf("the agencies answer for %d milestones, want 21", answered)
	}
}

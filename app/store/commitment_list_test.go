package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// taggedDataset is codesDataset with descriptions, OGP values and policy
// areas on some commitments, and milestones on one.
func taggedDataset() *model.Dataset {
	ds := codesDataset()
	cs := ds.Plans[0].Commitments
	for i := range cs {
		c := &cs[i]
		switch c.Code {
		case "2-10": // Open budgets
			c.Description = model.T("en", "Publish the Ökonomie of every budget line [draft] as open data.", "zh-TW", "公開每一筆預算資料。")
			c.Values = []model.OGPValue{model.ValueTechnology, model.ValueAccessToInformation}
			c.PolicyAreas = []string{"Fiscal Openness", "Open Data"}
			c.Milestones = []model.MilestoneRecord{
				{Ref: "1", Title: model.T("en", "Portal"), Start: model.MustDate("2022-01"), Due: model.MustDate("2022-06"), Status: model.MilestoneCompleted, CompletedOn: model.MustDate("2022-06"), Weight: 1,
					Children: []model.MilestoneRecord{{Ref: "1.1", Title: model.T("en", "Design"), Status: model.MilestoneCompleted, Weight: 2}}},
				{Ref: "2", Title: model.T("en", "Data"), Due: model.MustDate("2022-12-31"), Status: model.MilestoneInProgress, Weight: 3},
			}
		case "1-1": // Open contracting
			c.Description = model.T("en", "Contracts published in the OCDS format.")
			c.Values = []model.OGPValue{model.ValuePublicAccountability}
			c.PolicyAreas = []string{"Open Contracting"}
		}
	}
	ds.Plans[1].Commitments[0].PolicyAreas = []string{"Open Data"}
	return ds
}

func TestFindCommitmentsByTagsAndDescription(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	tests := []struct {
		name   string
		filter store.CommitmentFilter
		want   []string
	}{
		{"an OGP value", store.CommitmentFilter{Value: model.ValueAccessToInformation}, []string{"TST-1/2-10"}},
		{"a value no commitment serves", store.CommitmentFilter{Value: model.ValueCivicParticipation}, []string{}},
		{"a policy area", store.CommitmentFilter{PolicyArea: "Open Data"}, []string{"TST-1/2-10", "TST-2/1-2"}},
		{"a policy area is matched whole", store.CommitmentFilter{PolicyArea: "Open"}, []string{}},
		{"a word of the description", store.CommitmentFilter{Query: "ocds"}, []string{"TST-1/1-1"}},
		{"a word of the Chinese description", store.CommitmentFilter{Query: "每一筆"}, []string{"TST-1/2-10"}},
		{"words from title and description", store.CommitmentFilter{Query: "budgets line"}, []string{"TST-1/2-10"}},
		{"case beyond ASCII", store.CommitmentFilter{Query: "öKONOMIE"}, []string{"TST-1/2-10"}},
		{"GLOB's wildcards stand for themselves", store.CommitmentFilter{Query: "line*"}, []string{}},
		{"a bracket stands for itself", store.CommitmentFilter{Query: "[draft]"}, []string{"TST-1/2-10"}},
		{"a question mark stands for itself", store.CommitmentFilter{Query: "open?"}, []string{}},
		{"value, area and word together", store.CommitmentFilter{Value: model.ValueTechnology, PolicyArea: "Open Data", Query: "budget"}, []string{"TST-1/2-10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := s.FindCommitmentOutlines(ctx, tt.filter, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(cs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindCommitmentOutlinesReadOnlyWhatAListNeeds(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	plan1, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{PlanID: plan1.ID}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(cs); !reflect.DeepEqual(got, []string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-2", "TST-1/2-10", "TST-1/3-1", "TST-1/10-1"}) {
		t.Fatalf("outlines %v", got)
	}
	c := cs[0]
	if c.ID == 0 || c.PlanID != plan1.ID || c.Code != "1-1" || c.Title["en"] != "Open contracting" || c.UpdatedAt.IsZero() {
		t.Errorf("outline lacks what a list needs: %+v", c)
	}
	if !c.Description.IsEmpty() || c.Values != nil || c.LeadAgencyID != nil {
		t.Errorf("outline reads more than a list needs: %+v", c)
	}
	untitled, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{PlanID: plan1.ID}, false)
	if err != nil || len(untitled) != 6 || untitled[0].Title != nil {
		t.Errorf("without titles: %d outlines, first title %v, %v", len(untitled), untitled[0].Title, err)
	}

	// The page shown is loaded in full, in the order asked for.
	ids := []uint{cs[3].ID, cs[0].ID, 99999}
	full, err := s.FindCommitmentsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(full); !reflect.DeepEqual(got, []string{"TST-1/2-10", "TST-1/1-1"}) {
		t.Errorf("FindCommitmentsByID: %v", got)
	}
	if full[1].Plan == nil || full[1].Theme == nil || full[1].LeadAgency == nil || full[1].LeadAgency.Code != "B" {
		t.Errorf("full rows lack plan, theme or lead: %+v", full[1])
	}

	n, err := s.CountCommitments(ctx, plan1.ID)
	if err != nil || n != 6 {
		t.Errorf("CountCommitments(TST-1) = %d, %v; want 6", n, err)
	}
	if n, err := s.CountCommitments(ctx, 0); err != nil || n != 8 {
		t.Errorf("CountCommitments(all) = %d, %v; want 8", n, err)
	}
}

// The slim milestones assess exactly as the full ones do.
func TestFindMilestoneSchedulesAssessLikeFullMilestones(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	mustImport(t, s, demoDataset(t))
	cs, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]uint, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	slim, err := s.FindMilestoneSchedules(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.FindMilestones(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(slim) != len(full) || len(slim) < 5 {
		t.Fatalf("milestones of %d commitments, want %d", len(slim), len(full))
	}
	asOf := time.Date(2022, 7, 1, 12, 0, 0, 0, time.UTC)
	for i := range cs {
		c := &cs[i]
		if len(slim[c.ID]) != len(full[c.ID]) {
			t.Errorf("%s: %d slim milestones, %d full", c.Ref, len(slim[c.ID]), len(full[c.ID]))
			continue
		}
		a, b := model.Assess(c, slim[c.ID], asOf), model.Assess(c, full[c.ID], asOf)
		if a.Percent() != b.Percent() || a.State != b.State || !a.LastUpdate.Equal(b.LastUpdate) || !reflect.DeepEqual(a.Milestones, b.Milestones) {
			t.Errorf("%s: slim %+v, full %+v", c.Ref, a, b)
		}
	}
	// 2-10: its parent milestone (done) weighs 1, the open one 3.
	budgets := cs[3]
	if a := model.Assess(&budgets, slim[budgets.ID], asOf); budgets.Ref != "TST-1/2-10" || a.Percent() != 25 {
		t.Errorf("%s: progress %d%%, want 25%%", budgets.Ref, a.Percent())
	}
	if none, err := s.FindMilestoneSchedules(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no commitments: %v, %v", none, err)
	}
}

func TestFindCommitmentAgenciesAndTags(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	mustImport(t, s, demoDataset(t))
	plan1, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	codesOf := func(as []model.Agency) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.Code)
		}
		return out
	}
	// TST-1: A leads and supports, B leads, C supports.
	as, err := s.FindCommitmentAgencies(ctx, plan1.ID, 0)
	if err != nil || !reflect.DeepEqual(codesOf(as), []string{"A", "B", "C"}) {
		t.Errorf("agencies of TST-1: %v, %v", codesOf(as), err)
	}
	ndc, err := s.FindAgencyByCode(ctx, "NDC")
	if err != nil {
		t.Fatal(err)
	}
	as, err = s.FindCommitmentAgencies(ctx, plan1.ID, ndc.ID)
	if err != nil || !reflect.DeepEqual(codesOf(as), []string{"A", "B", "C", "NDC"}) {
		t.Errorf("agencies of TST-1 and NDC: %v, %v", codesOf(as), err)
	}
	if as[0].Name["en"] != "Agency A" {
		t.Errorf("agency name not read: %+v", as[0])
	}
	all, err := s.FindCommitmentAgencies(ctx, 0, 0)
	if err != nil || len(all) != 3+11 { // and every demo agency but the Executive Yuan itself
		t.Errorf("agencies of every plan: %d %v, %v", len(all), codesOf(all), err)
	}

	values, areas, err := s.FindCommitmentTags(ctx, plan1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []model.OGPValue{model.ValueAccessToInformation, model.ValuePublicAccountability, model.ValueTechnology}; !reflect.DeepEqual(values, want) {
		t.Errorf("values of TST-1: %v, want %v", values, want)
	}
	if want := []string{"Fiscal Openness", "Open Contracting", "Open Data"}; !reflect.DeepEqual(areas, want) {
		t.Errorf("areas of TST-1: %v, want %v", areas, want)
	}
	twn, err := s.FindPlanByRef(ctx, "TWN-1")
	if err != nil {
		t.Fatal(err)
	}
	if values, areas, err := s.FindCommitmentTags(ctx, twn.ID); err != nil || values != nil || areas != nil {
		t.Errorf("the demo plan has no tags: %v %v %v", values, areas, err)
	}
	if _, areas, err := s.FindCommitmentTags(ctx, 0); err != nil || len(areas) != 3 {
		t.Errorf("areas of every plan: %v, %v", areas, err)
	}
}

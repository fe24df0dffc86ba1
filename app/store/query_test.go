package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// codesDataset has codes that sort wrongly as plain text ("2-10" before
// "2-2", "10-1" before "2-1") and agencies that lead and support.
func codesDataset() *model.Dataset {
	c := func(plan, code string, theme int, en, zh, lead string, supporting ...string) model.CommitmentRecord {
		return model.CommitmentRecord{Ref: plan + "/" + code, Code: code, Theme: theme, Title: model.T("en", en, "zh-TW", zh),
			LeadAgency: lead, SupportingAgencies: supporting}
	}
	themes := []model.ThemeRecord{{Number: 1, Name: model.T("en", "Data")}, {Number: 2, Name: model.T("en", "Budgets")}, {Number: 3, Name: model.T("en", "Integrity")}}
	return &model.Dataset{Format: model.DatasetFormat,
		Agencies: []model.AgencyRecord{{Code: "A", Name: model.T("en", "Agency A")}, {Code: "B", Name: model.T("en", "Agency B")}, {Code: "C", Name: model.T("en", "Agency C")}},
		Plans: []model.PlanRecord{
			{Ref: "TST-1", Jurisdiction: model.T("en", "Testland"), JurisdictionCode: "TST", Number: 1, Title: model.T("en", "First plan"),
				Status: model.PlanImplementation, Themes: themes, Commitments: []model.CommitmentRecord{
					c("TST-1", "2-10", 2, "Open budgets", "開放預算", "A"),
					c("TST-1", "1-1", 1, "Open contracting", "開放採購", "B", "A"),
					c("TST-1", "2-2", 2, "Public hearings", "公聽會", ""),
					c("TST-1", "3-1", 3, "Lobbying register", "遊說登記", "B"),
					c("TST-1", "2-1", 2, "Budget hearings on 100% of spending", "預算聽證", "", "A", "C"),
					c("TST-1", "10-1", 3, "Open parliament", "開放國會", ""),
				}},
			{Ref: "TST-2", Jurisdiction: model.T("en", "Testland"), JurisdictionCode: "TST", Number: 2, Title: model.T("en", "Second plan"),
				Status: model.PlanCoCreation, Themes: themes[:1], Commitments: []model.CommitmentRecord{
					c("TST-2", "1-2", 1, "Open data standards", "資料標準", "C"),
					c("TST-2", "1-1", 1, "Budget data", "預算資料", "A"),
				}},
		},
	}
}

func codes(cs []model.Commitment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Ref
	}
	return out
}

func TestFindCommitments(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, codesDataset())
	plan1, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	themes, err := s.FindThemes(ctx, plan1.ID)
	if err != nil || len(themes) != 3 {
		t.Fatalf("themes of TST-1: %v, %v", themes, err)
	}
	agencyA, err := s.FindAgencyByCode(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		filter    store.CommitmentFilter
		want      []string
		wantTotal int64
	}{
		{"everything, plan by plan, in natural code order", store.CommitmentFilter{},
			[]string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-2", "TST-1/2-10", "TST-1/3-1", "TST-1/10-1", "TST-2/1-1", "TST-2/1-2"}, 8},
		{"one plan", store.CommitmentFilter{PlanID: plan1.ID},
			[]string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-2", "TST-1/2-10", "TST-1/3-1", "TST-1/10-1"}, 6},
		{"one theme", store.CommitmentFilter{ThemeID: themes[1].ID}, []string{"TST-1/2-1", "TST-1/2-2", "TST-1/2-10"}, 3},
		{"an agency, leading or supporting", store.CommitmentFilter{AgencyID: agencyA.ID},
			[]string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-10", "TST-2/1-1"}, 4},
		{"an agency in one plan", store.CommitmentFilter{AgencyID: agencyA.ID, PlanID: plan1.ID},
			[]string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-10"}, 3},
		{"a word of the title, any case", store.CommitmentFilter{Query: "BUDGET"}, []string{"TST-1/2-1", "TST-1/2-10", "TST-2/1-1"}, 3},
		{"every word must match", store.CommitmentFilter{Query: "open budgets"}, []string{"TST-1/2-10"}, 1},
		{"a word of the Chinese title", store.CommitmentFilter{Query: "開放"}, []string{"TST-1/1-1", "TST-1/2-10", "TST-1/10-1"}, 3},
		{"a code", store.CommitmentFilter{Query: "2-1", PlanID: plan1.ID}, []string{"TST-1/2-1", "TST-1/2-10"}, 2},
		{"a percent sign is not a wildcard", store.CommitmentFilter{Query: "100%"}, []string{"TST-1/2-1"}, 1},
		{"an underscore is not a wildcard", store.CommitmentFilter{Query: "open_budgets"}, []string{}, 0},
		{"language tags are not words of the title", store.CommitmentFilter{Query: "zh-tw"}, []string{}, 0},
		{"a theme and a word", store.CommitmentFilter{ThemeID: themes[1].ID, Query: "hearings"}, []string{"TST-1/2-1", "TST-1/2-2"}, 2},
		{"first page", store.CommitmentFilter{PlanID: plan1.ID, Limit: 4}, []string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-2", "TST-1/2-10"}, 6},
		{"second page", store.CommitmentFilter{PlanID: plan1.ID, Limit: 4, Offset: 4}, []string{"TST-1/3-1", "TST-1/10-1"}, 6},
		{"past the last page", store.CommitmentFilter{PlanID: plan1.ID, Limit: 4, Offset: 8}, []string{}, 6},
		{"a page of a filtered list", store.CommitmentFilter{AgencyID: agencyA.ID, Limit: 2, Offset: 1}, []string{"TST-1/2-1", "TST-1/2-10"}, 4},
		{"nothing matches", store.CommitmentFilter{PlanID: 999}, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, total, err := s.FindCommitments(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(cs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if total != tt.wantTotal {
				t.Errorf("total %d, want %d", total, tt.wantTotal)
			}
		})
	}
}

func TestFindCommitmentsLoadsWhatTheListShows(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, codesDataset())
	cs, _, err := s.FindCommitments(ctx, store.CommitmentFilter{Query: "contracting"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("got %v, %v", cs, err)
	}
	c := cs[0]
	if c.Plan == nil || c.Plan.Ref != "TST-1" || c.Theme == nil || c.Theme.Number != 1 || c.LeadAgency == nil || c.LeadAgency.Code != "B" {
		t.Errorf("%s: plan %v, theme %v, lead %v; want TST-1, theme 1, lead B", c.Ref, c.Plan, c.Theme, c.LeadAgency)
	}

	full, err := s.FindCommitmentByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.SupportingAgencies) != 1 || full.SupportingAgencies[0].Code != "A" {
		t.Errorf("supporting agencies %v, want A", full.SupportingAgencies)
	}
	if _, err := s.FindCommitmentByID(ctx, 9999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("FindCommitmentByID(9999): %v, want ErrNotFound", err)
	}
}

func TestFindMilestones(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	ids := map[string]uint{}
	for _, ref := range []string{"TWN-1/1-1", "TWN-1/1-2", "TWN-1/2-1", "TWN-1/4-1"} {
		ids[ref] = findCommitment(t, s, ref).ID
	}
	got, err := s.FindMilestones(ctx, []uint{ids["TWN-1/1-1"], ids["TWN-1/1-2"], ids["TWN-1/2-1"], ids["TWN-1/4-1"]})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"TWN-1/1-1": {"1", "2", "3"},
		"TWN-1/1-2": nil, // the source lists none
		"TWN-1/2-1": {"1", "2", "3", "4", "5"},
		"TWN-1/4-1": {"1", "2", "3", "4", "5", "6"},
	}
	for ref, wantRefs := range want {
		var refs []string
		for _, m := range got[ids[ref]] {
			refs = append(refs, m.Ref)
			if m.CommitmentID != ids[ref] {
				t.Errorf("%s milestone %s belongs to commitment %d", ref, m.Ref, m.CommitmentID)
			}
		}
		if !reflect.DeepEqual(refs, wantRefs) {
			t.Errorf("%s: milestones %v, want %v", ref, refs, wantRefs)
		}
	}
	if len(got) != 3 {
		t.Errorf("milestones for %d commitments, want 3 (1-2 has none)", len(got))
	}
	if none, err := s.FindMilestones(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("FindMilestones(nil) = %v, %v", none, err)
	}
}

func TestFindHomePlan(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	if _, err := s.FindHomePlan(ctx); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("empty database: %v, want ErrNotFound", err)
	}
	mustImport(t, s, demoDataset(t))
	want := func(ref string) {
		t.Helper()
		p, err := s.FindHomePlan(ctx)
		if err != nil || p.Ref != ref {
			t.Errorf("home plan %v, %v; want %s", p, err, ref)
		}
	}
	want("TWN-1")

	// Another member's plans, with higher numbers, do not take over.
	mustImport(t, s, codesDataset())
	want("TWN-1")
	plans, err := s.ListPlans(ctx)
	if err != nil || len(plans) != 3 {
		t.Fatalf("ListPlans: %d plans, %v; want 3", len(plans), err)
	}

	// The member's own next plan does.
	next := demoDataset(t)
	next.Plans[0].Ref, next.Plans[0].Number = "TWN-2", 2
	for i := range next.Plans[0].Commitments {
		next.Plans[0].Commitments[i].Ref = "TWN-2/" + next.Plans[0].Commitments[i].Code
	}
	mustImport(t, s, next)
	want("TWN-2")

	// An administrator's choice overrides the default, which comes back
	// when the choice is taken away; a plan that is not there is refused.
	first, err := s.FindPlanByRef(ctx, "TWN-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetHomePlan(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	want("TWN-1")
	if err := s.SetHomePlan(ctx, 999999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an unknown home plan: %v", err)
	}
	want("TWN-1")
	if err := s.SetHomePlan(ctx, 0); err != nil {
		t.Fatal(err)
	}
	want("TWN-2")
}

func TestFindActiveContacts(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	ndc, err := s.FindAgencyByCode(ctx, "NDC")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		day  string
		want []string // liaisons first
	}{
		{"2020-12-31", nil},
		{"2022-01-01", []string{"demo-ndc-liaison-2021", "demo-ndc-deputy"}},
		{"2022-06-30", []string{"demo-ndc-liaison-2021", "demo-ndc-deputy"}},
		{"2022-07-01", []string{"demo-ndc-liaison", "demo-ndc-deputy"}},
		{"2023-01-01", []string{"demo-ndc-liaison", "demo-ndc-deputy"}},
	}
	for _, tt := range tests {
		cs, err := s.FindActiveContacts(ctx, ndc.ID, model.MustDate(tt.day))
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, c := range cs {
			refs = append(refs, c.Ref)
		}
		if !reflect.DeepEqual(refs, tt.want) {
			t.Errorf("on %s: %v, want %v", tt.day, refs, tt.want)
		}
	}
}

func TestFindByIdentifierNotFound(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	for name, err := range map[string]error{
		"plan by id":    second(s.FindPlanByID(ctx, 1)),
		"plan by ref":   second(s.FindPlanByRef(ctx, "TWN-1")),
		"agency by id":  second(s.FindAgencyByID(ctx, 1)),
		"agency by ref": second(s.FindAgencyByCode(ctx, "NDC")),
	} {
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s in an empty database: %v, want ErrNotFound", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

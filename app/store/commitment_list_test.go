package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
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
			c.Description = model.T("en", "Publish the Ökonomie of every budget line [draft] as \"open data\" & <more>.", "zh-TW", "公開每一筆預算資料。")
			c.Values = []model.OGPValue{model.ValueTechnology, model.ValueAccessToInformation}
			c.PolicyAreas = []string{"Fiscal Openness", "Open Data"}
			c.Milestones = []model.MilestoneRecord{
				{Ref: "1", Title: model.T("en", "Portal"), Start: model.MustDate("2022-01"), Due: model.MustDate("2022-06"), Status: model.MilestoneCompleted, CompletedOn: model.MustDate("2022-06"), Weight: 1,
					Children: []model.MilestoneRecord{{Ref: "1.1", Title: model.T("en", "Design"), Status: model.MilestoneCompleted, Weight: 2}}},
				{Ref: "2", Title: model.T("en", "Data"), Due: model.MustDate("2022-12-31"), Status: model.MilestoneInProgress, Weight: 3, Agency: "C"},
			}
		case "1-1": // Open contracting
			c.Description = model.T("en", "Contracts published in the OCDS format.")
			c.Values = []model.OGPValue{model.ValuePublicAccountability}
			c.PolicyAreas = []string{"Open Contracting"}
		}
	}
	ds.Plans[1].Commitments[0].PolicyAreas = []string{"Open Data"}
	// A code and reference with spaces and colons, as imported data may have.
	ds.Plans[1].Commitments = append(ds.Plans[1].Commitments, model.CommitmentRecord{Ref: "TST-2/1-3 bis: 2", Code: "1-3 bis: 2", Theme: 1,
		Title: model.T("en", "Budget: 12 lines", "zh-TW", "預算 12 項"), Start: model.MustDate("2022-03-15"), End: model.MustDate("2023-06")})
	return ds
}

func TestFindCommitmentsByTagsAndDescription(t *testing.T) {
	t.Parallel()
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
		{"more words than a search reads at once", store.CommitmentFilter{Query: "open budgets every line draft more 預算"}, []string{"TST-1/2-10"}},
		{"one word of many in none", store.CommitmentFilter{Query: "open budgets every line draft more contracting"}, []string{}},
		{"case beyond ASCII", store.CommitmentFilter{Query: "öKONOMIE"}, []string{"TST-1/2-10"}},
		{"an asterisk stands for itself", store.CommitmentFilter{Query: "line*"}, []string{}},
		{"a bracket stands for itself", store.CommitmentFilter{Query: "[draft]"}, []string{"TST-1/2-10"}},
		{"a question mark stands for itself", store.CommitmentFilter{Query: "open?"}, []string{}},
		{"wildcards stand for themselves beyond ASCII too", store.CommitmentFilter{Query: "ökonomi?"}, []string{}},
		{"characters JSON escapes", store.CommitmentFilter{Query: `"OPEN & <more>`}, []string{"TST-1/2-10"}},
		{"value, area and word together", store.CommitmentFilter{Value: model.ValueTechnology, PolicyArea: "Open Data", Query: "budget"}, []string{"TST-1/2-10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := s.FindCommitmentOutlines(ctx, tt.filter, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := refs(cs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// The same within a transaction, whose one connection reads
			// the lists of several words one after another.
			err = s.Transaction(ctx, func(tx *store.Store) error {
				cs, err := tx.FindCommitmentOutlines(ctx, tt.filter, false)
				if got := refs(cs); err == nil && !reflect.DeepEqual(got, tt.want) {
					t.Errorf("within a transaction: got %v, want %v", got, tt.want)
				}
				return err
			})
			if err != nil {
				t.Errorf("within a transaction: %v", err)
			}
		})
	}
}

func refs(os []*store.CommitmentOutline) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, o.Ref)
	}
	return out
}

func TestFindCommitmentOutlinesReadOnlyWhatAListNeeds(t *testing.T) {
	t.Parallel()
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
	if got := refs(cs); !reflect.DeepEqual(got, []string{"TST-1/1-1", "TST-1/2-1", "TST-1/2-2", "TST-1/2-10", "TST-1/3-1", "TST-1/10-1"}) {
		t.Fatalf("outlines %v", got)
	}
	c := cs[0]
	if c.ID == 0 || c.PlanID != plan1.ID || c.Code != "1-1" || c.Title["en"] != "Open contracting" || c.UpdatedAt.IsZero() {
		t.Errorf("outline lacks what a list needs: %+v", c)
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
	if n, err := s.CountCommitments(ctx, 0); err != nil || n != 9 {
		t.Errorf("CountCommitments(all) = %d, %v; want 9", n, err)
	}
	plan2, err := s.FindPlanByRef(ctx, "TST-2")
	if err != nil {
		t.Fatal(err)
	}
	cs, err = s.FindCommitmentOutlines(ctx, store.CommitmentFilter{PlanID: plan2.ID}, true)
	if err != nil || len(cs) != 3 {
		t.Fatalf("outlines of TST-2: %v, %v", cs, err)
	}
	if c := cs[2]; c.Code != "1-3 bis: 2" || c.Ref != "TST-2/1-3 bis: 2" || c.Title["zh-TW"] != "預算 12 項" ||
		c.Start != model.MustDate("2022-03-15") || c.End != model.MustDate("2023-06") {
		t.Errorf("an odd code: %+v", c)
	}
}

// The slim milestones assess exactly as the full ones do.
func TestFindMilestoneSchedulesAssessLikeFullMilestones(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	mustImport(t, s, demoDataset(t))
	cs, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	ids, inPlans := make([]uint, len(cs)), make([]store.CommitmentInPlan, len(cs))
	for i, c := range cs {
		ids[i], inPlans[i] = c.ID, store.CommitmentInPlan{ID: c.ID, PlanID: c.PlanID}
	}
	slim, err := s.FindMilestoneSchedules(ctx, inPlans)
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
	fullCs, err := s.FindCommitmentsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fullCs {
		if o := cs[i]; o.ID != f.ID || o.PlanID != f.PlanID || o.Code != f.Code || o.Start != f.Start || o.End != f.End || !o.UpdatedAt.Equal(f.UpdatedAt) {
			t.Errorf("outline %+v of %s: start %v, end %v, updated %v", o, f.Ref, f.Start, f.End, f.UpdatedAt)
		}
	}
	asOf := time.Date(2022, 7, 1, 12, 0, 0, 0, time.UTC)
	for i := range cs {
		c := new(cs[i].Commitment())
		if len(slim[c.ID]) != len(full[c.ID]) {
			t.Errorf("%s: %d slim milestones, %d full", c.Ref, len(slim[c.ID]), len(full[c.ID]))
			continue
		}
		for j, m := range slim[c.ID] {
			f := full[c.ID][j]
			if m.ID != f.ID || m.Position != f.Position || !reflect.DeepEqual(m.AgencyID, f.AgencyID) {
				t.Errorf("%s: slim milestone %d is %d (position %d, agency %v), full %d (position %d, agency %v)",
					c.Ref, j, m.ID, m.Position, m.AgencyID, f.ID, f.Position, f.AgencyID)
			}
		}
		a, b := model.Assess(nil, c, slim[c.ID], asOf), model.Assess(nil, c, full[c.ID], asOf)
		if a.Percent() != b.Percent() || a.State != b.State || !a.LastUpdate.Equal(b.LastUpdate) || !reflect.DeepEqual(a.Milestones, b.Milestones) {
			t.Errorf("%s: slim %+v, full %+v", c.Ref, a, b)
		}
	}
	// 2-10: its parent milestone (done) weighs 1, the open one 3.
	budgets := cs[3].Commitment()
	if a := model.Assess(nil, &budgets, slim[budgets.ID], asOf); budgets.Ref != "TST-1/2-10" || a.Percent() != 25 {
		t.Errorf("%s: progress %d%%, want 25%%", budgets.Ref, a.Percent())
	}
	if none, err := s.FindMilestoneSchedules(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no commitments: %v, %v", none, err)
	}
}

// A watchlist judges milestones on their schedules and reads in full only
// those it shows, with their agencies.
func TestFindMilestonesAndAgenciesByID(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	budgets, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{Query: "budgets"}, false)
	if err != nil || len(budgets) != 1 {
		t.Fatalf("open budgets: %v, %v", budgets, err)
	}
	schedules, err := s.FindMilestoneSchedules(ctx, []store.CommitmentInPlan{{ID: budgets[0].ID, PlanID: budgets[0].PlanID}})
	if err != nil {
		t.Fatal(err)
	}
	data := schedules[budgets[0].ID][2]
	if data.AgencyID == nil {
		t.Fatalf("milestone %d: no agency in its schedule", data.ID)
	}
	full, err := s.FindMilestonesByID(ctx, []uint{data.ID, 999999})
	if err != nil || len(full) != 1 || full[data.ID].Title.String() != "Data" || full[data.ID].Ref != "2" {
		t.Errorf("milestone %d in full: %v, %v", data.ID, full, err)
	}
	agencies, err := s.FindAgenciesByID(ctx, []uint{*data.AgencyID, 999999})
	if a := agencies[*data.AgencyID]; err != nil || len(agencies) != 1 || a.Code != "C" {
		t.Errorf("agency %d: %v, %v", *data.AgencyID, agencies, err)
	}
	if none, err := s.FindAgenciesByID(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no agencies: %v, %v", none, err)
	}
}

// Tables of commitments read the commitments of a plan or theme in the
// order FindCommitments gives, with what they show.
func TestFindCommitmentSummariesAsFindCommitments(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	mustImport(t, s, demoDataset(t))
	plan, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	themes, err := s.FindThemes(ctx, plan.ID)
	if err != nil || len(themes) == 0 {
		t.Fatalf("themes: %v, %v", themes, err)
	}
	for _, f := range []store.CommitmentFilter{{PlanID: plan.ID}, {PlanID: plan.ID, ThemeID: themes[0].ID}, {Query: "budget"}} {
		full, _, err := s.FindCommitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		slim, err := s.FindCommitmentSummaries(ctx, f)
		if err != nil || len(slim) != len(full) || len(slim) == 0 {
			t.Fatalf("%+v: %d summaries, %d commitments, %v", f, len(slim), len(full), err)
		}
		for i, c := range full {
			m := slim[i]
			if m.ID != c.ID || m.Ref != c.Ref || m.PlanID != c.PlanID || !reflect.DeepEqual(m.ThemeID, c.ThemeID) || m.Code != c.Code ||
				!reflect.DeepEqual(m.Title, c.Title) || !reflect.DeepEqual(m.LeadAgency, c.LeadAgency) ||
				m.Start != c.Start || m.End != c.End || !m.UpdatedAt.Equal(c.UpdatedAt) {
				t.Errorf("%+v: summary %d is %+v, want %+v", f, i, m, c)
			}
		}
	}
}

func TestFindCommitmentAgenciesAndTags(t *testing.T) {
	t.Parallel()
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
	as, err := s.FindCommitmentAgencies(ctx, []uint{plan1.ID}, 0)
	if err != nil || !reflect.DeepEqual(codesOf(as), []string{"A", "B", "C"}) {
		t.Errorf("agencies of TST-1: %v, %v", codesOf(as), err)
	}
	ndc, err := s.FindAgencyByCode(ctx, "NDC")
	if err != nil {
		t.Fatal(err)
	}
	as, err = s.FindCommitmentAgencies(ctx, []uint{plan1.ID}, ndc.ID)
	if err != nil || !reflect.DeepEqual(codesOf(as), []string{"A", "B", "C", "NDC"}) {
		t.Errorf("agencies of TST-1 and NDC: %v, %v", codesOf(as), err)
	}
	twn, err := s.FindPlanByRef(ctx, "TWN-1")
	if err != nil {
		t.Fatal(err)
	}
	if both, err := s.FindCommitmentAgencies(ctx, []uint{plan1.ID, twn.ID}, 0); err != nil || len(both) != 3+11 {
		t.Errorf("agencies of TST-1 and TWN-1: %v, %v", codesOf(both), err)
	}
	if as[0].Name["en"] != "Agency A" {
		t.Errorf("agency name not read: %+v", as[0])
	}
	all, err := s.FindCommitmentAgencies(ctx, nil, 0)
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
	if values, areas, err := s.FindCommitmentTags(ctx, twn.ID); err != nil || values != nil || areas != nil {
		t.Errorf("the demo plan has no tags: %v %v %v", values, areas, err)
	}
	if _, areas, err := s.FindCommitmentTags(ctx, 0); err != nil || len(areas) != 3 {
		t.Errorf("areas of every plan: %v, %v", areas, err)
	}
}

// What the list keeps between requests is let go as soon as anything is
// committed, by this store or by another process on the same database.
func TestListAnswersFollowEveryChange(t *testing.T) {
	t.Parallel()
	path := testdb.NewURL(t, "kept.db")
	open := func() *store.Store {
		// Another process's change is seen at once, not within the usual
		// moments: the test looks right after it.
		s, err := store.Open(path, store.Options{Now: func() time.Time { return start }, ChangesSeenWithin: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, other := open(), open()
	ds := taggedDataset()
	mustImport(t, s, ds)
	plan1, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	look := func(what string, wantOutlines int, wantStatus model.MilestoneStatus, wantAreas int) {
		t.Helper()
		cs, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{PlanID: plan1.ID}, false)
		if err != nil || len(cs) != wantOutlines {
			t.Errorf("%s: %d outlines, %v; want %d", what, len(cs), err, wantOutlines)
		}
		budgets := cs[3]
		ms, err := s.FindMilestoneSchedules(ctx, []store.CommitmentInPlan{{ID: budgets.ID, PlanID: budgets.PlanID}})
		if err != nil || len(ms[budgets.ID]) != 3 {
			t.Fatalf("%s: milestones of %s: %v, %v", what, budgets.Ref, ms, err)
		}
		var status model.MilestoneStatus
		for _, m := range ms[budgets.ID] {
			if m.ParentID == nil && m.Weight == 3 {
				status = m.Status
			}
		}
		if status != wantStatus {
			t.Errorf("%s: the open milestone of %s is %q, want %q", what, budgets.Ref, status, wantStatus)
		}
		if _, areas, err := s.FindCommitmentTags(ctx, plan1.ID); err != nil || len(areas) != wantAreas {
			t.Errorf("%s: areas %v, %v; want %d", what, areas, err, wantAreas)
		}
	}
	look("first", 6, model.MilestoneInProgress, 3)
	look("kept", 6, model.MilestoneInProgress, 3)

	// Another process completes the milestone, tags a commitment and adds one.
	cs := ds.Plans[0].Commitments
	cs[0].Milestones[1].Status, cs[0].Milestones[1].CompletedOn = model.MilestoneCompleted, model.MustDate("2022-12")
	cs[3].PolicyAreas = []string{"Lobbying"}
	ds.Plans[0].Commitments = append(cs, model.CommitmentRecord{Ref: "TST-1/9-9", Code: "9-9", Title: model.T("en", "Added")})
	if _, err := other.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	look("after another process's import", 7, model.MilestoneCompleted, 4)

	// And this store's own writes count too.
	ds.Plans[0].Commitments = ds.Plans[0].Commitments[:6]
	ds.Plans[0].Commitments[0].Milestones[1].Status, ds.Plans[0].Commitments[0].Milestones[1].CompletedOn = model.MilestoneDelayed, model.Date{}
	mustImport(t, s, ds)
	look("after its own import", 7, model.MilestoneDelayed, 4)
}

// A commitment's detail is what its page, evidence pack and API answer
// read: the commitment, its milestones in order with their agencies, the
// commitments carrying it forward, and its assessment on the day asked.
func TestFindCommitmentDetail(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ds := twoPlans()
	ds.Plans[0].Commitments[0].Milestones = []model.MilestoneRecord{
		{Ref: "1", Title: model.T("en", "Publish contracts"), Status: model.MilestoneCompleted, CompletedOn: model.MustDate("2021-03-01"),
			Due: model.MustDate("2021-03"), Weight: 1},
		{Ref: "2", Title: model.T("en", "Open the data"), Status: model.MilestoneInProgress, Due: model.MustDate("2021-12"), Weight: 3},
	}
	mustImport(t, s, ds)
	from := findCommitment(t, s, "CFL-1/1")
	for _, tc := range []struct {
		day   string
		state model.ScheduleState
	}{{"2021-06-30", model.StateOnTrack}, {"2022-01-15", model.StateOverdue}} {
		asOf := model.MustDate(tc.day).Last(time.UTC)
		d, err := s.FindCommitmentDetail(ctx, from.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if d.Commitment.Ref != "CFL-1/1" || d.Commitment.Plan == nil || len(d.Milestones) != 2 || d.Milestones[0].Ref != "1" || d.Milestones[1].Ref != "2" {
			t.Fatalf("detail %+v; want CFL-1/1 with its plan and milestones 1 and 2", d)
		}
		if len(d.CarriedTo) != 1 || d.CarriedTo[0].Ref != "CFL-2/1" {
			t.Errorf("carried to %+v, want CFL-2/1", d.CarriedTo)
		}
		if d.Assessment.State != tc.state || d.Assessment.Percent() != 25 {
			t.Errorf("on %s: %s at %d%%, want %s at 25%%", tc.day, d.Assessment.State, d.Assessment.Percent(), tc.state)
		}
	}
	if _, err := s.FindCommitmentDetail(ctx, 99999, start); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a missing commitment: %v, want model.ErrNotFound", err)
	}
}

// Milestones' schedules are kept plan by plan: after a change to one
// plan's milestone, that plan answers with the change, and every plan
// still answers with its own milestones, asked alone or with the others.
func TestMilestoneSchedulesFollowChangesPlanByPlan(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, taggedDataset())
	mustImport(t, s, demoDataset(t))
	outlines, err := s.FindCommitmentOutlines(ctx, store.CommitmentFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	var everyPlan []store.CommitmentInPlan
	byPlan := map[uint][]store.CommitmentInPlan{}
	for _, o := range outlines {
		c := store.CommitmentInPlan{ID: o.ID, PlanID: o.PlanID}
		everyPlan, byPlan[o.PlanID] = append(everyPlan, c), append(byPlan[o.PlanID], c)
	}
	if len(byPlan) < 3 {
		t.Fatalf("%d plans, want 3", len(byPlan))
	}
	// asked answers what the milestones hold in full, commitment by
	// commitment, and counts them.
	asked := func(what string, cs []store.CommitmentInPlan) int {
		t.Helper()
		ids := make([]uint, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		full, err := s.FindMilestones(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindMilestoneSchedules(ctx, cs)
		if err != nil {
			t.Fatal(err)
		}
		milestones := 0
		for _, id := range ids {
			if len(got[id]) != len(full[id]) {
				t.Errorf("%s: commitment %d has %d milestones, want %d", what, id, len(got[id]), len(full[id]))
				continue
			}
			for j, m := range got[id] {
				f := full[id][j]
				if m.ID != f.ID || m.Status != f.Status || m.CompletedOn != f.CompletedOn || m.Due != f.Due || m.Weight != f.Weight {
					t.Errorf("%s: milestone %d of commitment %d is %d %s %v %v %g, want %d %s %v %v %g", what, j, id,
						m.ID, m.Status, m.CompletedOn, m.Due, m.Weight, f.ID, f.Status, f.CompletedOn, f.Due, f.Weight)
				}
			}
			milestones += len(full[id])
		}
		return milestones
	}
	everyPlanAlone := func(what string) {
		t.Helper()
		withMilestones := 0
		for plan, cs := range byPlan {
			if asked(fmt.Sprintf("%s, plan %d alone", what, plan), cs) > 0 {
				withMilestones++
			}
		}
		if withMilestones < 2 {
			t.Errorf("%s: %d plans with milestones, want 2", what, withMilestones)
		}
	}
	budgets := findCommitment(t, s, "TST-1/2-10")
	// report gives the data milestone of open budgets a status.
	report := func(status model.MilestoneStatus, completedOn model.Date) {
		t.Helper()
		ms, err := s.FindMilestones(ctx, []uint{budgets.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[budgets.ID] {
			if m.Ref == "2" {
				if _, err := s.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: status, CompletedOn: completedOn}, model.DayOf(start)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	statusOfData := func(what string, want model.MilestoneStatus) {
		t.Helper()
		ms, err := s.FindMilestoneSchedules(ctx, []store.CommitmentInPlan{{ID: budgets.ID, PlanID: budgets.PlanID}})
		if err != nil || len(ms[budgets.ID]) != 3 {
			t.Fatalf("%s: milestones of %s: %v, %v", what, budgets.Ref, ms, err)
		}
		for _, m := range ms[budgets.ID] {
			if m.ParentID == nil && m.Weight == 3 && m.Status != want {
				t.Errorf("%s: the data milestone of %s is %q, want %q", what, budgets.Ref, m.Status, want)
			}
		}
	}

	everyPlanAlone("first")
	if asked("every plan, kept", everyPlan) == 0 {
		t.Fatal("no milestones")
	}

	// A change: its plan is asked first, alone, then with the others.
	report(model.MilestoneDelayed, model.Date{})
	statusOfData("after a change", model.MilestoneDelayed)
	asked("every plan, after a change", everyPlan)
	everyPlanAlone("after a change")

	// Another: every plan is asked at once, then each alone.
	report(model.MilestoneCompleted, model.DayOf(start))
	asked("every plan, after another change", everyPlan)
	statusOfData("after another change", model.MilestoneCompleted)
	everyPlanAlone("after another change")

	// A list over more plans than a query names (plans without commitments
	// here) reads every plan's milestones at once.
	report(model.MilestoneInProgress, model.Date{})
	many := slices.Clone(everyPlan)
	for i := range 600 {
		many = append(many, store.CommitmentInPlan{ID: uint(900000 + i), PlanID: uint(900000 + i)})
	}
	asked("more plans than a query names", many)
	statusOfData("more plans than a query names", model.MilestoneInProgress)
	everyPlanAlone("more plans than a query names")
}

// Plans' terms are kept plan by plan: a change to one plan shows on it,
// the other keeps its own, and a plan that does not exist is left out.
func TestPlanTermsFollowChangesPlanByPlan(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ds := taggedDataset()
	ds.Plans[0].End, ds.Plans[1].End = model.MustDate("2023-06"), model.MustDate("2025-12")
	mustImport(t, s, ds)
	first, err := s.FindPlanByRef(ctx, "TST-1")
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.FindPlanByRef(ctx, "TST-2")
	if err != nil {
		t.Fatal(err)
	}
	ends := func(what string, asked []uint, want map[uint]model.Date) {
		t.Helper()
		got, err := s.PlanTerms(ctx, asked)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d plans, want %d", what, len(got), len(want))
		}
		for id, end := range want {
			if p := got[id]; p == nil || p.ID != id || p.End != end {
				t.Errorf("%s: plan %d is %+v, want one ending %v", what, id, p, end)
			}
		}
	}
	ends("the first alone", []uint{first.ID}, map[uint]model.Date{first.ID: model.MustDate("2023-06")})
	ends("both and one unknown", []uint{second.ID, 999999, first.ID, second.ID},
		map[uint]model.Date{first.ID: model.MustDate("2023-06"), second.ID: model.MustDate("2025-12")})

	ds.Plans[0].End = model.MustDate("2024-06")
	mustImport(t, s, ds)
	ends("the first after a change", []uint{first.ID}, map[uint]model.Date{first.ID: model.MustDate("2024-06")})
	ends("the second after a change", []uint{second.ID}, map[uint]model.Date{second.ID: model.MustDate("2025-12")})
	ds.Plans[1].End = model.MustDate("2026-06")
	mustImport(t, s, ds)
	ends("both after another change", []uint{first.ID, second.ID},
		map[uint]model.Date{first.ID: model.MustDate("2024-06"), second.ID: model.MustDate("2026-06")})
	if none, err := s.PlanTerms(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no plans: %v, %v", none, err)
	}
}

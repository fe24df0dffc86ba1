package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

var ctx = context.Background()

// demoCounts is what the demo dataset holds.
var demoCounts = store.Counts{Plans: 1, Themes: 5, Commitments: 19, Milestones: 37, Agencies: 15, Organisations: 2, Contacts: 28}

func total(c store.Counts) int {
	return int(c.Plans + c.Themes + c.Commitments + c.Milestones + c.Agencies + c.Organisations + c.Contacts)
}

func demoDataset(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatalf("demo dataset: %v", err)
	}
	return ds
}

func mustImport(t *testing.T, s *store.Store, ds *model.Dataset) store.ImportResult {
	t.Helper()
	res, err := s.ImportDataset(ctx, ds, nil)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func mustExport(t *testing.T, s *store.Store, opts store.ExportOptions) *model.Dataset {
	t.Helper()
	ds, err := s.ExportDataset(ctx, opts)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return ds
}

func mustCount(t *testing.T, s *store.Store) store.Counts {
	t.Helper()
	c, err := s.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// updatedAts reads the last-change stamp of every stored record, keyed "table/id".
func updatedAts(t *testing.T, s *store.Store) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, table := range []string{"plans", "themes", "commitments", "milestones", "agencies", "organisations", "contacts"} {
		var rows []struct {
			ID        uint
			UpdatedAt time.Time
		}
		if err := s.DBForTest().Table(table).Select("id", "updated_at").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[fmt.Sprintf("%s/%d", table, r.ID)] = r.UpdatedAt
		}
	}
	return out
}

// changedSince lists the records whose stamp differs from before, or that are new.
func changedSince(before, after map[string]time.Time) []string {
	var keys []string
	for k, t := range after {
		if b, ok := before[k]; !ok || !b.Equal(t) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func TestImportDemo(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	var calls, lastDone, lastTotal int
	res, err := s.ImportDataset(ctx, demoDataset(t), func(done, total int) { calls, lastDone, lastTotal = calls+1, done, total })
	if err != nil {
		t.Fatal(err)
	}
	if got := mustCount(t, s); got != demoCounts {
		t.Errorf("stored %+v, want %+v", got, demoCounts)
	}
	want := store.ImportResult{Created: total(demoCounts), Plans: 1, Commitments: 19, Milestones: 37, Agencies: 15}
	if res != want {
		t.Errorf("result %+v, want %+v", res, want)
	}
	if calls != 19 || lastDone != 19 || lastTotal != 19 {
		t.Errorf("progress called %d times, last (%d, %d); want 19 times, last (19, 19)", calls, lastDone, lastTotal)
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	before := updatedAts(t, s)

	clock.Advance(24 * time.Hour)
	res := mustImport(t, s, demoDataset(t))
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != total(demoCounts) {
		t.Errorf("second import: %d created, %d updated, %d unchanged; want 0, 0, %d", res.Created, res.Updated, res.Unchanged, total(demoCounts))
	}
	if got := mustCount(t, s); got != demoCounts {
		t.Errorf("after the second import: %+v, want %+v", got, demoCounts)
	}
	if changed := changedSince(before, updatedAts(t, s)); len(changed) > 0 {
		t.Errorf("the second import touched %d records: %v", len(changed), changed)
	}
}

func TestImportUpdatesWhatChanged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(ds *model.Dataset)
		table  string // where the one changed record is
	}{
		{"a commitment's title", func(ds *model.Dataset) {
			ds.Plans[0].Commitments[2].Title = model.T("zh-TW", "新標題", "en", "A new title")
		}, "commitments"},
		{"a milestone's due date", func(ds *model.Dataset) { ds.Plans[0].Commitments[5].Milestones[1].Due = model.MustDate("2022-06") }, "milestones"},
		{"a milestone's status", func(ds *model.Dataset) {
			m := &ds.Plans[0].Commitments[0].Milestones[0]
			m.Status, m.CompletedOn = model.MilestoneCompleted, model.MustDate("2021-12-20")
		}, "milestones"},
		{"a theme's name", func(ds *model.Dataset) { ds.Plans[0].Themes[4].Name = model.T("en", "Renamed") }, "themes"},
		{"the plan's status", func(ds *model.Dataset) { ds.Plans[0].Status = model.PlanImplementation }, "plans"},
		{"an agency's parent", func(ds *model.Dataset) { agencyRecord(ds, "NDC").Parent = "" }, "agencies"},
		{"an agency's name", func(ds *model.Dataset) {
			agencyRecord(ds, "MOE").Name = model.T("en", "Ministry of Education (renamed)")
		}, "agencies"},
		{"an organisation's address", func(ds *model.Dataset) { ds.Organisations[1].URL = "https://data.example.org" }, "organisations"},
		{"a contact's last day", func(ds *model.Dataset) { ds.Contacts[0].ActiveTo = model.MustDate("2023-12-31") }, "contacts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := openTestStore(t)
			mustImport(t, s, demoDataset(t))
			before := updatedAts(t, s)

			clock.Advance(24 * time.Hour)
			ds := demoDataset(t)
			tt.change(ds)
			res := mustImport(t, s, ds)
			if res.Created != 0 || res.Updated != 1 || res.Unchanged != total(demoCounts)-1 {
				t.Errorf("%d created, %d updated, %d unchanged; want 0, 1, %d", res.Created, res.Updated, res.Unchanged, total(demoCounts)-1)
			}
			changed := changedSince(before, updatedAts(t, s))
			if len(changed) != 1 || !strings.HasPrefix(changed[0], tt.table+"/") {
				t.Fatalf("changed records %v, want one of %s", changed, tt.table)
			}
			if got := updatedAts(t, s)[changed[0]]; !got.Equal(clock.Now()) {
				t.Errorf("%s stamped %v, want the import's time %v", changed[0], got, clock.Now())
			}
			// The record of changes has one entry more: that record's update.
			recent, _, err := s.FindChanges(ctx, store.ChangeFilter{Limit: 2})
			if err != nil || !recent[0].At.Equal(clock.Now()) || recent[1].At.Equal(clock.Now()) ||
				fmt.Sprintf("%s/%d", tableOf[recent[0].Entity], recent[0].EntityID) != changed[0] || recent[0].Action != model.ChangeUpdated {
				t.Errorf("the record of changes ends with %+v (%v), want one update of %s", recent, err, changed[0])
			}
			// What was changed is what is stored.
			if got, want := jsonOf(t, sortedDataset(mustExport(t, s, store.ExportOptions{Private: true}))), jsonOf(t, sortedDataset(ds)); got != want {
				t.Errorf("the stored data is not the imported data:\n%s", firstDifference(got, want))
			}
		})
	}
}

var tableOf = map[model.Entity]string{model.EntityPlan: "plans", model.EntityTheme: "themes", model.EntityCommitment: "commitments",
	model.EntityMilestone: "milestones", model.EntityAgency: "agencies", model.EntityOrganisation: "organisations", model.EntityContact: "contacts"}

func agencyRecord(ds *model.Dataset, code string) *model.AgencyRecord {
	for i := range ds.Agencies {
		if ds.Agencies[i].Code == code {
			return &ds.Agencies[i]
		}
	}
	panic("no agency " + code)
}

func TestImportRollsBackOnAnInvalidRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		change   func(ds *model.Dataset)
		wantPath string
	}{
		{"a milestone due before it starts", func(ds *model.Dataset) {
			m := &ds.Plans[0].Commitments[5].Milestones[1]
			m.Start, m.Due = model.MustDate("2022-06"), model.MustDate("2021-12")
		}, "plans[0].commitments[5].milestones[1]"},
		{"an unknown lead agency", func(ds *model.Dataset) { ds.Plans[0].Commitments[3].LeadAgency = "NOPE" }, "plans[0].commitments[3].lead_agency"},
		{"an unknown supporting agency", func(ds *model.Dataset) {
			ds.Plans[0].Commitments[6].SupportingAgencies = []string{"MOE", "NOPE"}
		}, "plans[0].commitments[6].supporting_agencies[1]"},
		{"an unknown co-lead", func(ds *model.Dataset) { ds.Plans[0].Commitments[6].CoLeads = []string{"NOPE"} }, "plans[0].commitments[6].co_leads[0]"},
		{"an unknown theme", func(ds *model.Dataset) { ds.Plans[0].Commitments[3].Theme = 9 }, "plans[0].commitments[3].theme"},
		{"a commitment without a title", func(ds *model.Dataset) { ds.Plans[0].Commitments[18].Title = nil }, "plans[0].commitments[18]"},
		{"an unknown carried-forward commitment", func(ds *model.Dataset) {
			ds.Plans[0].Commitments[3].CarriedForwardFrom = "TWN-0/9-9"
		}, "plans[0].commitments[3].carried_forward_from"},
		{"milestones nested two levels", func(ds *model.Dataset) {
			m := &ds.Plans[0].Commitments[0].Milestones[0]
			m.Children = []model.MilestoneRecord{{Ref: "1.1", Title: model.T("en", "Child"), Status: model.MilestoneNotStarted,
				Children: []model.MilestoneRecord{{Ref: "1.1.1", Title: model.T("en", "Grandchild"), Status: model.MilestoneNotStarted}}}}
		}, "plans[0].commitments[0].milestones[0].children[0].children"},
		{"a contact with a bad email", func(ds *model.Dataset) { ds.Contacts[3].Email = "not an email" }, "contacts[3]"},
		{"an agency with an unknown parent", func(ds *model.Dataset) { agencyRecord(ds, "MOL").Parent = "NOPE" }, "agencies[7].parent"},
		{"a plan with a bad status", func(ds *model.Dataset) { ds.Plans[0].Status = "done" }, "plans[0]"},
		{"a circle of agency parents", func(ds *model.Dataset) {
			agencyRecord(ds, "MOL").Parent = "NDC"
			agencyRecord(ds, "NDC").Parent = "MOL"
		}, "agencies[3].parent"},
		{"a milestone weight of 1e308", func(ds *model.Dataset) { ds.Plans[0].Commitments[5].Milestones[0].Weight = 1e308 }, "plans[0].commitments[5].milestones[0]"},
		{"a NUL byte in a milestone title", func(ds *model.Dataset) {
			ds.Plans[0].Commitments[5].Milestones[1].Title = model.T("zh-TW", "完成\x00")
		}, "plans[0].commitments[5].milestones[1]"},
		{"a line break in a commitment ref", func(ds *model.Dataset) { ds.Plans[0].Commitments[1].Ref += "\n" }, "plans[0].commitments[1]"},
		{"a contact name in Latin-1", func(ds *model.Dataset) { ds.Contacts[2].Name = "Jos\xe9" }, "contacts[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := openTestStore(t)
			mustImport(t, s, demoDataset(t))
			before := updatedAts(t, s)
			clock.Advance(time.Hour)

			// Records before the bad one are new or changed, and must not stay.
			ds := demoDataset(t)
			ds.Agencies = append([]model.AgencyRecord{{Code: "NEW", Name: model.T("en", "New agency")}}, ds.Agencies...)
			ds.Plans[0].Commitments[0].Title = model.T("en", "Changed before the bad record")
			ds.Contacts = append(ds.Contacts, model.ContactRecord{Ref: "new-contact", Name: "New", Role: model.ContactLiaison})
			tt.change(ds)
			wantPath := tt.wantPath
			var i int
			if _, err := fmt.Sscanf(wantPath, "agencies[%d]", &i); err == nil { // shifted by the new agency
				wantPath = strings.Replace(wantPath, fmt.Sprintf("agencies[%d]", i), fmt.Sprintf("agencies[%d]", i+1), 1)
			}

			res, err := s.ImportDataset(ctx, ds, nil)
			var de *model.DatasetError
			if !errors.As(err, &de) {
				t.Fatalf("import: %v (%T), want a *model.DatasetError", err, err)
			}
			if de.Path != wantPath {
				t.Errorf("error at %q, want %q (%v)", de.Path, wantPath, err)
			}
			if res != (store.ImportResult{}) {
				t.Errorf("a failed import reports %+v", res)
			}
			if got := mustCount(t, s); got != demoCounts {
				t.Errorf("after the failed import: %+v, want %+v", got, demoCounts)
			}
			if changed := changedSince(before, updatedAts(t, s)); len(changed) > 0 {
				t.Errorf("the failed import left changes in %v", changed)
			}
			if _, err := s.FindAgencyByCode(ctx, "NEW"); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("the new agency of the failed import: %v, want ErrNotFound", err)
			}
		})
	}
}

// sortedDataset puts a dataset's lists in the order ExportDataset writes
// them, and drops the attribution, which the database does not keep.
func sortedDataset(ds *model.Dataset) *model.Dataset {
	c := *ds // the source is kept, with every plan
	c.Agencies = append([]model.AgencyRecord(nil), ds.Agencies...)
	sort.Slice(c.Agencies, func(i, j int) bool { return c.Agencies[i].Code < c.Agencies[j].Code })
	c.Organisations = append([]model.OrganisationRecord(nil), ds.Organisations...)
	sort.Slice(c.Organisations, func(i, j int) bool { return c.Organisations[i].Code < c.Organisations[j].Code })
	c.Contacts = append([]model.ContactRecord(nil), ds.Contacts...)
	sort.Slice(c.Contacts, func(i, j int) bool { return c.Contacts[i].Ref < c.Contacts[j].Ref })
	c.Plans = append([]model.PlanRecord(nil), ds.Plans...)
	sort.Slice(c.Plans, func(i, j int) bool { return c.Plans[i].Ref < c.Plans[j].Ref })
	for i := range c.Plans {
		p := &c.Plans[i]
		p.Commitments = append([]model.CommitmentRecord(nil), p.Commitments...)
		sort.Slice(p.Commitments, func(i, j int) bool { return p.Commitments[i].Ref < p.Commitments[j].Ref })
	}
	return &c
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s\ncontext (got):\n%s", i+1, g[i], w[i], strings.Join(g[lo:min(len(g), i+3)], "\n"))
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

func TestExportImportExport(t *testing.T) {
	t.Parallel()
	s1, _ := openTestStore(t)
	ds := demoDataset(t)
	mustImport(t, s1, ds)
	first := mustExport(t, s1, store.ExportOptions{Private: true})

	// The export is the demo dataset, in identifier order.
	if got, want := jsonOf(t, first), jsonOf(t, sortedDataset(ds)); got != want {
		t.Errorf("the export differs from the imported demo:\n%s", firstDifference(got, want))
	}
	if len(first.Contacts) != int(demoCounts.Contacts) {
		t.Errorf("exported %d contacts, want %d", len(first.Contacts), demoCounts.Contacts)
	}

	s2, _ := openTestStore(t)
	if res := mustImport(t, s2, first); res.Created != total(demoCounts) {
		t.Errorf("importing the export created %d records, want %d", res.Created, total(demoCounts))
	}
	second := mustExport(t, s2, store.ExportOptions{Private: true})
	if got, want := jsonOf(t, second), jsonOf(t, first); got != want {
		t.Errorf("export → import → export changed the data:\n%s", firstDifference(got, want))
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("export → import → export: datasets not deeply equal")
	}
}

func TestExportLeavesOutPrivateContactDetails(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	private := mustExport(t, s, store.ExportOptions{Private: true})
	public := mustExport(t, s, store.ExportOptions{})
	if len(public.Contacts) != len(private.Contacts) {
		t.Fatalf("public export has %d contacts, private %d; want the same people", len(public.Contacts), len(private.Contacts))
	}
	var hidden int
	for i, c := range public.Contacts {
		full := private.Contacts[i]
		if full.Email == "" {
			t.Fatalf("%s: no email even in the private export", full.Ref)
		}
		if c.Public {
			if c.Email != full.Email || c.Phone != full.Phone {
				t.Errorf("%s is public but its details were left out: %q %q", c.Ref, c.Email, c.Phone)
			}
			continue
		}
		hidden++
		if c.Email != "" || c.Phone != "" {
			t.Errorf("%s is not public but the public export shows %q %q", c.Ref, c.Email, c.Phone)
		}
		if c.Name != full.Name || c.Role != full.Role {
			t.Errorf("%s: name and role must stay: %q %q", c.Ref, c.Name, c.Role)
		}
	}
	if hidden == 0 {
		t.Error("the demo has no private contacts; the test checks nothing")
	}
}

// twoPlans is a jurisdiction's first and second plan; the second carries
// forward a commitment of the first.
func twoPlans() *model.Dataset {
	plan := func(n int, commitments ...model.CommitmentRecord) model.PlanRecord {
		return model.PlanRecord{Ref: fmt.Sprintf("CFL-%d", n), Jurisdiction: model.T("en", "Carryland"), JurisdictionCode: "CFL",
			Number: n, Title: model.T("en", fmt.Sprintf("Plan %d", n)), Status: model.PlanImplementation, Commitments: commitments}
	}
	return &model.Dataset{Format: model.DatasetFormat,
		Plans: []model.PlanRecord{
			plan(1, model.CommitmentRecord{Ref: "CFL-1/1", Code: "1", Title: model.T("en", "Open contracting")},
				model.CommitmentRecord{Ref: "CFL-1/2", Code: "2", Title: model.T("en", "Lobbying register")}),
			plan(2, model.CommitmentRecord{Ref: "CFL-2/1", Code: "1", Title: model.T("en", "Open contracting, continued"), CarriedForwardFrom: "CFL-1/1"},
				model.CommitmentRecord{Ref: "CFL-2/2", Code: "2", Title: model.T("en", "Beneficial ownership")}),
		},
	}
}

func findCommitment(t *testing.T, s *store.Store, ref string) model.Commitment {
	t.Helper()
	cs, _, err := s.FindCommitments(ctx, store.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Ref == ref {
			return c
		}
	}
	t.Fatalf("no commitment %s", ref)
	return model.Commitment{}
}

func TestCarriedForward(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	ds := twoPlans()
	mustImport(t, s, ds)

	from, to := findCommitment(t, s, "CFL-1/1"), findCommitment(t, s, "CFL-2/1")
	got, err := s.FindCarriedForward(ctx, from.ID)
	if err != nil || len(got) != 1 || got[0].Ref != "CFL-2/1" || got[0].Plan == nil || got[0].Plan.Ref != "CFL-2" {
		t.Errorf("FindCarriedForward(CFL-1/1) = %+v, %v; want CFL-2/1 of plan CFL-2", got, err)
	}
	if got, err := s.FindCarriedForward(ctx, to.ID); err != nil || len(got) != 0 {
		t.Errorf("FindCarriedForward(CFL-2/1) = %v, %v; want none", got, err)
	}
	c, err := s.FindCommitmentByID(ctx, to.ID)
	if err != nil || c.CarriedForwardFrom == nil || c.CarriedForwardFrom.Ref != "CFL-1/1" || c.CarriedForwardFrom.Plan == nil || c.CarriedForwardFrom.Plan.Ref != "CFL-1" {
		t.Errorf("FindCommitmentByID(CFL-2/1).CarriedForwardFrom = %+v, %v; want CFL-1/1 of plan CFL-1", c, err)
	}

	out := mustExport(t, s, store.ExportOptions{})
	if got := out.Plans[1].Commitments[0]; got.Ref != "CFL-2/1" || got.CarriedForwardFrom != "CFL-1/1" {
		t.Errorf("exported %s carried forward from %q, want CFL-2/1 from CFL-1/1", got.Ref, got.CarriedForwardFrom)
	}
	if got := out.Plans[0].Commitments[0]; got.CarriedForwardFrom != "" {
		t.Errorf("exported %s carried forward from %q, want nothing", got.Ref, got.CarriedForwardFrom)
	}

	// Importing again changes nothing; into a fresh database, the link holds.
	before := updatedAts(t, s)
	clock.Advance(time.Hour)
	if res := mustImport(t, s, twoPlans()); res.Created != 0 || res.Updated != 0 {
		t.Errorf("second import: %+v, want nothing created or updated", res)
	}
	if changed := changedSince(before, updatedAts(t, s)); len(changed) > 0 {
		t.Errorf("the second import touched %v", changed)
	}
	s2, _ := openTestStore(t)
	mustImport(t, s2, out)
	if got := mustExport(t, s2, store.ExportOptions{}); !reflect.DeepEqual(got, out) {
		t.Errorf("export → import → export changed the data:\n%s", firstDifference(jsonOf(t, got), jsonOf(t, out)))
	}
}

func TestChildMilestonesRoundTrip(t *testing.T) {
	t.Parallel()
	m := func(ref string, status model.MilestoneStatus, due string, children ...model.MilestoneRecord) model.MilestoneRecord {
		r := model.MilestoneRecord{Ref: ref, Title: model.T("en", "Milestone "+ref), Status: status, Due: model.MustDate(due), Weight: 1, Children: children}
		if status == model.MilestoneCompleted {
			r.CompletedOn = model.MustDate(due)
		}
		return r
	}
	ds := &model.Dataset{Format: model.DatasetFormat,
		Agencies: []model.AgencyRecord{{Code: "A", Name: model.T("en", "Agency A")}},
		Plans: []model.PlanRecord{{Ref: "KID-1", Jurisdiction: model.T("en", "Kidland"), Number: 1, Title: model.T("en", "Plan"),
			Status: model.PlanImplementation, Commitments: []model.CommitmentRecord{{Ref: "KID-1/1", Code: "1", Title: model.T("en", "Parent and children"),
				Milestones: []model.MilestoneRecord{
					m("1", model.MilestoneInProgress, "2022-12",
						m("1.1", model.MilestoneCompleted, "2022-03-31"),
						m("1.2", model.MilestoneInProgress, "2022-09")),
					m("2", model.MilestoneNotStarted, "2023-06"),
					m("3", model.MilestoneInProgress, "2023-12",
						m("3.1", model.MilestoneNotStarted, "2023-12")),
				}}}}}}
	ds.Plans[0].Commitments[0].Milestones[0].Children[1].Agency = "A"
	ds.Plans[0].Commitments[0].Milestones[2].Children[0].Weight = 2.5

	s, _ := openTestStore(t)
	mustImport(t, s, ds)
	if c := mustCount(t, s); c.Milestones != 6 {
		t.Errorf("stored %d milestones, want 6", c.Milestones)
	}
	first := mustExport(t, s, store.ExportOptions{})
	if got, want := jsonOf(t, first), jsonOf(t, sortedDataset(ds)); got != want {
		t.Errorf("the export differs from the import:\n%s", firstDifference(got, want))
	}

	// The children are stored under their parent.
	c := findCommitment(t, s, "KID-1/1")
	byCommitment, err := s.FindMilestones(ctx, []uint{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	parentRef := map[uint]string{}
	for _, m := range byCommitment[c.ID] {
		parentRef[m.ID] = m.Ref
	}
	for _, m := range byCommitment[c.ID] {
		want := ""
		if i := strings.Index(m.Ref, "."); i > 0 {
			want = m.Ref[:i]
		}
		got := ""
		if m.ParentID != nil {
			got = parentRef[*m.ParentID]
		}
		if got != want {
			t.Errorf("milestone %s stored under %q, want %q", m.Ref, got, want)
		}
	}

	s2, _ := openTestStore(t)
	mustImport(t, s2, first)
	if second := mustExport(t, s2, store.ExportOptions{}); !reflect.DeepEqual(first, second) {
		t.Errorf("export → import → export changed the data:\n%s", firstDifference(jsonOf(t, second), jsonOf(t, first)))
	}
}

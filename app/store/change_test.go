package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// importAs imports ds as the import of a file named label.
func importAs(t *testing.T, s *store.Store, label string, ds *model.Dataset) store.ImportResult {
	t.Helper()
	res, err := s.ImportDataset(model.NewContextWithActor(ctx, model.Actor{Door: model.DoorImport, Label: label}), ds, nil)
	if err != nil {
		t.Fatalf("import %s: %v", label, err)
	}
	return res
}

func mustFindChanges(t *testing.T, s *store.Store, f store.ChangeFilter) ([]model.Change, int64) {
	t.Helper()
	cs, total, err := s.FindChanges(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return cs, total
}

// fieldsOf reads a change's fields back as plain JSON values, for comparing.
func fieldsOf(t *testing.T, c model.Change) map[string]map[string]any {
	t.Helper()
	b, err := json.Marshal(c.Fields)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// decode reads a JSON literal written in a test.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func TestImportRecordsEveryCreatedRecordAndNothingOnReimport(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))

	all, n := mustFindChanges(t, s, store.ChangeFilter{})
	if int(n) != total(demoCounts) || len(all) != total(demoCounts) {
		t.Fatalf("%d changes (total %d), want one per record: %d", len(all), n, total(demoCounts))
	}
	perEntity := map[model.Entity]int{}
	for _, c := range all {
		perEntity[c.Entity]++
		if c.Action != model.ChangeCreated || c.Door != model.DoorImport || c.Actor != "demo plan" || !c.At.Equal(start) || c.UserID != nil {
			t.Errorf("%s %s: %s through %q by %q at %v, want created through import by the demo plan at %v",
				c.Entity, c.Ref, c.Action, c.Door, c.Actor, c.At, start)
		}
		if len(c.Fields) == 0 {
			t.Errorf("%s %s: created with no field values", c.Entity, c.Ref)
		}
	}
	want := map[model.Entity]int{model.EntityPlan: 1, model.EntityTheme: 5, model.EntityCommitment: 19, model.EntityMilestone: 37,
		model.EntityAgency: int(demoCounts.Agencies), model.EntityOrganisation: int(demoCounts.Organisations), model.EntityContact: int(demoCounts.Contacts)}
	if !reflect.DeepEqual(perEntity, want) {
		t.Errorf("changes per kind of record %v, want %v", perEntity, want)
	}

	// A commitment's history: itself and its milestones, in the order they were written.
	c := findCommitment(t, s, "TWN-1/2-1")
	history, inHistory := mustFindChanges(t, s, store.ChangeFilter{CommitmentID: c.ID})
	if inHistory != 6 || len(history) != 6 {
		t.Fatalf("commitment 2-1 has %d changes (total %d), want itself and its 5 milestones", len(history), inHistory)
	}
	if h := history[0]; h.Entity != model.EntityCommitment || h.EntityID != c.ID || h.Ref != "TWN-1/2-1" || *h.PlanID != c.PlanID {
		t.Errorf("first change of 2-1: %+v, want the commitment's own, in its plan", h)
	}
	for i, h := range history[1:] {
		if h.Entity != model.EntityMilestone || h.Ref != []string{"1", "2", "3", "4", "5"}[i] || *h.CommitmentID != c.ID {
			t.Errorf("change %d of 2-1: %s %s", i+1, h.Entity, h.Ref)
		}
	}
	created := fieldsOf(t, history[0])
	if got, want := created["lead_agency"]["after"], decode(t, `{"id": 5, "key": "CEC", "name": {"en": "Central Election Commission", "zh-TW": "中央選舉委員會"}}`); !reflect.DeepEqual(got, want) {
		t.Errorf("the lead agency of 2-1 is recorded as %v, want %v", got, want)
	}
	if _, ok := created["lead_agency"]["before"]; ok {
		t.Error("a created record has a value before")
	}
	if _, ok := created["plan"]; ok {
		t.Error("the plan of a created commitment is recorded as a field; it is the change's own column")
	}

	clock.Advance(24 * time.Hour)
	if res := importAs(t, s, "demo plan again", demoDataset(t)); res.Updated != 0 || res.Created != 0 {
		t.Fatalf("second import: %+v", res)
	}
	if _, again := mustFindChanges(t, s, store.ChangeFilter{}); again != n {
		t.Errorf("importing the same data again recorded %d changes", again-n)
	}
}

func TestImportRecordsExactlyTheChangedFieldsBeforeAndAfter(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	_, before := mustFindChanges(t, s, store.ChangeFilter{})

	clock.Advance(48 * time.Hour)
	ds := demoDataset(t)
	ds.Plans[0].Status = model.PlanImplementation
	c := &ds.Plans[0].Commitments[0] // 1-1, led by NDC, supported by EY-ALL
	c.Title = model.T("zh-TW", c.Title["zh-TW"], "en", "Complete the rules for opening and reusing government data")
	c.LeadAgency = "MOE"
	c.SupportingAgencies = []string{"MOI", "EY-ALL"}
	m := &c.Milestones[0]
	m.Status, m.CompletedOn = model.MilestoneCompleted, model.MustDate("2021-12-20")
	m.Evidence = model.Links{{Title: model.T("en", "Rules published"), URL: "https://example.org/rules"}}
	res := importAs(t, s, "nap1-update.json", ds)
	if res.Updated != 3 || res.Created != 0 {
		t.Errorf("%+v, want 3 updated: the plan, commitment 1-1 and its first milestone", res)
	}

	all, after := mustFindChanges(t, s, store.ChangeFilter{})
	if after-before != 3 {
		t.Fatalf("%d changes recorded, want 3", after-before)
	}
	plan, commitment, milestone := all[0], all[1], all[2] // newest first, in the order written
	for _, ch := range all[:3] {
		if ch.Action != model.ChangeUpdated || ch.Actor != "nap1-update.json" || !ch.At.Equal(clock.Now()) {
			t.Errorf("%s %s: %s by %q at %v, want updated by nap1-update.json at %v", ch.Entity, ch.Ref, ch.Action, ch.Actor, ch.At, clock.Now())
		}
	}
	tests := []struct {
		change model.Change
		entity model.Entity
		ref    string
		want   string // the fields, as JSON
	}{
		{plan, model.EntityPlan, "TWN-1", `{"status": {"before": "ended", "after": "implementation"}}`},
		{commitment, model.EntityCommitment, "TWN-1/1-1", `{
			"title": {"before": {"zh-TW": "完備政府資料開放與再利用制度"},
			          "after": {"zh-TW": "完備政府資料開放與再利用制度", "en": "Complete the rules for opening and reusing government data"}},
			"lead_agency": {"before": {"id": 4, "key": "NDC", "name": {"en": "National Development Council", "zh-TW": "國家發展委員會"}},
			                "after": {"id": 7, "key": "MOE", "name": {"en": "Ministry of Education", "zh-TW": "教育部"}}},
			"supporting_agencies": {"before": [{"id": 2, "key": "EY-ALL", "name": {"en": "Executive Yuan and its agencies", "zh-TW": "行政院及所屬各機關"}}],
			                        "after": [{"id": 2, "key": "EY-ALL", "name": {"en": "Executive Yuan and its agencies", "zh-TW": "行政院及所屬各機關"}},
			                                  {"id": 11, "key": "MOI", "name": {"en": "Ministry of the Interior", "zh-TW": "內政部"}}]}}`},
		{milestone, model.EntityMilestone, "1", `{
			"status": {"before": "not-started", "after": "completed"},
			"completed_on": {"after": "2021-12-20"},
			"evidence": {"after": [{"title": {"en": "Rules published"}, "url": "https://example.org/rules"}]}}`},
	}
	for _, tt := range tests {
		if tt.change.Entity != tt.entity || tt.change.Ref != tt.ref {
			t.Errorf("change of %s %s, want %s %s", tt.change.Entity, tt.change.Ref, tt.entity, tt.ref)
			continue
		}
		if got, want := fieldsOf(t, tt.change), decode(t, tt.want); !reflect.DeepEqual(any(toAny(t, got)), want) {
			t.Errorf("%s %s recorded\n%s\nwant\n%s", tt.entity, tt.ref, jsonOf(t, got), jsonOf(t, want))
		}
	}
}

func toAny(t *testing.T, v any) any {
	t.Helper()
	return decode(t, jsonOf(t, v))
}

func TestAChangeOnlyToSupportingAgenciesIsAnUpdateOfTheCommitment(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	clock.Advance(time.Hour)
	ds := demoDataset(t)
	ds.Plans[0].Commitments[0].SupportingAgencies = nil
	if res := importAs(t, s, "edit", ds); res.Updated != 1 || res.Unchanged != total(demoCounts)-1 {
		t.Errorf("%+v, want 1 updated", res)
	}
	cs, _ := mustFindChanges(t, s, store.ChangeFilter{Limit: 1})
	if got := fieldsOf(t, cs[0]); cs[0].Ref != "TWN-1/1-1" || len(got) != 1 || got["supporting_agencies"]["after"] != nil {
		t.Errorf("recorded %s %s %v, want 1-1's supporting agencies cleared", cs[0].Entity, cs[0].Ref, got)
	}
	// The commitment's last update is the change's time.
	c, err := s.FindCommitmentByID(ctx, findCommitment(t, s, "TWN-1/1-1").ID)
	if err != nil || !c.UpdatedAt.Equal(clock.Now()) {
		t.Errorf("1-1 last updated %v (%v), want %v", c.UpdatedAt, err, clock.Now())
	}
}

func TestCarriedForwardAndAgencyParentsAreRecordedAsReferences(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "plans", twoPlans())
	to := findCommitment(t, s, "CFL-2/1")
	cs, _ := mustFindChanges(t, s, store.ChangeFilter{CommitmentID: to.ID})
	if len(cs) != 1 {
		t.Fatalf("CFL-2/1 has %d changes, want its creation", len(cs))
	}
	if got := fieldsOf(t, cs[0])["carried_forward_from"]["after"]; !reflect.DeepEqual(got, decode(t,
		`{"id": 1, "key": "CFL-1/1", "name": {"en": "Open contracting"}}`)) {
		t.Errorf("CFL-2/1 created carried forward from %v", got)
	}

	s, clock = openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	clock.Advance(time.Hour)
	ds := demoDataset(t)
	agencyRecord(ds, "NDC").Parent = ""
	importAs(t, s, "edit", ds)
	cs, _ = mustFindChanges(t, s, store.ChangeFilter{Limit: 1})
	if cs[0].Entity != model.EntityAgency || cs[0].Ref != "NDC" || cs[0].CommitmentID != nil || cs[0].PlanID != nil {
		t.Fatalf("recorded %+v, want agency NDC, of no commitment or plan", cs[0])
	}
	if got := fieldsOf(t, cs[0]); !reflect.DeepEqual(any(toAny(t, got)), decode(t,
		`{"parent": {"before": {"id": 1, "key": "EY", "name": {"en": "Executive Yuan", "zh-TW": "行政院"}}}}`)) {
		t.Errorf("NDC's parent cleared recorded as %s", jsonOf(t, got))
	}
}

func TestAFailedImportRecordsNoChanges(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	_, before := mustFindChanges(t, s, store.ChangeFilter{})
	clock.Advance(time.Hour)

	ds := demoDataset(t)
	ds.Plans[0].Commitments[0].Title = model.T("en", "Changed before the bad record")
	ds.Plans[0].Commitments[0].Milestones[0].Evidence = model.Links{{URL: "https://example.org/ok"}}
	ds.Plans[0].Commitments[5].Milestones[1].Evidence = model.Links{{URL: "javascript:alert(1)"}}
	_, err := s.ImportDataset(ctx, ds, nil)
	var de *model.DatasetError
	if !errors.As(err, &de) || de.Path != "plans[0].commitments[5].milestones[1]" || !strings.Contains(err.Error(), "evidence[0].url") {
		t.Fatalf("import: %v, want the bad evidence link refused with its place", err)
	}
	if _, after := mustFindChanges(t, s, store.ChangeFilter{}); after != before {
		t.Errorf("the failed import left %d changes in the record", after-before)
	}
}

func TestAnImportWithoutAnActorIsRecordedAsAnUnnamedImport(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	mustImport(t, s, twoPlans())
	cs, _ := mustFindChanges(t, s, store.ChangeFilter{})
	if len(cs) == 0 || cs[0].Door != model.DoorImport || cs[0].Actor != "" {
		t.Errorf("recorded %+v, want the import door and no name", cs)
	}
}

func TestFindChangesFiltersAndCounts(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	importAs(t, s, "plans", twoPlans())
	plan, err := s.FindPlanByRef(ctx, "CFL-2")
	if err != nil {
		t.Fatal(err)
	}
	cs, inPlan := mustFindChanges(t, s, store.ChangeFilter{PlanID: plan.ID})
	if inPlan != 3 || len(cs) != 3 { // the plan and its two commitments
		t.Errorf("plan CFL-2: %d changes (total %d), want 3", len(cs), inPlan)
	}
	for _, c := range cs {
		if c.PlanID == nil || *c.PlanID != plan.ID {
			t.Errorf("%s %s is not of plan CFL-2", c.Entity, c.Ref)
		}
	}
	cs, n := mustFindChanges(t, s, store.ChangeFilter{Limit: 5})
	if len(cs) != 5 || int(n) != total(demoCounts)+6 {
		t.Errorf("limited to 5: %d changes of %d, want 5 of %d", len(cs), n, total(demoCounts)+6)
	}
	if cs, total := mustFindChanges(t, s, store.ChangeFilter{CommitmentID: 9999}); len(cs) != 0 || total != 0 {
		t.Errorf("a commitment without changes: %d of %d", len(cs), total)
	}
}

package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// inputOf is what a form that changes nothing sends for commitment c.
func inputOf(c *model.Commitment) store.CommitmentInput {
	in := store.CommitmentInput{Commitment: *c}
	if c.LeadAgency != nil {
		in.LeadAgency = c.LeadAgency.Code
	}
	for _, a := range c.SupportingAgencies {
		in.SupportingAgencies = append(in.SupportingAgencies, a.Code)
	}
	for _, o := range c.Organisations {
		if o.Role == model.RoleCoLead {
			in.CoLeads = append(in.CoLeads, o.Organisation.Code)
		} else {
			in.Partners = append(in.Partners, o.Organisation.Code)
		}
	}
	return in
}

func TestACommitmentChangedOnTheWebIsRecordedAsAnImportRecordsIt(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	clock.Advance(time.Hour)
	c, err := s.FindCommitmentByID(ctx, findCommitment(t, s, "TWN-1/1-1").ID)
	if err != nil {
		t.Fatal(err)
	}
	web := model.NewContextWithActor(ctx, model.Actor{Door: model.DoorWeb, Label: "李秘書"})

	// The same values again: nothing written, nothing recorded.
	if err := s.UpdateCommitment(web, c.ID, c.Version, inputOf(c)); err != nil {
		t.Fatal(err)
	}
	if cs, _ := mustFindChanges(t, s, store.ChangeFilter{CommitmentID: c.ID, Limit: 1}); cs[0].Door != model.DoorImport {
		t.Fatalf("an unchanged commitment was recorded: %+v", cs[0])
	}

	in := inputOf(c)
	in.SupportingAgencies = append(in.SupportingAgencies, "MOI")
	in.LeadAgency = "MOE"
	in.CoLeads = nil
	if err := s.UpdateCommitment(web, c.ID, c.Version, in); err != nil {
		t.Fatal(err)
	}
	cs, _ := mustFindChanges(t, s, store.ChangeFilter{CommitmentID: c.ID, Limit: 1})
	want := decode(t, `{
		"lead_agency": {"before": {"id": 4, "key": "NDC", "name": {"en": "National Development Council", "zh-TW": "國家發展委員會"}},
		                "after": {"id": 7, "key": "MOE", "name": {"en": "Ministry of Education", "zh-TW": "教育部"}}},
		"supporting_agencies": {"before": [{"id": 2, "key": "EY-ALL", "name": {"en": "Executive Yuan and its agencies", "zh-TW": "行政院及所屬各機關"}}],
		                        "after": [{"id": 2, "key": "EY-ALL", "name": {"en": "Executive Yuan and its agencies", "zh-TW": "行政院及所屬各機關"}},
		                                  {"id": 11, "key": "MOI", "name": {"en": "Ministry of the Interior", "zh-TW": "內政部"}}]},
		"co_leads": {"before": [{"id": 2, "key": "DEMO-OPENDATA", "name": {"en": "Demo Open Data Alliance (demo)", "zh-TW": "示範開放資料聯盟（示範）"}}]}}`)
	if got := toAny(t, fieldsOf(t, cs[0])); cs[0].Door != model.DoorWeb || cs[0].Actor != "李秘書" || cs[0].Action != model.ChangeUpdated || !reflect.DeepEqual(got, want) {
		t.Errorf("recorded %s by %q:\n%s\nwant\n%s", cs[0].Door, cs[0].Actor, jsonOf(t, got), jsonOf(t, want))
	}
	after, _ := s.FindCommitmentByID(ctx, c.ID)
	if after.Version != c.Version+1 || after.LeadAgency.Code != "MOE" || len(after.SupportingAgencies) != 2 || len(after.Organisations) != 0 {
		t.Errorf("stored: v%d, lead %v, %d supporting, %d organisations", after.Version, after.LeadAgency, len(after.SupportingAgencies), len(after.Organisations))
	}

	// A form from before the change writes nothing.
	in.Commitment.Title = model.T("en", "Stale")
	if err := s.UpdateCommitment(web, c.ID, c.Version, in); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a stale form: %v, want ErrConflict", err)
	}
	// Unknown codes are the fields' errors.
	in = inputOf(after)
	in.LeadAgency, in.Partners = "NOPE", []string{"NOPE"}
	var fe model.FieldErrors
	if err := s.UpdateCommitment(web, c.ID, after.Version, in); !errors.As(err, &fe) ||
		fe["lead_agency"] != store.MsgUnknownAgency || fe["partners"] != store.MsgUnknownOrganisation {
		t.Errorf("unknown codes: %v", err)
	}
	if again, _ := s.FindCommitmentByID(ctx, c.ID); again.Version != after.Version || again.Title["en"] == "Stale" {
		t.Errorf("a refused write changed the commitment: v%d", again.Version)
	}
}

func TestAnImportOfOnlySupportingAgenciesMakesAnOpenFormStale(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	c, err := s.FindCommitmentByID(ctx, findCommitment(t, s, "TWN-1/1-1").ID)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	ds := demoDataset(t)
	ds.Plans[0].Commitments[0].SupportingAgencies = nil
	importAs(t, s, "edit", ds)
	in := inputOf(c)
	in.Commitment.Title = model.T("en", "Changed on an open form")
	if err := s.UpdateCommitment(ctx, c.ID, c.Version, in); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a form opened before the import: %v, want ErrConflict", err)
	}
}

func TestMilestonesNestOneLevelAndComeLast(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	importAs(t, s, "demo plan", demoDataset(t))
	c := findCommitment(t, s, "TWN-1/1-1")
	ms, err := s.FindMilestones(ctx, []uint{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	first := ms[c.ID][0]
	id, err := s.CreateMilestone(ctx, c.ID, store.MilestoneInput{Milestone: model.Milestone{Ref: "9", Title: model.T("en", "Last"), Weight: 1, ParentID: &first.ID}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.FindMilestoneByID(ctx, id)
	if m.Position != len(ms[c.ID])+1 || m.Status != model.MilestoneNotStarted || m.Version != 1 {
		t.Errorf("created: position %d of %d, %s v%d", m.Position, len(ms[c.ID])+1, m.Status, m.Version)
	}
	var fe model.FieldErrors
	for name, in := range map[string]store.MilestoneInput{
		"under a child":     {Milestone: model.Milestone{Ref: "10", Title: model.T("en", "Deep"), Weight: 1, ParentID: &id}},
		"a ref used":        {Milestone: model.Milestone{Ref: first.Ref, Title: model.T("en", "Twice"), Weight: 1}},
		"an unknown agency": {Milestone: model.Milestone{Ref: "11", Title: model.T("en", "Whose"), Weight: 1}, Agency: "NOPE"},
	} {
		if _, err := s.CreateMilestone(ctx, c.ID, in); !errors.As(err, &fe) {
			t.Errorf("%s: %v, want field errors", name, err)
		}
	}
	// A parent cannot itself be given a parent.
	in := store.MilestoneInput{Milestone: first}
	in.Milestone.ParentID = &ms[c.ID][1].ID
	if err := s.UpdateMilestone(ctx, first.ID, first.Version, in); !errors.As(err, &fe) || fe["parent"] != store.MsgParentHasChildren {
		t.Errorf("a parent under another: %v", err)
	}
}

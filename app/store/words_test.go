package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// ownWords reads the fixture of a plan that reports in its own words.
func ownWords(t *testing.T) ([]byte, *model.Dataset) {
	t.Helper()
	data, err := os.ReadFile("../transfer/testdata/own_words.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := transfer.ReadJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return data, ds
}

func TestPlanInItsOwnWordsRoundTripsByteIdentical(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	data, ds := ownWords(t)
	mustImport(t, s, ds)

	var out bytes.Buffer
	if err := transfer.WriteJSON(&out, mustExport(t, s, store.ExportOptions{Private: true})); err != nil {
		t.Fatal(err)
	}
	if out.String() != string(data) {
		t.Errorf("the export differs from the file imported:\n%s", firstDifference(out.String(), string(data)))
	}

	// What is stored: the tracker's status beside the plan's key, dates
	// of their own precision with their wording, every agency, the source.
	plan, err := s.FindPlanByRef(ctx, "XX-3")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plan.Source, "Made up for the tracker's tests") || len(plan.StatusScale) != 4 {
		t.Errorf("plan source %q, scale %v", plan.Source, plan.StatusScale)
	}
	cs, _, err := s.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("commitments %v, %v", cs, err)
	}
	ms, err := s.FindMilestones(ctx, []uint{cs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status model.MilestoneStatus
		key    string
		due    string
		worded string
	}{
		"1": {model.MilestoneCompleted, "complete", "2022-11", "By fall 2022"},
		"2": {model.MilestoneInProgress, "substantial", "2023-Q3", "Q3 2023"},
		"3": {model.MilestoneInProgress, "limited", "", "Ongoing"},
		"4": {model.MilestoneNotStarted, "not-started", "2024", ""},
	}
	for _, m := range ms[cs[0].ID] {
		w := want[m.Ref]
		if m.Status != w.status || m.StatusKey != w.key || m.Due.String() != w.due || m.DueText["en"] != w.worded {
			t.Errorf("milestone %s: %s/%q due %q worded %q, want %+v", m.Ref, m.Status, m.StatusKey, m.Due, m.DueText["en"], w)
		}
		if m.Ref == "2" && (len(m.OtherAgencies) != 1 || m.OtherAgencies[0].Code != "MIN-C") {
			t.Errorf("milestone 2's other agencies: %v", m.OtherAgencies)
		}
	}
	if cs[0].EndText["fr"] != "En continu" || !cs[0].End.IsZero() {
		t.Errorf("commitment end %v worded %v", cs[0].End, cs[0].EndText)
	}

	// The court of audit answers for milestone 2 with the ministry: its
	// page finds the commitment.
	audit, err := s.FindAgencyByCode(ctx, "MIN-C")
	if err != nil {
		t.Fatal(err)
	}
	found, err := s.FindAgencyCommitments(ctx, audit.ID)
	if err != nil || len(found.Led)+len(found.Supported) != 0 || len(found.Milestones) != 1 {
		t.Fatalf("what MIN-C answers for: %+v, %v", found, err)
	}
	var second uint
	for _, m := range ms[cs[0].ID] {
		if m.Ref == "2" {
			second = m.ID
		}
	}
	if m := found.Milestones[0]; m.ID != second || m.CommitmentID != cs[0].ID || !m.Named || !m.Leaf {
		t.Errorf("the milestone MIN-C answers for: %+v, want milestone 2 (%d), named, a leaf", m, second)
	}

	// Importing the same file again changes nothing.
	if res := mustImport(t, s, ds); res.Created != 0 || res.Updated != 0 {
		t.Errorf("a second import created %d and updated %d", res.Created, res.Updated)
	}
}

func TestStatusInThePlansWordsFollowsAnUpdate(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	_, ds := ownWords(t)
	mustImport(t, s, ds)
	plan, _ := s.FindPlanByRef(ctx, "XX-3")
	cs, _, _ := s.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID})
	ms, _ := s.FindMilestones(ctx, []uint{cs[0].ID})
	m := ms[cs[0].ID][3] // "4", not started
	today := model.MustDate("2023-06-01")

	// Set in the tracker's words: the plan's first step that counts as it.
	got, err := s.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: model.MilestoneInProgress}, today)
	if err != nil {
		t.Fatal(err)
	}
	if got.StatusKey != "limited" {
		t.Errorf("in progress reads %q in the plan's words, want limited", got.StatusKey)
	}
	// Set in the plan's words.
	if got, err = s.UpdateMilestoneProgress(ctx, m.ID, got.Version, model.ProgressUpdate{Status: model.MilestoneInProgress, StatusKey: "substantial"}, today); err != nil {
		t.Fatal(err)
	}
	if got.StatusKey != "substantial" || plan.StatusScale.Words(got).Label["fr"] != "Progrès substantiels" {
		t.Errorf("key %q", got.StatusKey)
	}
	// A key that is not the plan's, or that does not count as the status sent, is refused.
	for _, u := range []model.ProgressUpdate{{Status: model.MilestoneInProgress, StatusKey: "finished"},
		{Status: model.MilestoneNotStarted, StatusKey: "substantial"}} {
		_, err := s.UpdateMilestoneProgress(ctx, m.ID, got.Version, u, today)
		var fe model.FieldErrors
		if !errors.As(err, &fe) || fe["status"] == "" {
			t.Errorf("%+v: %v, want a field error on status", u, err)
		}
	}
	after, _ := s.FindMilestoneByID(ctx, m.ID)
	if after.StatusKey != "substantial" || after.Version != got.Version {
		t.Errorf("a refused update changed the milestone: %q v%d", after.StatusKey, after.Version)
	}
}

func TestRefusedPlanInItsOwnWordsChangesNothing(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	data, _ := ownWords(t)
	before := mustCount(t, s)
	for name, bad := range map[string]struct{ old, new, path string }{
		"status not in the scale": {`"status": "limited",`, `"status": "limitted",`, "plans[0].commitments[0].milestones[2].status"},
		"malformed quarter":       {`"due": "2023-Q3",`, `"due": "2023-Q7",`, "plans[0].commitments[0].milestones[1].due"},
	} {
		text := strings.Replace(string(data), bad.old, bad.new, 1)
		ds, err := transfer.ReadJSON(strings.NewReader(text))
		if err == nil {
			// The file's form is right: the store must refuse it itself.
			_, err = s.ImportDataset(ctx, ds, nil)
		}
		var de *model.DatasetError
		if !errors.As(err, &de) || de.Path != bad.path {
			t.Errorf("%s: %v, want an error at %s", name, err, bad.path)
		}
		// The store refuses it too when handed the records unchecked.
		if name == "status not in the scale" {
			var raw model.Dataset
			if err := json.Unmarshal([]byte(text), &raw); err != nil {
				t.Fatal(err)
			}
			_, err := s.ImportDataset(ctx, &raw, nil)
			if !errors.As(err, &de) || de.Path != bad.path {
				t.Errorf("store import of %s: %v, want an error at %s", name, err, bad.path)
			}
		}
	}
	if after := mustCount(t, s); after != before {
		t.Errorf("a refused import changed the counts: %+v → %+v", before, after)
	}
}

package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// "Last update" is the last progress reported: an import without a date
// and a correction of the data leave it; a status reported sets it; a
// dataset may carry the day of its source's status, kept through an
// export and a new import.
func TestProgressTimeIsTheLastProgressReported(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	ds := codesDataset()
	c := &ds.Plans[0].Commitments[0]
	sourceDay := model.MustDate("2021-11-30")
	c.Milestones = []model.MilestoneRecord{
		{Ref: "1", Title: model.T("en", "Undated by its source"), Status: model.MilestoneInProgress, Weight: 1},
		{Ref: "2", Title: model.T("en", "Dated by its source"), Status: model.MilestoneInProgress, Weight: 1, StatusAsOf: &sourceDay},
	}
	mustImport(t, s, ds)
	find := func(ref string) *model.Milestone {
		t.Helper()
		d := commitmentDetail(t, s, c.Ref)
		for i := range d.Milestones {
			if d.Milestones[i].Ref == ref {
				return &d.Milestones[i]
			}
		}
		t.Fatalf("no milestone %s", ref)
		return nil
	}
	if m := find("1"); m.ProgressAt != nil {
		t.Errorf("imported without a date: progress at %v, want none", m.ProgressAt)
	}
	if m := find("2"); m.ProgressAt == nil || !m.ProgressAt.Equal(time.Date(2021, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("imported with its source's day: progress at %v, want 2021-11-30", m.ProgressAt)
	}
	if d := commitmentDetail(t, s, c.Ref); !d.Assessment.LastUpdate.Equal(time.Date(2021, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("commitment's last update %v, want the source's day", d.Assessment.LastUpdate)
	}

	// A correction of the data (title) is no progress.
	clock.Advance(24 * time.Hour)
	m := find("1")
	if err := s.UpdateMilestone(ctx, m.ID, m.Version, store.MilestoneInput{Milestone: model.Milestone{Ref: "1",
		Title: model.T("en", "Corrected title"), Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	if m := find("1"); m.ProgressAt != nil {
		t.Errorf("after a correction: progress at %v, want none", m.ProgressAt)
	}
	// A status reported is.
	clock.Advance(24 * time.Hour)
	m = find("1")
	reported := clock.Now()
	if _, err := s.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: model.MilestoneDelayed}, model.DayOf(reported)); err != nil {
		t.Fatal(err)
	}
	if m := find("1"); m.ProgressAt == nil || !m.ProgressAt.Equal(reported) {
		t.Errorf("after a status reported: progress at %v, want %v", m.ProgressAt, reported)
	}
	if d := commitmentDetail(t, s, c.Ref); !d.Assessment.LastUpdate.Equal(reported) {
		t.Errorf("commitment's last update %v, want %v", d.Assessment.LastUpdate, reported)
	}
	// The record of changes keeps the status, not the time it keeps itself.
	changes, _, err := s.FindChanges(ctx, store.ChangeFilter{CommitmentID: m.CommitmentID})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if _, ok := ch.Fields["progress_at"]; ok {
			t.Errorf("a change records progress_at: %v", ch.Fields)
		}
	}

	// Export then import again: the days stay, nothing changes.
	clock.Advance(24 * time.Hour)
	out := mustExport(t, s, store.ExportOptions{})
	b, _ := json.Marshal(out)
	if !strings.Contains(string(b), `"status_as_of":"2021-11-30"`) || !strings.Contains(string(b), `"status_as_of":"`+model.DayOf(reported).String()+`"`) {
		t.Errorf("the export lacks the days of the statuses:\n%.2000s", b)
	}
	if res := mustImport(t, s, out); res.Updated != 0 || res.Created != 0 {
		t.Errorf("importing its own export changed %d and created %d records", res.Updated, res.Created)
	}
	if m := find("1"); m.ProgressAt == nil || !m.ProgressAt.Equal(reported) {
		t.Errorf("after importing its own export: progress at %v, want %v kept", m.ProgressAt, reported)
	}
	// An import without a date, even of a new status, is no progress update.
	ds.Plans[0].Commitments[0].Milestones[1].StatusAsOf = nil
	ds.Plans[0].Commitments[0].Milestones[1].Status = model.MilestoneDelayed
	mustImport(t, s, ds)
	if m := find("2"); m.ProgressAt == nil || !m.ProgressAt.Equal(time.Date(2021, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("after an import without a date: progress at %v, want the source's day kept", m.ProgressAt)
	}
}

func commitmentDetail(t *testing.T, s *store.Store, ref string) *store.CommitmentDetail {
	t.Helper()
	cs, _, err := s.FindCommitments(ctx, store.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var id uint
	for _, c := range cs {
		if c.Ref == ref {
			id = c.ID
		}
	}
	d, err := s.FindCommitmentDetail(ctx, id, start)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

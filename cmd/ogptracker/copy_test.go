package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// A demo tracker in use (accounts, one signed in, a submitted report, the
// reminders in its outbox) is copied into a new database: its export and
// every table are the same there, and a second copy into the now filled
// database is refused and changes nothing.
func TestCopyMovesADemoTrackerWholeAndOnlyIntoAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := newTracker(t)
	tr.mustRun("remind", "--at", "2021-12-20T09:00:00+08:00") // the demo plan, its accounts and reminders queued
	st := tr.storeOf()
	plan, err := st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	periods, err := st.FindPeriods(ctx, plan.ID)
	if err != nil || len(periods) == 0 {
		t.Fatalf("periods: %v, %v", periods, err)
	}
	cs, _, err := st.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	r := &model.ProgressReport{CommitmentID: cs[0].ID, PeriodID: periods[0].ID, Narrative: "Consultations held in **four** cities."}
	if err := st.SaveAndSubmitReport(ctx, r, model.MustDate("2021-12-31")); err != nil {
		t.Fatal(err)
	}
	liaison, err := st.FindUserByEmail(ctx, "cec.liaison@demo.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateSession(ctx, liaison.ID); err != nil {
		t.Fatal(err)
	}

	from := tr.env["DATABASE_URL"]
	to := "sqlite:" + filepath.Join(tr.dir, "moved", "ogptracker.db")
	out := tr.mustRun("copy", "--from", from, "--to", to)
	for _, want := range []string{"Copied", "every table's count matches", "outbox_messages", "progress_reports", "sessions"} {
		if !strings.Contains(out, want) {
			t.Errorf("the copy's summary does not say %q:\n%s", want, out)
		}
	}

	moved := newTracker(t)
	moved.env["DATABASE_URL"] = to
	a, b := filepath.Join(tr.dir, "a.json"), filepath.Join(tr.dir, "b.json")
	tr.mustRun("export", "-o", a)
	moved.mustRun("export", "-o", b)
	ja, _ := os.ReadFile(a)
	jb, _ := os.ReadFile(b)
	if len(ja) < 10000 || !bytes.Equal(ja, jb) {
		t.Errorf("the exports differ (%d and %d bytes)", len(ja), len(jb))
	}
	target := moved.storeOf()
	want, err := st.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	got, err := target.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("the tables differ:\n got %v\nwant %v", got, want)
	}
	for _, table := range []string{"outbox_messages", "progress_reports", "users", "sessions", "changes"} {
		if strings.HasPrefix(want[table], "0 rows") {
			t.Errorf("the source has no %s: the test shows nothing about them", table)
		}
	}

	before, err := target.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := tr.run("copy", "--from", from, "--to", to)
	if code != 1 || !strings.Contains(errs, "not empty") || !strings.Contains(errs, "plans 3, themes 5, commitments 28") {
		t.Errorf("a second copy: exit %d\n%s", code, errs)
	}
	if after, err := target.Fingerprint(ctx); err != nil || !maps.Equal(after, before) {
		t.Errorf("the refused copy changed the target (%v)", err)
	}
}

func TestCopyNeedsTwoDatabasesTheFirstThereAndPrintsNoPassword(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	if code, _, errs := tr.run("copy", "--to", "sqlite:"+filepath.Join(tr.dir, "x.db")); code != 1 || !strings.Contains(errs, "both --from and --to") {
		t.Errorf("without --from: exit %d\n%s", code, errs)
	}
	missing := filepath.Join(tr.dir, "no-such.db")
	if code, _, errs := tr.run("copy", "--from", "sqlite:"+missing, "--to", "sqlite:"+filepath.Join(tr.dir, "y.db")); code != 1 || !strings.Contains(errs, "no such file") {
		t.Errorf("from a file that is not there: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("copying from a file that was not there made it")
	}
	if got := store.Redacted("postgres://tracker:s3cret@db.example.org/ogptracker?sslmode=disable"); strings.Contains(got, "s3cret") {
		t.Errorf("redacted: %s", got)
	}
}

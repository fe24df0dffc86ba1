package remind_test

import (
	"context"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/remind"
)

func TestTheSchedulerRunsAPassAtStartAndShowsItsNextRuns(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-20 09:00"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sched, err := s.rem.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(s.smtp.To(cecZH)) < 4 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := len(s.smtp.To(cecZH)); got != 4 {
		t.Errorf("the pass at start delivered %d messages to the CEC liaison, want 4", got)
	}
	runs := sched.NextRuns()
	names := map[string]time.Time{}
	ids := map[string]string{}
	for _, r := range runs {
		names[r.Name] = r.Next
		ids[r.Name] = r.ID
	}
	// The ids the outbox page names the jobs by, in its language.
	if ids["reminders: pass"] != remind.JobPass || ids["reminders: weekly digest"] != remind.JobDigest || ids["reminders: send"] != remind.JobSend {
		t.Errorf("the jobs' ids: %v", ids)
	}
	digest, ok := names["reminders: weekly digest"]
	if _, publishes := names["transcripts: publish"]; len(runs) != 4 || !ok || !publishes {
		t.Fatalf("next runs: %+v", runs)
	}
	if d := digest.In(taipei); d.Weekday() != time.Monday || d.Hour() != 9 || d.Minute() != 0 {
		t.Errorf("the digest runs next at %s, want a Monday 09:00 in Taipei", d)
	}
	cancel()
	if err := sched.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

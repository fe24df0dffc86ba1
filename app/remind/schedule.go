package remind

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Run is a scheduled job and when it runs next.
type Run struct {
	Name string
	Next time.Time
}

// Scheduler runs passes and sends on the clock, with gocron: a pass and a
// send every hour (and once at start), a send every minute (so that
// retries keep their backoff), and a pass at the digest's hour.
type Scheduler struct {
	s gocron.Scheduler
}

// Start starts the scheduled jobs in the configured time zone; they stop
// with ctx or Stop.
func (r *Reminder) Start(ctx context.Context) (*Scheduler, error) {
	s, err := gocron.NewScheduler(gocron.WithLocation(r.loc), gocron.WithLogger(r.log))
	if err != nil {
		return nil, fmt.Errorf("reminders scheduler: %w", err)
	}
	pass := func() {
		if _, err := r.Pass(ctx, r.st.Now(), false); err != nil && ctx.Err() == nil {
			r.log.Error("reminder pass failed", "err", err)
		}
		r.send(ctx)
	}
	jobs := []struct {
		name string
		def  gocron.JobDefinition
		task func()
		opts []gocron.JobOption
	}{
		{"reminders: pass", gocron.DurationJob(time.Hour), pass, []gocron.JobOption{gocron.WithStartAt(gocron.WithStartImmediately())}},
		{"reminders: weekly digest", gocron.WeeklyJob(1, gocron.NewWeekdays(r.rules.DigestDay),
			gocron.NewAtTimes(gocron.NewAtTime(uint(r.rules.DigestHour), 0, 0))), pass, nil},
		{"reminders: send", gocron.DurationJob(time.Minute), func() { r.send(ctx) }, nil},
	}
	for _, j := range jobs {
		opts := append([]gocron.JobOption{gocron.WithName(j.name), gocron.WithSingletonMode(gocron.LimitModeReschedule)}, j.opts...)
		if _, err := s.NewJob(j.def, gocron.NewTask(j.task), opts...); err != nil {
			_ = s.Shutdown()
			return nil, fmt.Errorf("reminders scheduler: %s: %w", j.name, err)
		}
	}
	s.Start()
	return &Scheduler{s: s}, nil
}

func (r *Reminder) send(ctx context.Context) {
	if _, err := r.Send(ctx); err != nil && ctx.Err() == nil {
		r.log.Error("sending reminders failed", "err", err)
	}
}

// Stop waits for running jobs and stops the scheduler.
func (s *Scheduler) Stop() error { return s.s.Shutdown() }

// NextRuns lists the jobs and when each runs next, soonest first.
func (s *Scheduler) NextRuns() []Run {
	var out []Run
	for _, j := range s.s.Jobs() {
		next, err := j.NextRun()
		if err != nil {
			continue
		}
		out = append(out, Run{Name: j.Name(), Next: next})
	}
	slices.SortFunc(out, func(a, b Run) int { return a.Next.Compare(b.Next) })
	return out
}

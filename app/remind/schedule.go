package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/ogptracker/ogptracker/app/store"
)

// Run is a scheduled job and when it runs next.
type Run struct {
	ID   string // JobPass, JobDigest or JobSend
	Name string
	Next time.Time
}

// Scheduler runs passes and sends on the clock, with gocron: a pass and a
// send every hour (and once at start), a send every minute (so that
// retries keep their backoff), and a pass at the digest's hour. Of several
// instances of the tracker on one database, only the leader runs them
// (store.Leadership); when it stops or dies another takes over at its
// next minute, and sends what the first left, claims included, once their
// lease has run out.
type Scheduler struct {
	s    gocron.Scheduler
	lead *elector
}

// elector is the reminders' leadership as gocron asks for it, saying in
// the log when this instance takes the lead or loses it.
type elector struct {
	*store.Leadership
	log     *slog.Logger
	leading atomic.Bool
}

func (e *elector) IsLeader(ctx context.Context) error {
	err := e.Leadership.IsLeader(ctx)
	if now := err == nil; e.leading.Swap(now) != now {
		if now {
			e.log.Info("this instance now sends the reminders")
		} else {
			e.log.Info("another instance sends the reminders", "reason", err)
		}
	}
	return err
}

// Start starts the scheduled jobs in the configured time zone; they stop
// with ctx or Stop.
func (r *Reminder) Start(ctx context.Context) (*Scheduler, error) {
	lead := &elector{Leadership: r.st.Leadership("reminders"), log: r.log}
	s, err := gocron.NewScheduler(gocron.WithLocation(r.loc), gocron.WithLogger(r.log), gocron.WithDistributedElector(lead))
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
		id   string
		name string
		def  gocron.JobDefinition
		task func()
		opts []gocron.JobOption
	}{
		{JobPass, "reminders: pass", gocron.DurationJob(time.Hour), pass, []gocron.JobOption{gocron.WithStartAt(gocron.WithStartImmediately())}},
		{JobDigest, "reminders: weekly digest", gocron.WeeklyJob(1, gocron.NewWeekdays(r.rules.DigestDay),
			gocron.NewAtTimes(gocron.NewAtTime(uint(r.rules.DigestHour), 0, 0))), pass, nil},
		{JobSend, "reminders: send", gocron.DurationJob(time.Minute), func() { r.send(ctx) }, nil},
		{JobPublish, "transcripts: publish", gocron.DurationJob(10 * time.Minute), func() {
			if _, err := r.PublishTranscripts(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("publishing transcripts failed", "err", err)
			}
		}, []gocron.JobOption{gocron.WithStartAt(gocron.WithStartImmediately())}},
	}
	for _, j := range jobs {
		opts := append([]gocron.JobOption{gocron.WithName(j.name), gocron.WithTags(j.id), gocron.WithSingletonMode(gocron.LimitModeReschedule)}, j.opts...)
		if _, err := s.NewJob(j.def, gocron.NewTask(j.task), opts...); err != nil {
			_ = s.Shutdown()
			return nil, fmt.Errorf("reminders scheduler: %s: %w", j.name, err)
		}
	}
	s.Start()
	return &Scheduler{s: s, lead: lead}, nil
}

func (r *Reminder) send(ctx context.Context) {
	if _, err := r.Send(ctx); err != nil && ctx.Err() == nil {
		r.log.Error("sending reminders failed", "err", err)
	}
}

// Stop waits for running jobs, stops the scheduler and gives the lead up,
// so that another instance takes it at once.
func (s *Scheduler) Stop() error { return errors.Join(s.s.Shutdown(), s.lead.Close()) }

// Leading reports whether this instance ran the reminders when last asked:
// false while another instance of the tracker does.
func (s *Scheduler) Leading() bool { return s.lead.Leading() }

// NextRuns lists the jobs and when each runs next, soonest first.
func (s *Scheduler) NextRuns() []Run {
	var out []Run
	for _, j := range s.s.Jobs() {
		next, err := j.NextRun()
		if err != nil {
			continue
		}
		var id string
		if tags := j.Tags(); len(tags) > 0 {
			id = tags[0]
		}
		out = append(out, Run{ID: id, Name: j.Name(), Next: next})
	}
	slices.SortFunc(out, func(a, b Run) int { return a.Next.Compare(b.Next) })
	return out
}

// Job ids, which the outbox page names in its language.
const (
	JobPass   = "pass"
	JobDigest = "digest"
	JobSend   = "send"
	// JobPublish publishes the transcripts whose edit window has closed.
	JobPublish = "publish"
)

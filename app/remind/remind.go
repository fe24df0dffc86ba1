// Package remind nudges the right people at the right time: a pass works
// out, as of an instant, which reminders are due and queues them in the
// outbox (app/store/outbox.go), whose unique key (rule, subject, recipient,
// occurrence) makes a pass run twice queue nothing new; the sender delivers
// what is queued by email or webhook, with retries and exponential backoff,
// recording every attempt. The scheduler (schedule.go) runs both inside
// the web server. Account mail (password links, kind "account") is queued
// by the web and sent in the background at once (account.go).
//
// Exactly once. A pass is one transaction of inserts that ignore keys
// already queued, so a crash in the middle of a pass loses nothing (the
// next pass queues what the crashed one did not) and duplicates nothing.
// The sender claims a message (status "sending") before it hands it to the
// SMTP server and marks it sent right after the server accepts it, one
// message at a time (deliver), before it hands over the next. A
// message whose sender died before marking it is pending again after
// store.ClaimLease and is sent again: the only window for a duplicate is
// between the server's acceptance and the mark (a few milliseconds, one
// local write), and we prefer a rare duplicate to a lost reminder. Even
// then the copy carries the same Message-ID (outbox-ID@host), on which
// mail systems deduplicate.
package remind

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// Rules are the offsets of the rules; Defaults are those of the issue
// that introduced them.
type Rules struct {
	DueBefore      []int         // days before a milestone's due date: reminders to its liaisons
	Escalate       int           // days overdue after which co-leads and the chair hear of it too
	StaleAfter     int           // days without an update after which a commitment is stale
	MeetingEvery   int           // months between two multi-stakeholder meetings
	RecordEvery    int           // months the public record may go without an update
	ReportBefore   int           // days before a reporting period closes: reminders of reports not submitted
	ReviewWithin   int           // days a submitted report may wait for its co-leads' review
	FollowUpBefore int           // days before a meeting: its owners are asked to report on their open items
	QuestionBefore int           // days before a question's promise ends: a reminder to its agency
	DigestDay      time.Weekday  // the weekly digest's day and hour, local time
	DigestHour     int           //
	CatchUp        time.Duration // how late a pass may still queue a milestone's or commitment's reminder
	MaxAttempts    int           // attempts before a message fails for good
	FirstRetry     time.Duration // the first wait after a failed attempt, doubled each time
	MaxRetryWait   time.Duration
	SendBatch      int           // messages claimed at a time
	WebhookTimeout time.Duration //
}

// Defaults are the rules the tracker runs with.
var Defaults = Rules{
	DueBefore: []int{14, 3}, Escalate: 30, StaleAfter: 90, MeetingEvery: 6, RecordEvery: 6, ReportBefore: 7, ReviewWithin: 14, FollowUpBefore: 7,
	QuestionBefore: 3,
	DigestDay:      time.Monday, DigestHour: 9, CatchUp: 7 * 24 * time.Hour,
	MaxAttempts: 10, FirstRetry: time.Minute, MaxRetryWait: 6 * time.Hour, SendBatch: 100,
	WebhookTimeout: 10 * time.Second,
}

// Options are what reminders need from the outside.
type Options struct {
	Store    *store.Store
	Mailer   *mail.Mailer // nil: email stays in the outbox (and the log)
	Logger   *slog.Logger
	Location *time.Location
	BaseURL  string
	Rules    Rules        // zero: Defaults
	HTTP     *http.Client // for webhooks; nil: one with Rules.WebhookTimeout
}

// Reminder runs passes and sends.
type Reminder struct {
	st      *store.Store
	mailer  *mail.Mailer
	log     *slog.Logger
	loc     *time.Location
	baseURL string
	rules   Rules
	catalog *i18n.Catalog
	http    *http.Client
	mu      sync.Mutex // one pass or send at a time in this process
}

// New builds a Reminder.
func New(opts Options) (*Reminder, error) {
	catalog, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Rules.MaxAttempts == 0 {
		opts.Rules = Defaults
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: opts.Rules.WebhookTimeout}
	}
	return &Reminder{st: opts.Store, mailer: opts.Mailer, log: opts.Logger, loc: opts.Location, baseURL: opts.BaseURL,
		rules: opts.Rules, catalog: catalog, http: opts.HTTP}, nil
}

// Mailing reports whether email is delivered (SMTP is configured).
func (r *Reminder) Mailing() bool { return r.mailer != nil }

// Pass works out what is due as of at and queues it. It returns the
// messages it queued (new ones only); with dryRun it queues nothing and
// returns what it would have queued, including those queued before.
func (r *Reminder) Pass(ctx context.Context, at time.Time, dryRun bool) ([]model.OutboxMessage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msgs, err := r.work(ctx, at.In(r.loc))
	if err != nil || dryRun {
		return msgs, err
	}
	added, err := r.st.QueueMessages(ctx, msgs)
	if err != nil {
		return nil, fmt.Errorf("queue reminders: %w", err)
	}
	if n, err := r.st.ForgetUnconfirmedFollows(ctx, at); err != nil {
		return nil, fmt.Errorf("forget unconfirmed follows: %w", err)
	} else if n > 0 {
		r.log.Info("addresses that never confirmed a follow forgotten", "count", n)
	}
	for _, m := range added {
		attrs := []any{"rule", m.Rule, "subject", m.Subject, "to", m.To, "title", m.Title}
		if m.Channel == model.ChannelEmail && r.mailer == nil {
			r.log.Info("reminder queued (no SMTP_URL: it stays in the outbox)", append(attrs, "text", m.Text)...)
		} else {
			r.log.Info("reminder queued", attrs...)
		}
	}
	return added, nil
}

// SendResult counts what a send did.
type SendResult struct {
	Sent, Retrying, Failed int
	Delivered              []model.OutboxMessage
}

// Send delivers the messages that are due: email when SMTP is configured,
// webhooks always. A message that fails is tried again later, waiting
// twice as long each time, and fails for good after Rules.MaxAttempts or
// at once when refused for good (an unknown address): it fails alone.
func (r *Reminder) Send(ctx context.Context) (SendResult, error) {
	channels := []model.Channel{model.ChannelWebhook}
	if r.mailer != nil {
		channels = append(channels, model.ChannelEmail)
	}
	return r.sendChannels(ctx, channels)
}

// SendAccountMail delivers the account mail that is due (password links)
// and the mail to askers of questions (confirmation links, answers),
// nothing else: it runs inside serve even when reminders are left to
// `ogptracker remind`.
func (r *Reminder) SendAccountMail(ctx context.Context) (SendResult, error) {
	if r.mailer == nil {
		return SendResult{}, nil
	}
	return r.sendChannels(ctx, []model.Channel{model.ChannelEmail}, model.KindAccount, model.KindAsker)
}

func (r *Reminder) sendChannels(ctx context.Context, channels []model.Channel, kinds ...model.ReminderKind) (SendResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var res SendResult
	for _, ch := range channels {
		for {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			batch, err := r.st.ClaimMessages(ctx, ch, r.rules.SendBatch, kinds...)
			if err != nil {
				return res, fmt.Errorf("claim messages: %w", err)
			}
			if len(batch) == 0 {
				break
			}
			gaveBack, err := r.deliver(ctx, ch, batch, &res)
			if err != nil {
				return res, err
			}
			if len(batch) < r.rules.SendBatch && gaveBack == 0 {
				break
			}
		}
	}
	return res, nil
}

// record marks one claimed message after its attempt.
func (r *Reminder) record(ctx context.Context, m model.OutboxMessage, sendErr error, res *SendResult) error {
	// The attempt is over: its outcome is recorded even when ctx ends now.
	ctx = context.WithoutCancel(ctx)
	if sendErr == nil {
		if err := r.st.MarkSent(ctx, m.ID); err != nil {
			return fmt.Errorf("mark message %d sent: %w", m.ID, err)
		}
		res.Sent++
		res.Delivered = append(res.Delivered, m)
		r.log.Info("reminder sent", "id", m.ID, "rule", m.Rule, "to", m.To)
		return nil
	}
	var se *mail.SendError
	permanent := errors.As(sendErr, &se) && se.Permanent || errors.Is(sendErr, errPermanent)
	attempt := m.Attempts + 1
	var retryAt time.Time
	if !permanent && attempt < r.rules.MaxAttempts {
		retryAt = r.st.Now().Add(r.backoff(attempt))
	}
	if err := r.st.MarkAttemptFailed(ctx, m.ID, sendErr.Error(), retryAt); err != nil {
		return fmt.Errorf("mark message %d failed: %w", m.ID, err)
	}
	if retryAt.IsZero() {
		res.Failed++
		r.log.Warn("reminder failed", "id", m.ID, "to", m.To, "attempts", attempt, "err", sendErr)
	} else {
		res.Retrying++
		r.log.Warn("reminder not sent yet, trying again later", "id", m.ID, "to", m.To, "attempts", attempt, "retry_at", retryAt, "err", sendErr)
	}
	return nil
}

// backoff is the wait after the attempt-th failed attempt: FirstRetry,
// doubled each time, at most MaxRetryWait.
func (r *Reminder) backoff(attempt int) time.Duration {
	d := r.rules.FirstRetry
	for i := 1; i < attempt && d < r.rules.MaxRetryWait; i++ {
		d *= 2
	}
	return min(d, r.rules.MaxRetryWait)
}

// deliver hands a claimed batch over one message at a time and records
// each outcome before handing over the next, so that a sender killed
// mid-batch leaves every accepted message marked but the one in flight.
// A batch that takes longer than half the claim lease (a slow mail server)
// gives the rest back to be claimed afresh, so that no message is sent on
// a claim old enough for another sender to take: gaveBack counts them.
func (r *Reminder) deliver(ctx context.Context, ch model.Channel, batch []model.OutboxMessage, res *SendResult) (gaveBack int, err error) {
	post := func(m model.OutboxMessage) error { return r.postWebhook(ctx, m) }
	if ch == model.ChannelEmail {
		conn, err := r.mailer.Dial(ctx)
		if err != nil {
			// The server could not be reached: every message waits for the next try.
			for _, m := range batch {
				if err := r.record(ctx, m, err, res); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}
		defer conn.Close()
		post = func(m model.OutboxMessage) error {
			msg := r.emailOf(m)
			// An asker's address is sealed in the outbox: opened only here.
			to, err := r.st.OpenAddress(ctx, msg.To)
			if err != nil {
				return fmt.Errorf("%w: %w", errPermanent, err)
			}
			msg.To = to
			return conn.Send(msg)
		}
	}
	for i, m := range batch {
		if ctx.Err() != nil {
			// Stopped: what was not tried yet is given back at once rather
			// than after the claim lease.
			r.release(batch[i:])
			return 0, ctx.Err()
		}
		if m.ClaimedAt != nil && r.st.Now().Sub(*m.ClaimedAt) > store.ClaimLease/2 {
			r.release(batch[i:])
			return len(batch) - i, nil
		}
		if err := r.record(ctx, m, post(m), res); err != nil {
			r.release(batch[i+1:])
			return 0, err
		}
	}
	return 0, nil
}

// release gives claimed messages back untried.
func (r *Reminder) release(rest []model.OutboxMessage) {
	ids := make([]uint, len(rest))
	for i, m := range rest {
		ids[i] = m.ID
	}
	if err := r.st.ReleaseMessages(context.Background(), ids); err != nil {
		r.log.Warn("claimed messages not given back; they are tried again after the claim lease", "ids", ids, "err", err)
	}
}

// emailOf is the email of an outbox message. Account mail (password links)
// has no unsubscribe token: it cannot be turned off.
func (r *Reminder) emailOf(m model.OutboxMessage) mail.Message {
	msg := mail.Message{To: m.To, Subject: m.Title, Text: m.Text, HTML: m.HTML, ID: fmt.Sprintf("outbox-%d", m.ID)}
	switch {
	case m.UnsubscribeToken != "" && m.Kind == model.KindFollow:
		msg.Unsubscribe = r.baseURL + "/follow/stop/" + m.UnsubscribeToken // an address without an account
	case m.UnsubscribeToken != "":
		msg.Unsubscribe = r.baseURL + "/unsubscribe/" + m.UnsubscribeToken
	}
	return msg
}

// newToken makes a random token for a link.
func newToken() string { return rand.Text() }

package model

import (
	"net/url"
	"strings"
	"time"
)

// ReminderKind is a kind of reminder a person may choose to receive or not.
type ReminderKind string

const (
	KindDue       ReminderKind = "due"       // a milestone due soon
	KindOverdue   ReminderKind = "overdue"   // a milestone late
	KindStale     ReminderKind = "stale"     // a commitment without an update for long
	KindDuties    ReminderKind = "duties"    // the committee's own duties (administrators)
	KindDigest    ReminderKind = "digest"    // the weekly digest (committee members)
	KindReports   ReminderKind = "reports"   // progress reports owed or waiting for review
	KindAccount   ReminderKind = "account"   // password links: always sent, no choice
	KindQuestions ReminderKind = "questions" // questions from the public waiting for an answer
	// KindAsker is mail to someone who asked a question (the link that
	// confirms their address, the answer): sent at once, like account mail.
	KindAsker ReminderKind = "asker"
)

// ReminderKinds lists the kinds a person may turn off, in the order the
// preferences page shows them.
var ReminderKinds = []ReminderKind{KindDue, KindOverdue, KindReports, KindQuestions, KindStale, KindDuties, KindDigest}

// Channel is how an outbox message travels.
type Channel string

const (
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
)

// OutboxStatus is where a message stands.
type OutboxStatus string

const (
	OutboxPending OutboxStatus = "pending" // waiting for its next attempt
	OutboxSending OutboxStatus = "sending" // claimed by a sender
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed" // refused for good, or out of attempts
)

// OutboxStatuses lists every status.
var OutboxStatuses = []OutboxStatus{OutboxPending, OutboxSending, OutboxSent, OutboxFailed}

// OutboxMessage is one message to one recipient, queued by a pass and
// delivered by the sender. (Rule, Subject, Recipient, Occurrence) is
// unique: a pass that works out the same message again queues nothing.
type OutboxMessage struct {
	ID         uint         `gorm:"primaryKey"`
	Rule       string       `gorm:"size:40;not null;uniqueIndex:idx_outbox_key,priority:1"`
	Subject    string       `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:2"` // "milestone:12"
	Recipient  string       `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:3"` // "user:5", "webhook:2"
	Occurrence string       `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:4"` // "2021-12-31", "2021-W51"
	Kind       ReminderKind `gorm:"size:20;not null"`
	Channel    Channel      `gorm:"size:10;not null"`
	UserID     *uint        `gorm:"index"`
	WebhookID  *uint        `gorm:"index"`
	To         string       `gorm:"size:1000;not null"` // an address, or the webhook's URL
	Lang       string       `gorm:"size:10;not null"`
	Title      string       `gorm:"size:300;not null"` // the email's subject line
	Text       string       `gorm:"not null"`
	HTML       string
	// UnsubscribeToken is the random token of the message's one-click
	// unsubscribe link: it turns off this kind of reminder for this person,
	// nothing more, so it is kept as it is, like the message holding it.
	UnsubscribeToken string       `gorm:"size:64;index"`
	Status           OutboxStatus `gorm:"size:10;not null;index:idx_outbox_due,priority:1"`
	Attempts         int          `gorm:"not null;default:0"`
	NextAttemptAt    time.Time    `gorm:"not null;index:idx_outbox_due,priority:2"`
	ClaimedAt        *time.Time
	SentAt           *time.Time
	LastError        string `gorm:"size:1000"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// OutboxAttempt records one try to deliver a message, successful or not.
type OutboxAttempt struct {
	ID        uint           `gorm:"primaryKey"`
	MessageID uint           `gorm:"not null;index"`
	Message   *OutboxMessage `gorm:"constraint:OnDelete:CASCADE"`
	At        time.Time      `gorm:"not null"`
	Error     string         `gorm:"size:1000"` // empty: delivered
}

// ReminderOptOut records that a person does not want one kind of reminder.
// No row: they receive it.
type ReminderOptOut struct {
	UserID    uint         `gorm:"primaryKey"`
	User      *User        `gorm:"constraint:OnDelete:CASCADE"`
	Kind      ReminderKind `gorm:"primaryKey;size:20"`
	CreatedAt time.Time
}

// Webhook posts Slack-compatible messages ({"text": …}) to a channel of an
// agency (AgencyID set: what its liaisons receive) or of the committee
// (AgencyID nil: what committee members receive).
type Webhook struct {
	ID        uint    `gorm:"primaryKey"`
	AgencyID  *uint   `gorm:"index"`
	Agency    *Agency `gorm:"constraint:OnDelete:CASCADE"`
	URL       string  `gorm:"size:1000;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks a webhook before it is saved.
func (w *Webhook) Validate() error {
	fe := FieldErrors{}
	u, err := url.Parse(strings.TrimSpace(w.URL))
	switch {
	case w.URL == "":
		fe.Add("url", "is required")
	case CheckLine(w.URL) != nil:
		checkLine(fe, "url", w.URL)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		fe.Add("url", "is not an http(s) address")
	case len(w.URL) > 1000:
		fe.Add("url", "is longer than 1000 characters")
	}
	return fe.Err()
}

package model

import (
	"regexp"
	"strings"
	"time"
)

// Limits on what the public writes, in characters: a question is a
// question, not a document, and a few links are plenty to point at one.
const (
	MaxQuestionText  = 2000
	MaxAskerName     = 80
	MaxQuestionLinks = 3
	MaxAnswerText    = MaxReportText
	// DefaultQuestionDays is the promise: a concrete answer within two weeks.
	DefaultQuestionDays = 14
	MaxQuestionDays     = 365
)

// Messages of the questions' validation that forms translate.
const (
	MsgTooManyLinks = "has too many links"
	MsgHoneypot     = "must be left empty"
	MsgFuture       = "is in the future"
)

// QuestionKind tells a question from a suggestion: both are answered.
type QuestionKind string

const (
	AskQuestion   QuestionKind = "question"
	AskSuggestion QuestionKind = "suggestion"
)

// QuestionKinds lists every kind.
var QuestionKinds = []QuestionKind{AskQuestion, AskSuggestion}

// QuestionChannel is how a question reached the tracker: typed in by the
// asker, or recorded by staff on someone's behalf.
type QuestionChannel string

const (
	ChannelOnline  QuestionChannel = "online"
	ChannelMeeting QuestionChannel = "meeting"
	ChannelPhone   QuestionChannel = "phone"
	ChannelPaper   QuestionChannel = "paper"
)

// OfflineChannels are those staff record a question from.
var OfflineChannels = []QuestionChannel{ChannelMeeting, ChannelPhone, ChannelPaper}

// Disposition is what an answer does with a question or suggestion.
type Disposition string

const (
	DispositionAdopted     Disposition = "adopted"
	DispositionPartly      Disposition = "partly-adopted"
	DispositionNotAdopted  Disposition = "not-adopted"
	DispositionAlreadyDone Disposition = "already-done"
	DispositionNotOurRemit Disposition = "not-our-remit" // transferred to another agency, which then owns the clock
)

// Dispositions lists every disposition, in the order a form offers them.
var Dispositions = []Disposition{DispositionAdopted, DispositionPartly, DispositionNotAdopted, DispositionAlreadyDone, DispositionNotOurRemit}

// HideReason is why an administrator hid a question. Nothing is removed
// quietly: the reason is shown in the question's place.
type HideReason string

const (
	HideAbuse     HideReason = "abuse"
	HidePersonal  HideReason = "personal-data"
	HideOffTopic  HideReason = "off-topic"
	HideDuplicate HideReason = "duplicate"
)

// HideReasons lists every reason.
var HideReasons = []HideReason{HideAbuse, HidePersonal, HideOffTopic, HideDuplicate}

// Question is a question or suggestion from the public on a commitment
// (CommitmentID set) or on a plan as a whole. It is public at once; the
// agency that owns its clock (AgencyID: the commitment's lead agency, or
// the one it was transferred to; nil: the secretariat, for a plan) owes a
// reasoned answer by DueAt.
type Question struct {
	ID           uint        `gorm:"primaryKey"`
	PlanID       uint        `gorm:"not null;index"`
	Plan         *Plan       `gorm:"constraint:OnDelete:CASCADE"`
	CommitmentID *uint       `gorm:"index"`
	Commitment   *Commitment `gorm:"constraint:OnDelete:CASCADE"`
	AgencyID     *uint       `gorm:"index"`
	Agency       *Agency     `gorm:"constraint:OnDelete:SET NULL"`

	Kind QuestionKind `gorm:"size:20;not null"`
	Text string       `gorm:"not null"`
	Name string       `gorm:"size:200;not null;default:''"` // the display name the asker chose; empty: anonymous
	Lang string       `gorm:"size:10;not null"`             // the language it was written in

	// How it arrived: online, or recorded by staff (RecordedByID) from a
	// meeting, a call or a letter received on ReceivedAt.
	Channel      QuestionChannel `gorm:"size:20;not null"`
	RecordedByID *uint
	RecordedBy   *User `gorm:"constraint:OnDelete:SET NULL"`

	// The clock: ReceivedAt is when it was asked (or received offline);
	// ClockFrom is when the current wait began (ReceivedAt, or the latest
	// follow-up that reopened it); DueAt is the promise.
	ReceivedAt time.Time `gorm:"not null;index"`
	ClockFrom  time.Time `gorm:"not null"`
	DueAt      time.Time `gorm:"not null;index"`
	// AnsweredAt is when the current wait ended; nil while it is open.
	AnsweredAt  *time.Time  `gorm:"index"`
	Disposition Disposition `gorm:"size:20;not null;default:''"` // of the latest answer

	Votes int `gorm:"not null;default:0;index"` // "I want to know too", the asker's own included

	// Hidden by an administrator, for the reason shown in its place.
	HiddenAt      *time.Time
	HiddenReason  HideReason `gorm:"size:20;not null;default:''"`
	DuplicateOfID *uint

	// The asker's address, sealed (AES-GCM with a key of the tracker's
	// own): only the sender of the answer's mail opens it, never a page.
	// It is used only once confirmed through the link sent to it.
	EmailSealed    []byte `json:"-"`
	EmailConfirmed bool   `gorm:"not null;default:false" json:"-"`
	ConfirmHash    string `gorm:"size:64;not null;default:'';index" json:"-"` // SHA-256 of the confirmation link's token
	// FromHash is a keyed hash of the network address it came from, for
	// the rate limits: the address itself is not kept.
	FromHash string `gorm:"size:64;not null;default:'';index" json:"-"`

	CreatedAt time.Time
	UpdatedAt time.Time

	Entries []QuestionEntry `gorm:"constraint:OnDelete:CASCADE"`
}

// EntryKind is one step of a question's public thread.
type EntryKind string

const (
	EntryAnswer   EntryKind = "answer"    // the agency's reasoned response
	EntryFollowUp EntryKind = "follow-up" // the asker, or anyone, asks again: it reopens the question
	EntryHidden   EntryKind = "hidden"    // an administrator hid it, for a reason
)

// QuestionEntry is one step of a question's public thread: its history.
type QuestionEntry struct {
	ID          uint        `gorm:"primaryKey"`
	QuestionID  uint        `gorm:"not null;index"`
	Kind        EntryKind   `gorm:"size:20;not null"`
	Disposition Disposition `gorm:"size:20;not null;default:''"`
	Body        string      `gorm:"not null;default:''"` // Markdown for an answer; plain text for a follow-up
	Reasons     string      `gorm:"not null;default:''"`
	// Who: staff sign with their agency and role; a follow-up may carry a name.
	UserID     *uint
	User       *User `gorm:"constraint:OnDelete:SET NULL"`
	AgencyID   *uint
	Agency     *Agency   `gorm:"foreignKey:AgencyID;constraint:OnDelete:SET NULL"`
	Role       Role      `gorm:"size:20;not null;default:''"`
	Name       string    `gorm:"size:200;not null;default:''"`
	ToAgencyID *uint     // not our remit: the agency it went to
	ToAgency   *Agency   `gorm:"foreignKey:ToAgencyID;constraint:OnDelete:SET NULL"`
	FromHash   string    `gorm:"size:64;not null;default:'';index" json:"-"` // a follow-up's address, keyed-hashed, for the rate limits
	At         time.Time `gorm:"not null;index"`
}

// QuestionVote is one person's "I want to know too". Voter is a keyed
// hash of the visitor's cookie, FromHash one of their network address.
type QuestionVote struct {
	ID         uint   `gorm:"primaryKey"`
	QuestionID uint   `gorm:"not null;uniqueIndex:idx_vote_voter,priority:1"`
	Voter      string `gorm:"size:64;not null;uniqueIndex:idx_vote_voter,priority:2"`
	FromHash   string `gorm:"size:64;not null;index"`
	CreatedAt  time.Time
}

// Open reports whether the question waits for an answer.
func (q *Question) Open() bool { return q.AnsweredAt == nil && q.HiddenAt == nil }

// Hidden reports whether an administrator hid it.
func (q *Question) Hidden() bool { return q.HiddenAt != nil }

// Status is "hidden", "answered" or "open".
func (q *Question) Status() string {
	switch {
	case q.Hidden():
		return "hidden"
	case q.AnsweredAt != nil:
		return "answered"
	}
	return "open"
}

// Days is where the promise stands on day today, in whole days of loc:
// for an answered question the days it took; for an open one the days
// left (negative: overdue). Answered says which.
func (q *Question) Days(now time.Time, loc *time.Location) (days int, answered bool) {
	if q.AnsweredAt != nil {
		return daysBetween(q.ClockFrom, *q.AnsweredAt, loc), true
	}
	return daysBetween(now, q.DueAt, loc), false
}

// AnsweredInTime reports whether the latest answer came by the promise.
func (q *Question) AnsweredInTime() bool {
	return q.AnsweredAt != nil && !q.AnsweredAt.After(q.DueAt)
}

// daysBetween counts calendar days from a to b in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	da, db := a.In(loc), b.In(loc)
	ya, ma, dda := da.Date()
	yb, mb, ddb := db.Date()
	return int(time.Date(yb, mb, ddb, 0, 0, 0, 0, time.UTC).Sub(time.Date(ya, ma, dda, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// DueAfter is the promise for a wait that begins at from: the end of the
// days-th day after it, in loc.
func DueAfter(from time.Time, days int, loc *time.Location) time.Time {
	d := from.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day()+days+1, 0, 0, 0, 0, loc).Add(-time.Second)
}

var linkPattern = regexp.MustCompile(`(?i)(https?://|www\.)`)

// scriptPattern finds what would run in a browser were the text ever shown
// raw: refused with a message, so that a real person knows what to change.
var scriptPattern = regexp.MustCompile(`(?i)<\s*/?\s*(script|iframe|object|embed|svg|style)\b|javascript\s*:|\bon[a-z]+\s*=`)

// checkPublicText checks what the public writes: required, within max,
// no script, at most MaxQuestionLinks links.
func checkPublicText(fe FieldErrors, field, v string, max int) {
	switch {
	case strings.TrimSpace(v) == "":
		fe.Add(field, MsgRequired)
	case scriptPattern.MatchString(v):
		fe.Add(field, MsgScript)
	case len(linkPattern.FindAllStringIndex(v, -1)) > MaxQuestionLinks:
		fe.Add(field, MsgTooManyLinks)
	default:
		checkProse(fe, field, v, max)
	}
}

// Validate checks a question before it is published.
func (q *Question) Validate() error {
	fe := FieldErrors{}
	if q.PlanID == 0 && q.CommitmentID == nil {
		fe.Add("plan", MsgRequired)
	}
	if !enumHas(QuestionKinds, q.Kind) {
		fe.Add("kind", MsgNotListed)
	}
	checkPublicText(fe, "text", q.Text, MaxQuestionText)
	checkAskerName(fe, "name", q.Name)
	if q.Channel != ChannelOnline && !enumHas(OfflineChannels, q.Channel) {
		fe.Add("channel", MsgNotListed)
	}
	if !enumHas(Languages, q.Lang) {
		fe.Add("lang", MsgNotListed)
	}
	return fe.Err()
}

func checkAskerName(fe FieldErrors, field, name string) {
	switch {
	case scriptPattern.MatchString(name):
		fe.Add(field, MsgScript)
	case linkPattern.MatchString(name):
		fe.Add(field, MsgTooManyLinks)
	case len([]rune(name)) > MaxAskerName:
		fe.Add(field, MsgTooLong)
	case CheckLine(name) != nil:
		fe.Add(field, MsgNotListed)
	}
}

// CheckFollowUp checks a follow-up from the public.
func CheckFollowUp(body, name string) error {
	fe := FieldErrors{}
	checkPublicText(fe, "body", body, MaxQuestionText)
	checkAskerName(fe, "name", name)
	return fe.Err()
}

// CheckAnswer checks an agency's answer: a listed disposition, the answer
// and its reasons, and for "not our remit" the agency it goes to, another
// than the one answering.
func (e *QuestionEntry) CheckAnswer(from *uint) error {
	fe := FieldErrors{}
	if !enumHas(Dispositions, e.Disposition) {
		fe.Add("disposition", MsgNotListed)
	}
	if strings.TrimSpace(e.Body) == "" {
		fe.Add("body", MsgRequired)
	}
	checkProse(fe, "body", e.Body, MaxAnswerText)
	if strings.TrimSpace(e.Reasons) == "" {
		fe.Add("reasons", MsgRequired)
	}
	checkProse(fe, "reasons", e.Reasons, MaxAnswerText)
	if e.Disposition == DispositionNotOurRemit {
		if e.ToAgencyID == nil || *e.ToAgencyID == 0 {
			fe.Add("to_agency", MsgRequired)
		} else if from != nil && *from == *e.ToAgencyID {
			fe.Add("to_agency", MsgNotListed)
		}
	}
	return fe.Err()
}

// CheckHide checks an administrator's reason for hiding a question.
func CheckHide(reason HideReason, duplicateOf *uint, note string) error {
	fe := FieldErrors{}
	if !enumHas(HideReasons, reason) {
		fe.Add("reason", MsgNotListed)
	}
	if reason == HideDuplicate && (duplicateOf == nil || *duplicateOf == 0) {
		fe.Add("duplicate_of", MsgRequired)
	}
	checkProse(fe, "note", note, MaxExplanation)
	return fe.Err()
}

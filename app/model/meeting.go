package model

import (
	"fmt"
	"strings"
	"time"
)

// Messages of the meetings' checks.
const (
	MsgNotTime = "is not a time of day (HH:MM)"
	MsgNotDay  = "must be a whole day"
)

// MeetingKind is what sort of multi-stakeholder meeting it is.
type MeetingKind string

const (
	MeetingTaskForce    MeetingKind = "task_force"    // the plan's forum, government and civil society
	MeetingWorkingGroup MeetingKind = "working_group" // a group of the forum on one subject
	MeetingConsultation MeetingKind = "consultation"  // a public consultation, open to anyone
)

// MeetingKinds lists the kinds in the order forms offer them.
var MeetingKinds = []MeetingKind{MeetingTaskForce, MeetingWorkingGroup, MeetingConsultation}

// Side is which side of the forum an attendee sits on.
type Side string

const (
	SideGovernment   Side = "government"
	SideCivilSociety Side = "civil_society"
)

// Sides lists the sides in the order pages show them.
var Sides = []Side{SideGovernment, SideCivilSociety}

// Meeting is a multi-stakeholder forum meeting, as the secretariat records
// it: OGP's minimum standards ask for one at least every six months, and
// for its minutes to be published. A meeting recorded from the outbox page
// carries its date alone.
type Meeting struct {
	ID        uint        `gorm:"primaryKey"`
	PlanID    *uint       `gorm:"index"`
	Plan      *Plan       `gorm:"constraint:OnDelete:RESTRICT"`
	HeldOn    Date        `gorm:"not null;index"`
	StartsAt  string      `gorm:"size:5;not null;default:''"` // "14:00", local time; empty when not known
	Kind      MeetingKind `gorm:"size:20;not null;default:task_force"`
	Title     string      `gorm:"size:300;not null;default:''"`
	Place     string      `gorm:"size:300;not null;default:''"`
	Link      string      `gorm:"size:1000;not null;default:''"` // where to join online
	Agenda    []AgendaItem
	Attendees []Attendee
	Documents []MeetingDocument
	Version   int `gorm:"not null;default:1"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AgendaItem is one item of a meeting's agenda, about a commitment or not.
type AgendaItem struct {
	ID           uint        `gorm:"primaryKey"`
	MeetingID    uint        `gorm:"not null;index"`
	Meeting      *Meeting    `gorm:"constraint:OnDelete:CASCADE"`
	Position     int         `gorm:"not null"`
	Title        string      `gorm:"size:500;not null"`
	CommitmentID *uint       `gorm:"index"`
	Commitment   *Commitment `gorm:"constraint:OnDelete:SET NULL"`
}

// Attendee is one person at a meeting, named with their organisation or
// agency, on one side of the forum.
type Attendee struct {
	ID           uint     `gorm:"primaryKey"`
	MeetingID    uint     `gorm:"not null;index"`
	Meeting      *Meeting `gorm:"constraint:OnDelete:CASCADE"`
	Position     int      `gorm:"not null"`
	Side         Side     `gorm:"size:20;not null"`
	Name         string   `gorm:"size:200;not null"`
	Organisation string   `gorm:"size:200;not null;default:''"`
}

// MeetingDocument is a link to a document of a meeting: minutes, slides,
// a recording.
type MeetingDocument struct {
	ID        uint     `gorm:"primaryKey"`
	MeetingID uint     `gorm:"not null;index"`
	Meeting   *Meeting `gorm:"constraint:OnDelete:CASCADE"`
	Position  int      `gorm:"not null"`
	Title     string   `gorm:"size:300;not null"`
	URL       string   `gorm:"size:1000;not null"`
}

// Validate checks a meeting and what it holds before it is saved.
func (m *Meeting) Validate() error {
	fe := FieldErrors{}
	if m.HeldOn.IsZero() || m.HeldOn.MonthOnly() {
		fe.Add("held_on", "is required")
	}
	if m.StartsAt != "" {
		if _, err := time.Parse("15:04", m.StartsAt); err != nil {
			fe.Add("starts_at", MsgNotTime)
		}
	}
	checkEnum(fe, "kind", m.Kind, MeetingKinds)
	for field, v := range map[string]string{"title": m.Title, "place": m.Place} {
		checkLine(fe, field, v)
		if len([]rune(v)) > 300 {
			fe.Add(field, "is longer than 300 characters")
		}
	}
	if m.Link != "" {
		checkURL(fe, "link", m.Link)
	}
	for _, a := range m.Agenda {
		checkLine(fe, "agenda", a.Title)
		if len([]rune(a.Title)) > 500 {
			fe.Add("agenda", "is longer than 500 characters")
		}
	}
	for _, a := range m.Attendees {
		field := "attendees." + string(a.Side)
		checkEnum(fe, field, a.Side, Sides)
		checkLine(fe, field, a.Name+a.Organisation)
		if len([]rune(a.Name)) > 200 || len([]rune(a.Organisation)) > 200 {
			fe.Add(field, "is longer than 200 characters")
		}
	}
	for _, d := range m.Documents {
		checkURL(fe, "documents", d.URL)
		checkLine(fe, "documents", d.Title)
		if len([]rune(d.Title)) > 300 {
			fe.Add("documents", "is longer than 300 characters")
		}
	}
	return fe.Err()
}

// Starts is the instant the meeting starts in loc, or its day's start
// when the hour is not known.
func (m *Meeting) Starts(loc *time.Location) time.Time {
	day := m.HeldOn.First(loc)
	if t, err := time.Parse("15:04", m.StartsAt); err == nil {
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	}
	return day
}

// Side lists the attendees of one side.
func (m *Meeting) Side(side Side) []Attendee {
	var out []Attendee
	for _, a := range m.Attendees {
		if a.Side == side {
			out = append(out, a)
		}
	}
	return out
}

// ParseAttendees reads one side's attendance as typed in a form: a person
// a line, "Name, Organisation" (a comma, a full-width comma or 、 between).
func ParseAttendees(side Side, text string) []Attendee {
	var out []Attendee
	for _, line := range nonEmptyLines(text) {
		name, org := line, ""
		for _, sep := range []string{",", "，", "、"} {
			if n, o, ok := strings.Cut(line, sep); ok {
				name, org = strings.TrimSpace(n), strings.TrimSpace(o)
				break
			}
		}
		out = append(out, Attendee{Side: side, Name: name, Organisation: org, Position: len(out) + 1})
	}
	return out
}

// FormatAttendees writes one side's attendance as ParseAttendees reads it.
func FormatAttendees(as []Attendee) string {
	lines := make([]string, len(as))
	for i, a := range as {
		lines[i] = a.Name
		if a.Organisation != "" {
			lines[i] += ", " + a.Organisation
		}
	}
	return strings.Join(lines, "\n")
}

// ParseDocuments reads the documents as typed in a form: a document a
// line, "Title | https://…", or the address alone.
func ParseDocuments(text string) []MeetingDocument {
	var out []MeetingDocument
	for _, line := range nonEmptyLines(text) {
		title, addr, ok := strings.Cut(line, "|")
		if !ok {
			title, addr = line, line
		}
		out = append(out, MeetingDocument{Title: strings.TrimSpace(title), URL: strings.TrimSpace(addr), Position: len(out) + 1})
	}
	return out
}

// FormatDocuments writes the documents as ParseDocuments reads them.
func FormatDocuments(ds []MeetingDocument) string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Title + " | " + d.URL
	}
	return strings.Join(lines, "\n")
}

func nonEmptyLines(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// FollowUpStatus is where a follow-up item stands: tracked (持續列管)
// until a later meeting decides to close it (解除列管).
type FollowUpStatus string

const (
	FollowUpTracked FollowUpStatus = "tracked"
	FollowUpClosed  FollowUpStatus = "closed"
)

// FollowUp is an item a meeting decided to follow up: what, which agency
// owns it (and the commitment it belongs to, where it does), by when. It
// stays on the agenda of every later meeting until one of them closes it.
type FollowUp struct {
	ID           uint           `gorm:"primaryKey"`
	MeetingID    uint           `gorm:"not null;index"` // decided at
	Meeting      *Meeting       `gorm:"constraint:OnDelete:RESTRICT"`
	What         string         `gorm:"size:2000;not null"`
	AgencyID     uint           `gorm:"not null;index"`
	Agency       *Agency        `gorm:"constraint:OnDelete:RESTRICT"`
	CommitmentID *uint          `gorm:"index"`
	Commitment   *Commitment    `gorm:"constraint:OnDelete:SET NULL"`
	DueOn        Date           // may be empty
	Status       FollowUpStatus `gorm:"size:10;not null;default:tracked;index"`
	ClosedAtID   *uint          `gorm:"index"` // the meeting that closed it
	ClosedAt     *Meeting       `gorm:"constraint:OnDelete:RESTRICT"`
	Closing      string         `gorm:"size:2000;not null;default:''"` // the closing decision's words
	Notes        []FollowUpNote
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate checks a follow-up item before it is saved.
func (f *FollowUp) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(f.What) == "" {
		fe.Add("what", "is required")
	}
	checkLines(fe, "what", f.What)
	if len([]rune(f.What)) > 2000 {
		fe.Add("what", "is longer than 2000 characters")
	}
	if f.AgencyID == 0 {
		fe.Add("agency", "is required")
	}
	if f.DueOn.MonthOnly() {
		fe.Add("due_on", MsgNotDay)
	}
	return fe.Err()
}

// IsOpen is whether the item is still tracked.
func (f FollowUp) IsOpen() bool { return f.Status != FollowUpClosed }

// FollowUpNote is a note of progress the owner agency writes between meetings.
type FollowUpNote struct {
	ID         uint      `gorm:"primaryKey"`
	FollowUpID uint      `gorm:"not null;index"`
	FollowUp   *FollowUp `gorm:"constraint:OnDelete:CASCADE"`
	Text       string    `gorm:"not null"`
	AuthorID   *uint     `gorm:"index"`
	Author     *User     `gorm:"constraint:OnDelete:SET NULL"`
	At         time.Time `gorm:"not null"`
}

// Validate checks a note before it is saved.
func (n *FollowUpNote) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(n.Text) == "" {
		fe.Add("text", "is required")
	}
	checkLines(fe, "text", n.Text)
	if len([]rune(n.Text)) > 5000 {
		fe.Add("text", "is longer than 5000 characters")
	}
	return fe.Err()
}

// MayNoteFollowUp is the rule of who writes progress notes on follow-up
// item f: the liaisons of its owner agency while it is tracked.
func (u *User) MayNoteFollowUp(f *FollowUp) bool {
	return u.IsActive() && u.Role == RoleLiaison && u.AgencyID != nil && *u.AgencyID == f.AgencyID && f.IsOpen()
}

// MayManageMeetings is the rule of who records meetings, their follow-up
// items and transcripts: those who manage reminders, the secretariat.
func (u *User) MayManageMeetings() bool { return u.MayManageReminders() }

// Transcript is the full record of a meeting as speeches. Each speaker
// with an account may correct their own speeches until ClosesAt (ten
// working days after the upload); then a scheduled job publishes it.
// Until then only its participants read it.
type Transcript struct {
	ID          uint      `gorm:"primaryKey"`
	MeetingID   uint      `gorm:"not null;uniqueIndex"`
	Meeting     *Meeting  `gorm:"constraint:OnDelete:CASCADE"`
	UploadedAt  time.Time `gorm:"not null"`
	ClosesAt    time.Time `gorm:"not null;index"` // the edit window's end
	PublishedAt *time.Time
	Speeches    []Speech
}

// Published is whether the transcript is final and public.
func (t *Transcript) Published() bool { return t.PublishedAt != nil }

// Open is whether speakers may still edit at instant now.
func (t *Transcript) Open(now time.Time) bool { return !t.Published() && now.Before(t.ClosesAt) }

// Speech is one turn of one speaker in a transcript.
type Speech struct {
	ID           uint        `gorm:"primaryKey"`
	TranscriptID uint        `gorm:"not null;index"`
	Transcript   *Transcript `gorm:"constraint:OnDelete:CASCADE"`
	Position     int         `gorm:"not null"` // 1, 2…: its anchor is #speech-N
	Speaker      string      `gorm:"size:200;not null"`
	UserID       *uint       `gorm:"index"` // the speaker's account, when they have one
	User         *User       `gorm:"constraint:OnDelete:SET NULL"`
	Text         string      `gorm:"not null"`
	Original     string      `gorm:"not null;default:''"` // as uploaded
	EditedAt     *time.Time  // last edited by its speaker
}

// Edited is whether the speaker changed the speech in the window.
func (s *Speech) Edited() bool { return s.EditedAt != nil }

// MayEditSpeech is the rule of who edits speech s of transcript t at
// instant now: its speaker's own account, while the window is open.
func (u *User) MayEditSpeech(s *Speech, t *Transcript, now time.Time) bool {
	return u.IsActive() && s.UserID != nil && *s.UserID == u.ID && t.Open(now)
}

// ParseTranscript reads a transcript in its upload format: a speech
// starts with a line "Speaker: text" (a full-width colon works too); the
// lines after it, up to the next speaker's line, belong to it. A line
// that opens with "Name:" is a new speaker when the name is short (at most
// 20 characters, no punctuation, no spaces at its ends) and the colon is
// not an address's (https://); blank lines are kept within a speech.
// Lines before the first speaker are refused.
func ParseTranscript(text string) ([]Speech, error) {
	var out []Speech
	var body []string
	flush := func() {
		if len(out) > 0 {
			t := strings.TrimSpace(strings.Join(body, "\n"))
			out[len(out)-1].Text, out[len(out)-1].Original = t, t
		}
		body = nil
	}
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if name, rest, ok := speakerLine(line); ok {
			flush()
			out = append(out, Speech{Speaker: name, Position: len(out) + 1})
			body = []string{rest}
			continue
		}
		if len(out) == 0 {
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("line %d comes before the first \"Speaker:\" line", i+1)
			}
			continue
		}
		body = append(body, line)
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("no \"Speaker:\" line")
	}
	for _, s := range out {
		if err := CheckLines(s.Text); err != nil {
			return nil, fmt.Errorf("speech %d: %w", s.Position, err)
		}
		if err := CheckLine(s.Speaker); err != nil {
			return nil, fmt.Errorf("speech %d: %w", s.Position, err)
		}
	}
	return out, nil
}

func speakerLine(line string) (name, rest string, ok bool) {
	i := strings.IndexAny(line, ":：")
	if i <= 0 {
		return "", "", false
	}
	name = line[:i]
	if strings.TrimSpace(name) != name || len([]rune(name)) > 20 || strings.ContainsAny(name, "，。、,.!?！？;；()（）「」\"") ||
		strings.HasPrefix(line[i:], "://") {
		return "", "", false
	}
	sep := ":"
	if strings.HasPrefix(line[i:], "：") {
		sep = "："
	}
	return name, strings.TrimSpace(line[i+len(sep):]), true
}

// Holiday is a day off work that the secretariat enters (Taiwan's are
// published each year by the DGPA): edit windows skip it.
type Holiday struct {
	Day  Date   `gorm:"primaryKey"`
	Name string `gorm:"size:200;not null;default:''"`
}

// AddWorkingDays is the end of the n-th working day after the day of from
// (in loc), as the start of the next day: Saturdays, Sundays and holidays
// are not working days, and the day of from does not count.
func AddWorkingDays(from time.Time, n int, loc *time.Location, holidays map[Date]bool) time.Time {
	d := from.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || holidays[DayOf(day)] {
			continue
		}
		n--
	}
	return day.AddDate(0, 0, 1)
}

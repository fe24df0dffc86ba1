package model

import (
	"fmt"
	"strings"
	"time"
)

// MilestoneStatus is what the responsible agency reports of a milestone.
type MilestoneStatus string

const (
	MilestoneNotStarted MilestoneStatus = "not-started"
	MilestoneInProgress MilestoneStatus = "in-progress"
	MilestoneCompleted  MilestoneStatus = "completed"
	MilestoneDelayed    MilestoneStatus = "delayed"
	MilestoneCancelled  MilestoneStatus = "cancelled"
)

// MilestoneStatuses lists every status in workflow order.
var MilestoneStatuses = []MilestoneStatus{MilestoneNotStarted, MilestoneInProgress, MilestoneCompleted, MilestoneDelayed, MilestoneCancelled}

// MaxWeight is the largest weight a milestone may have. Weights are shares
// (1 for equal ones); a huge weight is a typing or export error, and sums
// of weights near 1e308 overflow, so that progress reads 0 %.
const MaxWeight = 1000

// MsgWeightTooLarge says a weight is over MaxWeight.
var MsgWeightTooLarge = fmt.Sprintf("must be at most %d", MaxWeight)

// Milestone is a step of a commitment. A milestone may have child
// milestones one level down (commitment → milestone → indicator).
type Milestone struct {
	ID           uint        `gorm:"primaryKey"`
	CommitmentID uint        `gorm:"not null;uniqueIndex:idx_milestone_ref"`
	Commitment   *Commitment `gorm:"constraint:OnDelete:CASCADE"`
	Ref          string      `gorm:"size:20;not null;uniqueIndex:idx_milestone_ref"` // "3", or "3.1" for a child
	ParentID     *uint       // indexed where set (idx_milestones_children)
	Parent       *Milestone  `gorm:"constraint:OnDelete:CASCADE"`
	Position     int         `gorm:"not null"`
	Title        Text        `gorm:"not null"`
	Start        Date
	Due          Date    `gorm:"index"`
	DueText      Text    // the deadline as the plan words it ("Ongoing", "By fall 2022"), beside Due
	AgencyID     *uint   // responsible agency; the commitment's lead when not set (idx_milestones_agency_schedule)
	Agency       *Agency `gorm:"constraint:OnDelete:SET NULL"`
	// OtherAgencies are the agencies responsible with Agency, in the join
	// table milestone_agencies: each one's liaison may update it too.
	OtherAgencies []Agency        `gorm:"many2many:milestone_agencies;joinForeignKey:MilestoneID;joinReferences:AgencyID"`
	Status        MilestoneStatus `gorm:"size:20;not null"`
	// StatusKey is the status in the plan's own scale (Plan.StatusScale),
	// "" when the plan uses the tracker's statuses.
	StatusKey   string `gorm:"size:40;not null;default:''"`
	CompletedOn Date
	Weight      float64 `gorm:"not null;default:1"`
	Evidence    Links   // what shows the milestone's progress: reports, minutes, published data
	// Note is the responsible agency's latest word on its progress, in a
	// line or two, in the language it was written in.
	Note    string `gorm:"not null;default:''"`
	Version int    `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	// ProgressAt is when progress was last reported (status, note or
	// evidence), or the date a dataset gave for its status; nil when none
	// was. Edits of the plan's data and imports without a date leave it.
	ProgressAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Validate checks a milestone before it is saved.
func (m *Milestone) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "ref", m.Ref, 20)
	requireText(fe, "title", m.Title, 2000)
	checkEnum(fe, "status", m.Status, MilestoneStatuses)
	checkLine(fe, "status_key", m.StatusKey)
	checkText(fe, "due_text", m.DueText, MaxDateWording)
	checkPeriod(fe, "start", m.Start, m.Due)
	switch {
	case !(m.Weight > 0): // NaN too
		fe.Add("weight", "must be more than 0")
	case m.Weight > MaxWeight:
		fe.Add("weight", MsgWeightTooLarge)
	}
	if !m.CompletedOn.IsZero() && m.Status != MilestoneCompleted {
		fe.Add("completed_on", "only a completed milestone has a completion date")
	}
	m.Evidence.validate(fe, "evidence")
	checkProse(fe, "note", m.Note, MaxMilestoneNote)
	return fe.Err()
}

// MaxDateWording is the length of a date's wording ("By fall 2022"), in characters.
const MaxDateWording = 200

// MaxMilestoneNote is the length of a milestone's progress note, in characters.
const MaxMilestoneNote = 1000

// ProgressUpdate is what the responsible agency reports of a milestone:
// its status (and completion date), and optionally its progress note and
// the full list of its evidence links, each left as it is when nil.
type ProgressUpdate struct {
	Status      MilestoneStatus
	StatusKey   string // the status in the plan's scale; set from Status when empty
	CompletedOn Date
	Note        *string
	Evidence    *Links
}

// ChangeProgress applies u as of today (see ChangeStatus).
func (m *Milestone) ChangeProgress(u ProgressUpdate, today Date) error {
	if u.Note != nil {
		m.Note = strings.TrimSpace(*u.Note)
	}
	if u.Evidence != nil {
		m.Evidence = *u.Evidence
	}
	if err := m.ChangeStatus(u.Status, u.CompletedOn, today); err != nil {
		return err
	}
	m.StatusKey = u.StatusKey
	return nil
}

// Messages of ChangeStatus, which a form names in the visitor's language.
const (
	MsgCompletedOnRequired    = "a completed milestone needs its completion date"
	MsgCompletedOnFuture      = "the completion date is after today"
	MsgCompletedOnBeforeStart = "the completion date is before the milestone's start"
)

// ChangeStatus sets the reported status as of today. A completed
// milestone needs the day it was completed, which cannot be after today
// nor before the milestone's start; any other status clears it.
func (m *Milestone) ChangeStatus(status MilestoneStatus, completedOn, today Date) error {
	fe := FieldErrors{}
	checkEnum(fe, "status", status, MilestoneStatuses)
	if status != MilestoneCompleted {
		completedOn = Date{}
	}
	switch {
	case status != MilestoneCompleted:
	case completedOn.IsZero():
		fe.Add("completed_on", MsgCompletedOnRequired)
	case completedOn.First(time.UTC).After(today.Last(time.UTC)):
		fe.Add("completed_on", MsgCompletedOnFuture)
	case !m.Start.IsZero() && completedOn.Last(time.UTC).Before(m.Start.First(time.UTC)):
		fe.Add("completed_on", MsgCompletedOnBeforeStart)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	m.Status, m.CompletedOn = status, completedOn
	return m.Validate()
}

// The judgements below decide both whom the reminders tell (app/remind)
// and what people find on their work queue (app/work), so that the two
// agree on every day.

// Settled reports whether a milestone needs nothing more as of today:
// cancelled, or completed on or before today.
func (m *Milestone) Settled(today Date) bool {
	switch m.Status {
	case MilestoneCancelled:
		return true
	case MilestoneCompleted:
		return m.CompletedOn.IsZero() || !m.CompletedOn.First(time.UTC).After(today.Last(time.UTC))
	}
	return false
}

// OverdueFrom is the instant an unsettled milestone becomes late: the
// midnight after its due day (a month-precision due date: after the
// month's last day), in loc. Zero when it has no due date.
func (m *Milestone) OverdueFrom(loc *time.Location) time.Time {
	if m.Due.IsZero() {
		return time.Time{}
	}
	return m.Due.Last(loc).AddDate(0, 0, 1)
}

// Counts reports whether the milestone takes part in progress.
func (m *Milestone) Counts() bool { return m.Status != MilestoneCancelled }

// ResponsibleAgencyID is the agency that answers for milestone m of
// commitment c: the agency m names, or c's lead when it names none; nil when
// neither is known. Every page that counts an agency's milestones uses it.
func (m *Milestone) ResponsibleAgencyID(c *Commitment) *uint {
	if m.AgencyID != nil {
		return m.AgencyID
	}
	return c.LeadAgencyID
}

// AnswersFor reports whether agency answers for milestone m of commitment
// c: as its responsible agency (ResponsibleAgencyID) or as one of the
// others named with it (OtherAgencies, loaded).
func (m *Milestone) AnswersFor(agency uint, c *Commitment) bool {
	if id := m.ResponsibleAgencyID(c); id != nil && *id == agency {
		return true
	}
	for _, a := range m.OtherAgencies {
		if a.ID == agency {
			return true
		}
	}
	return false
}

// ResponsibleAgency is the loaded agency of ResponsibleAgencyID, when the
// milestone's and the commitment's agencies were loaded with them.
func (m *Milestone) ResponsibleAgency(c *Commitment) *Agency {
	if m.AgencyID != nil {
		return m.Agency
	}
	return c.LeadAgency
}

// Leaves returns the milestones of one commitment that are no other's
// parent, in their order: a parent's state is rolled up from its children,
// so lists and counts of milestones take the leaves only, or a late child
// would be counted twice.
func Leaves(ms []Milestone) []*Milestone {
	parents := make(map[uint]bool)
	for i := range ms {
		if ms[i].ParentID != nil {
			parents[*ms[i].ParentID] = true
		}
	}
	out := make([]*Milestone, 0, len(ms))
	for i := range ms {
		if !parents[ms[i].ID] {
			out = append(out, &ms[i])
		}
	}
	return out
}

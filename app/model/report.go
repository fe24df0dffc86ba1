package model

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Length limits of what people type into a progress report, in characters.
const (
	MaxNarrative   = 20000 // the report's account of progress, in Markdown
	MaxReportText  = 5000  // challenges, next steps, the reasons of a dissent, an assessment's note
	MaxExplanation = 1000  // the explanation of a milestone's delay
	MaxPeriodName  = 200
)

// ReportingPeriod is a stretch of a plan, defined by the secretariat, for
// which every commitment's lead agency reports its progress.
type ReportingPeriod struct {
	ID        uint  `gorm:"primaryKey"`
	PlanID    uint  `gorm:"not null;index"`
	Plan      *Plan `gorm:"constraint:OnDelete:CASCADE"`
	Name      Text  `gorm:"not null"`
	StartsOn  Date  `gorm:"not null"`
	EndsOn    Date  `gorm:"not null;index"` // reminders read it: a report is due from the end of its period
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks a period before it is saved: named, and a start and an
// end, the end not before the start.
func (p *ReportingPeriod) Validate() error {
	fe := FieldErrors{}
	if p.PlanID == 0 {
		fe.Add("plan", "is required")
	}
	requireText(fe, "name", p.Name, MaxPeriodName)
	if p.StartsOn.IsZero() {
		fe.Add("starts_on", "is required")
	}
	switch {
	case p.EndsOn.IsZero():
		fe.Add("ends_on", "is required")
	case !p.StartsOn.IsZero() && p.EndsOn.Last(time.UTC).Before(p.StartsOn.First(time.UTC)):
		fe.Add("ends_on", MsgEndsBeforeStart)
	}
	return fe.Err()
}

// Contains reports whether day d falls within the period.
func (p *ReportingPeriod) Contains(d Date) bool {
	t := d.First(time.UTC)
	return !t.Before(p.StartsOn.First(time.UTC)) && !t.After(p.EndsOn.Last(time.UTC))
}

// Closes is the instant the period is over, in loc: the midnight after its
// last day. Its reports are owed by then (see Milestone.Settled).
func (p *ReportingPeriod) Closes(loc *time.Location) time.Time {
	return p.EndsOn.Last(loc).AddDate(0, 0, 1)
}

// Messages of the reporting workflow's validation that forms translate.
const (
	MsgEndsBeforeStart = "the end is before the start"
	MsgRequired        = "is required"
	MsgTooLong         = "is too long"
	MsgScript          = "may not contain a script"
	MsgNotURL          = "must be an http or https address"
	MsgNotListed       = "is not one of the listed values"
	MsgTooMany         = "has too many entries"
)

// ReportStatus is where a progress report stands.
type ReportStatus string

const (
	ReportDraft     ReportStatus = "draft"     // seen only by the lead agency's liaisons
	ReportSubmitted ReportStatus = "submitted" // public, never changed again
)

// ReportStatuses lists every status.
var ReportStatuses = []ReportStatus{ReportDraft, ReportSubmitted}

// DelayReason is why a milestone is late, from a fixed list so that
// reasons can be counted across agencies.
type DelayReason string

const (
	DelayFunding      DelayReason = "funding"
	DelayProcurement  DelayReason = "procurement"
	DelayLegal        DelayReason = "legal"
	DelayCoordination DelayReason = "coordination"
	DelayStaffing     DelayReason = "staffing"
	DelayScope        DelayReason = "scope"
	DelayExternal     DelayReason = "external"
	DelayOther        DelayReason = "other"
)

// DelayReasons lists every reason in the order forms offer them.
var DelayReasons = []DelayReason{DelayFunding, DelayProcurement, DelayLegal, DelayCoordination, DelayStaffing, DelayScope, DelayExternal, DelayOther}

// MilestoneDelay is the reason a report gives for one late or delayed milestone.
type MilestoneDelay struct {
	MilestoneID uint        `json:"milestone_id"`
	Ref         string      `json:"ref"` // the milestone's number when the report was written
	Reason      DelayReason `json:"reason"`
	Explanation string      `json:"explanation,omitempty"`
}

// MilestoneDelays is a report's list of delays, stored as JSON.
type MilestoneDelays []MilestoneDelay

// Value stores the list as JSON.
func (d MilestoneDelays) Value() (driver.Value, error) {
	return jsonValue([]MilestoneDelay(d), d == nil, "[]")
}

// Scan reads the JSON form back.
func (d *MilestoneDelays) Scan(src any) error {
	var out []MilestoneDelay
	err := scanJSON(src, &out, "MilestoneDelays")
	*d = out
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (MilestoneDelays) GormDataType() string { return "text" }

// StatusProposal is the status a draft proposes for one milestone, applied
// to the milestone when the report is submitted.
type StatusProposal struct {
	MilestoneID uint            `json:"milestone_id"`
	Ref         string          `json:"ref"`
	Status      MilestoneStatus `json:"status"`
	CompletedOn Date            `json:"completed_on"`
}

// StatusProposals is a draft's list of proposals, stored as JSON.
type StatusProposals []StatusProposal

// Value stores the list as JSON.
func (p StatusProposals) Value() (driver.Value, error) {
	return jsonValue([]StatusProposal(p), p == nil, "[]")
}

// Scan reads the JSON form back.
func (p *StatusProposals) Scan(src any) error {
	var out []StatusProposal
	err := scanJSON(src, &out, "StatusProposals")
	*p = out
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (StatusProposals) GormDataType() string { return "text" }

// ProgressReport is one version of a lead agency's report on one
// commitment for one reporting period. A draft is seen only by the
// liaisons of its agency; once submitted a version is public and never
// changed: a correction starts the next version as a new draft.
type ProgressReport struct {
	ID           uint             `gorm:"primaryKey"`
	CommitmentID uint             `gorm:"not null;uniqueIndex:idx_report_version,priority:1"`
	Commitment   *Commitment      `gorm:"constraint:OnDelete:CASCADE"`
	PeriodID     uint             `gorm:"not null;uniqueIndex:idx_report_version,priority:2;index"`
	Period       *ReportingPeriod `gorm:"constraint:OnDelete:CASCADE"`
	Version      int              `gorm:"not null;uniqueIndex:idx_report_version,priority:3"` // 1, 2, …
	AgencyID     uint             `gorm:"not null;index"`                                     // the lead agency that reports
	Agency       *Agency          `gorm:"constraint:OnDelete:RESTRICT"`
	Status       ReportStatus     `gorm:"size:20;not null;index"`
	Narrative    string           `gorm:"not null"` // Markdown
	// Translation is the narrative in a second language, TranslationLang
	// (one of Languages), written by the agency, such as its English for
	// OGP; optional. Pages in that language show it, the original beside.
	Translation     string `gorm:"not null;default:''"`
	TranslationLang string `gorm:"size:10;not null;default:''"`
	Evidence        Links
	Challenges      string `gorm:"not null"`
	NextSteps       string `gorm:"not null"`
	Delays          MilestoneDelays
	Proposals       StatusProposals // milestone statuses applied on submission
	// Revision counts a draft's saves, so that a form sent from a stale page is caught.
	Revision      int `gorm:"not null;default:1"`
	SubmittedAt   *time.Time
	SubmittedByID *uint
	SubmittedBy   *User `gorm:"constraint:OnDelete:SET NULL"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Validate checks a report before it is saved. A draft may be unfinished;
// Submittable asks more.
func (r *ProgressReport) Validate() error {
	fe := FieldErrors{}
	if r.CommitmentID == 0 {
		fe.Add("commitment", MsgRequired)
	}
	if r.PeriodID == 0 {
		fe.Add("period", MsgRequired)
	}
	if r.AgencyID == 0 {
		fe.Add("agency", MsgRequired)
	}
	if r.Version < 1 {
		fe.Add("version", "must be 1 or more")
	}
	checkEnum(fe, "status", r.Status, ReportStatuses)
	checkProse(fe, "narrative", r.Narrative, MaxNarrative)
	checkProse(fe, "translation", r.Translation, MaxNarrative)
	if r.Translation != "" && !slices.Contains(Languages, r.TranslationLang) {
		fe.Add("translation_lang", MsgNotListed)
	}
	checkProse(fe, "challenges", r.Challenges, MaxReportText)
	checkProse(fe, "next_steps", r.NextSteps, MaxReportText)
	r.Evidence.validate(fe, "evidence")
	for i, l := range r.Evidence { // an agency's report names what its links show
		if l.Title.IsEmpty() {
			fe.Add(fmt.Sprintf("evidence[%d].title", i), MsgRequired)
		}
	}
	for _, d := range r.Delays {
		field := fmt.Sprintf("delays[%d]", d.MilestoneID)
		if !enumHas(DelayReasons, d.Reason) {
			fe.Add(field+".reason", MsgNotListed)
		}
		checkProse(fe, field+".explanation", d.Explanation, MaxExplanation)
	}
	for _, p := range r.Proposals {
		if !enumHas(MilestoneStatuses, p.Status) {
			fe.Add(fmt.Sprintf("milestones[%d].status", p.MilestoneID), MsgNotListed)
		}
	}
	return fe.Err()
}

// Submittable checks what a report needs before it is submitted: an
// account of progress.
func (r *ProgressReport) Submittable() error {
	fe := FieldErrors{}
	if strings.TrimSpace(r.Narrative) == "" {
		fe.Add("narrative", MsgRequired)
	}
	if err := r.Validate(); err != nil {
		for k, v := range err.(FieldErrors) {
			fe.Add(k, v)
		}
	}
	return fe.Err()
}

// checkProse checks a text people write: not longer than max characters,
// and without a script, which is refused rather than silently removed so
// that the writer knows what the public will read.
func checkProse(fe FieldErrors, field, v string, max int) {
	switch {
	case len(v) > 4*max || len([]rune(v)) > max:
		fe.Add(field, MsgTooLong)
	case CheckLines(v) != nil:
		checkLines(fe, field, v)
	case strings.Contains(strings.ToLower(v), "<script"):
		fe.Add(field, MsgScript)
	}
}

func enumHas[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Verdict is what a committee member says of a submitted report.
type Verdict string

const (
	VerdictConfirm Verdict = "confirm" // the report is a fair account
	VerdictDissent Verdict = "dissent" // it is not, for the reasons given
)

// Verdicts lists every verdict.
var Verdicts = []Verdict{VerdictConfirm, VerdictDissent}

// Review is a committee member's view of one submitted report version.
// A member has one review per version; sending another replaces it.
type Review struct {
	ID       uint            `gorm:"primaryKey"`
	ReportID uint            `gorm:"not null;uniqueIndex:idx_review_member,priority:1"`
	Report   *ProgressReport `gorm:"constraint:OnDelete:CASCADE"`
	UserID   uint            `gorm:"not null;uniqueIndex:idx_review_member,priority:2"`
	User     *User           `gorm:"constraint:OnDelete:CASCADE"`
	Verdict  Verdict         `gorm:"size:20;not null"`
	Reasons  string          `gorm:"not null"`
	// CoLead marks a member whose organisation co-leads the commitment.
	CoLead bool `gorm:"not null;default:false"`
	// The reporting agency's answer to a dissent, public like the dissent
	// (Markdown). A member who changes their review clears it: the new
	// review awaits its own answer, and the record of changes keeps both.
	Answer       string `gorm:"not null;default:''"`
	AnsweredAt   *time.Time
	AnsweredByID *uint
	AnsweredBy   *User `gorm:"constraint:OnDelete:SET NULL"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Answered reports whether the agency answered this review.
func (v *Review) Answered() bool { return v.AnsweredAt != nil }

// CheckAnswer checks an agency's answer to review v: v is a dissent, and
// the answer is given, within its limit, without a script.
func (v *Review) CheckAnswer(answer string) error {
	fe := FieldErrors{}
	if v.Verdict != VerdictDissent {
		fe.Add("answer", "only a dissent is answered")
	}
	if strings.TrimSpace(answer) == "" {
		fe.Add("answer", MsgRequired)
	}
	checkProse(fe, "answer", answer, MaxReportText)
	return fe.Err()
}

// TableName keeps reviews beside the reports they are about.
func (Review) TableName() string { return "report_reviews" }

// Validate checks a review: a dissent needs its reasons.
func (v *Review) Validate() error {
	fe := FieldErrors{}
	if v.ReportID == 0 {
		fe.Add("report", MsgRequired)
	}
	if v.UserID == 0 {
		fe.Add("user", MsgRequired)
	}
	if !enumHas(Verdicts, v.Verdict) {
		fe.Add("verdict", MsgNotListed)
	}
	if v.Verdict == VerdictDissent && strings.TrimSpace(v.Reasons) == "" {
		fe.Add("reasons", MsgRequired)
	}
	checkProse(fe, "reasons", v.Reasons, MaxReportText)
	return fe.Err()
}

// Agreement is where civil society stands on a report version.
type Agreement string

const (
	AgreementAwaiting  Agreement = "awaiting"  // no review yet
	AgreementAgreed    Agreement = "agreed"    // confirmed, and no dissent
	AgreementContested Agreement = "contested" // at least one dissent the agency has not answered
	AgreementAnswered  Agreement = "answered"  // dissents, every one answered by the agency
)

// AgreementOf is where civil society stands given the reviews of one version.
func AgreementOf(reviews []Review) Agreement {
	a := AgreementAwaiting
	for _, r := range reviews {
		switch r.Verdict {
		case VerdictDissent:
			if !r.Answered() {
				return AgreementContested
			}
			a = AgreementAnswered
		case VerdictConfirm:
			if a == AgreementAwaiting {
				a = AgreementAgreed
			}
		}
	}
	return a
}

// CompletionAssessment is a committee member's judgement of how complete
// a commitment is at the end of a period, on OGP's completion scale.
// Assessments are only added: the latest is the committee's current view.
type CompletionAssessment struct {
	ID           uint             `gorm:"primaryKey"`
	CommitmentID uint             `gorm:"not null;index:idx_assessment,priority:1"`
	Commitment   *Commitment      `gorm:"constraint:OnDelete:CASCADE"`
	PeriodID     uint             `gorm:"not null;index:idx_assessment,priority:2"`
	Period       *ReportingPeriod `gorm:"constraint:OnDelete:CASCADE"`
	UserID       uint             `gorm:"not null;index"`
	User         *User            `gorm:"constraint:OnDelete:CASCADE"`
	Completion   Completion       `gorm:"size:20;not null"`
	Note         string           `gorm:"not null"`
	CreatedAt    time.Time
}

// Validate checks an assessment: a level of the scale, and a note within its limit.
func (a *CompletionAssessment) Validate() error {
	fe := FieldErrors{}
	if a.CommitmentID == 0 {
		fe.Add("commitment", MsgRequired)
	}
	if a.PeriodID == 0 {
		fe.Add("period", MsgRequired)
	}
	if a.UserID == 0 {
		fe.Add("user", MsgRequired)
	}
	if a.Completion == CompletionUnassessed || !enumHas(Completions, a.Completion) {
		fe.Add("completion", MsgNotListed)
	}
	checkProse(fe, "note", a.Note, MaxReportText)
	return fe.Err()
}

package model

import "time"

// PlanStatus is where an action plan is in its cycle.
type PlanStatus string

const (
	PlanCoCreation     PlanStatus = "co-creation"
	PlanImplementation PlanStatus = "implementation"
	PlanEnded          PlanStatus = "ended"
)

// PlanStatuses lists every status in cycle order.
var PlanStatuses = []PlanStatus{PlanCoCreation, PlanImplementation, PlanEnded}

// JurisdictionLevel tells a national plan from a local government's.
type JurisdictionLevel string

const (
	JurisdictionNational JurisdictionLevel = "national"
	JurisdictionLocal    JurisdictionLevel = "local"
)

// Plan is one action plan of one OGP member.
type Plan struct {
	ID                uint   `gorm:"primaryKey"`
	Ref               string `gorm:"size:64;uniqueIndex;not null"` // stable identifier, e.g. "TWN-1" or OGP's "AP_KGZ01"
	Jurisdiction      Text   `gorm:"not null"`                     // the country or local government
	JurisdictionCode  string `gorm:"size:16;index"`                // ISO 3166 alpha-3 where there is one
	JurisdictionLevel JurisdictionLevel
	Number            int  // the member's first, second… plan
	Title             Text `gorm:"not null"`
	Start             Date
	End               Date
	Status            PlanStatus `gorm:"size:20;not null"`
	Documents         Links      // the official documents
	// QuestionDays is the promise to the public: the days within which a
	// question gets its answer (0: DefaultQuestionDays).
	QuestionDays int `gorm:"not null;default:14"`
	Version      int `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate checks a plan before it is saved.
// InForce reports whether the plan runs at at, in loc: from its start to
// the end of its last day. Reminders and work queues are for plans in
// force, not for the history of ended ones.
func (p *Plan) InForce(at time.Time, loc *time.Location) bool {
	if !p.Start.IsZero() && at.Before(p.Start.First(loc)) {
		return false
	}
	return p.End.IsZero() || at.Before(p.End.Last(loc).AddDate(0, 0, 1))
}

func (p *Plan) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "ref", p.Ref, 64)
	checkLine(fe, "jurisdiction_code", p.JurisdictionCode)
	requireText(fe, "jurisdiction", p.Jurisdiction, 200)
	requireText(fe, "title", p.Title, 500)
	checkEnum(fe, "status", p.Status, PlanStatuses)
	if p.JurisdictionLevel != "" {
		checkEnum(fe, "jurisdiction_level", p.JurisdictionLevel, []JurisdictionLevel{JurisdictionNational, JurisdictionLocal})
	}
	if p.Number < 0 {
		fe.Add("number", "must not be negative")
	}
	checkPeriod(fe, "start", p.Start, p.End)
	if p.QuestionDays < 0 || p.QuestionDays > MaxQuestionDays {
		fe.Add("question_days", MsgNotListed)
	}
	p.Documents.validate(fe, "documents")
	return fe.Err()
}

// Ended reports whether the plan is over at at, in loc: marked ended, or
// past the end of its last day.
func (p *Plan) Ended(at time.Time, loc *time.Location) bool {
	return p.Status == PlanEnded || !p.End.IsZero() && !at.Before(p.End.Last(loc).AddDate(0, 0, 1))
}

// CurrentPlan is, of one member's plans, the one meant by "the current
// plan" at at: the newest that has not ended, or the newest of all when
// every one has. An ended plan is never current once a newer one exists,
// whatever the numbers typed in the forms. Newest is the latest start,
// then the highest number, then the latest stored. nil for no plans.
func CurrentPlan(plans []Plan, at time.Time, loc *time.Location) *Plan {
	var best *Plan
	newer := func(a, b *Plan) bool {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c > 0
		}
		if a.Number != b.Number {
			return a.Number > b.Number
		}
		return a.ID > b.ID
	}
	for i := range plans {
		p := &plans[i]
		switch {
		case best == nil:
			best = p
		case best.Ended(at, loc) != p.Ended(at, loc):
			if !p.Ended(at, loc) {
				best = p
			}
		case newer(p, best):
			best = p
		}
	}
	return best
}

// QuestionDaysOrDefault is the days the plan's promise to answer a question runs.
func (p *Plan) QuestionDaysOrDefault() int {
	if p.QuestionDays <= 0 {
		return DefaultQuestionDays
	}
	return p.QuestionDays
}

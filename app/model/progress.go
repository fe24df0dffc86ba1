package model

import "time"

// ScheduleState is where a commitment or milestone stands against its
// dates on a given day. It is always derived, never stored.
type ScheduleState string

const (
	StateNotStarted ScheduleState = "not-started"
	StateOnTrack    ScheduleState = "on-track"
	StateDueSoon    ScheduleState = "due-soon"
	StateOverdue    ScheduleState = "overdue"
	StateComplete   ScheduleState = "complete"
	StateCancelled  ScheduleState = "cancelled" // a milestone only
	StateUnknown    ScheduleState = "unknown"   // no dates and no milestones recorded
)

// ScheduleStates lists the states a commitment can be in, in the order a
// dashboard shows them.
var ScheduleStates = []ScheduleState{StateOverdue, StateDueSoon, StateOnTrack, StateNotStarted, StateComplete, StateUnknown}

// DueSoonDays is how far ahead an open milestone counts as due soon.
const DueSoonDays = 30

// Assessment is what the tracker derives of a commitment on a day.
type Assessment struct {
	// Progress is the weighted share of completed milestones, 0 to 1;
	// nil when there is nothing to measure (no milestones, or all cancelled).
	Progress   *float64
	State      ScheduleState
	LastUpdate time.Time
	Milestones map[uint]ScheduleState // each milestone's own state
	Overdue    int                    // open milestones past their due date
	DueSoon    int
}

// Percent is Progress as a whole percentage, or -1 when unknown.
func (a Assessment) Percent() int {
	if a.Progress == nil {
		return -1
	}
	return int(*a.Progress*100 + 0.5)
}

// Assess derives progress, schedule state and last update of c with its
// milestones ms as of the instant asOf; dates are read in asOf's location.
// This is the one place these rules live.
func Assess(c *Commitment, ms []Milestone, asOf time.Time) Assessment {
	loc := asOf.Location()
	today := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, loc)
	a := Assessment{LastUpdate: c.UpdatedAt, Milestones: make(map[uint]ScheduleState, len(ms))}

	children := map[uint][]*Milestone{}
	var top []*Milestone
	for i := range ms {
		m := &ms[i]
		if m.UpdatedAt.After(a.LastUpdate) {
			a.LastUpdate = m.UpdatedAt
		}
		if m.ParentID != nil {
			children[*m.ParentID] = append(children[*m.ParentID], m)
		} else {
			top = append(top, m)
		}
	}
	// A child whose parent is missing is treated as top level.
	byID := make(map[uint]bool, len(ms))
	for i := range ms {
		byID[ms[i].ID] = true
	}
	for pid, kids := range children {
		if !byID[pid] {
			top = append(top, kids...)
		}
	}

	// Leaf milestones decide the schedule: a parent with children is as
	// late as its latest child; a leaf is judged on its own dates.
	var open, done, undated, started int
	var earliestStart time.Time
	for i := range ms {
		m := &ms[i]
		st := milestoneState(m, today)
		a.Milestones[m.ID] = st
		if len(children[m.ID]) > 0 || !m.Counts() || cancelledAncestor(m, ms) {
			continue
		}
		switch st {
		case StateComplete:
			done++
		case StateOverdue:
			a.Overdue++
			open++
		case StateDueSoon:
			a.DueSoon++
			open++
		case StateUnknown:
			undated++
			open++
		default:
			open++
		}
		if m.Status == MilestoneInProgress || m.Status == MilestoneDelayed || m.Status == MilestoneCompleted {
			started++
		}
		if !m.Start.IsZero() && (earliestStart.IsZero() || m.Start.First(loc).Before(earliestStart)) {
			earliestStart = m.Start.First(loc)
		}
	}
	for pid, kids := range children {
		if byID[pid] { // an orphan's missing parent gets no state
			a.Milestones[pid] = rollUpState(a.Milestones[pid], kids, a.Milestones)
		}
	}

	var sum, weight float64
	for _, m := range top {
		if v, w, ok := fraction(m, children); ok {
			sum += v * w
			weight += w
		}
	}
	if weight > 0 {
		p := sum / weight
		a.Progress = &p
	}

	start := earliestStart
	if !c.Start.IsZero() {
		start = c.Start.First(loc)
	}
	switch {
	case done > 0 && open == 0:
		a.State = StateComplete
	case a.Overdue > 0:
		a.State = StateOverdue
	case a.DueSoon > 0:
		a.State = StateDueSoon
	case done == 0 && open == undated:
		// No milestone has a date: judge by the commitment's own dates.
		a.State = periodState(c.Start, c.End, today)
	case started == 0 && !start.IsZero() && start.After(today):
		a.State = StateNotStarted
	default:
		a.State = StateOnTrack
	}
	return a
}

// milestoneState judges one milestone on its own dates.
func milestoneState(m *Milestone, today time.Time) ScheduleState {
	switch m.Status {
	case MilestoneCancelled:
		return StateCancelled
	case MilestoneCompleted:
		return StateComplete
	}
	loc := today.Location()
	if !m.Due.IsZero() {
		due := m.Due.Last(loc)
		if due.Before(today) {
			return StateOverdue
		}
		if !due.After(today.AddDate(0, 0, DueSoonDays)) {
			return StateDueSoon
		}
	}
	if m.Status == MilestoneNotStarted && !m.Start.IsZero() && m.Start.First(loc).After(today) {
		return StateNotStarted
	}
	if m.Due.IsZero() && m.Start.IsZero() && m.Status == MilestoneNotStarted {
		return StateUnknown
	}
	return StateOnTrack
}

// periodState judges a commitment that has no milestones to measure.
func periodState(start, end Date, today time.Time) ScheduleState {
	loc := today.Location()
	switch {
	case start.IsZero() && end.IsZero():
		return StateUnknown
	case !start.IsZero() && start.First(loc).After(today):
		return StateNotStarted
	case !end.IsZero() && end.Last(loc).Before(today):
		return StateOverdue
	case !end.IsZero() && !end.Last(loc).After(today.AddDate(0, 0, DueSoonDays)):
		return StateDueSoon
	default:
		return StateOnTrack
	}
}

// rollUpState gives a parent the most urgent state of its counted children.
func rollUpState(own ScheduleState, kids []*Milestone, states map[uint]ScheduleState) ScheduleState {
	if own == StateCancelled {
		return own
	}
	rank := map[ScheduleState]int{StateOverdue: 5, StateDueSoon: 4, StateOnTrack: 3, StateNotStarted: 2, StateUnknown: 1, StateComplete: 0}
	best, counted := StateComplete, false
	for _, k := range kids {
		st := states[k.ID]
		if st == StateCancelled {
			continue
		}
		counted = true
		if rank[st] > rank[best] {
			best = st
		}
	}
	if !counted {
		return own
	}
	return best
}

// fraction is a milestone's completed share and weight; ok is false when
// it does not count (cancelled, or all its children cancelled).
func fraction(m *Milestone, children map[uint][]*Milestone) (v, w float64, ok bool) {
	if !m.Counts() {
		return 0, 0, false
	}
	kids := children[m.ID]
	if len(kids) == 0 {
		if m.Status == MilestoneCompleted {
			return 1, m.Weight, true
		}
		return 0, m.Weight, true
	}
	var sum, weight float64
	for _, k := range kids {
		if kv, kw, kok := fraction(k, children); kok {
			sum += kv * kw
			weight += kw
		}
	}
	if weight == 0 {
		return 0, 0, false
	}
	return sum / weight, m.Weight, true
}

func cancelledAncestor(m *Milestone, ms []Milestone) bool {
	if m.ParentID == nil {
		return false
	}
	for i := range ms {
		if ms[i].ID == *m.ParentID {
			return ms[i].Status == MilestoneCancelled
		}
	}
	return false
}

// CompletionLevel places the milestone progress on OGP's completion scale,
// so dashboards speak the scale the IRM uses: nothing done is not started,
// under half limited, half or more substantial, all of it complete, and
// unassessed when there is nothing to measure. It is derived from the
// agencies' milestones, not the IRM's own judgement (IRM.Completion).
func (a Assessment) CompletionLevel() Completion {
	switch p := a.Progress; {
	case p == nil:
		return CompletionUnassessed
	case *p <= 0:
		return CompletionNotStarted
	case *p < 0.5:
		return CompletionLimited
	case *p < 1:
		return CompletionSubstantial
	default:
		return CompletionComplete
	}
}

// StateCount is how many commitments or milestones are in one schedule state.
type StateCount struct {
	State ScheduleState
	Count int
}

// Summary is what the assessments of a set of commitments add up to: a
// plan's, a theme's. Pages, charts and the API read it from here, so they
// agree.
type Summary struct {
	Commitments int
	// Progress is the mean progress of the commitments that can be
	// measured, 0 to 1; nil when none can.
	Progress *float64
	// States counts the commitments in each schedule state, in dashboard
	// order (ScheduleStates), leaving out the states none is in.
	States []StateCount
}

// Summarise adds up the assessments of a set of commitments.
func Summarise(as []Assessment) Summary {
	s := Summary{Commitments: len(as)}
	var sum float64
	var measured int
	counts := map[ScheduleState]int{}
	for _, a := range as {
		counts[a.State]++
		if a.Progress != nil {
			sum += *a.Progress
			measured++
		}
	}
	if measured > 0 {
		p := sum / float64(measured)
		s.Progress = &p
	}
	for _, st := range ScheduleStates {
		if counts[st] > 0 {
			s.States = append(s.States, StateCount{st, counts[st]})
		}
	}
	return s
}

// Percent is Progress as a whole percentage, or -1 when nothing can be measured.
func (s Summary) Percent() int {
	return Assessment{Progress: s.Progress}.Percent()
}

// Count is how many of the commitments are in state st.
func (s Summary) Count(st ScheduleState) int {
	for _, sc := range s.States {
		if sc.State == st {
			return sc.Count
		}
	}
	return 0
}

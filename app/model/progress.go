package model

import "time"

// ScheduleState is where a commitment or milestone stands against its
// dates on a given day. It is always derived, never stored.
type ScheduleState string

const (
	StateNotStarted ScheduleState = "not-started"
	StateOnTrack    ScheduleState = "on-track"
	// StateInProgress: work is reported under way and no due date says
	// whether it is on time.
	StateInProgress ScheduleState = "in-progress"
	StateDueSoon    ScheduleState = "due-soon"
	StateOverdue    ScheduleState = "overdue"
	// StateNotCompleted: the plan has ended and the milestone (or a
	// milestone of the commitment) was not reported completed. An ended
	// plan's open milestones are judged once, by its end, not late by a
	// count of days that grows for ever.
	StateNotCompleted ScheduleState = "not-completed"
	StateComplete     ScheduleState = "complete"
	StateCancelled    ScheduleState = "cancelled" // a milestone only
	StateUnknown      ScheduleState = "unknown"   // no dates and no milestones recorded
)

// ScheduleStates lists the states a commitment can be in, in the order a
// dashboard shows them: what needs attention first, what is done last.
var ScheduleStates = []ScheduleState{StateOverdue, StateNotCompleted, StateDueSoon, StateOnTrack, StateInProgress,
	StateNotStarted, StateComplete, StateUnknown}

// DueSoonDays is how far ahead an open milestone counts as due soon.
const DueSoonDays = 30

// Assessment is what the tracker derives of a commitment on a day.
//
// Milestones are counted one way everywhere: the leaves (milestones with
// no children, the indicators of a parent) that are not cancelled; a
// parent is not counted itself, its state is rolled up from its children.
type Assessment struct {
	// Progress is the weighted share of completed milestones, 0 to 1;
	// nil when there is nothing to measure (no milestones, or all cancelled).
	Progress *float64
	State    ScheduleState
	// LastUpdate is the last progress update: a milestone's status, note
	// or evidence reported, the day a milestone was completed, a report
	// submitted, an answer to a dissent or a question. Zero when no
	// progress was ever reported; an import or a correction of the data
	// is not one.
	LastUpdate time.Time
	Milestones map[uint]ScheduleState // each milestone's own state, a parent's rolled up from its children
	// OpenChildren counts, for each parent reported completed, its
	// children that are not: the children decide its state, and pages say
	// why it is not shown complete.
	OpenChildren map[uint]int
	Counted      int // the counted milestones (leaves, not cancelled)
	Completed    int // of which completed
	Overdue      int // open milestones past their due date
	DueSoon      int
	NotCompleted int // open milestones of an ended plan
	// Ended: the plan had ended on the day judged; PlanEnd is its end.
	Ended   bool
	PlanEnd Date
}

// Percent is Progress as a whole percentage, or -1 when unknown.
func (a Assessment) Percent() int {
	if a.Progress == nil {
		return -1
	}
	return int(*a.Progress*100 + 0.5)
}

// Assess derives progress, schedule state and last update of c, a
// commitment of plan p, with its milestones ms as of the instant asOf;
// dates are read in asOf's location. p may be nil when the plan is not
// known, and is then taken as in force. This is the one place these rules
// live.
func Assess(p *Plan, c *Commitment, ms []Milestone, asOf time.Time) Assessment {
	loc := asOf.Location()
	today := Midnight(asOf)
	a := Assessment{Milestones: make(map[uint]ScheduleState, len(ms))}
	if a.Ended = planEnded(p, today); a.Ended && !p.End.IsZero() {
		a.PlanEnd = p.End
	}
	if c.ProgressAt != nil {
		a.LastUpdate = *c.ProgressAt
	}

	children := map[uint][]*Milestone{}
	var top []*Milestone
	for i := range ms {
		m := &ms[i]
		if t := m.LastProgress(); t.After(a.LastUpdate) {
			a.LastUpdate = t
		}
		if m.ParentID != nil {
			children[*m.ParentID] = append(children[*m.ParentID], m)
		} else {
			top = append(top, m)
		}
	}
	// A child whose parent is missing is treated as top level.
	byID := make(map[uint]*Milestone, len(ms))
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	for pid, kids := range children {
		if byID[pid] == nil {
			top = append(top, kids...)
		}
	}

	// Leaf milestones decide the schedule: a parent with children is
	// judged on its children; a leaf on its own dates.
	var leaves []ScheduleState
	var started bool
	var earliestStart time.Time
	for i := range ms {
		m := &ms[i]
		st := milestoneState(m, today, a.Ended)
		a.Milestones[m.ID] = st
		if !m.Counts() || cancelledAncestor(m, ms) {
			continue
		}
		started = started || m.reportedStarted()
		if len(children[m.ID]) > 0 {
			continue
		}
		a.Counted++
		switch st {
		case StateComplete:
			a.Completed++
		case StateOverdue:
			a.Overdue++
		case StateDueSoon:
			a.DueSoon++
		case StateNotCompleted:
			a.NotCompleted++
		}
		leaves = append(leaves, st)
		if !m.Start.IsZero() && (earliestStart.IsZero() || m.Start.First(loc).Before(earliestStart)) {
			earliestStart = m.Start.First(loc)
		}
	}
	for pid, kids := range children {
		parent := byID[pid]
		if parent == nil || parent.Status == MilestoneCancelled { // an orphan's missing parent gets no state
			continue
		}
		var states []ScheduleState
		kidStarted := parent.reportedStarted()
		for _, k := range kids {
			if k.Counts() {
				states = append(states, a.Milestones[k.ID])
				kidStarted = kidStarted || k.reportedStarted()
			}
		}
		if len(states) == 0 {
			continue // every child cancelled: judged on its own
		}
		st := rollUp(states, kidStarted)
		a.Milestones[pid] = st
		if parent.Status == MilestoneCompleted && st != StateComplete {
			if a.OpenChildren == nil {
				a.OpenChildren = map[uint]int{}
			}
			for _, k := range kids {
				if k.Counts() && a.Milestones[k.ID] != StateComplete {
					a.OpenChildren[pid]++
				}
			}
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
	switch st := rollUp(leaves, started); {
	case len(leaves) == 0 && a.Ended:
		// Nothing to measure and the plan is over: not reported completed.
		a.State = StateNotCompleted
	case len(leaves) == 0 || st == StateUnknown && !started:
		// No milestone has a date nor reported progress: judge by the
		// commitment's own dates.
		a.State = periodState(c.Start, c.End, today)
	case st == StateOnTrack && !started && !start.IsZero() && start.After(today):
		a.State = StateNotStarted
	default:
		a.State = st
	}
	return a
}

// LastProgress is when progress on m was last reported: the tracker's
// record of it, or the day it was completed when that is later (a plan
// loaded from its history carries the dates of its sources).
func (m *Milestone) LastProgress() time.Time {
	var t time.Time
	if m.ProgressAt != nil {
		t = *m.ProgressAt
	}
	if m.Status == MilestoneCompleted && !m.CompletedOn.IsZero() {
		if done := m.CompletedOn.First(time.UTC); done.After(t) {
			t = done
		}
	}
	return t
}

// reportedStarted: the agency reported work on m under way or done.
func (m *Milestone) reportedStarted() bool {
	return m.Status == MilestoneInProgress || m.Status == MilestoneDelayed || m.Status == MilestoneCompleted
}

// stateRank orders the open states by urgency, the most urgent highest.
var stateRank = map[ScheduleState]int{StateOverdue: 6, StateNotCompleted: 5, StateDueSoon: 4, StateOnTrack: 3,
	StateInProgress: 2, StateNotStarted: 1, StateUnknown: 0}

// rollUp is the state of a whole made of parts in states (none
// cancelled): complete when every part is, else the most urgent state of
// its open parts; once any work is reported (started) it is at least in
// progress, never "not started".
func rollUp(states []ScheduleState, started bool) ScheduleState {
	best, open := StateComplete, false
	for _, st := range states {
		if st == StateComplete || st == StateCancelled {
			continue
		}
		if !open || stateRank[st] > stateRank[best] {
			best, open = st, true
		}
	}
	if open && started && (best == StateNotStarted || best == StateUnknown) {
		return StateInProgress
	}
	return best
}

// Midnight is the start of t's day in its own location: the day schedules
// are judged on.
func Midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// planEnded reports whether plan p (nil: none) has ended by today. Its end
// date decides, so that a day before it reads as it was then (?asof=); a
// plan with no end date has ended when marked so.
func planEnded(p *Plan, today time.Time) bool {
	if p == nil {
		return false
	}
	if !p.End.IsZero() {
		return p.End.Last(today.Location()).Before(today)
	}
	return p.Status == PlanEnded
}

// LeafState is the schedule state of a milestone of plan p that has no
// children (see Leaves), on asOf: what Assess gives it, without the rest
// of its commitment, for pages that count the milestones of one agency
// across thousands of commitments.
func LeafState(p *Plan, m *Milestone, asOf time.Time) ScheduleState {
	today := Midnight(asOf)
	return milestoneState(m, today, planEnded(p, today))
}

// milestoneState judges one milestone on its own dates and status; in an
// ended plan an open milestone is not completed, whatever its dates.
func milestoneState(m *Milestone, today time.Time, ended bool) ScheduleState {
	switch m.Status {
	case MilestoneCancelled:
		return StateCancelled
	case MilestoneCompleted:
		return StateComplete
	}
	if ended {
		return StateNotCompleted
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
		if m.Status == MilestoneNotStarted && !m.Start.IsZero() && m.Start.First(loc).After(today) {
			return StateNotStarted
		}
		return StateOnTrack
	}
	switch {
	case m.reportedStarted():
		return StateInProgress // under way, and no due date to judge it by
	case !m.Start.IsZero() && m.Start.First(loc).After(today):
		return StateNotStarted
	case !m.Start.IsZero():
		return StateOnTrack
	default:
		return StateUnknown
	}
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

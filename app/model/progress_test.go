package model_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Taipei whatever the machine has installed

	"github.com/ogptracker/ogptracker/app/model"
)

var taipei = mustLoadLocation("Asia/Taipei")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// on is mid-morning of day ("2021-12-31") in Taipei.
func on(day string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", taipei)
	if err != nil {
		panic(err)
	}
	return t
}

// ms builds a milestone with weight 1; start and due may be "" (not given).
func ms(id uint, status model.MilestoneStatus, start, due string) model.Milestone {
	return model.Milestone{ID: id, Ref: fmt.Sprint(id), Title: model.T("en", fmt.Sprint("Milestone ", id)),
		Status: status, Start: model.MustDate(start), Due: model.MustDate(due), Weight: 1}
}

func weighted(w float64, m model.Milestone) model.Milestone { m.Weight = w; return m }

func childOf(parent uint, m model.Milestone) model.Milestone { m.ParentID = &parent; return m }

func period(start, end string) *model.Commitment {
	return &model.Commitment{Ref: "T/1", Code: "1", Title: model.T("en", "Test"), Start: model.MustDate(start), End: model.MustDate(end)}
}

const (
	notStarted = model.MilestoneNotStarted
	inProgress = model.MilestoneInProgress
	completed  = model.MilestoneCompleted
	cancelled  = model.MilestoneCancelled
)

func TestAssess(t *testing.T) {
	tests := []struct {
		name        string
		commitment  *model.Commitment
		milestones  []model.Milestone
		asOf        time.Time
		wantState   model.ScheduleState
		wantPercent int // -1: no progress to show
		wantOverdue int
		wantDueSoon int
	}{
		{
			name:       "no milestones: judged on the commitment's own dates",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			wantState: model.StateOnTrack, wantPercent: -1,
		},
		{
			name:       "no milestones and no dates: unknown",
			commitment: period("", ""), asOf: on("2022-06-01"),
			wantState: model.StateUnknown, wantPercent: -1,
		},
		{
			name:       "no milestones, start in the future: not started",
			commitment: period("2023-01", "2024-05"), asOf: on("2022-06-01"),
			wantState: model.StateNotStarted, wantPercent: -1,
		},
		{
			name:       "no milestones, end passed: overdue",
			commitment: period("2021-01", "2021-12"), asOf: on("2022-01-01"),
			wantState: model.StateOverdue, wantPercent: -1,
		},
		{
			name:       "no milestones, end within 30 days: due soon",
			commitment: period("2021-01", "2021-12"), asOf: on("2021-12-15"),
			wantState: model.StateDueSoon, wantPercent: -1,
		},
		{
			name:       "all milestones cancelled: no progress, judged on the commitment's dates",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{ms(1, cancelled, "2021-01", "2021-02"), ms(2, cancelled, "", "")},
			wantState:  model.StateOnTrack, wantPercent: -1,
		},
		{
			name:       "weights 1 and 3, the heavy one completed",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2023-12"), weighted(3, ms(2, completed, "2021-01", "2022-03"))},
			wantState:  model.StateOnTrack, wantPercent: 75,
		},
		{
			name:       "weights 1 and 3, the light one completed",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{ms(1, completed, "2021-01", "2022-03"), weighted(3, ms(2, inProgress, "2021-01", "2023-12"))},
			wantState:  model.StateOnTrack, wantPercent: 25,
		},
		{
			name:       "children roll up into their parent's share",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{
				ms(1, inProgress, "2021-01", "2023-12"),
				childOf(1, ms(11, completed, "2021-01", "2021-12")),
				childOf(1, weighted(3, ms(12, inProgress, "2021-01", "2023-12"))),
				ms(2, completed, "2021-01", "2021-12"),
			},
			// parent 1: (1×1 + 3×0) / 4 = 0.25; commitment: (0.25 + 1) / 2
			wantState: model.StateOnTrack, wantPercent: 63,
		},
		{
			name:       "a cancelled child is left out of its parent's share",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{
				ms(1, inProgress, "2021-01", "2023-12"),
				childOf(1, ms(11, completed, "2021-01", "2021-12")),
				childOf(1, ms(12, cancelled, "2021-01", "2021-12")),
				ms(2, inProgress, "2021-01", "2023-12"),
			},
			wantState: model.StateOnTrack, wantPercent: 50,
		},
		{
			name:       "a cancelled parent leaves out its children, even overdue ones",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{
				ms(1, cancelled, "2021-01", "2021-12"),
				childOf(1, ms(11, completed, "2021-01", "2021-06")),
				childOf(1, ms(12, inProgress, "2021-01", "2021-12")),
				ms(2, inProgress, "2021-01", "2023-12"),
			},
			wantState: model.StateOnTrack, wantPercent: 0,
		},
		{
			name:       "an open child past its due date makes the commitment overdue",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{
				ms(1, inProgress, "2021-01", "2023-12"),
				childOf(1, ms(11, inProgress, "2021-01", "2021-12")),
				childOf(1, ms(12, completed, "2021-01", "2021-12")),
			},
			wantState: model.StateOverdue, wantPercent: 50, wantOverdue: 1,
		},
		{
			name:       "due 2021-12 is not overdue on 31 December",
			commitment: period("2021-01", "2024-05"), asOf: on("2021-12-31"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2021-12")},
			wantState:  model.StateDueSoon, wantPercent: 0, wantDueSoon: 1,
		},
		{
			name:       "due 2021-12 is overdue on 1 January",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-01-01"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2021-12")},
			wantState:  model.StateOverdue, wantPercent: 0, wantOverdue: 1,
		},
		{
			name:       "due 2021-12 is due soon 30 days before the month ends",
			commitment: period("2021-01", "2024-05"), asOf: on("2021-12-01"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2021-12")},
			wantState:  model.StateDueSoon, wantPercent: 0, wantDueSoon: 1,
		},
		{
			name:       "due 2021-12 is on track 31 days before the month ends",
			commitment: period("2021-01", "2024-05"), asOf: on("2021-11-30"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2021-12")},
			wantState:  model.StateOnTrack, wantPercent: 0,
		},
		{
			name:       "due today: due soon, not overdue",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-03-15"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2022-03-15")},
			wantState:  model.StateDueSoon, wantPercent: 0, wantDueSoon: 1,
		},
		{
			name:       "due yesterday: overdue",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-03-16"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2022-03-15")},
			wantState:  model.StateOverdue, wantPercent: 0, wantOverdue: 1,
		},
		{
			name:       "overdue outranks due soon",
			commitment: period("2021-01", "2024-05"), asOf: on("2022-03-16"),
			milestones: []model.Milestone{ms(1, inProgress, "2021-01", "2022-03-15"), ms(2, inProgress, "2021-01", "2022-03-20")},
			wantState:  model.StateOverdue, wantPercent: 0, wantOverdue: 1, wantDueSoon: 1,
		},
		{
			name:       "every milestone completed: complete, even after the due dates",
			commitment: period("2021-01", "2021-12"), asOf: on("2023-01-01"),
			milestones: []model.Milestone{ms(1, completed, "2021-01", "2021-06"), ms(2, completed, "2021-01", "2021-12"), ms(3, cancelled, "2021-01", "2021-12")},
			wantState:  model.StateComplete, wantPercent: 100,
		},
		{
			name:       "milestones starting in the future: not started",
			commitment: period("", ""), asOf: on("2022-06-01"),
			milestones: []model.Milestone{ms(1, notStarted, "2023-01", "2023-12"), ms(2, notStarted, "2023-06", "2024-05")},
			wantState:  model.StateNotStarted, wantPercent: 0,
		},
		{
			name:       "a commitment starting in the future: not started",
			commitment: period("2023-01", "2024-05"), asOf: on("2022-06-01"),
			milestones: []model.Milestone{ms(1, notStarted, "", "2023-12")},
			wantState:  model.StateNotStarted, wantPercent: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := model.Assess(nil, tt.commitment, tt.milestones, tt.asOf)
			if a.State != tt.wantState {
				t.Errorf("state = %s, want %s", a.State, tt.wantState)
			}
			if got := a.Percent(); got != tt.wantPercent {
				t.Errorf("percent = %d, want %d", got, tt.wantPercent)
			}
			if (a.Progress == nil) != (tt.wantPercent == -1) {
				t.Errorf("progress = %v, want nil exactly when there is nothing to measure", a.Progress)
			}
			if a.Overdue != tt.wantOverdue || a.DueSoon != tt.wantDueSoon {
				t.Errorf("overdue, due soon = %d, %d; want %d, %d", a.Overdue, a.DueSoon, tt.wantOverdue, tt.wantDueSoon)
			}
			if len(a.Milestones) != len(tt.milestones) {
				t.Errorf("%d milestone states for %d milestones: %v", len(a.Milestones), len(tt.milestones), a.Milestones)
			}
		})
	}
}

func TestAssessMilestoneStates(t *testing.T) {
	milestones := []model.Milestone{
		ms(1, inProgress, "2021-01", "2023-12"),
		childOf(1, ms(11, inProgress, "2021-01", "2022-06-10")), // due soon
		childOf(1, ms(12, completed, "2021-01", "2021-12")),
		ms(2, cancelled, "2021-01", "2021-12"),
		childOf(2, ms(21, inProgress, "2021-01", "2021-12")), // overdue on its own, parent stays cancelled
		ms(3, notStarted, "", ""),
		ms(4, notStarted, "2023-01", "2023-12"),
		ms(5, inProgress, "2021-01", "2023-12"),
		childOf(99, ms(91, inProgress, "2021-01", "2021-12")), // parent missing: judged as top level
	}
	a := model.Assess(nil, period("2021-01", "2024-05"), milestones, on("2022-06-01"))
	want := map[uint]model.ScheduleState{
		1:  model.StateDueSoon, // its most urgent child
		11: model.StateDueSoon,
		12: model.StateComplete,
		2:  model.StateCancelled,
		21: model.StateOverdue,
		3:  model.StateUnknown,
		4:  model.StateNotStarted,
		5:  model.StateOnTrack,
		91: model.StateOverdue,
	}
	for id, st := range want {
		if a.Milestones[id] != st {
			t.Errorf("milestone %d: state %q, want %q", id, a.Milestones[id], st)
		}
	}
	if len(a.Milestones) != len(want) {
		t.Errorf("states for %d milestones, want %d: %v", len(a.Milestones), len(want), a.Milestones)
	}
	if a.State != model.StateOverdue || a.Overdue != 1 || a.DueSoon != 1 {
		t.Errorf("commitment: %s with %d overdue, %d due soon; want overdue with 1 overdue (91), 1 due soon (11)", a.State, a.Overdue, a.DueSoon)
	}
}

// "Last update" is the last progress reported, never the time a row was
// written (an import, a correction): rows written today with no progress
// reported have none.
func TestAssessLastUpdate(t *testing.T) {
	t0 := time.Date(2022, 1, 10, 8, 0, 0, 0, time.UTC)
	at := func(t time.Time) *time.Time { return &t }
	c := period("2021-01", "2024-05")
	c.UpdatedAt = t0.Add(1000 * time.Hour) // written later: an import, a correction
	older, newer := ms(1, inProgress, "2021-01", "2023-12"), ms(2, inProgress, "2021-01", "2023-12")
	older.UpdatedAt, newer.UpdatedAt = t0.Add(2000*time.Hour), t0.Add(2000*time.Hour)

	if got := model.Assess(nil, c, []model.Milestone{older, newer}, on("2022-06-01")).LastUpdate; !got.IsZero() {
		t.Errorf("nothing reported: last update %v, want none", got)
	}
	c.ProgressAt = at(t0)
	if got := model.Assess(nil, c, nil, on("2022-06-01")).LastUpdate; !got.Equal(t0) {
		t.Errorf("a report on the commitment: last update %v, want %v", got, t0)
	}
	older.ProgressAt, newer.ProgressAt = at(t0.Add(-time.Hour)), at(t0.Add(48*time.Hour))
	if got := model.Assess(nil, c, []model.Milestone{older}, on("2022-06-01")).LastUpdate; !got.Equal(t0) {
		t.Errorf("with an older milestone: last update %v, want the commitment's %v", got, t0)
	}
	if got := model.Assess(nil, c, []model.Milestone{older, newer}, on("2022-06-01")).LastUpdate; !got.Equal(*newer.ProgressAt) {
		t.Errorf("with a newer milestone: last update %v, want the milestone's %v", got, *newer.ProgressAt)
	}
	// A completion date from the source is a progress update of its day.
	done := ms(3, completed, "2021-01", "2022-03")
	done.CompletedOn = model.MustDate("2022-03-15")
	if got := model.Assess(nil, c, []model.Milestone{older, newer, done}, on("2022-06-01")).LastUpdate; !got.Equal(time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("with a milestone completed later: last update %v, want its completion day", got)
	}
}

// The day is read in asOf's own location: the same instant can be
// 31 December in UTC and already 1 January in Taipei.
func TestAssessReadsTheDayInAsOfsLocation(t *testing.T) {
	c := period("2021-01", "2024-05")
	milestones := []model.Milestone{ms(1, inProgress, "2021-01", "2021-12")}
	tests := []struct {
		asOf time.Time
		want model.ScheduleState
	}{
		{time.Date(2021, 12, 31, 23, 30, 0, 0, taipei), model.StateDueSoon},
		{time.Date(2021, 12, 31, 15, 30, 0, 0, time.UTC), model.StateDueSoon}, // the same instant
		{time.Date(2022, 1, 1, 0, 30, 0, 0, taipei), model.StateOverdue},
		{time.Date(2021, 12, 31, 16, 30, 0, 0, time.UTC), model.StateDueSoon}, // the same instant
	}
	for _, tt := range tests {
		if got := model.Assess(nil, c, milestones, tt.asOf).State; got != tt.want {
			t.Errorf("as of %s: %s, want %s", tt.asOf.Format(time.RFC3339), got, tt.want)
		}
	}
}

func TestAssessUndatedMilestonesAndReportedStarts(t *testing.T) {
	asOf := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	c := &model.Commitment{}
	undated := []model.Milestone{{ID: 1, Status: model.MilestoneNotStarted, Weight: 1}, {ID: 2, Status: model.MilestoneNotStarted, Weight: 1}}
	if got := model.Assess(nil, c, undated, asOf).State; got != model.StateUnknown {
		t.Errorf("milestones without any date: %s, want unknown", got)
	}
	// A milestone reported in progress has started, whatever its planned start says.
	early := []model.Milestone{{ID: 1, Status: model.MilestoneInProgress, Start: model.MustDate("2021-09"), Due: model.MustDate("2022-12"), Weight: 1}}
	if got := model.Assess(nil, c, early, asOf).State; got != model.StateOnTrack {
		t.Errorf("in progress before its planned start: %s, want on-track", got)
	}
	early[0].Status = model.MilestoneNotStarted
	if got := model.Assess(nil, c, early, asOf).State; got != model.StateNotStarted {
		t.Errorf("not started before its planned start: %s, want not-started", got)
	}
}

func TestCompletionLevel(t *testing.T) {
	asOf := time.Date(2022, 6, 1, 12, 0, 0, 0, time.UTC)
	c := &model.Commitment{}
	four := func(done int) []model.Milestone {
		ms := make([]model.Milestone, 4)
		for i := range ms {
			ms[i] = model.Milestone{ID: uint(i + 1), Status: model.MilestoneInProgress, Weight: 1, Due: model.MustDate("2023-12")}
			if i < done {
				ms[i].Status = model.MilestoneCompleted
			}
		}
		return ms
	}
	tests := []struct {
		ms   []model.Milestone
		want model.Completion
	}{
		{nil, model.CompletionUnassessed},
		{four(0), model.CompletionNotStarted},
		{four(1), model.CompletionLimited},
		{four(2), model.CompletionSubstantial},
		{four(3), model.CompletionSubstantial},
		{four(4), model.CompletionComplete},
	}
	for _, tt := range tests {
		if got := model.Assess(nil, c, tt.ms, asOf).CompletionLevel(); got != tt.want {
			t.Errorf("%d milestones: %q, want %q", len(tt.ms), got, tt.want)
		}
	}
}

func TestSummariseAddsUpCommitments(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	s := model.Summarise([]model.Assessment{
		{Progress: p(1), State: model.StateComplete},
		{Progress: p(0.25), State: model.StateOverdue},
		{Progress: p(0), State: model.StateOverdue},
		{State: model.StateUnknown}, // nothing to measure: counted, not averaged
	})
	if s.Commitments != 4 || s.Progress == nil || *s.Progress != 1.25/3 || s.Percent() != 42 {
		t.Errorf("summary %+v, percent %d; want 4 commitments at 42%%", s, s.Percent())
	}
	want := []model.StateCount{{State: model.StateOverdue, Count: 2}, {State: model.StateComplete, Count: 1}, {State: model.StateUnknown, Count: 1}}
	if fmt.Sprint(s.States) != fmt.Sprint(want) || s.Count(model.StateOverdue) != 2 || s.Count(model.StateOnTrack) != 0 {
		t.Errorf("states %v, want %v in dashboard order", s.States, want)
	}
	if none := model.Summarise([]model.Assessment{{State: model.StateUnknown}}); none.Progress != nil || none.Percent() != -1 {
		t.Errorf("nothing measured: %+v, percent %d; want no progress", none, none.Percent())
	}
}

func ended(end string) *model.Plan {
	return &model.Plan{Ref: "P", Start: model.MustDate("2021-01"), End: model.MustDate(end), Status: model.PlanImplementation}
}

// Parents are judged on their indicators: in progress as soon as one is,
// complete only when all are; a parent reported completed with open
// indicators is not complete, and is flagged.
func TestAssessParentsFollowTheirIndicators(t *testing.T) {
	milestones := []model.Milestone{
		ms(1, notStarted, "", ""),
		childOf(1, ms(11, completed, "", "")),
		childOf(1, ms(12, completed, "", "")),
		childOf(1, ms(13, notStarted, "2023-01", "2023-06")), // not yet begun
		ms(2, completed, "2021-01", "2022-12"),               // reported completed…
		childOf(2, ms(21, completed, "", "")),
		childOf(2, ms(22, inProgress, "2021-01", "2022-03")), // …with an indicator late
		ms(3, inProgress, "", ""),                            // under way, undated: no date to judge it by
		ms(4, notStarted, "", ""),
		childOf(4, ms(41, completed, "", "")),
		childOf(4, ms(42, cancelled, "", "")),
	}
	a := model.Assess(nil, period("2021-01", "2024-05"), milestones, on("2022-06-01"))
	want := map[uint]model.ScheduleState{
		1: model.StateInProgress, 11: model.StateComplete, 12: model.StateComplete, 13: model.StateNotStarted,
		2: model.StateOverdue, 21: model.StateComplete, 22: model.StateOverdue,
		3: model.StateInProgress,
		4: model.StateComplete, 41: model.StateComplete, 42: model.StateCancelled,
	}
	for id, st := range want {
		if a.Milestones[id] != st {
			t.Errorf("milestone %d: %s, want %s", id, a.Milestones[id], st)
		}
	}
	if a.OpenChildren[2] != 1 || len(a.OpenChildren) != 1 {
		t.Errorf("open children of parents reported completed: %v, want 1 for milestone 2 only", a.OpenChildren)
	}
	// Counted: the leaves that are not cancelled, never a parent.
	if a.Counted != 7 || a.Completed != 4 || a.Overdue != 1 {
		t.Errorf("counted %d, completed %d, overdue %d; want 7, 4, 1", a.Counted, a.Completed, a.Overdue)
	}
	if a.State != model.StateOverdue {
		t.Errorf("commitment: %s, want overdue", a.State)
	}
}

// A commitment's state comes from what its milestones report as well as
// from their dates: once one is under way it is never "not started".
func TestAssessCommitmentInProgressFromReportedStatus(t *testing.T) {
	c := period("2021-01", "2024-05")
	for _, tt := range []struct {
		name string
		ms   []model.Milestone
		want model.ScheduleState
	}{
		{"undated, one reported in progress", []model.Milestone{ms(1, inProgress, "", ""), ms(2, notStarted, "", "")}, model.StateInProgress},
		{"undated, one completed", []model.Milestone{ms(1, completed, "", ""), ms(2, notStarted, "", "")}, model.StateInProgress},
		{"a parent reported in progress over undated indicators", []model.Milestone{ms(1, inProgress, "", ""),
			childOf(1, ms(11, notStarted, "", "")), childOf(1, ms(12, notStarted, "", ""))}, model.StateInProgress},
		{"future starts, one already under way", []model.Milestone{ms(1, inProgress, "2023-01", ""), ms(2, notStarted, "2023-01", "")}, model.StateInProgress},
		{"future starts, none under way", []model.Milestone{ms(1, notStarted, "2023-01", ""), ms(2, notStarted, "2023-01", "")}, model.StateNotStarted},
		{"all completed", []model.Milestone{ms(1, completed, "", ""), ms(2, completed, "", "")}, model.StateComplete},
		{"nothing dated nor reported: the commitment's period", []model.Milestone{ms(1, notStarted, "", "")}, model.StateOnTrack},
	} {
		if got := model.Assess(nil, c, tt.ms, on("2022-06-01")).State; got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// After a plan's end, open milestones are not completed by the end, dated
// or not, never a count of days late; the commitment is complete only when
// all are.
func TestAssessEndedPlan(t *testing.T) {
	p := ended("2024-05")
	c := period("2021-01", "2024-05")
	milestones := []model.Milestone{
		ms(1, inProgress, "2021-01", "2022-12"), // was due long before the end
		ms(2, notStarted, "", ""),               // never dated
		ms(3, completed, "2021-01", "2022-12"),
		ms(4, cancelled, "2021-01", "2022-12"),
	}
	for _, asOf := range []time.Time{on("2024-06-01"), on("2030-01-01")} {
		a := model.Assess(p, c, milestones, asOf)
		if !a.Ended || a.PlanEnd != p.End {
			t.Errorf("as of %s: ended %t, end %v; want the plan's end", asOf.Format(time.DateOnly), a.Ended, a.PlanEnd)
		}
		want := map[uint]model.ScheduleState{1: model.StateNotCompleted, 2: model.StateNotCompleted, 3: model.StateComplete, 4: model.StateCancelled}
		for id, st := range want {
			if a.Milestones[id] != st {
				t.Errorf("as of %s, milestone %d: %s, want %s", asOf.Format(time.DateOnly), id, a.Milestones[id], st)
			}
		}
		if a.State != model.StateNotCompleted || a.Overdue != 0 || a.DueSoon != 0 || a.NotCompleted != 2 || a.Counted != 3 || a.Completed != 1 {
			t.Errorf("as of %s: %s, %d overdue, %d due soon, %d not completed of %d (%d done); want not-completed, 0, 0, 2 of 3 (1 done)",
				asOf.Format(time.DateOnly), a.State, a.Overdue, a.DueSoon, a.NotCompleted, a.Counted, a.Completed)
		}
	}
	// The day before the end, the same plan is still running.
	if a := model.Assess(p, c, milestones, on("2024-05-31")); a.Ended || a.State != model.StateOverdue || a.Milestones[2] != model.StateUnknown {
		t.Errorf("on its last day: ended %t, %s, undated %s; want running, overdue, unknown", a.Ended, a.State, a.Milestones[2])
	}
	all := []model.Milestone{ms(1, completed, "2021-01", "2022-12"), ms(2, cancelled, "", "")}
	if got := model.Assess(p, c, all, on("2026-01-01")).State; got != model.StateComplete {
		t.Errorf("everything completed by the end: %s, want complete", got)
	}
	if got := model.Assess(p, c, nil, on("2026-01-01")).State; got != model.StateNotCompleted {
		t.Errorf("no milestones in an ended plan: %s, want not-completed", got)
	}
	// Marked ended, it still reads as it was on a day before its end;
	// without an end date, the mark decides.
	p.Status = model.PlanEnded
	if a := model.Assess(p, c, milestones, on("2022-06-01")); a.Ended || a.Milestones[1] != model.StateOnTrack {
		t.Errorf("as of a day before its end: ended %t, %s; want running, on-track", a.Ended, a.Milestones[1])
	}
	p.End = model.Date{}
	if a := model.Assess(p, c, milestones, on("2022-06-01")); !a.Ended || a.Milestones[1] != model.StateNotCompleted || !a.PlanEnd.IsZero() {
		t.Errorf("marked ended without an end date: ended %t, %s, end %v; want ended, not-completed, no date", a.Ended, a.Milestones[1], a.PlanEnd)
	}
}

// A leaf judged alone, as an agency's page judges thousands of them, gets
// the state Assess gives it among its commitment's milestones, in a plan
// running or ended, on any day.
func TestLeafStateIsTheStateAssessGivesALeaf(t *testing.T) {
	milestones := []model.Milestone{
		ms(1, inProgress, "2021-01", "2023-12"),
		childOf(1, ms(11, inProgress, "2021-01", "2022-06-10")),
		childOf(1, ms(12, completed, "2021-01", "2021-12")),
		ms(2, cancelled, "2021-01", "2021-12"),
		childOf(2, ms(21, inProgress, "2021-01", "2021-12")),
		ms(3, notStarted, "", ""),
		ms(4, notStarted, "2023-01", "2023-12"),
		ms(5, inProgress, "", ""),
		ms(6, notStarted, "2022-01", ""),
	}
	leaves := model.Leaves(milestones)
	if len(leaves) != 7 {
		t.Fatalf("%d leaves, want 7", len(leaves))
	}
	running := &model.Plan{Start: model.MustDate("2021-01"), End: model.MustDate("2024-05"), Status: model.PlanImplementation}
	for name, p := range map[string]*model.Plan{"no plan": nil, "a running plan": running, "an ended plan": ended("2024-05")} {
		for _, day := range []string{"2021-06-01", "2022-06-01", "2024-05-31", "2024-06-01"} {
			a := model.Assess(p, period("2021-01", "2024-05"), milestones, on(day))
			seen := map[model.ScheduleState]bool{}
			for _, m := range leaves {
				got := model.LeafState(p, m, on(day))
				if got != a.Milestones[m.ID] {
					t.Errorf("%s on %s, milestone %d: %s alone, %s in its commitment", name, day, m.ID, got, a.Milestones[m.ID])
				}
				seen[got] = true
			}
			if len(seen) < 2 {
				t.Errorf("%s on %s: the leaves are all %v, too alike to tell anything", name, day, seen)
			}
		}
	}
}

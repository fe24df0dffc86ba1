package web_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
)

// judgeDay is the clock of these tests: 2 December 2026, long after the
// demo plan's end (May 2024).
var judgeDay = time.Date(2026, 12, 2, 10, 0, 0, 0, taipei)

// judgeDataset holds a running plan whose commitments have parent
// milestones with indicators, and a plan that ended with milestones open,
// some never dated.
func judgeDataset() *model.Dataset {
	m := func(ref string, status model.MilestoneStatus, start, due string, children ...model.MilestoneRecord) model.MilestoneRecord {
		r := model.MilestoneRecord{Ref: ref, Title: model.T("en", "Milestone "+ref), Status: status, Weight: 1,
			Start: model.MustDate(start), Due: model.MustDate(due), Children: children}
		if status == model.MilestoneCompleted {
			r.CompletedOn = model.MustDate("2026-01-15")
			if r.Start.Compare(r.CompletedOn) > 0 {
				r.CompletedOn = r.Start
			}
		}
		return r
	}
	c := func(plan, code string, ms ...model.MilestoneRecord) model.CommitmentRecord {
		return model.CommitmentRecord{Ref: plan + "/" + code, Code: code, Title: model.T("en", "Commitment "+code), Milestones: ms}
	}
	const (
		notStarted = model.MilestoneNotStarted
		inProgress = model.MilestoneInProgress
		completed  = model.MilestoneCompleted
	)
	return &model.Dataset{Format: model.DatasetFormat, Plans: []model.PlanRecord{
		{Ref: "JDG-RUN", Jurisdiction: model.T("en", "Judgeland"), JurisdictionCode: "JDG", Number: 2, Title: model.T("en", "Running plan"),
			Start: model.MustDate("2025-01"), End: model.MustDate("2027-12"), Status: model.PlanImplementation, Commitments: []model.CommitmentRecord{
				// Two of three indicators done, the third not begun: in progress, never "not started".
				c("JDG-RUN", "1", m("1", notStarted, "", "", m("1.1", completed, "", ""), m("1.2", completed, "", ""), m("1.3", notStarted, "2027-03", "2027-06"))),
				// Reported completed with an indicator late: overdue, and said so.
				c("JDG-RUN", "2", m("1", completed, "2025-01", "2026-06", m("1.1", completed, "2025-01", ""), m("1.2", inProgress, "2025-01", "2026-06"))),
				c("JDG-RUN", "3", m("1", completed, "", ""), m("2", completed, "", "")),
				// Under way with no dates: in progress.
				c("JDG-RUN", "4", m("1", inProgress, "", ""), m("2", notStarted, "", "")),
				c("JDG-RUN", "5", m("1", notStarted, "2027-01", "2027-06")),
				c("JDG-RUN", "6", m("1", inProgress, "2025-01", "2026-12-20")),
			}},
		{Ref: "JDG-END", Jurisdiction: model.T("en", "Judgeland"), JurisdictionCode: "JDG", Number: 1, Title: model.T("en", "Ended plan"),
			Start: model.MustDate("2020-01"), End: model.MustDate("2022-06"), Status: model.PlanImplementation, Commitments: []model.CommitmentRecord{
				c("JDG-END", "1", m("1", notStarted, "", ""), m("2", notStarted, "", "")),
				c("JDG-END", "2", m("1", completed, "2020-01", "2020-12"), m("2", inProgress, "2020-01", "2021-03")),
				c("JDG-END", "3", m("1", completed, "2020-01", "2020-12", m("1.1", completed, "2020-01", ""), m("1.2", completed, "2020-01", ""))),
			}},
	}}
}

type judgedCommitment struct {
	ID                     uint       `json:"id"`
	Code                   string     `json:"code"`
	ScheduleState          string     `json:"schedule_state"`
	Milestones             int        `json:"counted_milestones"`
	CompletedMilestones    int        `json:"completed_milestones"`
	NotCompletedMilestones int        `json:"not_completed_milestones"`
	OverdueMilestones      int        `json:"overdue_milestones"`
	LastUpdate             *time.Time `json:"last_update"`
}

// apiJSON gets path and decodes its JSON into v.
func apiJSON(t *testing.T, srv *httptest.Server, path string, v any) {
	t.Helper()
	res, body := getRaw(t, srv, path)
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d\n%.2000s", path, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// judgedPlan is a plan as the API judges it: its counts of commitments by
// state and each of its commitments.
type judgedPlan struct {
	ID          uint
	States      map[string]int
	Commitments map[string]judgedCommitment // by code
}

func judgePlan(t *testing.T, srv *httptest.Server, ref string) judgedPlan {
	t.Helper()
	var plans struct {
		Items []struct {
			ID  uint   `json:"id"`
			Ref string `json:"ref"`
		} `json:"items"`
	}
	apiJSON(t, srv, "/api/v1/plans", &plans)
	var jp judgedPlan
	for _, p := range plans.Items {
		if p.Ref == ref {
			jp.ID = p.ID
		}
	}
	var plan struct {
		Progress struct {
			States map[string]int `json:"states"`
		} `json:"progress"`
	}
	apiJSON(t, srv, fmt.Sprintf("/api/v1/plans/%d", jp.ID), &plan)
	jp.States = plan.Progress.States
	var list struct {
		Items []judgedCommitment `json:"items"`
		Total int                `json:"total"`
	}
	apiJSON(t, srv, fmt.Sprintf("/api/v1/commitments?plan=%d", jp.ID), &list)
	if list.Total != len(list.Items) {
		t.Fatalf("%s: %d commitments on the first page of %d", ref, len(list.Items), list.Total)
	}
	jp.Commitments = map[string]judgedCommitment{}
	for _, c := range list.Items {
		jp.Commitments[c.Code] = c
	}
	return jp
}

var chartStateRow = regexp.MustCompile(`<span class="state state-([a-z-]+)"><span aria-hidden="true">[^<]*</span>&nbsp;[^<]*</span></th><td>(\d+)</td>`)

// overviewStates reads the plan overview's chart of commitments by state.
func overviewStates(t *testing.T, srv *httptest.Server, planID uint) (map[string]int, string) {
	t.Helper()
	res, page := get(t, srv, fmt.Sprintf("/plans/%d?lang=en", planID))
	if res.StatusCode != 200 {
		t.Fatalf("plan %d: %d", planID, res.StatusCode)
	}
	counts := map[string]int{}
	for _, m := range chartStateRow.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[2])
		if _, seen := counts[m[1]]; !seen { // the first chart: commitments by state
			counts[m[1]] = n
		}
	}
	return counts, page
}

// The plan overview counts commitments by state as the API judges each
// one, and both follow the rules: states from the indicators, ended plans
// judged by their end.
func TestPlanOverviewStatesEqualTheAPIsPerCommitment(t *testing.T) {
	srv := newServerWith(t, judgeDay, judgeDataset())
	want := map[string]map[string]string{
		"JDG-RUN": {"1": "in-progress", "2": "overdue", "3": "complete", "4": "in-progress", "5": "not-started", "6": "due-soon"},
		"JDG-END": {"1": "not-completed", "2": "not-completed", "3": "complete"},
	}
	for ref, states := range want {
		jp := judgePlan(t, srv, ref)
		perCommitment := map[string]int{}
		for code, st := range states {
			c, ok := jp.Commitments[code]
			if !ok {
				t.Fatalf("%s: no commitment %s in the API", ref, code)
			}
			if c.ScheduleState != st {
				t.Errorf("%s/%s: %s, want %s", ref, code, c.ScheduleState, st)
			}
			perCommitment[c.ScheduleState]++
		}
		overview, _ := overviewStates(t, srv, jp.ID)
		for st, n := range jp.States {
			if n != perCommitment[st] || n != overview[st] {
				t.Errorf("%s, %s: the plan's API counts %d, its commitments %d, its overview %d", ref, st, n, perCommitment[st], overview[st])
			}
		}
		for st, n := range overview {
			if jp.States[st] != n {
				t.Errorf("%s: the overview counts %d %s, the API %d", ref, n, st, jp.States[st])
			}
		}
	}
}

// Milestones are counted one way on every page and in the API: the
// indicators and the milestones without any, cancelled ones aside.
func TestMilestonesAreCountedOneWay(t *testing.T) {
	srv := newServerWith(t, judgeDay, judgeDataset())
	jp := judgePlan(t, srv, "JDG-RUN")
	c1 := jp.Commitments["1"]
	if c1.Milestones != 3 || c1.CompletedMilestones != 2 {
		t.Errorf("commitment 1: %d milestones, %d completed; want 3 and 2 (the indicators, not their parent)", c1.Milestones, c1.CompletedMilestones)
	}
	_, page := get(t, srv, fmt.Sprintf("/commitments/%d?lang=en", c1.ID))
	if !strings.Contains(page, "<h2>3 milestones</h2>") {
		t.Errorf("the commitment page does not count 3 milestones:\n%.3000s", section(t, page, "<main", "</table>"))
	}
	var total, done int
	for _, c := range jp.Commitments {
		total += c.Milestones
		done += c.CompletedMilestones
	}
	_, overview := overviewStates(t, srv, jp.ID)
	if want := fmt.Sprintf("<dd>%d of %d</dd>", done, total); !strings.Contains(overview, want) {
		t.Errorf("the plan overview lacks %q", want)
	}
	// A parent reported completed with an indicator open says so, and is not shown complete.
	_, page = get(t, srv, fmt.Sprintf("/commitments/%d?lang=en", jp.Commitments["2"].ID))
	if !strings.Contains(page, "Reported completed, but 1 of its indicators is still open") {
		t.Error("commitment 2 does not say that its completed parent has an open indicator")
	}
	rows := section(t, page, `<table class="milestones">`, "</table>")
	if parent := section(t, rows, "Milestone 1<", "</tr>"); !strings.Contains(parent, "state-overdue") || strings.Contains(parent, "state-complete") {
		t.Errorf("the parent reported completed with an indicator late does not read overdue alone:\n%s", parent)
	}
}

// After its end a plan's open milestones are "not completed by the plan's
// end", with its end date, the undated ones too; never days late.
func TestEndedPlanShowsWhatWasNotCompletedByItsEnd(t *testing.T) {
	srv := newServerWith(t, judgeDay, judgeDataset())
	jp := judgePlan(t, srv, "JDG-END")
	_, overview := overviewStates(t, srv, jp.ID)
	for _, want := range []string{"This plan ended on Jun 2022", "Not completed by the plan&#39;s end", "<dd>3 of 6 by the plan&#39;s end</dd>"} {
		if !strings.Contains(overview, want) {
			t.Errorf("the ended plan's overview lacks %q", want)
		}
	}
	_, undated := get(t, srv, fmt.Sprintf("/commitments/%d?lang=en", jp.Commitments["1"].ID))
	_, dated := get(t, srv, fmt.Sprintf("/commitments/%d?lang=en", jp.Commitments["2"].ID))
	_, milestones := get(t, srv, fmt.Sprintf("/milestones?plan=%d&lang=en", jp.ID))
	for name, page := range map[string]string{"overview": overview, "undated": undated, "dated": dated, "milestones": milestones} {
		for _, never := range []string{"days late", "day late", "state-overdue", "Overdue milestones (2)"} {
			if strings.Contains(page, never) {
				t.Errorf("%s page of an ended plan shows %q", name, never)
			}
		}
	}
	if n := strings.Count(undated, "Not completed by the plan&#39;s end</span> <span class=\"meta\">(the plan ended Jun 2022; no date given)</span>"); n != 2 {
		t.Errorf("the undated milestones of an ended plan are flagged %d times, want 2:\n%s", n, section(t, undated, `<table class="milestones">`, "</table>"))
	}
	if !strings.Contains(dated, "Not completed by the plan&#39;s end</span> <span class=\"meta\">(the plan ended Jun 2022)</span>") {
		t.Errorf("the dated open milestone of an ended plan is not shown as not completed by its end")
	}
	// The same plan read as of a day it was running is judged as it was then.
	var then struct {
		ScheduleState string `json:"schedule_state"`
	}
	apiJSON(t, srv, fmt.Sprintf("/api/v1/commitments/%d?asof=2021-06-01", jp.Commitments["2"].ID), &then)
	if then.ScheduleState != "overdue" {
		t.Errorf("as of 2021-06-01, while the plan ran: %s, want overdue", then.ScheduleState)
	}
}

// The demo plan (Taiwan's first, ended May 2024), loaded today: no day
// counts that grow for ever, and no "last update" of today for data that
// was only loaded today.
func TestDemoPlanAfterItsEndReadsAsEnded(t *testing.T) {
	srv := newServer(t, judgeDay)
	jp := judgePlan(t, srv, demo.PlanRef)
	if len(jp.Commitments) != 19 {
		t.Fatalf("%d demo commitments, want 19", len(jp.Commitments))
	}
	for code, c := range jp.Commitments {
		if c.LastUpdate != nil {
			t.Errorf("demo %s: last update %v, want none (loaded, never reported)", code, c.LastUpdate)
		}
		if c.OverdueMilestones != 0 || c.ScheduleState == "overdue" {
			t.Errorf("demo %s: %s with %d overdue milestones", code, c.ScheduleState, c.OverdueMilestones)
		}
	}
	_, overview := overviewStates(t, srv, jp.ID)
	var one uint
	for _, c := range jp.Commitments {
		one = c.ID
		break
	}
	_, commitment := get(t, srv, fmt.Sprintf("/commitments/%d?lang=en", one))
	_, milestones := get(t, srv, fmt.Sprintf("/milestones?plan=%d&lang=en", jp.ID))
	_, list := get(t, srv, fmt.Sprintf("/commitments?plan=%d&lang=en", jp.ID))
	loaded := "2 Dec 2026 10:00" // the time of the import, as a last update would show it
	// The commitment's record of changes rightly tells of the import; its facts must not.
	facts := section(t, commitment, `<dl class="facts">`, "</dl>")
	for name, page := range map[string]string{"overview": overview, "commitment": commitment, "commitment's facts": facts, "milestones": milestones, "list": list} {
		for _, never := range []string{"days late", "day late", "state-overdue", loaded} {
			if name == "commitment" && never == loaded {
				continue
			}
			if strings.Contains(page, never) {
				t.Errorf("the demo's %s page shows %q", name, never)
			}
		}
	}
	if !strings.Contains(overview, "No progress reported") || !strings.Contains(commitment, "No progress reported") {
		t.Error("the demo's pages do not say that no progress was reported")
	}
}

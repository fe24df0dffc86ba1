package web

import (
	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type themePage struct {
	Page
	Theme    *model.Theme
	Plan     *model.Plan
	AsOf     model.Date
	Progress int // whole percent, -1 when nothing can be measured
	States   []stateCount
	Rows     []commitmentRow
}

func (s *Server) showTheme(c *gin.Context) {
	ctx := c.Request.Context()
	id, asOf, ok := s.recordAndDay(c)
	if !ok {
		return
	}
	t, err := s.store.FindThemeByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.FindPlanByID(ctx, t.PlanID)
	if err != nil {
		s.fail(c, err)
		return
	}
	commitments, err := s.store.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: p.ID, ThemeID: t.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.assess(c, commitments, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "themes/show", themePage{Page: s.page(c), Theme: t, Plan: p, AsOf: model.DayOf(asOf),
		Progress: meanProgress(rows), States: tally(rows), Rows: rows})
}

// meanProgress is the mean progress of the commitments that can be
// measured, in whole percent, as the plan overview counts it; -1 when none can.
func meanProgress(rows []commitmentRow) int {
	var sum float64
	var measured int
	for _, r := range rows {
		if r.A.Progress != nil {
			sum += *r.A.Progress
			measured++
		}
	}
	if measured == 0 {
		return -1
	}
	return int(sum/float64(measured)*100 + 0.5)
}

// tally counts the commitments in each schedule state, in dashboard order,
// leaving out the states no commitment is in.
func tally(rows []commitmentRow) []stateCount {
	counts := map[model.ScheduleState]int{}
	for _, r := range rows {
		counts[r.A.State]++
	}
	var out []stateCount
	for _, st := range model.ScheduleStates {
		if counts[st] > 0 {
			out = append(out, stateCount{st, counts[st]})
		}
	}
	return out
}

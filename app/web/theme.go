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
	States   []model.StateCount
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
	sum := summarise(rows)
	s.render(c, 200, "themes/show", themePage{Page: s.page(c), Theme: t, Plan: p, AsOf: model.DayOf(asOf),
		Progress: sum.Percent(), States: sum.States, Rows: rows})
}

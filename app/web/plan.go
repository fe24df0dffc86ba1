package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type planListPage struct {
	Page
	Plans  []model.Plan
	Groups []jurisdictionGroup
}

type jurisdictionGroup struct {
	Jurisdiction model.Text
	Plans        []model.Plan
}

func (s *Server) listPlans(c *gin.Context) {
	plans, err := s.store.ListPlans(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "plans/index", planListPage{Page: s.page(c), Plans: plans, Groups: groupByJurisdiction(plans)})
}

// groupByJurisdiction groups plans, sorted by jurisdiction, by member.
func groupByJurisdiction(plans []model.Plan) []jurisdictionGroup {
	var groups []jurisdictionGroup
	for _, p := range plans {
		if n := len(groups); n == 0 || groups[n-1].Plans[0].JurisdictionCode != p.JurisdictionCode {
			groups = append(groups, jurisdictionGroup{Jurisdiction: p.Jurisdiction})
		}
		g := &groups[len(groups)-1]
		g.Plans = append(g.Plans, p)
	}
	return groups
}

type planPage struct {
	Page
	Plan     *model.Plan
	AsOf     model.Date
	Progress int // whole percent, -1 when nothing can be measured
	Charts   planCharts
	Themes   []themeGroup
	Total    int
	// Ended: the plan had ended on the day shown. Milestones counts its
	// milestones as model.Assessment does, MilestonesDone those completed.
	Ended                      bool
	Milestones, MilestonesDone int
	Watch                      planWatch
	// Siblings are the member's plans, earliest first, for the plan switcher.
	Siblings      []model.Plan
	CurrentPlanID uint // the member's latest plan
	// Questions on the plan as a whole; QuestionStats: how the promise to
	// answer was kept across the plan, commitments included.
	Questions     questionsSection
	QuestionStats store.QuestionStats
}

type themeGroup struct {
	ID     uint // 0 for the commitments without a theme
	Number int
	Name   model.Text
	Rows   []commitmentRow
}

type commitmentRow struct {
	C          model.Commitment
	A          model.Assessment
	Milestones []model.Milestone
}

// home shows the tracker's own current plan.
func (s *Server) home(c *gin.Context) {
	p, err := s.store.FindHomePlan(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPlan(c, p)
}

func (s *Server) showPlan(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.FindPlanByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPlan(c, p)
}

func (s *Server) renderPlan(c *gin.Context, p *model.Plan) {
	ctx := c.Request.Context()
	asOf, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	themes, err := s.store.FindThemes(ctx, p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	siblings, err := s.store.FindPlansOf(ctx, p.JurisdictionCode)
	if err != nil {
		s.fail(c, err)
		return
	}
	commitments, err := s.store.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: p.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.assess(c, commitments, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}

	data := planPage{Page: s.page(c), Plan: p, AsOf: model.DayOf(asOf), Total: len(commitments),
		Progress: summarise(rows).Percent(), Siblings: siblings}
	for _, r := range rows {
		data.Ended = data.Ended || r.A.Ended
		data.Milestones += r.A.Counted
		data.MilestonesDone += r.A.Completed
	}
	current, err := s.currentPlanOf(ctx, siblings)
	if err != nil {
		s.fail(c, err)
		return
	}
	data.CurrentPlanID = current
	items, err := s.dueItems(ctx, rows, model.Midnight(asOf))
	if err != nil {
		s.fail(c, err)
		return
	}
	data.Watch = newPlanWatch(data.T, p, rows, items, asOf, c.Query("asof"))
	if err := s.detail(ctx, data.Watch.Overdue, data.Watch.Upcoming); err != nil {
		s.fail(c, err)
		return
	}
	groups := map[uint]int{}
	for _, t := range themes {
		groups[t.ID] = len(data.Themes)
		data.Themes = append(data.Themes, themeGroup{ID: t.ID, Number: t.Number, Name: t.Name})
	}
	for _, r := range rows {
		i, ok := -1, false
		if r.C.ThemeID != nil {
			i, ok = groups[*r.C.ThemeID]
		}
		if !ok {
			if _, seen := groups[0]; !seen {
				groups[0] = len(data.Themes)
				data.Themes = append(data.Themes, themeGroup{}) // commitments without a theme
			}
			i = groups[0]
		}
		data.Themes[i].Rows = append(data.Themes[i].Rows, r)
	}
	data.Charts = newPlanCharts(rows, data.Themes)
	if data.Questions, err = s.questionsSectionFor(ctx, fmt.Sprintf("/plans/%d", p.ID),
		store.QuestionFilter{PlanIDs: []uint{p.ID}, PlanOnly: true}, c.Query("sort"), p.QuestionDaysOrDefault()); err != nil {
		s.fail(c, err)
		return
	}
	if data.QuestionStats, err = s.store.FindQuestionStats(ctx, store.QuestionFilter{PlanIDs: []uint{p.ID}}); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "plans/show", data)
}

// assess derives each commitment's progress and schedule from its
// milestones' schedules (store.FindMilestoneSchedules: read plan by plan
// and kept while the database is unchanged); the rows' Milestones are
// those schedules, shared: never modified.
func (s *Server) assess(c *gin.Context, cs []model.Commitment, asOf time.Time) ([]commitmentRow, error) {
	ids, planIDs := make([]store.CommitmentInPlan, len(cs)), make([]uint, len(cs))
	for i, cm := range cs {
		ids[i], planIDs[i] = store.CommitmentInPlan{ID: cm.ID, PlanID: cm.PlanID}, cm.PlanID
	}
	ms, err := s.store.FindMilestoneSchedules(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	plans, err := s.store.PlanTerms(c.Request.Context(), planIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]commitmentRow, len(cs))
	for i := range cs {
		rows[i] = commitmentRow{C: cs[i], A: model.Assess(plans[cs[i].PlanID], &cs[i], ms[cs[i].ID], asOf), Milestones: ms[cs[i].ID]}
	}
	return rows, nil
}

// summarise adds up assessed commitments as model.Summarise does.
func summarise(rows []commitmentRow) model.Summary {
	as := make([]model.Assessment, len(rows))
	for i := range rows {
		as[i] = rows[i].A
	}
	return model.Summarise(as)
}

// asOf is the day the page judges schedules on: today, or ?asof=2023-06-30
// to see how things stood on a past day.
func (s *Server) asOf(c *gin.Context) (time.Time, error) {
	q := c.Query("asof")
	if q == "" {
		return s.now(), nil
	}
	d, err := model.ParseDate(q)
	if err != nil || d.MonthOnly() {
		return time.Time{}, errBadRequest
	}
	return d.Last(s.location).Add(12 * time.Hour), nil
}

// recordAndDay reads a page's record id from the path and its day from
// ?asof=; on bad input it has already answered with the error page.
func (s *Server) recordAndDay(c *gin.Context) (uint, time.Time, bool) {
	id, err := pathID(c)
	if err == nil {
		var asOf time.Time
		if asOf, err = s.asOf(c); err == nil {
			return id, asOf, true
		}
	}
	s.fail(c, err)
	return 0, time.Time{}, false
}

func pathID(c *gin.Context) (uint, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return 0, errNotFound
	}
	return uint(id), nil
}

// currentPlanOf is, of one member's plans, the one called current: the
// home plan an administrator chose when it is one of them, else the
// newest not ended (model.CurrentPlan). 0 for no plans.
func (s *Server) currentPlanOf(ctx context.Context, plans []model.Plan) (uint, error) {
	chosen, err := s.store.HomePlanChoice(ctx)
	if err != nil {
		return 0, err
	}
	for _, p := range plans {
		if chosen != 0 && p.ID == chosen {
			return p.ID, nil
		}
	}
	if p := model.CurrentPlan(plans, s.now(), s.location); p != nil {
		return p.ID, nil
	}
	return 0, nil
}

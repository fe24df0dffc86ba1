package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type commitmentPage struct {
	Page
	C          *model.Commitment
	A          model.Assessment
	AsOf       model.Date
	Milestones []milestoneRow
	CarriedTo  []model.Commitment
	Timeline   timeline
	History    historySection
	Reports    reportsSection   // see report.go
	FollowUps  []model.FollowUp // the forum's follow-up items on it, with their history
	Questions  questionsSection
}

type milestoneRow struct {
	M      model.Milestone
	Agency *model.Agency // the responsible agency, or the commitment's lead
	State  model.ScheduleState
	Words  *model.StatusStep // its status in the plan's own scale; nil for the tracker's
	// Editable: the visitor may change it (see model.User.MayChangeMilestone).
	Editable bool
}

func (s *Server) showCommitment(c *gin.Context) {
	ctx := c.Request.Context()
	id, asOf, ok := s.recordAndDay(c)
	if !ok {
		return
	}
	d, err := s.store.FindCommitmentDetail(ctx, id, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm, a := d.Commitment, d.Assessment
	data := commitmentPage{Page: s.page(c), C: cm, A: a, AsOf: model.DayOf(asOf), CarriedTo: d.CarriedTo}
	if data.History, err = s.history(ctx, data.T, store.ChangeFilter{CommitmentID: id}); err != nil {
		s.fail(c, err)
		return
	}
	// Children follow their parent.
	kids := map[uint][]model.Milestone{}
	for _, m := range d.Milestones {
		if m.ParentID != nil {
			kids[*m.ParentID] = append(kids[*m.ParentID], m)
		}
	}
	row := func(m model.Milestone) milestoneRow {
		return milestoneRow{M: m, Agency: m.ResponsibleAgency(cm), State: a.Milestones[m.ID], Words: planWords(cm, &m),
			Editable: data.User.MayChangeMilestone(&m, cm)}
	}
	for _, m := range d.Milestones {
		if m.ParentID == nil {
			data.Milestones = append(data.Milestones, row(m))
			for _, k := range kids[m.ID] {
				data.Milestones = append(data.Milestones, row(k))
			}
		}
	}
	data.Timeline = newTimeline(cm, data.Milestones, asOf)
	if data.Reports, err = s.reportsSection(ctx, data.User, cm); err != nil {
		s.fail(c, err)
		return
	}
	if data.FollowUps, err = s.store.FindFollowUps(ctx, store.FollowUpFilter{CommitmentID: cm.ID}); err != nil {
		s.fail(c, err)
		return
	}
	plan, err := s.store.FindPlanByID(ctx, cm.PlanID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if data.Questions, err = s.questionsSectionFor(ctx, fmt.Sprintf("/commitments/%d", cm.ID),
		store.QuestionFilter{CommitmentID: cm.ID}, c.Query("sort"), plan.QuestionDaysOrDefault()); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "commitments/show", data)
}

// planWords is milestone m's status in the own scale of c's plan (c.Plan
// loaded), nil when the plan has none.
func planWords(c *model.Commitment, m *model.Milestone) *model.StatusStep {
	if c == nil || c.Plan == nil {
		return nil
	}
	return c.Plan.StatusScale.Words(m)
}

package web

import (
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// agencyPage is an agency's scorecard: what it leads and supports, how its
// milestones stand, and whom to ask.
type agencyPage struct {
	Page
	Agency     *model.Agency
	AsOf       model.Date
	Led        []commitmentRow
	Supported  []commitmentRow
	Milestones []model.StateCount // the milestones it is responsible for, by schedule state
	Total      int                // how many milestones it is responsible for
	Overdue    []agencyMilestone
	LastUpdate time.Time
	Contacts   []model.Contact
	FollowUps  []model.FollowUp // the forum's follow-up items it owns, tracked first
	// Questions: how the agency kept the promise to answer the public.
	Questions store.QuestionStats
}

type agencyMilestone struct {
	M     model.Milestone
	C     *model.Commitment
	Words *model.StatusStep // its status in the plan's own scale
}

// agencyTally is the order the scorecard counts milestones in; the four
// first are always shown, the others only when some milestone is in them.
var agencyTally = []model.ScheduleState{model.StateOverdue, model.StateDueSoon, model.StateOnTrack, model.StateComplete,
	model.StateNotCompleted, model.StateInProgress, model.StateNotStarted, model.StateUnknown, model.StateCancelled}

func (s *Server) showAgency(c *gin.Context) {
	ctx := c.Request.Context()
	id, asOf, ok := s.recordAndDay(c)
	if !ok {
		return
	}
	ag, err := s.store.FindAgencyByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Commitments it leads or supports, then those where it only answers
	// for some milestones; their milestones in one query.
	own, _, err := s.store.FindCommitments(ctx, store.CommitmentFilter{AgencyID: id})
	if err != nil {
		s.fail(c, err)
		return
	}
	extra, err := s.store.FindCommitmentsWithMilestonesOf(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	all := own
	seen := make(map[uint]bool, len(own))
	for _, cm := range own {
		seen[cm.ID] = true
	}
	for _, cm := range extra {
		if !seen[cm.ID] {
			all = append(all, cm)
		}
	}
	ids, planIDs := make([]uint, len(all)), make([]uint, len(all))
	for i, cm := range all {
		ids[i], planIDs[i] = cm.ID, cm.PlanID
	}
	ms, err := s.store.FindMilestones(ctx, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The contacts who held their role on the page's day, like its schedule.
	contacts, err := s.store.FindActiveContacts(ctx, id, model.DayOf(asOf))
	if err != nil {
		s.fail(c, err)
		return
	}

	plans, err := s.store.PlanTerms(ctx, planIDs)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := agencyPage{Page: s.page(c), Agency: ag, AsOf: model.DayOf(asOf), Contacts: contacts}
	counts := map[model.ScheduleState]int{}
	for i := range all {
		cm := &all[i]
		a := model.Assess(plans[cm.PlanID], cm, ms[cm.ID], asOf)
		if seen[cm.ID] {
			row := commitmentRow{C: *cm, A: a}
			if cm.LeadAgencyID != nil && *cm.LeadAgencyID == id {
				data.Led = append(data.Led, row)
			} else {
				data.Supported = append(data.Supported, row)
			}
			if cm.ProgressAt != nil {
				data.LastUpdate = later(data.LastUpdate, *cm.ProgressAt)
			}
		}
		for _, m := range model.Leaves(ms[cm.ID]) {
			if !m.AnswersFor(id, cm) {
				continue
			}
			st := a.Milestones[m.ID]
			counts[st]++
			data.Total++
			if st == model.StateOverdue {
				data.Overdue = append(data.Overdue, agencyMilestone{M: *m, C: cm, Words: planWords(cm, m)})
			}
			data.LastUpdate = later(data.LastUpdate, m.LastProgress())
		}
	}
	for i, st := range agencyTally {
		if i < 4 || counts[st] > 0 {
			data.Milestones = append(data.Milestones, model.StateCount{State: st, Count: counts[st]})
		}
	}
	sort.SliceStable(data.Overdue, func(i, j int) bool {
		return data.Overdue[i].M.Due.Last(s.location).Before(data.Overdue[j].M.Due.Last(s.location))
	})
	fs, err := s.store.FindFollowUps(c.Request.Context(), store.FollowUpFilter{AgencyID: id})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, open := range []bool{true, false} {
		for _, f := range fs {
			if f.IsOpen() == open {
				data.FollowUps = append(data.FollowUps, f)
			}
		}
	}
	var err2 error
	if data.Questions, err2 = s.store.FindQuestionStats(c.Request.Context(), store.QuestionFilter{AgencyID: data.Agency.ID}); err2 != nil {
		s.fail(c, err2)
		return
	}
	s.render(c, 200, "agencies/show", data)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

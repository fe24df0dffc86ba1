package web

import (
	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/store"
)

// setupChecklist is what the plans not yet ended still lack, for the
// administration's index: each gap links to where it is fixed.
type setupChecklist struct {
	NoPlan    bool // no plan at all: the first step
	Plans     []store.PlanGaps
	NoInvited bool // no liaison or committee member has an account
}

// Complete reports whether nothing is missing.
func (l setupChecklist) Complete() bool {
	if l.NoPlan || l.NoInvited {
		return false
	}
	for _, g := range l.Plans {
		if g.Lacks() {
			return false
		}
	}
	return true
}

func (s *Server) setupChecklist(c *gin.Context) (setupChecklist, error) {
	ctx := c.Request.Context()
	var l setupChecklist
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		return l, err
	}
	l.NoPlan = len(plans) == 0
	now := s.now()
	for _, p := range plans {
		if p.Ended(now, s.location) {
			continue // its record is history: nothing left to set up
		}
		g, err := s.store.FindPlanGaps(ctx, p)
		if err != nil {
			return l, err
		}
		l.Plans = append(l.Plans, g)
	}
	n, err := s.store.CountInvitedPeople(ctx)
	l.NoInvited = n == 0
	return l, err
}

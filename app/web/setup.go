package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// The setup of a plan, in the order an administrator goes through it:
// plan → themes → commitments → milestones → periods → agencies' liaisons
// → invitations. After each save the next page says "saved" (flash.go)
// and offers the following step as a link.
const (
	setupPlan       = "plan"
	setupTheme      = "theme"
	setupCommitment = "commitment"
	setupMilestone  = "milestone"
	setupPeriod     = "period"
	setupAgency     = "agency"
	setupUser       = "user"
)

// setupStep is the step offered after a save: where, and its words.
type setupStep struct {
	Href  string
	Label string // message id
}

// setupNext is the step that follows step, for plan planID.
func setupNext(step string, planID uint) *setupStep {
	plan := strconv.FormatUint(uint64(planID), 10)
	switch step {
	case setupPlan:
		return &setupStep{"/admin/themes/new?plan=" + plan, "setup.next.themes"}
	case setupTheme:
		return &setupStep{"/admin/commitments/new?plan=" + plan, "setup.next.commitments"}
	case setupCommitment:
		return &setupStep{"/admin/milestones?plan=" + plan, "setup.next.milestones"}
	case setupMilestone:
		return &setupStep{"/admin/periods/new?plan=" + plan, "setup.next.periods"}
	case setupPeriod:
		return &setupStep{"/admin/agencies", "setup.next.liaisons"}
	case setupAgency:
		return &setupStep{"/admin/users/new?role=liaison", "setup.next.invitations"}
	case setupUser:
		return &setupStep{"/admin#checklist", "setup.next.checklist"}
	}
	return nil
}

// nextCookie carries the step just saved, and its plan, across the
// redirect, beside the flash: "plan:3". Only a known step and a number
// are ever read back from it.
const nextCookie = "setup_next"

// flashNext leaves, for the next page, the step of the setup just saved.
func (s *Server) flashNext(c *gin.Context, step string, planID uint) {
	if setupNext(step, planID) == nil {
		panic("flashNext: unknown step " + step) // a programming error, caught by any test of the form
	}
	s.setCookie(c, nextCookie, fmt.Sprintf("%s:%d", step, planID), 300)
}

// nextKey keeps the step of a request once taken.
const nextKey = "ogptracker.setup_next"

// takeNext returns the step that follows the one saved before this page,
// once: the cookie is deleted as it is read. nil when there is none.
func (s *Server) takeNext(c *gin.Context) *setupStep {
	if v, ok := c.Get(nextKey); ok {
		return v.(*setupStep)
	}
	var next *setupStep
	if v, err := c.Cookie(nextCookie); err == nil {
		s.setCookie(c, nextCookie, "", -1)
		step, id, _ := strings.Cut(v, ":")
		if n, err := strconv.ParseUint(id, 10, 32); err == nil {
			next = setupNext(step, uint(n))
		}
	}
	c.Set(nextKey, next)
	return next
}

package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type aboutPage struct {
	Page
	DemoSources []string
	Counts      store.Counts
	Sourced     []model.Plan // the plans that say where their data comes from
}

func (s *Server) about(c *gin.Context) {
	counts, err := s.store.Count(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	plans, err := s.store.ListPlans(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	data := aboutPage{Page: s.page(c), DemoSources: []string{demo.Source, demo.SecondPlanSource, demo.IllustrativeSource}, Counts: counts}
	for _, p := range plans {
		if p.Source != "" {
			data.Sourced = append(data.Sourced, p)
		}
	}
	s.render(c, 200, "about", data)
}

// health is what /healthz tells load balancers and operators.
type health struct {
	Status   string `json:"status"`   // "ok", or "unavailable" when the database does not answer
	Database string `json:"database"` // the engine: "sqlite" or "postgresql"
	// Reminders says what this instance does with the reminders: "sending"
	// (it leads), "standing by" (another instance on the same database
	// sends them), or "off" (REMINDERS=off).
	Reminders string `json:"reminders"`
}

// healthz answers load balancers and operators: 200 when the database answers.
func (s *Server) healthz(c *gin.Context) {
	h := health{Status: "ok", Database: s.store.Engine(), Reminders: "off"}
	if s.sendsReminders != nil {
		h.Reminders = "standing by"
		if s.sendsReminders() {
			h.Reminders = "sending"
		}
	}
	if err := s.store.Ping(c.Request.Context()); err != nil {
		h.Status = "unavailable"
		c.JSON(http.StatusServiceUnavailable, h)
		return
	}
	c.JSON(http.StatusOK, h)
}

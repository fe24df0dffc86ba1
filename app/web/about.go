package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/store"
)

type aboutPage struct {
	Page
	DemoSource string
	Counts     store.Counts
}

func (s *Server) about(c *gin.Context) {
	counts, err := s.store.Count(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "about", aboutPage{Page: s.page(c), DemoSource: demo.Source, Counts: counts})
}

// healthz answers load balancers and operators: 200 when the database answers.
func (s *Server) healthz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "not answering"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

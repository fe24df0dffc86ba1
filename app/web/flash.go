package web

import (
	"github.com/gin-gonic/gin"
)

// A flash is the one line a page shows after the form that led to it
// ("Saved.", "Submitted: the report is now public."), carried across the
// redirect (post/redirect/get) in a short-lived cookie. The cookie holds
// only the message's id, one of flashes, so nothing a visitor wrote or a
// third party planted is ever echoed; it is read once, then deleted.
const flashCookie = "flash"

// flashes are the messages a flash may name.
var flashes = map[string]bool{
	"flash.saved":                 true,
	"flash.milestone.saved":       true,
	"flash.report.saved":          true,
	"flash.report.submitted":      true,
	"flash.review.saved":          true,
	"flash.answer.saved":          true,
	"flash.assessment.saved":      true,
	"flash.question.asked":        true,
	"flash.question.confirm":      true,
	"flash.question.voted":        true,
	"flash.question.voted_before": true,
	"flash.question.followed_up":  true,
	"flash.question.answered":     true,
	"flash.question.hidden":       true,
}

// flash leaves the message id for the next page this visitor sees.
func (s *Server) flash(c *gin.Context, id string) {
	if !flashes[id] {
		panic("flash: unknown message " + id) // a programming error, caught by any test of the form
	}
	s.setCookie(c, flashCookie, id, 300)
}

// flashKey keeps the flash of a request once taken.
const flashKey = "ogptracker.flash"

// takeFlash returns the message id left for this page, once: the cookie is
// deleted as it is read.
func (s *Server) takeFlash(c *gin.Context) string {
	if id, ok := c.Get(flashKey); ok {
		return id.(string)
	}
	id, err := c.Cookie(flashCookie)
	if err != nil {
		c.Set(flashKey, "")
		return ""
	}
	s.setCookie(c, flashCookie, "", -1)
	if !flashes[id] {
		id = ""
	}
	c.Set(flashKey, id)
	return id
}

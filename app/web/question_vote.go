package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/store"
)

// voteQuestion adds the visitor's "I want to know too", POST
// /questions/:id/vote: anyone, once per browser (a cookie), a few per
// network address (store.VotesPerAddress: 429 beyond).
func (s *Server) voteQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	voter, err := s.voterOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	from, err := s.store.KeyedHash(c.Request.Context(), c.RemoteIP())
	if err != nil {
		s.fail(c, err)
		return
	}
	added, err := s.store.VoteQuestion(c.Request.Context(), id, voter, from)
	switch {
	case errors.Is(err, store.ErrVoteLimit):
		s.renderQuestion(c, http.StatusTooManyRequests, id, questionPage{TooMany: true})
	case err != nil:
		s.fail(c, err)
	default:
		if added {
			s.flash(c, "flash.question.voted")
		} else {
			s.flash(c, "flash.question.voted_before")
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/questions/%d#votes", id))
	}
}

package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// confirmPage asks the asker to confirm their address with a button: a
// GET changes nothing, since mail systems open links to scan them.
type confirmPage struct {
	Page
	QuestionID uint
	Token      string
	Done, Gone bool
}

// showConfirmQuestion is GET /questions/:id/confirm/:token.
func (s *Server) showConfirmQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	p := confirmPage{Page: s.page(c), QuestionID: id, Token: c.Param("token")}
	p.CSRFToken = s.csrfToken(c)
	s.render(c, http.StatusOK, "questions/confirm", p)
}

// confirmQuestion is POST /questions/:id/confirm/:token: from now on the
// answer is mailed to the address. A link works once.
func (s *Server) confirmQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	p := confirmPage{QuestionID: id}
	q, err := s.store.ConfirmQuestionEmail(c.Request.Context(), c.Param("token"))
	status := http.StatusOK
	switch {
	case err == nil && q.ID == id:
		p.Done = true
	case err == nil, errors.Is(err, model.ErrNotFound):
		p.Gone, status = true, http.StatusNotFound
	default:
		s.fail(c, err)
		return
	}
	p.Page = s.page(c)
	s.render(c, status, "questions/confirm", p)
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// followUpQuestion adds a follow-up to a question's thread, POST
// /questions/:id/follow-ups: the asker or anyone; on an answered question
// it reopens the wait with a new promise. The same limits as asking.
func (s *Server) followUpQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	f := followUpForm{Body: clip(c.PostForm("body"), 4*model.MaxQuestionText), Name: clip(strings.TrimSpace(c.PostForm("name")), 400), Errors: map[string]string{}}
	if c.PostForm("website") != "" {
		askMessagesOf(model.FieldErrors{"body": model.MsgHoneypot}, f.Errors)
		s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{FollowUp: f})
		return
	}
	if err := model.CheckFollowUp(f.Body, f.Name); err != nil {
		askMessagesOf(err.(model.FieldErrors), f.Errors)
		s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{FollowUp: f})
		return
	}
	from, err := s.store.KeyedHash(ctx, c.RemoteIP())
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.throttled(c, from) {
		s.renderQuestion(c, http.StatusTooManyRequests, id, questionPage{FollowUp: f, TooMany: true})
		return
	}
	err = s.store.FollowUpQuestion(writeContext(c), id, f.Body, f.Name, from)
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.question.followed_up")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/questions/%d#thread", id))
	case errors.As(err, &fe):
		askMessagesOf(fe, f.Errors)
		s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{FollowUp: f})
	default:
		s.fail(c, err)
	}
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// answerQuestion records the agency's reasoned answer, POST
// /questions/:id/answer (model.User.MayAnswerQuestion): public at once,
// signed with the agency and role; mailed to the asker whose address is
// confirmed.
func (s *Server) answerQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	q, err := s.store.FindQuestionByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := visitor(c)
	if !s.permit(c, u.MayAnswerQuestion(q), "question.error.answer.forbidden") {
		return
	}
	f := answerForm2{Disposition: c.PostForm("disposition"), Body: clip(c.PostForm("body"), 4*model.MaxAnswerText),
		Reasons: clip(c.PostForm("reasons"), 4*model.MaxAnswerText), Errors: map[string]string{}}
	e := &model.QuestionEntry{Disposition: model.Disposition(f.Disposition), Body: f.Body, Reasons: f.Reasons}
	if v := c.PostForm("to_agency"); v != "" {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			askMessagesOf(model.FieldErrors{"to_agency": model.MsgNotListed}, f.Errors)
			s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{Answer: f})
			return
		}
		f.ToAgency = uint(n)
		e.ToAgencyID = &f.ToAgency
	}
	err = s.store.AnswerQuestion(writeContext(c), id, e, func(q *model.Question, to, _ string) model.OutboxMessage {
		m := s.answerMail(q, e, u.Agency)
		m.To = to
		return m
	})
	var fe model.FieldErrors
	switch {
	case err == nil:
		if q.EmailConfirmed && s.mailQueued != nil {
			s.mailQueued()
		}
		s.flash(c, "flash.question.answered")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/questions/%d#entry-%d", id, e.ID))
	case errors.As(err, &fe):
		askMessagesOf(fe, f.Errors)
		s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{Answer: f})
	default:
		s.fail(c, err)
	}
}

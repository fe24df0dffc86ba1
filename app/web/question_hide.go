package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// hideQuestion hides a question for a stated reason, POST
// /questions/:id/hide (model.User.MayHideQuestion): its place keeps the
// reason and the date, and the counts still include it.
func (s *Server) hideQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.permit(c, visitor(c).MayHideQuestion(), "question.error.hide.forbidden") {
		return
	}
	f := hideForm{Reason: c.PostForm("reason"), DuplicateOf: strings.TrimSpace(c.PostForm("duplicate_of")), Note: clip(c.PostForm("note"), 4*model.MaxExplanation),
		Errors: map[string]string{}}
	var dup *uint
	if f.DuplicateOf != "" {
		n, err := strconv.ParseUint(strings.TrimPrefix(f.DuplicateOf, "#"), 10, 32)
		if err != nil {
			askMessagesOf(model.FieldErrors{"duplicate_of": model.MsgNotListed}, f.Errors)
			s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{Hide: f})
			return
		}
		d := uint(n)
		dup = &d
	}
	err = s.store.HideQuestion(writeContext(c), id, model.HideReason(f.Reason), dup, f.Note)
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.question.hidden")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/questions/%d", id))
	case errors.As(err, &fe):
		askMessagesOf(fe, f.Errors)
		s.renderQuestion(c, http.StatusUnprocessableEntity, id, questionPage{Hide: f})
	default:
		s.fail(c, err)
	}
}

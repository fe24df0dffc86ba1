package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// decideFollowUp records an item the meeting decided to follow up.
func (s *Server) decideFollowUp(c *gin.Context) {
	ctx := c.Request.Context()
	m, ok := s.meetingOfPath(c)
	if !ok {
		return
	}
	found := formErrors{}
	f := &model.FollowUp{MeetingID: m.ID, What: strings.TrimSpace(c.PostForm("what")), DueOn: found.date(c, "due_on")}
	if id := found.id(c, "agency"); id != nil {
		f.AgencyID = *id
	}
	f.CommitmentID = found.id(c, "commitment")
	err := saveParsed(found, f.Validate, func() error { return s.store.CreateFollowUp(ctx, f) })
	if err != nil {
		s.refuseMeetingSubform(c, m, err, func(mf *meetingForm) *adminForm { return &mf.FollowUp })
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "follow-up decided", slog.Uint64("meeting", uint64(m.ID)), slog.Uint64("item", uint64(f.ID)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/meetings/%d/edit#followups", m.ID))
}

// closeFollowUps records the meeting's decision to close items carried
// over from earlier meetings (解除列管).
func (s *Server) closeFollowUps(c *gin.Context) {
	ctx := c.Request.Context()
	m, ok := s.meetingOfPath(c)
	if !ok {
		return
	}
	_ = c.Request.ParseForm()
	var ids []uint
	found := formErrors{}
	for _, v := range c.Request.PostForm["close"] {
		id, err := strconv.ParseUint(v, 10, 32)
		if err != nil || id == 0 {
			found["close"] = "admin.error.choose"
			continue
		}
		ids = append(ids, uint(id))
	}
	decision := strings.TrimSpace(c.PostForm("decision"))
	err := saveParsed(found, func() error { return nil }, func() error { return s.store.CloseFollowUps(ctx, m.ID, ids, decision) })
	if err != nil {
		s.refuseMeetingSubform(c, m, err, func(mf *meetingForm) *adminForm { return &mf.Close })
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "follow-ups closed", slog.Uint64("meeting", uint64(m.ID)), slog.Int("items", len(ids)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/meetings/%d/edit#carried", m.ID))
}

// refuseMeetingSubform answers a refused form of the meeting's page: 422
// with its messages and what was typed, or the failure page.
func (s *Server) refuseMeetingSubform(c *gin.Context, m *model.Meeting, err error, which func(*meetingForm) *adminForm) {
	if !errors.As(err, new(formErrors)) && !errors.As(err, new(model.FieldErrors)) {
		s.fail(c, err)
		return
	}
	mf, ferr := s.meetingForm(c, m, meetingValues(m), m.Version)
	if ferr != nil {
		s.fail(c, ferr)
		return
	}
	sub := which(mf)
	sub.Values = formValues(c)
	for field, opts := range sub.Options {
		sub.options(field, opts)
	}
	sub.showErrors(err)
	s.renderMeetingForm(c, http.StatusUnprocessableEntity, mf)
}

// followUpPage is one follow-up item with its history: decided, the
// owner's notes, closed (templates/partials/meeting.html).
type followUpPage struct {
	Page
	Item    *model.FollowUp
	MayNote bool
	Note    string // as typed
	Error   string // the note's message
}

func (s *Server) showFollowUp(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.store.FindFollowUpByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := followUpPage{Page: s.page(c), Item: f}
	p.MayNote = p.User != nil && p.User.MayNoteFollowUp(f)
	s.render(c, http.StatusOK, "followups/show", p)
}

// addFollowUpNote records the owner agency's progress on an item.
// MayNoteFollowUp.
func (s *Server) addFollowUpNote(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.store.FindFollowUpByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := visitor(c)
	if !s.permit(c, u.MayNoteFollowUp(f), "followup.forbidden") {
		return
	}
	n := &model.FollowUpNote{FollowUpID: f.ID, Text: strings.TrimSpace(c.PostForm("text")), AuthorID: &u.ID}
	if err := s.store.AddFollowUpNote(ctx, n); err != nil {
		var fe model.FieldErrors
		if !errors.As(err, &fe) {
			s.fail(c, err)
			return
		}
		p := followUpPage{Page: s.page(c), Item: f, MayNote: true, Note: c.PostForm("text")}
		p.Error = "followup.note.required"
		if msg := fe["text"]; msg != "is required" {
			p.Error = "admin.error.invalid"
		}
		c.Set(noStoreKey, true)
		s.render(c, http.StatusUnprocessableEntity, "followups/show", p)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "follow-up note", slog.Uint64("item", uint64(f.ID)), slog.Uint64("by", uint64(u.ID)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/followups/%d#history", f.ID))
}

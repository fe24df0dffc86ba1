package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// adminMeetingsPage lists every meeting for the secretariat.
type adminMeetingsPage struct {
	Page
	Meetings []model.Meeting
}

func (s *Server) adminMeetings(c *gin.Context) {
	ms, err := s.store.FindMeetings(c.Request.Context(), 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/meetings", adminMeetingsPage{Page: s.page(c), Meetings: ms})
}

// meetingForm records or changes a meeting; on a meeting recorded
// already it also decides follow-up items, closes those carried over,
// and takes the transcript, each a form of its own.
type meetingForm struct {
	adminForm
	Meeting    *model.Meeting // as stored; nil for a new one
	Carried    []model.FollowUp
	Decided    []model.FollowUp
	Transcript *model.Transcript
	FollowUp   adminForm // deciding an item
	Close      adminForm // closing items carried over
	Upload     adminForm // the transcript
}

func meetingValues(m *model.Meeting) url.Values {
	v := url.Values{}
	if m.PlanID != nil {
		v.Set("plan", strconv.FormatUint(uint64(*m.PlanID), 10))
	}
	v.Set("held_on", m.HeldOn.String())
	v.Set("starts_at", m.StartsAt)
	v.Set("kind", string(m.Kind))
	v.Set("title", m.Title)
	v.Set("place", m.Place)
	v.Set("link", m.Link)
	lines := make([]string, len(m.Agenda))
	for i, a := range m.Agenda {
		lines[i] = a.Title
	}
	v.Set("agenda", strings.Join(lines, "\n"))
	v.Set("attendees.government", model.FormatAttendees(m.Side(model.SideGovernment)))
	v.Set("attendees.civil_society", model.FormatAttendees(m.Side(model.SideCivilSociety)))
	v.Set("documents", model.FormatDocuments(m.Documents))
	return v
}

// meetingForm builds the page's forms and the choices they offer.
func (s *Server) meetingForm(c *gin.Context, m *model.Meeting, values url.Values, version int) (*meetingForm, error) {
	ctx := c.Request.Context()
	f := &meetingForm{adminForm: s.adminForm(c, values, version), Meeting: m}
	f.Action = "/admin/meetings/new"
	if m != nil {
		f.Action = fmt.Sprintf("/admin/meetings/%d", m.ID)
	}
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	var planOpts []adminOption
	for _, p := range plans {
		planOpts = append(planOpts, adminOption{Value: strconv.FormatUint(uint64(p.ID), 10), Label: p.Ref + " " + f.T.Text(p.Title).Value})
	}
	f.options("plan", planOpts)
	var kinds []adminOption
	for _, k := range model.MeetingKinds {
		kinds = append(kinds, adminOption{Value: string(k), Label: f.T.T("meeting.kind." + string(k))})
	}
	f.options("kind", kinds)
	f.FollowUp = adminForm{Page: f.Page, Values: url.Values{}, Action: f.Action + "/followups"}
	f.Close = adminForm{Page: f.Page, Values: url.Values{}, Action: f.Action + "/close"}
	f.Upload = adminForm{Page: f.Page, Values: url.Values{}, Action: f.Action + "/transcript"}
	if m == nil {
		return f, nil
	}
	agencies, err := s.store.FindAgencies(ctx)
	if err != nil {
		return nil, err
	}
	var agencyOpts []adminOption
	for _, a := range agencies {
		agencyOpts = append(agencyOpts, adminOption{Value: strconv.FormatUint(uint64(a.ID), 10), Label: a.Code + " " + f.T.Text(a.Name).Value})
	}
	f.FollowUp.options("agency", agencyOpts)
	var commitmentOpts []adminOption
	if m.PlanID != nil {
		cs, err := s.store.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: *m.PlanID})
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			commitmentOpts = append(commitmentOpts, adminOption{Value: strconv.FormatUint(uint64(cm.ID), 10), Label: cm.Code + " " + f.T.Text(cm.Title).Value})
		}
	}
	f.FollowUp.options("commitment", commitmentOpts)
	if f.Carried, err = s.store.FindCarriedFollowUps(ctx, m); err != nil {
		return nil, err
	}
	if f.Decided, err = s.store.FindFollowUps(ctx, store.FollowUpFilter{DecidedAt: m.ID}); err != nil {
		return nil, err
	}
	if t, err := s.store.FindTranscriptByMeeting(ctx, m.ID); err == nil {
		f.Transcript = t
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	return f, nil
}

func (s *Server) renderMeetingForm(c *gin.Context, status int, f *meetingForm) {
	s.renderAdminForm(c, status, "admin/meeting_form", f)
}

func (s *Server) newMeeting(c *gin.Context) {
	f, err := s.meetingForm(c, nil, url.Values{"kind": {string(model.MeetingTaskForce)}}, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderMeetingForm(c, http.StatusOK, f)
}

func (s *Server) editMeeting(c *gin.Context) {
	m, ok := s.meetingOfPath(c)
	if !ok {
		return
	}
	f, err := s.meetingForm(c, m, meetingValues(m), m.Version)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderMeetingForm(c, http.StatusOK, f)
}

func (s *Server) meetingOfPath(c *gin.Context) (*model.Meeting, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	m, err := s.store.FindMeetingByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return m, true
}

// saveMeeting creates (no :id) or updates a meeting from its form.
func (s *Server) saveMeeting(c *gin.Context) {
	ctx := c.Request.Context()
	var stored *model.Meeting
	m := &model.Meeting{}
	if c.Param("id") != "" {
		var ok bool
		if stored, ok = s.meetingOfPath(c); !ok {
			return
		}
		m.ID = stored.ID
	}
	found := formErrors{}
	m.PlanID = found.id(c, "plan")
	m.HeldOn = found.date(c, "held_on")
	m.StartsAt = strings.TrimSpace(c.PostForm("starts_at"))
	m.Kind = model.MeetingKind(c.PostForm("kind"))
	m.Title = strings.TrimSpace(c.PostForm("title"))
	m.Place = strings.TrimSpace(c.PostForm("place"))
	m.Link = strings.TrimSpace(c.PostForm("link"))
	version := found.integer(c, "version")
	agenda, err := s.store.AgendaFromLines(ctx, m.PlanID, c.PostForm("agenda"))
	if err != nil {
		s.fail(c, err)
		return
	}
	m.Agenda = agenda
	m.Attendees = append(model.ParseAttendees(model.SideGovernment, c.PostForm("attendees.government")),
		model.ParseAttendees(model.SideCivilSociety, c.PostForm("attendees.civil_society"))...)
	m.Documents = model.ParseDocuments(c.PostForm("documents"))
	err = saveParsed(found, m.Validate, func() error { return s.store.SaveMeeting(ctx, m, version) })
	if err != nil {
		f, ferr := s.meetingForm(c, stored, formValues(c), version)
		if ferr != nil {
			s.fail(c, ferr)
			return
		}
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Stale, f.Version = true, stored.Version
			s.renderMeetingForm(c, http.StatusConflict, f)
		case errors.As(err, new(formErrors)), errors.As(err, new(model.FieldErrors)):
			f.showErrors(err)
			s.renderMeetingForm(c, http.StatusUnprocessableEntity, f)
		default:
			s.fail(c, err)
		}
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "meeting saved", slog.Uint64("meeting", uint64(m.ID)), slog.Uint64("by", uint64(visitor(c).ID)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/meetings/%d/edit", m.ID))
}

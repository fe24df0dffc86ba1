package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

// outboxPage shows administrators the reminders: what waits, what went,
// what failed and why, when the jobs run next, and the committee's meetings.
type outboxPage struct {
	Page
	Status   string // the filter: "" for all
	Statuses []model.OutboxStatus
	Counts   map[model.OutboxStatus]int64
	Messages []model.OutboxMessage
	Runs     []ScheduledRun
	Schedule bool // reminders are scheduled in this server
	Meetings []model.Meeting
	HeldOn   string // as typed
	Error    string // message id
	Notice   string // message id
	Follows  store.FollowCounts
	Ran      *passRun
	Preview  outboxPreview
	Ready    *remind.Readiness // what stands in the way of reminders now; nil when the page cannot tell
	Mail     mailStatus
}

// outboxLimit is how many messages the page lists.
const outboxLimit = 200

func (s *Server) showOutbox(c *gin.Context) {
	p := outboxPage{Status: c.Query("status")}
	switch c.Query("done") {
	case "retry":
		p.Notice = "reminders.outbox.retried"
	case "meeting":
		p.Notice = "reminders.meetings.recorded"
	case "run":
		p.Ran = ranOf(c)
	}
	status := http.StatusOK
	if !s.previewOutbox(c, &p) {
		status = http.StatusUnprocessableEntity
	}
	s.renderOutbox(c, status, p)
}

func (s *Server) renderOutbox(c *gin.Context, status int, p outboxPage) {
	ctx := c.Request.Context()
	if !slices.Contains(model.OutboxStatuses, model.OutboxStatus(p.Status)) {
		p.Status = ""
	}
	var err error
	p.Messages, p.Counts, err = s.store.FindOutbox(ctx, store.OutboxFilter{Status: model.OutboxStatus(p.Status), Limit: outboxLimit})
	if err != nil {
		s.fail(c, err)
		return
	}
	if p.Follows, err = s.store.CountFollows(ctx); err != nil {
		s.fail(c, err)
		return
	}
	if p.Meetings, err = s.store.ListMeetings(ctx, 10); err != nil {
		s.fail(c, err)
		return
	}
	if s.nextRuns != nil {
		p.Schedule, p.Runs = true, s.nextRuns()
	}
	if s.reminder != nil {
		rd, err := s.reminder.Readiness(ctx, s.now())
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Ready = &rd
	}
	p.Mail.Configured = s.mailer != nil
	if s.mailer != nil {
		p.Mail.Server = s.mailer.Address()
	}
	if p.Mail.To == "" {
		p.Mail.To = visitor(c).Email
	}
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	p.Statuses = model.OutboxStatuses
	s.render(c, status, "reminders/outbox", p)
}

// retryMessage makes a failed or waiting message due now; the sender (every
// minute) delivers it.
func (s *Server) retryMessage(c *gin.Context) {
	u := visitor(c)
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, errNotFound)
		return
	}
	if err := s.store.RetryMessage(c.Request.Context(), uint(id)); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "outbox message retried", slog.Uint64("message", id), slog.Uint64("by", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, "/admin/outbox?done=retry")
}

// recordMeeting records a multi-stakeholder meeting, which resets the
// reminder of the committee's duty to meet.
func (s *Server) recordMeeting(c *gin.Context) {
	u := visitor(c)
	p := outboxPage{HeldOn: c.PostForm("held_on")}
	d, err := model.ParseDate(p.HeldOn)
	switch {
	case err != nil || d.IsZero() || d.MonthOnly():
		p.Error = "reminders.meetings.invalid"
	case d.First(s.location).After(s.now()):
		p.Error = "reminders.meetings.future"
	}
	if p.Error != "" {
		s.renderOutbox(c, http.StatusUnprocessableEntity, p)
		return
	}
	var fe model.FieldErrors
	if err := s.store.RecordMeeting(c.Request.Context(), d); errors.As(err, &fe) {
		p.Error = "reminders.meetings.invalid"
		s.renderOutbox(c, http.StatusUnprocessableEntity, p)
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "committee meeting recorded", slog.String("held_on", d.String()), slog.Uint64("by", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, "/admin/outbox?done=meeting#meetings")
}

// webhooksPage lists the webhooks and adds one.
type webhooksPage struct {
	Page
	Webhooks []model.Webhook
	Agencies []model.Agency
	URL      string // as typed
	Agency   string // as chosen: "" for the committee, else an agency id
	Error    string // message id
	Notice   string
}

func (s *Server) showWebhooks(c *gin.Context) {
	p := webhooksPage{}
	switch c.Query("done") {
	case "added":
		p.Notice = "reminders.webhooks.added"
	case "deleted":
		p.Notice = "reminders.webhooks.deleted"
	}
	s.renderWebhooks(c, http.StatusOK, p)
}

func (s *Server) renderWebhooks(c *gin.Context, status int, p webhooksPage) {
	ctx := c.Request.Context()
	var err error
	if p.Webhooks, err = s.store.ListWebhooks(ctx); err != nil {
		s.fail(c, err)
		return
	}
	if p.Agencies, err = s.store.FindCommitmentAgencies(ctx, nil, 0); err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	s.render(c, status, "reminders/webhooks", p)
}

func (s *Server) createWebhook(c *gin.Context) {
	u := visitor(c)
	p := webhooksPage{URL: c.PostForm("url"), Agency: c.PostForm("agency")}
	w := &model.Webhook{URL: p.URL}
	if p.Agency != "" {
		id, err := strconv.ParseUint(p.Agency, 10, 64)
		if err == nil {
			_, err = s.store.FindAgencyByID(c.Request.Context(), uint(id))
		}
		if err != nil {
			p.Error = "reminders.webhooks.agency.invalid"
			s.renderWebhooks(c, http.StatusUnprocessableEntity, p)
			return
		}
		aid := uint(id)
		w.AgencyID = &aid
	}
	var fe model.FieldErrors
	if err := s.store.CreateWebhook(c.Request.Context(), w); errors.As(err, &fe) {
		p.Error = "reminders.webhooks.url.invalid"
		s.renderWebhooks(c, http.StatusUnprocessableEntity, p)
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "webhook added", slog.Uint64("webhook", uint64(w.ID)), slog.Uint64("by", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, "/admin/webhooks?done=added")
}

func (s *Server) deleteWebhook(c *gin.Context) {
	u := visitor(c)
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, errNotFound)
		return
	}
	if err := s.store.DeleteWebhook(c.Request.Context(), uint(id)); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "webhook deleted", slog.Uint64("webhook", id), slog.Uint64("by", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/webhooks?done=%s", "deleted"))
}

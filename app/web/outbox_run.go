package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
)

// outboxPreview is what a reminder pass would queue on a day the
// administrator picks: the dry run of `ogptracker remind --dry-run`, which
// changes nothing.
type outboxPreview struct {
	Available bool   // the server can work reminders out
	On        string // the day as typed
	Error     string // message id: the day does not parse
	Shown     bool   // a preview was asked for and worked out
	At        time.Time
	Messages  []model.OutboxMessage
	Ready     remind.Readiness // on that day
}

// previewDayHour is the hour of the day a preview's pass runs at: the
// weekly digest's, so that a preview of its day shows it.
var previewDayHour = remind.Defaults.DigestHour

// previewOutbox fills the preview the page's query asks for (?on=day); it
// reports false when the day does not parse.
func (s *Server) previewOutbox(c *gin.Context, p *outboxPage) bool {
	p.Preview.Available = s.reminder != nil
	p.Preview.On = strings.TrimSpace(c.Query("on"))
	if !p.Preview.Available || p.Preview.On == "" {
		if p.Preview.On == "" {
			p.Preview.On = model.DayOf(s.now()).String()
		}
		return true
	}
	d, err := model.ParseDate(p.Preview.On)
	if err != nil || d.IsZero() || d.MonthOnly() {
		p.Preview.Error = "outbox.preview.invalid"
		return false
	}
	at := d.First(s.location).Add(time.Duration(previewDayHour) * time.Hour)
	if d == model.DayOf(s.now()) {
		at = s.now()
	}
	ctx := c.Request.Context()
	msgs, err := s.reminder.Pass(ctx, at, true)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "reminder preview failed", slog.String("err", err.Error()))
		p.Preview.Error = "outbox.preview.failed"
		return true
	}
	rd, err := s.reminder.Readiness(ctx, at)
	if err != nil {
		p.Preview.Error = "outbox.preview.failed"
		return true
	}
	p.Preview.Shown, p.Preview.At, p.Preview.Messages, p.Preview.Ready = true, at, msgs, rd
	return true
}

// passRun is what a pass run from the page did.
type passRun struct {
	Queued, Sent, Retrying, Failed int
}

func ranOf(c *gin.Context) *passRun {
	n := func(k string) int { v, _ := strconv.Atoi(c.Query(k)); return max(v, 0) }
	return &passRun{Queued: n("queued"), Sent: n("sent"), Retrying: n("retrying"), Failed: n("failed")}
}

// sendTimeout bounds the delivery a pass run from the page waits for;
// what is left is sent by the scheduler, or the next run.
const sendTimeout = 30 * time.Second

// runReminderPass runs a reminder pass now and delivers what is due, as
// the scheduler does every hour: a message already queued is never queued
// again (the outbox's unique key), so running it twice queues nothing more.
func (s *Server) runReminderPass(c *gin.Context) {
	if s.reminder == nil {
		s.fail(c, errNotFound)
		return
	}
	ctx := c.Request.Context()
	added, err := s.reminder.Pass(ctx, s.store.Now(), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	res, err := s.reminder.Send(sendCtx)
	if err != nil && sendCtx.Err() == nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "reminder pass run from the outbox page", slog.Int("queued", len(added)),
		slog.Int("sent", res.Sent), slog.Uint64("by", uint64(visitor(c).ID)))
	c.Redirect(http.StatusSeeOther, "/admin/outbox?done=run&queued="+strconv.Itoa(len(added))+"&sent="+strconv.Itoa(res.Sent)+
		"&retrying="+strconv.Itoa(res.Retrying)+"&failed="+strconv.Itoa(res.Failed)+"#run")
}

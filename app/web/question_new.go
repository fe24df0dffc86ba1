package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// Limits on what one network address may post (questions and follow-ups
// together): enough for a person with a lot to ask, not for a program.
const (
	postsPerWindow = 5
	postWindow     = time.Hour
)

// askForm is the form of a new question, as typed.
type askForm struct {
	Kind, Text, Name, Email, Lang string
	Channel, ReceivedOn           string // staff recording a question received offline
	Errors                        map[string]string
	TooMany                       bool // the rate limit refused it: the page says when to try again
}

// askPage is the page of the form: on a commitment (C) or a plan as a whole.
type askPage struct {
	Page
	Plan   *model.Plan
	C      *model.Commitment
	Action string
	Form   askForm
	// Record: the visitor is staff who may record a question received offline.
	Record   bool
	Kinds    []model.QuestionKind
	Channels []model.QuestionChannel
	Langs    []string
	Days     int
	Minutes  int
}

// askTarget is what a question is asked on.
type askTarget struct {
	plan *model.Plan
	c    *model.Commitment
}

func (s *Server) askTargetOf(c *gin.Context, onPlan bool) (askTarget, error) {
	id, err := pathID(c)
	if err != nil {
		return askTarget{}, err
	}
	ctx := c.Request.Context()
	if onPlan {
		p, err := s.store.FindPlanByID(ctx, id)
		return askTarget{plan: p}, err
	}
	cm, err := s.store.FindCommitmentByID(ctx, id)
	if err != nil {
		return askTarget{}, err
	}
	p, err := s.store.FindPlanByID(ctx, cm.PlanID)
	return askTarget{plan: p, c: cm}, err
}

// newQuestion shows the form to ask on a commitment or a plan, GET
// /commitments/:id/questions/new and /plans/:id/questions/new.
func (s *Server) newQuestion(onPlan bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, err := s.askTargetOf(c, onPlan)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderAsk(c, http.StatusOK, t, askForm{Kind: string(model.AskQuestion), Lang: c.GetString(langKey), Channel: string(model.ChannelOnline)})
	}
}

func (s *Server) renderAsk(c *gin.Context, status int, t askTarget, f askForm) {
	c.Set(noStoreKey, true)
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	p := askPage{Page: s.page(c), Plan: t.plan, C: t.c, Form: f, Kinds: model.QuestionKinds, Langs: model.Languages,
		Channels: append([]model.QuestionChannel{model.ChannelOnline}, model.OfflineChannels...), Days: t.plan.QuestionDaysOrDefault(),
		Minutes: int(postWindow / time.Minute)}
	p.CSRFToken = s.csrfToken(c)
	p.Record = p.User.MayRecordQuestion(t.c)
	p.Action = fmt.Sprintf("/plans/%d/questions", t.plan.ID)
	if t.c != nil {
		p.Action = fmt.Sprintf("/commitments/%d/questions", t.c.ID)
	}
	s.render(c, status, "questions/new", p)
}

// askMessages names the questions' validation messages in the catalogs.
var askMessages = map[string]string{
	model.MsgRequired:     "question.error.required",
	model.MsgTooLong:      "question.error.toolong",
	model.MsgScript:       "question.error.script",
	model.MsgTooManyLinks: "question.error.links",
	model.MsgNotListed:    "question.error.notlisted",
	model.MsgHoneypot:     "question.error.honeypot",
	model.MsgFuture:       "question.error.future",
}

func askMessagesOf(fe model.FieldErrors, into map[string]string) {
	for field, msg := range fe {
		id, ok := askMessages[msg]
		if !ok {
			id = "question.error.invalid"
			if field == "email" {
				id = "question.error.email"
			}
		}
		into[field] = id
	}
}

// askQuestion publishes a question, POST /commitments/:id/questions and
// /plans/:id/questions: anyone, without an account. Staff may record one
// received offline (model.User.MayRecordQuestion). Refused before anything
// is stored: a filled honeypot, a script, too many links or characters
// (422, the text kept), or too many posts from one address (429).
func (s *Server) askQuestion(onPlan bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, err := s.askTargetOf(c, onPlan)
		if err != nil {
			s.fail(c, err)
			return
		}
		ctx := c.Request.Context()
		f := askForm{Kind: c.PostForm("kind"), Text: clip(c.PostForm("text"), 4*model.MaxQuestionText), Name: clip(strings.TrimSpace(c.PostForm("name")), 400),
			Email: clip(strings.TrimSpace(c.PostForm("email")), 254), Lang: c.PostForm("lang"), Channel: c.DefaultPostForm("channel", string(model.ChannelOnline)),
			ReceivedOn: c.PostForm("received_on"), Errors: map[string]string{}}
		u := visitor(c)
		q := &model.Question{Kind: model.QuestionKind(f.Kind), Text: strings.TrimSpace(f.Text), Name: f.Name, Lang: f.Lang,
			Channel: model.QuestionChannel(f.Channel), PlanID: t.plan.ID}
		if t.c != nil {
			q.CommitmentID = &t.c.ID
		}
		fe := model.FieldErrors{}
		if c.PostForm("website") != "" { // the honeypot: people never see it
			fe.Add("website", model.MsgHoneypot)
		}
		if q.Channel != model.ChannelOnline {
			if !s.permit(c, u.MayRecordQuestion(t.c), "question.error.record.forbidden") {
				return
			}
			q.RecordedByID = &u.ID
			d, err := model.ParseDate(f.ReceivedOn)
			if err != nil || d.MonthOnly() {
				fe.Add("received_on", model.MsgRequired)
			} else {
				q.ReceivedAt = d.First(s.location)
				if q.ReceivedAt.After(s.now()) {
					fe.Add("received_on", model.MsgFuture)
				}
			}
		}
		if err := q.Validate(); err != nil {
			for k, v := range err.(model.FieldErrors) {
				fe.Add(k, v)
			}
		}
		if len(fe) > 0 {
			askMessagesOf(fe, f.Errors)
			s.renderAsk(c, http.StatusUnprocessableEntity, t, f)
			return
		}
		from, err := s.store.KeyedHash(ctx, c.RemoteIP())
		if err != nil {
			s.fail(c, err)
			return
		}
		if s.throttled(c, from) {
			f.TooMany = true
			s.renderAsk(c, http.StatusTooManyRequests, t, f)
			return
		}
		q.FromHash = from
		voter := ""
		if q.Channel == model.ChannelOnline {
			if voter, err = s.voterOf(c); err != nil {
				s.fail(c, err)
				return
			}
		}
		err = s.store.AskQuestion(writeContext(c), q, f.Email, voter, s.confirmMail())
		var sfe model.FieldErrors
		switch {
		case err == nil:
			if f.Email != "" && s.mailQueued != nil {
				s.mailQueued()
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "question asked", slog.Uint64("question", uint64(q.ID)), slog.String("channel", string(q.Channel)))
			flash := "flash.question.asked"
			if f.Email != "" {
				flash = "flash.question.confirm"
			}
			s.flash(c, flash)
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/questions/%d", q.ID))
		case errors.As(err, &sfe):
			askMessagesOf(sfe, f.Errors)
			s.renderAsk(c, http.StatusUnprocessableEntity, t, f)
		default:
			s.fail(c, err)
		}
	}
}

// throttled reports whether the address (keyed hash from) has posted as
// much as it may within the window.
func (s *Server) throttled(c *gin.Context, from string) bool {
	n, err := s.store.CountPostsFrom(c.Request.Context(), from, s.now().Add(-postWindow))
	if err != nil {
		s.log.Warn("counting posts failed", "err", err)
		return false
	}
	if n >= postsPerWindow {
		s.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "questions throttled", slog.String("request_id", c.GetString(requestIDKey)))
		c.Header("Retry-After", fmt.Sprint(int(postWindow.Seconds())))
		return true
	}
	return false
}

// voterCookie holds a random id of the browser: one "I want to know too"
// per browser, without an account.
const voterCookie = "voter"

// voterOf is the keyed hash of the browser's voter id, set when missing.
func (s *Server) voterOf(c *gin.Context) (string, error) {
	v, err := c.Cookie(voterCookie)
	if err != nil || len(v) < 26 || len(v) > 64 {
		v = rand.Text()
		s.setCookie(c, voterCookie, v, 400*24*3600)
	}
	return s.store.KeyedHash(c.Request.Context(), "voter\x00"+v)
}

package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

// followLimits: a confirmation link works two days; an address receives
// at most five links an hour, enough to follow a few things in a row, and
// too few to flood a mailbox with the form.
var followLimits = store.FollowLimits{LinkLifetime: 48 * time.Hour, PerWindow: 5, Window: time.Hour}

// followClientLimit bounds the requests to follow from one client, whatever
// the addresses: ten at once, then one every six minutes, so that the form
// cannot send confirmation links to many addresses of others.
var followClientLimit = RateLimit{Rate: 1.0 / 360, Burst: 10}

// honeypotField is a field people never see nor fill; programs that fill
// every field do.
const honeypotField = "website"

// followForm is what the "Follow by email" form sends.
type followForm struct {
	Email    string
	Language string
	Target   model.FollowTarget
	TargetID uint
	Honeypot string
}

func followFormOf(c *gin.Context) followForm {
	id, _ := strconv.ParseUint(c.PostForm("target_id"), 10, 64)
	return followForm{Email: strings.TrimSpace(c.PostForm("email")), Language: c.PostForm("language"),
		Target: model.FollowTarget(c.PostForm("target")), TargetID: uint(id), Honeypot: c.PostForm(honeypotField)}
}

// followed is a thing that may be followed, as the follow pages name it.
type followed struct {
	Target model.FollowTarget
	ID     uint
	Code   string
	Title  model.Text
	Path   string
}

// findFollowed finds the thing a follow is about; model.ErrNotFound when
// there is no such thing.
func (s *Server) findFollowed(ctx context.Context, target model.FollowTarget, id uint) (*followed, error) {
	f := &followed{Target: target, ID: id, Path: remind.FollowedPath(target, id)}
	switch target {
	case model.FollowCommitment:
		c, err := s.store.FindCommitmentByID(ctx, id)
		if err != nil {
			return nil, err
		}
		f.Code, f.Title = c.Code, c.Title
	case model.FollowAgency:
		a, err := s.store.FindAgencyByID(ctx, id)
		if err != nil {
			return nil, err
		}
		f.Title = a.Name
	case model.FollowPlan:
		p, err := s.store.FindPlanByID(ctx, id)
		if err != nil {
			return nil, err
		}
		f.Title = p.Title
	default:
		return nil, model.ErrNotFound
	}
	return f, nil
}

// Name is the thing in words: "Commitment 1-1: …", in the page's language.
func (f *followed) Name(t *i18n.Translator) string {
	return t.T("follow.target."+string(f.Target), "Code", f.Code, "Title", t.Text(f.Title).Value)
}

// followedOfQuery reads the thing of /follow?commitment=ID (or agency, plan).
func (s *Server) followedOfQuery(c *gin.Context) (*followed, error) {
	for _, target := range model.FollowTargets {
		if v := c.Query(string(target)); v != "" {
			id, err := strconv.ParseUint(v, 10, 64)
			if err != nil || id == 0 {
				return nil, model.ErrNotFound
			}
			return s.findFollowed(c.Request.Context(), target, uint(id))
		}
	}
	return nil, model.ErrNotFound
}

// followPage is the "Follow by email" form, kept off the cached public
// pages, which carry no form tokens.
type followPage struct {
	Page
	Followed         *followed
	Email            string
	Language         string
	MessageLanguages []languageLink
	Errors           map[string]string // field → message id
	Error            string            // message id of a refusal of the whole form
	Sent, Confirmed  bool
	Hours            int
	Minutes          int // to wait, after too many requests from one client
}

func (s *Server) showFollow(c *gin.Context) {
	f, err := s.followedOfQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := followPage{Followed: f, Language: c.GetString(langKey), Sent: c.Query("sent") == "1", Confirmed: c.Query("confirmed") == "1"}
	s.renderFollow(c, http.StatusOK, p)
}

func (s *Server) renderFollow(c *gin.Context, status int, p followPage) {
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	p.CSRFToken = s.csrfToken(c)
	p.Hours = int(followLimits.LinkLifetime / time.Hour)
	for _, l := range model.Languages {
		p.MessageLanguages = append(p.MessageLanguages, languageLink{Tag: l, Name: languageNames[l], Current: l == p.Language})
	}
	s.render(c, status, "follow/form", p)
}

// requestFollow records the request and queues the confirmation link:
// nothing else reaches the address until it confirms.
func (s *Server) requestFollow(c *gin.Context) {
	ctx := c.Request.Context()
	form := followFormOf(c)
	f, err := s.findFollowed(ctx, form.Target, form.TargetID)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := followPage{Followed: f, Email: form.Email, Language: form.Language}
	if form.Honeypot != "" {
		s.log.LogAttrs(ctx, slog.LevelWarn, "follow refused: the hidden field was filled", slog.String("request_id", c.GetString(requestIDKey)))
		p.Error = "follow.error.honeypot"
		s.renderFollow(c, http.StatusUnprocessableEntity, p)
		return
	}
	if wait, ok := s.followClients.allow(c.RemoteIP(), time.Now()); !ok {
		s.log.LogAttrs(ctx, slog.LevelWarn, "follow refused: too many requests from one client", slog.String("request_id", c.GetString(requestIDKey)))
		p.Error, p.Minutes = "follow.error.toomany.client", int(math.Ceil(wait.Minutes()))
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.renderFollow(c, http.StatusTooManyRequests, p)
		return
	}
	var link string
	sent, err := s.store.RequestFollow(ctx, model.FollowRequest{Email: form.Email, Language: form.Language, Target: form.Target, TargetID: form.TargetID},
		followLimits, func(token string, fl *model.Follower) model.OutboxMessage {
			// Written in the language asked for: the reader of the address chose it.
			mt := s.catalog.Translator(s.catalog.Match(form.Language), s.location)
			link = s.baseURL + "/follow/confirm/" + token
			name := f.Name(mt)
			return model.OutboxMessage{Lang: mt.Lang, Title: mt.T("follow.mail.confirm.subject", "Name", name),
				Text: mt.T("follow.mail.confirm.body", "Name", name, "Link", link, "Hours", int(followLimits.LinkLifetime/time.Hour))}
		})
	var fe model.FieldErrors
	switch {
	case errors.As(err, &fe):
		p.Errors = map[string]string{}
		for field := range fe {
			p.Errors[field] = "follow.error." + field
		}
		s.renderFollow(c, http.StatusUnprocessableEntity, p)
		return
	case errors.Is(err, model.ErrTooManyRequests):
		s.log.LogAttrs(ctx, slog.LevelWarn, "follow refused: too many links for one address", slog.String("request_id", c.GetString(requestIDKey)))
		p.Error = "follow.error.toomany"
		c.Header("Retry-After", strconv.Itoa(int(followLimits.Window/time.Second)))
		s.renderFollow(c, http.StatusTooManyRequests, p)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	if sent {
		if s.mailQueued != nil {
			s.mailQueued()
		} else {
			// No mail settings: the link stays in the outbox, and here for the operator.
			s.log.LogAttrs(ctx, slog.LevelInfo, "follow confirmation link (no mail settings, so not sent)", slog.String("link", link))
		}
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/follow?%s=%d&sent=1", f.Target, f.ID))
}

// followConfirmPage asks to confirm a follow: a link opened by a mail
// scanner must not confirm anything, so GET changes nothing.
type followConfirmPage struct {
	Page
	Followed *followed
	Token    string
}

func (s *Server) showFollowConfirm(c *gin.Context) {
	ctx := c.Request.Context()
	fl, err := s.store.FindFollowConfirmation(ctx, c.Param("token"))
	if err != nil {
		s.followLinkFailed(c, err)
		return
	}
	f, err := s.findFollowed(ctx, fl.Target, fl.TargetID)
	if err != nil {
		s.followLinkFailed(c, err)
		return
	}
	c.Set(noStoreKey, true)
	p := followConfirmPage{Page: s.page(c), Followed: f, Token: c.Param("token")}
	p.CSRFToken = s.csrfToken(c)
	s.render(c, http.StatusOK, "follow/confirm", p)
}

func (s *Server) confirmFollow(c *gin.Context) {
	ctx := c.Request.Context()
	fl, err := s.store.ConfirmFollow(ctx, c.Param("token"))
	if err != nil {
		s.followLinkFailed(c, err)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "follow confirmed", slog.Uint64("follower", uint64(fl.FollowerID)),
		slog.String("target", string(fl.Target)), slog.Uint64("id", uint64(fl.TargetID)))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/follow?%s=%d&confirmed=1", fl.Target, fl.TargetID))
}

// followLinkFailed answers a link that is unknown, spent or expired.
func (s *Server) followLinkFailed(c *gin.Context, err error) {
	if !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusNotFound, "error", errorPage{Page: s.page(c), Heading: "follow.invalid", Message: "follow.invalid.text"})
}

// followingPage lists what an address follows, from the link of a
// digest, to stop one or all.
type followingPage struct {
	Page
	Token   string
	Follows []followingItem
	Done    bool
}

type followingItem struct {
	ID       uint
	Followed *followed
}

func (s *Server) showFollowing(c *gin.Context) {
	ctx := c.Request.Context()
	fr, err := s.store.FindFollowerByUnsubscribeToken(ctx, c.Param("token"))
	if err != nil {
		s.followLinkFailed(c, err)
		return
	}
	c.Set(noStoreKey, true)
	p := followingPage{Page: s.page(c), Token: c.Param("token"), Done: c.Query("done") == "1"}
	p.CSRFToken = s.csrfToken(c)
	for _, fl := range fr.Follows {
		f, err := s.findFollowed(ctx, fl.Target, fl.TargetID)
		if errors.Is(err, model.ErrNotFound) {
			continue // gone from the tracker: nothing will come of it
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Follows = append(p.Follows, followingItem{ID: fl.ID, Followed: f})
	}
	s.render(c, http.StatusOK, "follow/following", p)
}

// stopFollowing ends one follow (the form's "follow") or all of the
// address's, from the page's buttons or from a mail program's RFC 8058
// one-click POST, which carries no form token (see oneClickUnsubscribe)
// and stops everything: the digest is one message for all.
func (s *Server) stopFollowing(c *gin.Context) {
	ctx := c.Request.Context()
	fr, err := s.store.FindFollowerByUnsubscribeToken(ctx, c.Param("token"))
	if err != nil {
		s.followLinkFailed(c, err)
		return
	}
	oneClick := c.PostForm("List-Unsubscribe") == "One-Click"
	var followID uint
	if v := c.PostForm("follow"); v != "" && !oneClick {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			s.fail(c, errBadRequest)
			return
		}
		followID = uint(id)
	}
	if err := s.store.StopFollowing(ctx, fr.ID, followID); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "stopped following", slog.Uint64("follower", uint64(fr.ID)), slog.Uint64("follow", uint64(followID)))
	if oneClick {
		c.Status(http.StatusOK) // a mail program, not a person: no page to show
		return
	}
	c.Redirect(http.StatusSeeOther, "/follow/stop/"+url.PathEscape(c.Param("token"))+"?done=1")
}

package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// resetLinkLifetime is how long a link to set a new password works.
const resetLinkLifetime = time.Hour

// maxResetLinks is how many reset links an account gets within one lifetime.
const maxResetLinks = 3

// SendMail delivers one plain-text message.
type SendMail func(ctx context.Context, to, subject, body string) error

type forgotPage struct {
	Page
	Email   string
	Error   string // message id
	Sent    bool
	Minutes int
}

func (s *Server) showForgot(c *gin.Context) {
	s.renderForgot(c, http.StatusOK, forgotPage{Sent: c.Query("sent") == "1"})
}

func (s *Server) renderForgot(c *gin.Context, status int, p forgotPage) {
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	p.CSRFToken = s.csrfToken(c)
	p.Minutes = int(resetLinkLifetime / time.Minute)
	s.render(c, status, "account/forgot", p)
}

// sendResetLink sends a link to set a new password when the address has an
// account, and answers the same either way, so it tells no one whether it has.
func (s *Server) sendResetLink(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	if email == "" {
		s.renderForgot(c, http.StatusUnprocessableEntity, forgotPage{Error: "account.forgot.required"})
		return
	}
	u, err := s.store.FindUserByEmail(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
	case err != nil:
		s.fail(c, err)
		return
	case !u.Disabled:
		// A few links an hour are plenty for a person; more are someone else
		// sending the form. The answer stays the same, so it tells nothing.
		n, err := s.store.CountOneTimeLinks(ctx, u.ID, model.LinkPasswordReset, resetLinkLifetime)
		if err != nil {
			s.fail(c, err)
			return
		}
		if n >= maxResetLinks {
			s.log.LogAttrs(ctx, slog.LevelWarn, "password reset throttled", slog.Uint64("user", uint64(u.ID)),
				slog.String("request_id", c.GetString(requestIDKey)))
			break
		}
		if s.mailQueued == nil {
			// No mail settings: the operator passes the link on.
			token, err := s.store.CreateOneTimeLink(ctx, u.ID, model.LinkPasswordReset, resetLinkLifetime)
			if err != nil {
				s.fail(c, err)
				return
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "password reset link (no mail settings, so not sent)",
				slog.Uint64("user", uint64(u.ID)), slog.String("to", u.Email), slog.String("link", s.baseURL+"/password/reset/"+token))
			break
		}
		// The mail is queued, not sent: the request does no mail I/O, so it
		// takes as long and answers the same as for an unknown address, and
		// a mail server that is down is retried in the background and shown
		// in the outbox, never to the visitor.
		t := s.page(c).T
		_, err = s.store.CreateOneTimeLinkAndMail(ctx, u.ID, model.LinkPasswordReset, resetLinkLifetime, func(token string) model.OutboxMessage {
			to := fmt.Sprintf("user:%d", u.ID)
			return model.OutboxMessage{Rule: "password-reset", Subject: to, Recipient: to, Kind: model.KindAccount,
				Channel: model.ChannelEmail, UserID: &u.ID, To: u.Email, Lang: t.Lang, Title: t.T("account.mail.reset.subject"),
				Text: t.T("account.mail.reset.body", "Name", u.Name, "Link", s.baseURL+"/password/reset/"+token,
					"Minutes", int(resetLinkLifetime/time.Minute))}
		})
		if err != nil {
			s.fail(c, err)
			return
		}
		s.mailQueued()
	}
	c.Redirect(http.StatusSeeOther, "/password/forgot?sent=1")
}

type resetPage struct {
	Page
	Heading      string // message id: setting a new password, or a first one through an invitation
	Invitation   bool
	Name         string
	Email, Token string
	Error        string // message id
	Min, Max     int
}

func (s *Server) showReset(c *gin.Context) {
	link, err := s.store.FindOneTimeLink(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.resetLinkFailed(c, err)
		return
	}
	s.renderReset(c, http.StatusOK, resetPageOf(link))
}

// resetPageOf is the page of a link: an invitation welcomes the person.
func resetPageOf(link *model.OneTimeLink) resetPage {
	p := resetPage{Heading: "account.reset.title", Name: link.User.Name, Email: link.User.Email}
	if link.Purpose == model.LinkInvitation {
		p.Heading, p.Invitation = "account.invite.title", true
	}
	return p
}

func (s *Server) renderReset(c *gin.Context, status int, p resetPage) {
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	p.CSRFToken = s.csrfToken(c)
	p.Token = c.Param("token")
	p.Min, p.Max = model.MinPasswordLength, model.MaxPasswordBytes
	s.render(c, status, "account/reset", p)
}

// resetPassword sets the new password through the link, once.
func (s *Server) resetPassword(c *gin.Context) {
	ctx := c.Request.Context()
	link, err := s.store.FindOneTimeLink(ctx, c.Param("token"))
	if err != nil {
		s.resetLinkFailed(c, err)
		return
	}
	password := c.PostForm("password")
	p := resetPageOf(link)
	var u model.User
	switch err := u.SetPassword(password); {
	case errors.Is(err, model.ErrPasswordTooShort):
		p.Error = "account.reset.short"
	case errors.Is(err, model.ErrPasswordTooLong):
		p.Error = "account.reset.long"
	case err != nil:
		s.fail(c, err)
		return
	case password != c.PostForm("confirm"):
		p.Error = "account.reset.mismatch"
	}
	if p.Error != "" {
		s.renderReset(c, http.StatusUnprocessableEntity, p)
		return
	}
	if _, err := s.store.UseOneTimeLink(ctx, c.Param("token"), u.PasswordHash); err != nil {
		s.resetLinkFailed(c, err)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "password set through a link", slog.Uint64("user", uint64(link.UserID)))
	c.Redirect(http.StatusSeeOther, "/signin?reset=1")
}

// resetLinkFailed answers a link that is unknown, spent or expired.
func (s *Server) resetLinkFailed(c *gin.Context, err error) {
	if !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusNotFound, "error", errorPage{Page: s.page(c), Heading: "account.reset.invalid", Message: "account.reset.invalid.text"})
}

package web

import (
	"context"
	"log/slog"
	"net/http"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/mail"
)

// isAddress reports whether s is one bare email address.
func isAddress(s string) bool {
	a, err := netmail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// mailStatus is the outbox page's part on the mail settings, and the
// outcome of a test message.
type mailStatus struct {
	Configured bool
	Server     string // host:port
	To         string // as typed
	Error      string // message id: the address is not one
	Tried      bool
	Accepted   bool
	Reply      string // what the server answered, or the error on the way
}

// testMailTimeout bounds the wait for the mail server's answer.
const testMailTimeout = 30 * time.Second

// sendTestMail sends one message through the mail settings and shows what
// the mail server answered: its reply when it took the message, or the
// refusal or the error on the way.
func (s *Server) sendTestMail(c *gin.Context) {
	p := outboxPage{}
	p.Mail.To = strings.TrimSpace(c.PostForm("to"))
	switch {
	case s.mailer == nil:
		p.Mail.Error = "outbox.mail.none"
	case !isAddress(p.Mail.To):
		p.Mail.Error = "outbox.mail.to.invalid"
	}
	if p.Mail.Error != "" {
		s.renderOutbox(c, http.StatusUnprocessableEntity, p)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), testMailTimeout)
	defer cancel()
	t := s.page(c).T
	reply, err := s.mailer.SendOneReply(ctx, mail.Message{To: p.Mail.To, Subject: t.T("outbox.mail.test.subject"),
		Text: t.T("outbox.mail.test.body", "URL", s.baseURL)})
	p.Mail.Tried, p.Mail.Accepted, p.Mail.Reply = true, err == nil, reply
	if err != nil {
		p.Mail.Reply = err.Error()
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "test message", slog.Bool("accepted", err == nil),
		slog.String("reply", p.Mail.Reply), slog.Uint64("by", uint64(visitor(c).ID)))
	s.renderOutbox(c, http.StatusOK, p)
}

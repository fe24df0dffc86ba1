package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// reminderPrefsPage lets a signed-in person choose the reminders they
// receive, how often the digest comes and the language of messages.
type reminderPrefsPage struct {
	Page
	Kinds            []model.ReminderKind // every kind but the digest, which is a frequency
	Receive          map[model.ReminderKind]bool
	Digest           string // weekly | never
	Language         string
	MessageLanguages []languageLink // the languages messages can be written in
	Saved            bool
	Error            string
}

func (s *Server) showReminderPrefs(c *gin.Context) {
	u := visitor(c)
	optOuts, err := s.store.FindOptOuts(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	p := reminderPrefsPage{Receive: map[model.ReminderKind]bool{}, Digest: "weekly", Language: u.Lang(), Saved: c.Query("saved") == "1"}
	for _, k := range model.ReminderKinds {
		p.Receive[k] = !optOuts[u.ID][k]
	}
	if !p.Receive[model.KindDigest] {
		p.Digest = "never"
	}
	s.renderReminderPrefs(c, http.StatusOK, p)
}

func (s *Server) updateReminderPrefs(c *gin.Context) {
	u := visitor(c)
	p := reminderPrefsPage{Receive: map[model.ReminderKind]bool{}, Digest: c.PostForm("digest"), Language: c.PostForm("language")}
	for _, k := range c.PostFormArray("kind") {
		p.Receive[model.ReminderKind(k)] = true
	}
	if p.Digest != "weekly" && p.Digest != "never" || !slices.Contains(model.Languages, p.Language) {
		p.Error = "reminders.prefs.invalid"
		s.renderReminderPrefs(c, http.StatusUnprocessableEntity, p)
		return
	}
	var receive []model.ReminderKind
	for _, k := range model.ReminderKinds {
		if k == model.KindDigest && p.Digest == "weekly" || k != model.KindDigest && p.Receive[k] {
			receive = append(receive, k)
		}
	}
	if err := s.store.SetReminderPreferences(c.Request.Context(), u.ID, p.Language, receive); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "reminder preferences changed", slog.Uint64("user", uint64(u.ID)),
		slog.Any("receive", receive), slog.String("language", p.Language))
	c.Redirect(http.StatusSeeOther, "/account/reminders?saved=1")
}

func (s *Server) renderReminderPrefs(c *gin.Context, status int, p reminderPrefsPage) {
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	for _, k := range model.ReminderKinds {
		if k != model.KindDigest {
			p.Kinds = append(p.Kinds, k)
		}
	}
	for _, l := range model.Languages {
		p.MessageLanguages = append(p.MessageLanguages, languageLink{Tag: l, Name: languageNames[l], Current: l == p.Language})
	}
	s.render(c, status, "reminders/preferences", p)
}

// unsubscribePage confirms turning off one kind of reminder through the
// link of a message.
type unsubscribePage struct {
	Page
	Token string
	Kind  model.ReminderKind
	Email string
	Done  bool
}

// showUnsubscribe asks to confirm: a link opened by a mail scanner must not
// unsubscribe anyone, so GET changes nothing.
func (s *Server) showUnsubscribe(c *gin.Context) {
	msg, u, err := s.store.FindMessageByUnsubscribeToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.unsubscribeFailed(c, err)
		return
	}
	s.renderUnsubscribe(c, http.StatusOK, unsubscribePage{Token: c.Param("token"), Kind: msg.Kind, Email: u.Email, Done: c.Query("done") == "1"})
}

// unsubscribe turns the kind off, from the confirm button or from a mail
// program's RFC 8058 one-click POST (List-Unsubscribe=One-Click), which
// carries no form token: see checkCSRF.
func (s *Server) unsubscribe(c *gin.Context) {
	ctx := c.Request.Context()
	msg, u, err := s.store.FindMessageByUnsubscribeToken(ctx, c.Param("token"))
	if err != nil {
		s.unsubscribeFailed(c, err)
		return
	}
	if err := s.store.OptOut(ctx, u.ID, msg.Kind); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "unsubscribed", slog.Uint64("user", uint64(u.ID)), slog.String("kind", string(msg.Kind)))
	if c.PostForm("List-Unsubscribe") == "One-Click" {
		c.Status(http.StatusOK) // a mail program, not a person: no page to show
		return
	}
	c.Redirect(http.StatusSeeOther, "/unsubscribe/"+url.PathEscape(c.Param("token"))+"?done=1")
}

func (s *Server) renderUnsubscribe(c *gin.Context, status int, p unsubscribePage) {
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	if p.CSRFToken == "" {
		p.CSRFToken = s.csrfToken(c)
	}
	s.render(c, status, "reminders/unsubscribe", p)
}

func (s *Server) unsubscribeFailed(c *gin.Context, err error) {
	if !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusNotFound, "error", errorPage{Page: s.page(c), Heading: "reminders.unsubscribe.invalid", Message: "reminders.unsubscribe.invalid.text"})
}

package web

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// apiTokensPage lists the API tokens, issues new ones and revokes them:
// administrators only. A new token is shown once, on the answer that
// issued it, and never again.
type apiTokensPage struct {
	Page
	Tokens   []model.APIToken
	Agencies []model.Agency
	Scopes   []model.TokenScope
	// The form as typed, and what is wrong with it (field → message id).
	Name, Agency string
	Chosen       []string
	Errors       map[string]string
	// Issued is the token just issued, shown this once.
	Issued     string
	IssuedName string
	Revoked    bool
}

func (s *Server) listAPITokens(c *gin.Context) {
	s.renderAPITokens(c, http.StatusOK, apiTokensPage{Revoked: c.Query("revoked") == "1"})
}

func (s *Server) renderAPITokens(c *gin.Context, status int, p apiTokensPage) {
	ctx := c.Request.Context()
	var err error
	if p.Tokens, err = s.store.ListAPITokens(ctx); err == nil {
		p.Agencies, err = s.store.FindAgencies(ctx)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true) // it carries the form token, and maybe a new API token
	p.Page = s.page(c)
	p.Scopes = model.TokenScopes
	s.render(c, status, "admin/tokens", p)
}

// createAPIToken issues a token for an agency with the scopes chosen and
// shows it once. The answer is the page itself, not a redirect, so that
// the token is never in a URL nor kept anywhere after it is shown.
func (s *Server) createAPIToken(c *gin.Context) {
	u := visitor(c)
	p := apiTokensPage{Name: strings.TrimSpace(c.PostForm("name")), Agency: c.PostForm("agency"),
		Chosen: c.PostFormArray("scopes"), Errors: map[string]string{}}
	t := &model.APIToken{Name: p.Name, CreatedByID: &u.ID}
	for _, sc := range p.Chosen {
		t.Scopes = append(t.Scopes, sc)
	}
	if id, err := strconv.ParseUint(p.Agency, 10, 32); err == nil {
		if a, err := s.store.FindAgencyByID(c.Request.Context(), uint(id)); err == nil {
			t.AgencyID = a.ID
		} else if !errors.Is(err, model.ErrNotFound) {
			s.fail(c, err)
			return
		}
	}
	token, err := s.store.CreateAPIToken(c.Request.Context(), t)
	var fe model.FieldErrors
	switch {
	case errors.As(err, &fe):
		for field := range fe {
			p.Errors[field] = "tokens.error." + field
		}
		s.renderAPITokens(c, http.StatusUnprocessableEntity, p)
	case err != nil:
		s.fail(c, err)
	default:
		s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "API token issued", slog.String("request_id", c.GetString(requestIDKey)),
			slog.Uint64("token", uint64(t.ID)), slog.String("name", t.Name), slog.Uint64("agency", uint64(t.AgencyID)), slog.Uint64("by", uint64(u.ID)))
		s.renderAPITokens(c, http.StatusOK, apiTokensPage{Issued: token, IssuedName: t.Name})
	}
}

func (s *Server) revokeAPIToken(c *gin.Context) {
	u := visitor(c)
	id, err := pathID(c)
	if err == nil {
		err = s.store.RevokeAPIToken(c.Request.Context(), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "API token revoked", slog.String("request_id", c.GetString(requestIDKey)),
		slog.Uint64("token", uint64(id)), slog.Uint64("by", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, "/admin/tokens?revoked=1")
}

// Chose reports whether the form had scope ticked.
func (p apiTokensPage) Chose(scope model.TokenScope) bool {
	return slices.Contains(p.Chosen, string(scope))
}

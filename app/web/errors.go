package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

var (
	errNotFound         = model.ErrNotFound
	errMethodNotAllowed = errors.New("method not allowed")
	errBadRequest       = errors.New("bad request")
	errTooLarge         = errors.New("request body too large")
)

// statusClientClosed is logged for a request whose client went away
// before the answer: nobody reads it, and it is not the tracker's fault.
const statusClientClosed = 499

type errorPage struct {
	Page
	Heading, Message string
}

// fail is the one failure path: it maps an error to a status and a real
// page, and logs what a visitor must not see. A form that can show its
// own errors answers them itself first (see answerForm); what reaches
// fail gets the page of its kind.
func (s *Server) fail(c *gin.Context, err error) {
	if isAPI(c) {
		s.failAPI(c, err)
		return
	}
	var fe model.FieldErrors
	status, heading := http.StatusInternalServerError, "error.internal"
	switch {
	case errors.Is(err, model.ErrNotFound):
		status, heading = http.StatusNotFound, "error.notfound"
	case errors.Is(err, errMethodNotAllowed):
		status, heading = http.StatusMethodNotAllowed, "error.badrequest"
	case errors.Is(err, errCSRF):
		status, heading = http.StatusForbidden, "account.error.csrf"
	case errors.Is(err, errTooLarge):
		status, heading = http.StatusRequestEntityTooLarge, "error.toolarge"
	case errors.Is(err, errBadLanguage):
		status, heading = http.StatusBadRequest, "error.badlanguage"
	case errors.Is(err, errBadRequest):
		status, heading = http.StatusBadRequest, "error.badrequest"
	case errors.Is(err, errBusy):
		status, heading = http.StatusServiceUnavailable, "error.busy"
	case errors.As(err, &fe):
		status, heading = http.StatusUnprocessableEntity, "error.invalid"
	case errors.Is(err, store.ErrConflict):
		status, heading = http.StatusConflict, "error.conflict"
	case clientGone(c, err):
		c.AbortWithStatus(statusClientClosed)
		return
	default:
		s.logFailure(c, err)
	}
	if c.GetString(langKey) == "" {
		c.Set(langKey, s.catalog.Match(c.GetHeader("Accept-Language")))
	}
	s.render(c, status, "error", errorPage{Page: s.page(c), Heading: heading, Message: heading + ".text"})
}

// clientGone reports whether err comes of the client having gone away
// (a closed tab, a dropped connection), which is no error of the tracker.
func clientGone(c *gin.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil
}

// logFailure logs a request that failed on the tracker's side, with what
// is needed to find it again: the request id the visitor is shown, the
// path and who asked.
func (s *Server) logFailure(c *gin.Context, err error) {
	attrs := []slog.Attr{
		slog.String("request_id", c.GetString(requestIDKey)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("err", err.Error()),
	}
	if u := visitor(c); u != nil {
		attrs = append(attrs, slog.Uint64("user_id", uint64(u.ID)), slog.String("role", string(u.Role)))
	} else if t, ok := c.Get(apiTokenKey); ok {
		attrs = append(attrs, slog.Uint64("api_token_id", uint64(t.(*model.APIToken).ID)))
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed", attrs...)
}

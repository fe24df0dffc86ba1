package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

var (
	errNotFound         = model.ErrNotFound
	errMethodNotAllowed = errors.New("method not allowed")
	errBadRequest       = errors.New("bad request")
	errTooLarge         = errors.New("request body too large")
)

type errorPage struct {
	Page
	Heading, Message string
}

// fail is the one failure path: it maps an error to a status and a real
// page, and logs what a visitor must not see.
func (s *Server) fail(c *gin.Context, err error) {
	if isAPI(c) {
		s.failAPI(c, err)
		return
	}
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
	case errors.Is(err, errBadRequest):
		status, heading = http.StatusBadRequest, "error.badrequest"
	default:
		s.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("request_id", c.GetString(requestIDKey)),
			slog.String("path", c.Request.URL.Path),
			slog.String("err", err.Error()))
	}
	if c.GetString(langKey) == "" {
		c.Set(langKey, s.catalog.Match(c.GetHeader("Accept-Language")))
	}
	s.render(c, status, "error", errorPage{Page: s.page(c), Heading: heading, Message: heading + ".text"})
}

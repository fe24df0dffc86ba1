package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

const (
	requestIDKey = "request_id"
	langKey      = "lang"
	langCookie   = "lang"
)

// requestID tags each request with an id, taken from a proxy's
// X-Request-ID when it sends one, so logs and error pages can be matched.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 {
		id = uuid.NewString()
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// accessLog writes one structured line per request.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	level := slog.LevelInfo
	switch status := c.Writer.Status(); {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn // a request turned away by a bound, not a failure
	case status >= 500:
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("request_id", c.GetString(requestIDKey)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()),
		slog.Int("bytes", c.Writer.Size()),
		slog.Duration("duration", time.Since(start)))
}

// recoverPanic turns a panic into the error page, so no visitor ever sees
// a stack trace or a blank page.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.fail(c, fmt.Errorf("panic: %v", v))
			c.Abort()
		}
	}()
	c.Next()
}

// securityHeaders are sent with every answer. A tracker served over https
// (its BASE_URL says so, even when a proxy in front ends TLS) asks
// browsers to come back over https only.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	if s.overHTTPS() {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

// maxBody is the largest request body the tracker reads. It is above the
// longest text any form takes, so that an overlong text reaches its form
// and gets a "too long" message next to the field, and it keeps a client
// from making the server hold an endless body in memory.
const maxBody = 32 << 20

// limitBody refuses a body announced as larger than maxBody at once and
// stops reading one that turns out larger.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.ContentLength > maxBody {
		c.Header("Connection", "close") // the rest of the body is not read
		s.fail(c, errTooLarge)
		c.Abort()
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	c.Next()
}

// language chooses the interface language: ?lang= (remembered in a cookie),
// then the cookie, then the browser's Accept-Language.
func (s *Server) language(c *gin.Context) {
	var lang string
	if q := c.Query("lang"); q != "" {
		lang = s.catalog.Match(q)
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie(langCookie, lang, 365*24*3600, "/", "", s.overHTTPS() || c.Request.TLS != nil, true)
	} else if ck, err := c.Cookie(langCookie); err == nil && ck != "" {
		lang = s.catalog.Match(ck)
	} else {
		lang = s.catalog.Match(c.GetHeader("Accept-Language"))
	}
	c.Set(langKey, lang)
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language, Cookie")
	c.Next()
}

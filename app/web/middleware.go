package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ogptracker/ogptracker/app/i18n"
)

const (
	requestIDKey = "request_id"
	langKey      = "lang"
	langCookie   = "lang"
)

// init enables uuid's pool of random bytes, for the whole process: the
// tracker makes uuids for request ids only. Secrets (tokens, passwords)
// come from crypto/rand directly, never from uuid.
func init() { uuid.EnableRandPool() }

// requestID tags each request with an id, taken from a proxy's
// X-Request-ID when it sends one, so logs and error pages can be matched.
// The ids only need to be distinct, not secret: uuid's pool of random
// bytes (see init) saves reading the system's randomness on every request.
func (s *Server) requestID(c *gin.Context) {
	id := requestIDOf(c.Request)
	c.Set(requestIDKey, id)
	c.Writer.Header()[requestIDHeader] = []string{id}
	c.Next()
}

// requestIDHeader is X-Request-ID as net/http spells a header's name.
const requestIDHeader = "X-Request-Id"

// requestIDOf is r's id: its proxy's, or a new one.
func requestIDOf(r *http.Request) string {
	id := r.Header.Get("X-Request-ID")
	if id == "" || len(id) > 64 {
		id = uuid.NewString()
	}
	return id
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
	s.logRequest(c.Request, level, c.GetString(requestIDKey), c.Writer.Status(), c.Writer.Size(), start)
}

// logRequest writes the access log's line for r, answered with status and
// size bytes of body, begun at start.
func (s *Server) logRequest(r *http.Request, level slog.Level, id string, status, size int, start time.Time) {
	ctx := r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	// A record of its own rather than LogAttrs, which looks up its
	// caller's source line on every call, a twentieth of a kept page's
	// cost; the access log never shows it.
	end := time.Now()
	rec := slog.NewRecord(end, level, "request", 0)
	rec.AddAttrs(
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Int("bytes", size),
		slog.Duration("duration", end.Sub(start)))
	_ = s.log.Handler().Handle(ctx, rec) // a log that cannot be written must not fail the answer
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
		h["Strict-Transport-Security"] = strictTransport
	}
	for _, f := range securityFields {
		h[f.name] = f.value // shared, as the headers are only read once set: no copy per request
	}
	c.Next()
}

var (
	strictTransport = []string{"max-age=31536000; includeSubDomains"}
	securityFields  = []struct {
		name  string
		value []string
	}{
		{"Content-Security-Policy", []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"X-Frame-Options", []string{"DENY"}},
	}
)

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
	if c.Request.Body != http.NoBody { // most requests have none to read
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	}
	c.Next()
}

// cookie is the value of r's cookie name, unescaped as gin's Context.Cookie
// does (and as SetCookie escapes it), and whether r has one.
func cookie(r *http.Request, name string) (string, bool) {
	ck, err := r.Cookie(name)
	if err != nil {
		return "", false
	}
	v, _ := url.QueryUnescape(ck.Value)
	return v, true
}

// errBadLanguage refuses a ?lang= that is not a language tag (EN_us, a
// stray word): guessing would show a language nobody asked for.
var errBadLanguage = fmt.Errorf("%w: ?lang= is not a language tag", errBadRequest)

// chooseParam marks the language switch's links: ?lang=fr&choose=1.
const chooseParam = "choose"

// language chooses the interface language. ?lang= shows the page in that
// language (the nearest the catalogs have: fr-CA is French) without
// remembering it: a link someone shares with ?lang=en shows English to
// whoever follows it, and leaves their own choice as it was. Without it,
// the language the visitor chose with the switch (the cookie), then the
// browser's Accept-Language, then the default. The switch's links carry
// choose=1: they set the cookie and lead to the same address without it,
// so that only the visitor's own click ever pins a language. A ?lang= that
// is no language tag is refused with a 400 page in the language the
// visitor would otherwise get.
func (s *Server) language(c *gin.Context) {
	var q string
	if strings.Contains(c.Request.URL.RawQuery, "lang") { // most addresses name none: leave their query unparsed
		q = c.Query("lang")
	}
	if q != "" && !i18n.WellFormed(q) {
		s.setLanguage(c, s.visitorLanguage(c.Request))
		if isAPI(c) {
			s.fail(c, &apiError{status: http.StatusBadRequest, detail: "lang is not a language tag.",
				fields: []fieldProblem{{Field: "lang", Detail: "is not a BCP 47 language tag such as en, fr or zh-TW"}}})
		} else {
			s.fail(c, errBadLanguage)
		}
		c.Abort()
		return
	}
	lang, asked := s.catalog.Negotiate(q)
	if asked && c.Query(chooseParam) != "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie(langCookie, lang, 365*24*3600, "/", "", s.overHTTPS() || c.Request.TLS != nil, true)
		v := c.Request.URL.Query()
		v.Del(chooseParam)
		// One leading slash: //host/ would lead to another site.
		back := url.URL{Path: "/" + strings.TrimLeft(c.Request.URL.Path, "/\\"), RawQuery: v.Encode()}
		c.Header("Cache-Control", "no-store")
		c.Redirect(http.StatusSeeOther, back.RequestURI())
		c.Abort()
		return
	}
	if !asked {
		lang = s.visitorLanguage(c.Request)
	}
	s.setLanguage(c, lang)
	c.Next()
}

// visitorLanguage is the language of a visitor who names none in the
// address: the one chosen with the switch, then the browser's, then the
// default. The language middleware and the page cache's front door ask it.
func (s *Server) visitorLanguage(r *http.Request) string {
	if ck, ok := cookie(r, langCookie); ok {
		if lang, ok := s.catalog.Negotiate(ck); ok {
			return lang
		}
	}
	return s.catalog.Match(r.Header.Get("Accept-Language"))
}

// setLanguage serves the request in lang: the pages' language and the
// Content-Language header, which caches key on with Vary.
func (s *Server) setLanguage(c *gin.Context, lang string) {
	c.Set(langKey, lang)
	c.Header("Content-Language", lang)
	c.Header("Vary", "Accept-Language, Cookie")
}

package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The API answers in JSON at /api/v1, described by /api/openapi.json
// (openapi.json beside this file, kept true by a test). Reading is open to
// anyone, from any origin; writing takes an agency's API token. Errors are
// problem details (RFC 9457), which s.fail writes for every /api/ path.

const (
	apiPrefix   = "/api/v1"
	problemType = "application/problem+json"
	apiTokenKey = "api_token" // *model.APIToken of an authorised write
)

// isAPI reports whether the request is for the API, whose answers are JSON.
func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return p == apiPrefix || strings.HasPrefix(p, apiPrefix+"/")
}

// problem is an error answer of the API (RFC 9457), naming the fields at fault.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []fieldProblem `json:"errors,omitempty"`
}

// fieldProblem is what is wrong with one field of a request.
type fieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Problems of the API beyond the web's errors; each has its anchor on the /api page.
var (
	errUnauthorized      = errors.New("this request needs a valid API token: Authorization: Bearer TOKEN")
	errTokenForbidden    = errors.New("this API token may not do this")
	errPreconditionReq   = errors.New("send the milestone's version, in If-Match or as \"version\"")
	errPreconditionFails = errors.New("the milestone has changed since the version given in If-Match")
	errRateLimited       = errors.New("too many requests from this client")
)

// apiError is a problem with the fields at fault (status 422) or a
// detail that may be shown (status 400).
type apiError struct {
	status int
	detail string
	fields []fieldProblem
}

func (e *apiError) Error() string { return e.detail }

// problemFor maps an error to its problem: the API's side of s.fail.
func problemFor(err error) problem {
	p := problem{Type: "about:blank", Status: http.StatusInternalServerError}
	var ae *apiError
	var fe model.FieldErrors
	switch {
	case errors.As(err, &ae):
		p.Status, p.Detail, p.Errors = ae.status, ae.detail, ae.fields
		if ae.status == http.StatusUnprocessableEntity {
			p.Type = "/api#problem-validation"
		}
	case errors.As(err, &fe):
		p.Status, p.Type, p.Detail = http.StatusUnprocessableEntity, "/api#problem-validation", "Some values are not valid; nothing was changed."
		for _, f := range slices.Sorted(maps.Keys(fe)) {
			p.Errors = append(p.Errors, fieldProblem{Field: f, Detail: fe[f]})
		}
	case errors.Is(err, model.ErrNotFound):
		p.Status = http.StatusNotFound
	case errors.Is(err, errMethodNotAllowed):
		p.Status = http.StatusMethodNotAllowed
	case errors.Is(err, errBadRequest):
		p.Status, p.Detail = http.StatusBadRequest, "A parameter has a value the API cannot mean."
	case errors.Is(err, errTooLarge):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, "The body is larger than the tracker accepts (32 MiB)."
	case errors.Is(err, errCSRF):
		p.Status, p.Detail = http.StatusForbidden, "A browser session cannot write through the API; send an API token and no session cookie."
	case errors.Is(err, errUnauthorized):
		p.Status, p.Type, p.Detail = http.StatusUnauthorized, "/api#problem-token", err.Error()
	case errors.Is(err, errTokenForbidden):
		p.Status, p.Type, p.Detail = http.StatusForbidden, "/api#problem-token", err.Error()
	case errors.Is(err, store.ErrConflict):
		p.Status, p.Type, p.Detail = http.StatusConflict, "/api#problem-conflict", "The milestone has changed since the version given; read it again and decide."
	case errors.Is(err, errPreconditionFails):
		p.Status, p.Type, p.Detail = http.StatusPreconditionFailed, "/api#problem-conflict", err.Error()
	case errors.Is(err, errPreconditionReq):
		p.Status, p.Type, p.Detail = http.StatusPreconditionRequired, "/api#problem-conflict", err.Error()
	case errors.Is(err, errBusy):
		p.Status, p.Detail = http.StatusServiceUnavailable, "The tracker is answering as many lists, exports and feeds as it can; wait for the seconds Retry-After gives, then try again."
	case errors.Is(err, errRateLimited):
		p.Status, p.Type, p.Detail = http.StatusTooManyRequests, "/api#problem-rate", "Wait for the seconds Retry-After gives, then try again."
	}
	p.Title = http.StatusText(p.Status)
	return p
}

// failAPI answers err as a problem; the 500s are logged, never shown.
func (s *Server) failAPI(c *gin.Context, err error) {
	if ck, cerr := c.Cookie(sessionCookie); errors.Is(err, errCSRF) && (cerr != nil || ck == "") {
		// checkCSRF refused a write that carries neither a token nor a
		// session: what it lacks is a token.
		err = errUnauthorized
	}
	if clientGone(c, err) {
		c.AbortWithStatus(statusClientClosed)
		return
	}
	p := problemFor(err)
	if p.Status == http.StatusInternalServerError {
		s.logFailure(c, err)
		p.Detail = "Internal error. Quote request " + c.GetString(requestIDKey) + " when reporting it."
	}
	p.Instance = c.Request.URL.RequestURI()
	if p.Status == http.StatusUnauthorized {
		v := `Bearer realm="ogptracker"`
		if c.GetHeader("Authorization") != "" {
			v += `, error="invalid_token"`
		}
		c.Header("WWW-Authenticate", v)
	}
	body, _ := json.Marshal(p)
	c.Header("Cache-Control", "no-store")
	c.Data(p.Status, problemType, body)
	c.Abort()
}

// sendJSON writes v as a JSON answer. A GET gets a strong ETag hashed from
// the body, or tag when one is given, and 304 when If-None-Match names it;
// anyone may cache it but must revalidate.
func (s *Server) sendJSON(c *gin.Context, status int, v any, tag string) {
	body, err := json.Marshal(v)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendBytes(c, status, "application/json", body, tag)
}

// sendBytes writes a public answer of the API or of the files and feeds,
// revalidated like pages are (see sendPage).
func (s *Server) sendBytes(c *gin.Context, status int, contentType string, body []byte, tag string) {
	if status == http.StatusOK && c.Request.Method == http.MethodGet {
		if tag == "" {
			sum := sha256.Sum256(body)
			tag = hex.EncodeToString(sum[:16])
		}
		c.Header("Cache-Control", "public, no-cache")
		if revalidate(c, tag) {
			return
		}
	} else {
		c.Header("Cache-Control", "no-store")
	}
	c.Data(status, contentType, body)
}

// openData opens the API, the files and the feeds to pages of any origin
// (reading only: credentials are never sent along) and limits how often
// one client may call them.
func (s *Server) openData(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Link, Retry-After")
	if c.Request.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD")
		h.Set("Access-Control-Allow-Headers", "If-None-Match, Accept")
		h.Set("Access-Control-Max-Age", "86400")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	if wait, ok := s.limits.allow(c.RemoteIP(), time.Now()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		if isAPI(c) {
			s.failAPI(c, errRateLimited)
		} else {
			c.Header("Cache-Control", "no-store")
			c.String(http.StatusTooManyRequests, "Too many requests: wait %d seconds.\n", int(math.Ceil(wait.Seconds())))
			c.Abort()
		}
		return
	}
	c.Next()
}

// RateLimit is how often one client address may call the API, the files
// and the feeds: Rate requests a second on average, Burst at once.
type RateLimit struct {
	Rate  float64
	Burst int
}

// DefaultRateLimit lets a script read the whole tracker quickly and keeps
// one client from taking the server's time from everyone else.
var DefaultRateLimit = RateLimit{Rate: 10, Burst: 100}

// maxLimitedClients bounds the memory the rate limits take.
const maxLimitedClients = 10000

// clientLimits holds a token bucket (x/time/rate) per client address. When
// it holds maxLimitedClients buckets it drops the full ones, which are the
// same as new; failing that, any, which errs on the side of the client.
type clientLimits struct {
	mu      sync.Mutex
	limit   RateLimit
	buckets map[string]*rate.Limiter
}

func newClientLimits(l RateLimit) *clientLimits {
	if l.Rate <= 0 || l.Burst <= 0 {
		l = DefaultRateLimit
	}
	return &clientLimits{limit: l, buckets: map[string]*rate.Limiter{}}
}

// allow takes one request from the client's bucket, or reports how long
// it must wait for one.
func (l *clientLimits) allow(client string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= maxLimitedClients {
			l.sweep(now)
		}
		b = rate.NewLimiter(rate.Limit(l.limit.Rate), l.limit.Burst)
		l.buckets[client] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

func (l *clientLimits) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.limit.Burst) {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxLimitedClients {
			break
		}
		delete(l.buckets, k)
	}
}

// bearerToken is the API token the request carries, if any.
func bearerToken(c *gin.Context) (string, bool) {
	h := c.GetHeader("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// apiToken lets through only requests with an API token that works (the
// write API's routes); the others get 401. tokenOf gives the token to the
// handlers.
func (s *Server) apiToken(c *gin.Context) {
	raw, ok := bearerToken(c)
	if !ok {
		s.failAPI(c, errUnauthorized)
		c.Abort()
		return
	}
	t, err := s.store.FindAPIToken(c.Request.Context(), raw)
	switch {
	case errors.Is(err, model.ErrNotFound) || err == nil && t.Revoked():
		s.failAPI(c, errUnauthorized)
		c.Abort()
		return
	case err != nil:
		s.failAPI(c, err)
		c.Abort()
		return
	}
	c.Set(apiTokenKey, t)
	c.Next()
}

// tokenOf is the API token apiToken let through.
func tokenOf(c *gin.Context) *model.APIToken {
	t, _ := c.Get(apiTokenKey)
	return t.(*model.APIToken)
}

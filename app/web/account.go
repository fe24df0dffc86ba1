package web

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

const (
	sessionCookie = "ogpt_session" // the token of a signed-in browser
	csrfCookie    = "ogpt_csrf"    // the form token of a browser not signed in
	csrfField     = "csrf_token"   // the hidden field every changing form carries
	sessionKey    = "session"      // *model.Session of the signed-in visitor
	noStoreKey    = "no_store"     // set by pages no cache may keep
)

// Throttling of failed sign-ins. An address typed gets few tries; a client
// address gets more, because an office or a proxy puts many people behind one.
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresByEmail = 5
	maxFailuresByAddr  = 20
)

// errCSRF answers a changing request without its form token.
var errCSRF = errors.New("missing or wrong form token")

// session finds the signed-in visitor from the session cookie. An unknown
// or expired cookie is dropped, and the visitor is anonymous.
func (s *Server) session(c *gin.Context) {
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" || strings.HasPrefix(c.Request.URL.Path, "/static/") {
		c.Next()
		return
	}
	sess, err := s.store.FindSession(c.Request.Context(), token)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.setCookie(c, sessionCookie, "", -1)
	case err != nil:
		s.fail(c, err)
		c.Abort()
		return
	default:
		c.Set(sessionKey, sess)
	}
	c.Next()
}

// signedIn returns the visitor's session, if they are signed in.
func signedIn(c *gin.Context) (*model.Session, bool) {
	v, ok := c.Get(sessionKey)
	if !ok {
		return nil, false
	}
	sess, ok := v.(*model.Session)
	return sess, ok
}

// writeContext is the request's context carrying the signed-in visitor as
// the author of the changes made with it: the store enters them in the
// record of changes under their name, role and agency, through the web.
// Every write handler has checked the visitor before it calls this.
func writeContext(c *gin.Context) context.Context {
	sess, ok := signedIn(c)
	if !ok {
		return c.Request.Context()
	}
	return model.NewContextWithActor(c.Request.Context(), sess.User.ActorThrough(model.DoorWeb))
}

// checkCSRF refuses every request that could change something unless it
// carries the form token: the session's when signed in, otherwise the one
// signed from the browser's own cookie (anonFormToken). A page of another
// site cannot read either, so it cannot forge the request. (gorilla/csrf
// and nosurf wrap net/http handlers and keep their own cookie; binding the
// token to the session we already store keeps one mechanism, checked in
// one place.)
func (s *Server) checkCSRF(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		c.Next()
		return
	}
	if oneClickUnsubscribe(c.Request) {
		c.Next()
		return
	}
	// An agency's system writes through the API with a token in the
	// Authorization header, which a page of another site cannot make a
	// browser send, so no form token is needed. But only without a
	// session cookie: a browser's session never authorises an API write
	// (the API reads tokens only), and a request carrying both is checked
	// as a form. A token sent to a form of the web is checked as a form
	// too, and refused: tokens work on /api/ only.
	if _, bearer := bearerToken(c); bearer && strings.HasPrefix(c.Request.URL.Path, "/api/") {
		if ck, err := c.Cookie(sessionCookie); err != nil || ck == "" {
			c.Next()
			return
		}
	}
	var want string
	if sess, ok := signedIn(c); ok {
		want = sess.CSRFToken
	} else if v, err := c.Cookie(s.csrfCookieName()); err == nil && v != "" {
		if want, err = s.anonFormToken(c.Request.Context(), v); err != nil {
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	got := c.PostForm(csrfField)
	if got == "" {
		got = c.GetHeader("X-CSRF-Token")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		s.fail(c, errCSRF)
		c.Abort()
		return
	}
	c.Next()
}

// oneClickUnsubscribe is the one changing request that needs no form
// token: RFC 8058 has mail programs POST "List-Unsubscribe=One-Click" to
// the unsubscribe link of a message, without cookies, so no token can come
// with it. The random token in the path is the secret a forger would need
// (it is only in the message sent to the person), and the request can do
// nothing but turn off one kind of reminder for that person.
func oneClickUnsubscribe(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.URL.Path, "/unsubscribe/")
	if !ok {
		// A follower's digest: the token can only stop follows of its address.
		token, ok = strings.CutPrefix(r.URL.Path, "/follow/stop/")
	}
	return ok && r.Method == http.MethodPost && token != "" && !strings.Contains(token, "/")
}

// csrfToken returns the form token for the visitor, giving a browser that
// is not signed in a random cookie the first time it is shown a form.
func (s *Server) csrfToken(c *gin.Context) string {
	if sess, ok := signedIn(c); ok {
		return sess.CSRFToken
	}
	c.Set(personalKey, true) // the token is this browser's
	v, err := c.Cookie(s.csrfCookieName())
	if err != nil || len(v) < 26 {
		v = rand.Text()
		s.setCookie(c, s.csrfCookieName(), v, 0)
	}
	token, err := s.anonFormToken(c.Request.Context(), v)
	if err != nil {
		// The page still shows; its form will be refused until the
		// database answers again.
		s.logFailure(c, err)
	}
	return token
}

// csrfCookieName is the name of the form token's cookie. Over https it is
// a __Host- cookie, which browsers accept only from the tracker's own
// host over https, Secure, for the whole site: a sibling subdomain or a
// page on plain http cannot plant one, not even a real cookie and token
// pair it fetched for itself.
func (s *Server) csrfCookieName() string {
	if strings.HasPrefix(s.baseURL, "https://") {
		return "__Host-" + csrfCookie
	}
	return csrfCookie
}

// anonFormToken is the form token of a browser not signed in: the HMAC of
// its cookie's random value under the tracker's own key, a signed
// double-submit token as OWASP describes it. Anyone who can set a cookie
// for the tracker's domain (a sibling subdomain, a network on plain http)
// can choose the cookie, but not the token that goes with it, because the
// key never leaves the server; the key lives in the database, so every
// instance serving it accepts the others' tokens.
func (s *Server) anonFormToken(ctx context.Context, cookie string) (string, error) {
	key, err := s.formKey.get(ctx, s.store)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("anonymous form token\x00"))
	mac.Write([]byte(cookie))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// formKey is the key of the anonymous form tokens, read from the database
// when first needed and kept; a failed read is tried again next time, so
// a start while the database is away does not stop the tracker.
type formKey struct {
	mu  sync.Mutex
	key []byte
}

func (k *formKey) get(ctx context.Context, st *store.Store) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		key, err := st.ServerSecret(ctx, "form_token")
		if err != nil {
			return nil, err
		}
		k.key = key
	}
	return k.key, nil
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure when the tracker is served over https. maxAge 0 lasts for the
// browser session; below 0 deletes the cookie.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.overHTTPS(), SameSite: http.SameSiteLaxMode})
}

type signInPage struct {
	Page
	Email, Next string
	Error       string // message id, empty when there is nothing to say
	Minutes     int    // how long throttling lasts, for its message
	ResetDone   bool   // just back from setting a new password
}

func (s *Server) showSignIn(c *gin.Context) {
	s.renderSignIn(c, http.StatusOK, signInPage{Next: safeNext(c.Query("next")), ResetDone: c.Query("reset") == "1"})
}

func (s *Server) renderSignIn(c *gin.Context, status int, p signInPage) {
	c.Set(noStoreKey, true) // it carries this browser's form token
	p.Page = s.page(c)
	p.CSRFToken = s.csrfToken(c)
	p.Minutes = int(throttleWindow / time.Minute)
	s.render(c, status, "account/signin", p)
}

// signIn checks an email and password. Whatever is wrong, the answer is the
// same and takes as long, so it never tells whether an address has an account.
func (s *Server) signIn(c *gin.Context) {
	ctx := c.Request.Context()
	p := signInPage{Email: strings.TrimSpace(c.PostForm("email")), Next: safeNext(c.PostForm("next"))}
	password := c.PostForm("password")
	if p.Email == "" || password == "" {
		p.Error = "account.signin.required"
		s.renderSignIn(c, http.StatusUnprocessableEntity, p)
		return
	}
	addr := c.RemoteIP()
	byEmail, byAddr, err := s.store.CountSignInFailures(ctx, p.Email, addr, throttleWindow)
	if err != nil {
		s.fail(c, err)
		return
	}
	if byEmail >= maxFailuresByEmail || byAddr >= maxFailuresByAddr {
		s.log.LogAttrs(ctx, slog.LevelWarn, "sign-in throttled", slog.String("request_id", c.GetString(requestIDKey)), slog.String("address", addr))
		at, err := s.store.SignInAllowedAt(ctx, p.Email, addr, throttleWindow, maxFailuresByEmail, maxFailuresByAddr)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(at.Sub(s.now()).Seconds())))))
		p.Error = "account.signin.throttled"
		s.renderSignIn(c, http.StatusTooManyRequests, p)
		return
	}
	u, err := s.store.FindUserByEmail(ctx, p.Email)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.fail(c, err)
		return
	}
	if !u.PasswordMatches(password) || u.Disabled {
		if err := s.store.RecordSignInFailure(ctx, p.Email, addr, throttleWindow); err != nil {
			s.fail(c, err)
			return
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "sign-in failed", slog.String("request_id", c.GetString(requestIDKey)), slog.String("address", addr))
		p.Error = "account.signin.wrong"
		s.renderSignIn(c, http.StatusUnprocessableEntity, p)
		return
	}
	// A new session every time: a token planted before sign-in is worthless after it.
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.store.DeleteSession(ctx, old); err != nil {
			s.fail(c, err)
			return
		}
	}
	token, _, err := s.store.CreateSession(ctx, u.ID)
	if err == nil {
		err = s.store.ClearSignInFailures(ctx, u.Email)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setCookie(c, sessionCookie, token, int(store.SessionLifetime/time.Second))
	s.setCookie(c, s.csrfCookieName(), "", -1)
	s.log.LogAttrs(ctx, slog.LevelInfo, "signed in", slog.String("request_id", c.GetString(requestIDKey)), slog.Uint64("user", uint64(u.ID)))
	c.Redirect(http.StatusSeeOther, cmp.Or(p.Next, "/me")) // sign-in lands on the work queue
}

// signOut ends the session in the database, not only in the browser.
func (s *Server) signOut(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		if err := s.store.DeleteSession(c.Request.Context(), token); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

// safeNext keeps a return address only when it is a path of this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return u.RequestURI()
}

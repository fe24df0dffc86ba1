package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/web"
)

const testPassword = "a long enough password"

// accountSite is the demo plan served from a database of its own with a
// liaison of the Central Election Commission, on a clock the test moves.
type accountSite struct {
	t       *testing.T
	url     string // the database's
	clock   *storetest.Clock
	baseURL string
	st      *store.Store
	server  *web.Server
	srv     *httptest.Server
	logs    lockedBuffer // what the server logged
	mail    web.SendMail // how the server sends invitations; nil: through mailer, else shown to the administrator
	mailer  *mail.Mailer // the mail settings; nil: none
	// nextRuns lists the reminders' scheduled jobs; nil: not scheduled.
	nextRuns func() []web.ScheduledRun
	// mailQueued wakes the sender of queued account mail; nil: no mail
	// settings, reset links are logged.
	mailQueued func()
	rate       web.RateLimit  // how often a client may call the API; zero: the default
	heavy      web.HeavyLimit // how many expensive requests at once; zero: the default
	pageCache  int64          // the page cache's bytes; zero: the default
}

// lockedBuffer is a log the server writes while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newAccountSite(t *testing.T, baseURL string) *accountSite {
	t.Helper()
	clock := storetest.NewClock(day)
	a := &accountSite{t: t, url: demoDatabase.CopyAt(t, clock.Now), clock: clock, baseURL: baseURL}
	a.start()
	return a
}

// demoDatabase holds the demo plan, imported on day, and the Central
// Election Commission's liaison: made once, then copied for each site,
// which is the same as importing anew and many times quicker.
var demoDatabase = storetest.NewTemplate("demo", func(ctx context.Context, st *store.Store) error {
	ds, err := demo.Dataset()
	if err != nil {
		return err
	}
	if _, err := st.ImportDataset(model.NewContextWithActor(ctx, demo.Actor), ds, nil); err != nil {
		return err
	}
	cec, err := st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		return err
	}
	u := &model.User{Email: "liaison@cec.example.org", Name: "林聯絡", Role: model.RoleLiaison, AgencyID: &cec.ID}
	if err := u.SetPassword(testPassword); err != nil {
		return err
	}
	return st.CreateUser(ctx, u)
})

// start opens the database and serves it, as a start of the tracker does.
func (a *accountSite) start() {
	a.t.Helper()
	st, err := store.Open(a.url, store.Options{Now: a.clock.Now})
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		a.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(&a.logs, nil))
	rem, err := remind.New(remind.Options{Store: st, Mailer: a.mailer, Logger: logger, Location: taipei, BaseURL: a.baseURL})
	if err != nil {
		a.t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei, BaseURL: a.baseURL, SendMail: a.mail, Mailer: a.mailer, Reminder: rem, NextRuns: a.nextRuns,
		MailQueued: a.mailQueued, RateLimit: a.rate, Heavy: a.heavy, PageCache: a.pageCache, Logger: logger})
	if err != nil {
		a.t.Fatal(err)
	}
	a.st, a.server, a.srv = st, h, httptest.NewServer(h)
	a.t.Cleanup(a.stop)
}

// stop ends the server and closes the database, as a stop of the tracker does.
func (a *accountSite) stop() {
	if a.srv != nil {
		a.srv.Close()
		a.server.WaitImports() // imports in the background end before their database
		a.st.Close()
		a.srv = nil
	}
}

// visitor is a client with a cookie jar that shows redirects instead of following them.
type visitor struct {
	t      *testing.T
	site   *accountSite
	client *http.Client
	from   string // the path of the page the next requests are sent from, as a browser's Referer
	lang   string // the language the visitor reads, sent as a browser's Accept-Language
}

func (a *accountSite) visitor() *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: a.t, site: a, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *visitor) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.site.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.from != "" {
		req.Header.Set("Referer", b.site.srv.URL+b.from)
	}
	// ?lang= shows one page in a language without remembering it: a
	// visitor who asks for one keeps reading it, as a browser set to it.
	if lang := req.URL.Query().Get("lang"); lang != "" {
		b.lang = lang
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res, string(page)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token is the form token of a page, as a browser would send it back.
func (b *visitor) token(page string) string {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("the page has no form token:\n%.2000s", page)
	}
	return m[1]
}

// signIn fills in the sign-in form and sends it.
func (b *visitor) signIn(email, password string) (*http.Response, string) {
	b.t.Helper()
	_, page := b.do("GET", "/signin", nil)
	return b.do("POST", "/signin", url.Values{"email": {email}, "password": {password}, "csrf_token": {b.token(page)}})
}

func (b *visitor) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.site.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func sessionCookieOf(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "ogpt_session" {
			return c
		}
	}
	return nil
}

func TestSigningInShowsTheNameAndChangesTheSessionID(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	res, page := b.do("GET", "/signin", nil)
	if res.StatusCode != 200 || !strings.Contains(page, `<label for="signin-email">電子郵件</label>`) ||
		!strings.Contains(page, `<label for="signin-password">密碼</label>`) || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("sign-in page: %d %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), page)
	}
	if _, home := b.do("GET", "/", nil); !strings.Contains(home, `<a href="/signin">登入</a>`) {
		t.Error("the header of a public page has no sign-in link")
	}

	res, _ = b.signIn("Liaison@CEC.example.org", testPassword)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
		t.Fatalf("sign-in: %d to %q, want My work", res.StatusCode, res.Header.Get("Location"))
	}
	first := sessionCookieOf(res)
	if first == nil || !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Secure {
		t.Fatalf("session cookie %+v, want HttpOnly, SameSite=Lax, not Secure over http", first)
	}
	res, home := b.do("GET", "/", nil)
	if !strings.Contains(home, "林聯絡（已登入）") || !strings.Contains(home, `<button type="submit">登出</button>`) {
		t.Errorf("the header does not name the signed-in liaison:\n%.3000s", home)
	}
	if res.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("a page naming its visitor may be kept by shared caches: %q", res.Header.Get("Cache-Control"))
	}

	// Signing in again, already signed in, gives a new session and ends the old one.
	res, _ = b.signIn("liaison@cec.example.org", testPassword)
	second := sessionCookieOf(res)
	if second == nil || second.Value == first.Value {
		t.Fatal("the session id did not change at sign-in")
	}
	if _, err := site.st.FindSession(context.Background(), first.Value); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("the session before sign-in still works: %v", err)
	}

	// Over https the cookie is Secure.
	secure := newAccountSite(t, "https://tracker.example.org").visitor()
	// And the form token's cookie is a __Host- cookie, which no subdomain
	// and no plain-http page can set or overwrite in a browser.
	res, _ = secure.do("GET", "/signin", nil)
	var formCookie *http.Cookie
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "ogpt_csrf") {
			formCookie = c
		}
	}
	if formCookie == nil || formCookie.Name != "__Host-ogpt_csrf" || !formCookie.Secure || formCookie.Path != "/" || formCookie.Domain != "" {
		t.Errorf("form token cookie over https: %+v, want __Host-ogpt_csrf, Secure, Path=/, no Domain", formCookie)
	}
	res, _ = secure.signIn("liaison@cec.example.org", testPassword)
	if c := sessionCookieOf(res); c == nil || !c.Secure {
		t.Errorf("session cookie over https: %+v, want Secure", c)
	}
}

func TestAWrongPasswordKeepsTheEmailAndRevealsNothing(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	resKnown, known := b.signIn("liaison@cec.example.org", "not the password at all")
	resUnknown, unknown := b.signIn("nobody@cec.example.org", "not the password at all")
	for _, tc := range []struct {
		res         *http.Response
		page, email string
	}{{resKnown, known, "liaison@cec.example.org"}, {resUnknown, unknown, "nobody@cec.example.org"}} {
		if tc.res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.email, tc.res.StatusCode)
		}
		if !strings.Contains(tc.page, `value="`+tc.email+`"`) {
			t.Errorf("%s: the typed email was not kept", tc.email)
		}
		if !strings.Contains(tc.page, "電子郵件或密碼不正確") || strings.Contains(tc.page, "not the password") {
			t.Errorf("%s: wrong message, or the password is echoed:\n%s", tc.email, section(t, tc.page, "<main", "</main>"))
		}
		if sessionCookieOf(tc.res) != nil {
			t.Errorf("%s: a failed sign-in set a session", tc.email)
		}
	}
	// An existing and a missing account answer alike, word for word.
	strip := func(page, email string) string {
		return csrfInput.ReplaceAllString(strings.ReplaceAll(section(t, page, "<main", "</main>"), email, "E"), "")
	}
	if strip(known, "liaison@cec.example.org") != strip(unknown, "nobody@cec.example.org") {
		t.Error("the answer tells an existing account from a missing one")
	}
	res, page := b.do("POST", "/signin?lang=en", url.Values{"email": {""}, "password": {""}, "csrf_token": {b.token(unknown)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Enter both your email and your password.") {
		t.Errorf("empty form: %d", res.StatusCode)
	}
}

func TestRepeatedFailuresAreThrottledUntilTheWindowPasses(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	for i := range 5 {
		if res, _ := b.signIn("liaison@cec.example.org", "guess number one"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
	}
	// Now even the right password waits.
	res, page := b.signIn("liaison@cec.example.org", testPassword)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "登入失敗次數過多") || !strings.Contains(page, "15 分鐘") {
		t.Fatalf("sixth try: status %d\n%s", res.StatusCode, section(t, page, "<main", "</main>"))
	}
	if sessionCookieOf(res) != nil {
		t.Error("a throttled sign-in set a session")
	}
	site.clock.Advance(15 * time.Minute)
	if res, _ := b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: status %d, want a sign-in", res.StatusCode)
	}

	// One client address trying many accounts is stopped too.
	other := site.visitor()
	for i := range 20 {
		if res, _ := other.signIn("guess"+string(rune('a'+i))+"@example.org", "guess number one"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("address failure %d: status %d", i+1, res.StatusCode)
		}
	}
	if res, _ := other.signIn("someone.else@example.org", "guess number one"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("21st failure from one address: status %d, want 429", res.StatusCode)
	}
}

func TestAFormWithoutItsTokenIsRefused(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	res, page := b.do("POST", "/signin", url.Values{"email": {"liaison@cec.example.org"}, "password": {testPassword}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>表單已失效</h1>") || sessionCookieOf(res) != nil {
		t.Fatalf("sign-in without a token: %d\n%s", res.StatusCode, page)
	}
	res, _ = b.signIn("liaison@cec.example.org", testPassword)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	for _, token := range []string{"", "forged"} {
		res, page = b.do("POST", "/signout?lang=en", url.Values{"csrf_token": {token}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>This form has expired</h1>") {
			t.Errorf("sign-out with token %q: %d", token, res.StatusCode)
		}
	}
	if _, home := b.do("GET", "/", nil); !strings.Contains(home, "林聯絡") {
		t.Error("a refused sign-out signed the liaison out")
	}
}

// A cookie planted for the tracker's domain (from a sibling subdomain,
// say) with the same value in the form must not sign a browser in: the
// form token is signed by the tracker, so no one else can choose it.
func TestAPlantedFormCookieDoesNotSignIn(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	db := testdb.SQL(t, site.url)
	sessions := func() (n int) {
		t.Helper()
		if err := db.QueryRow("SELECT count(*) FROM sessions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := sessions()
	b := site.visitor()
	u, _ := url.Parse(site.srv.URL)
	planted := "PLANTEDBYANATTACKER234567ABCDEFG"
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "ogpt_csrf", Value: planted, Path: "/"}})
	res, page := b.do("POST", "/signin?lang=en", url.Values{"email": {"liaison@cec.example.org"}, "password": {testPassword}, "csrf_token": {planted}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>This form has expired</h1>") || sessionCookieOf(res) != nil {
		t.Errorf("sign-in with a planted cookie and its value as the token: %d, session cookie %v", res.StatusCode, sessionCookieOf(res))
	}
	if n := sessions(); n != before {
		t.Errorf("a refused sign-in left %d sessions, %d before", n, before)
	}

	// The browser's own flow still works, with the cookie it has.
	_, page = b.do("GET", "/signin", nil)
	if token := b.token(page); token == planted {
		t.Fatalf("the sign-in page hands out the planted value %q as its token", token)
	}
	if res, _ = b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusSeeOther || sessionCookieOf(res) == nil {
		t.Fatalf("sign-in with the page's token: %d", res.StatusCode)
	}
	if n := sessions(); n != before+1 {
		t.Errorf("%d sessions after signing in, %d before", n, before)
	}
}

func TestSigningOutEndsTheSession(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	b.signIn("liaison@cec.example.org", testPassword)
	token := b.cookie("ogpt_session").Value
	_, home := b.do("GET", "/", nil)
	res, _ := b.do("POST", "/signout", url.Values{"csrf_token": {b.token(home)}})
	if res.StatusCode != http.StatusSeeOther || b.cookie("ogpt_session") != nil {
		t.Fatalf("sign-out: %d, cookie %v", res.StatusCode, b.cookie("ogpt_session"))
	}
	if _, home = b.do("GET", "/", nil); strings.Contains(home, "林聯絡") || !strings.Contains(home, `href="/signin"`) {
		t.Error("still signed in after signing out")
	}
	// The old token, replayed, signs no one in: the session is gone from the database.
	replay := site.visitor()
	u, _ := url.Parse(site.srv.URL)
	replay.client.Jar.SetCookies(u, []*http.Cookie{{Name: "ogpt_session", Value: token}})
	if _, home = replay.do("GET", "/", nil); strings.Contains(home, "林聯絡") {
		t.Error("the signed-out session still works when replayed")
	}
}

func TestASessionSurvivesARestart(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	b.signIn("liaison@cec.example.org", testPassword)
	site.stop()
	site.start()
	if _, home := b.do("GET", "/", nil); !strings.Contains(home, "林聯絡（已登入）") {
		t.Error("the restart signed the liaison out")
	}
}

func TestSignInReturnsOnlyToPagesOfThisSite(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	for next, want := range map[string]string{
		"/commitments/3?lang=en": "/commitments/3?lang=en", "//evil.example/": "/me", "https://evil.example/": "/me", "/\\evil.example": "/me",
	} {
		b := site.visitor()
		_, page := b.do("GET", "/signin?next="+url.QueryEscape(next), nil)
		form := url.Values{"email": {"liaison@cec.example.org"}, "password": {testPassword}, "csrf_token": {b.token(page)}}
		if m := regexp.MustCompile(`name="next" value="([^"]*)"`).FindStringSubmatch(page); m != nil {
			form.Set("next", strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		res, _ := b.do("POST", "/signin", form)
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next %q: went to %q, want %q", next, got, want)
		}
	}
}

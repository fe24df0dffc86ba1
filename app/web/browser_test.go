package web_test

// Browser tests: the pages as a visitor's browser shows them, in a real
// headless Chromium driven through the DevTools protocol. One browser serves
// the whole test run; every page gets a tab of its own in a fresh browser
// context (its own cookies), so the tests can run in parallel. Without
// Chromium they are skipped, except under CI (CI=true), where they fail.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// browserPages are the page types every browser check runs on, each in every
// language. Adding a page is one line. The server's clock is jan15, a day
// when the demo plan has overdue milestones.
var browserPages = []struct {
	name, path string
	status     int
}{
	{"home", "/", 200},
	{"plans", "/plans", 200},
	{"plan", "/plans/1", 200},
	{"commitment", "/commitments/6", 200}, // 2-1, e-petitions for referendums: overdue milestones
	{"theme", "/themes/1", 200},
	{"agency", "/agencies/5", 200}, // Central Election Commission: overdue milestones
	{"agency as of a day", "/agencies/5?asof=2021-12-20", 200},
	{"about", "/about", 200},
	{"not found", "/nowhere", 404},
	{"bad request", "/?asof=yesterday", 400},
	{"milestones", "/milestones", 200},
	{"change", "/changes/1", 200}, // the demo plan's first recorded change
	{"milestones of an agency in a month", "/milestones?agency=5&month=2021-12", 200},
	{"commitments", "/commitments", 200},
	{"commitments filtered", "/commitments?state=overdue&sort=-progress", 200},
	{"sign in", "/signin", 200},
	{"forgotten password", "/password/forgot", 200},
	{"open data and API", "/api", 200},
	{"evidence pack", "/commitments/6/evidence", 200},
}

// languages are the interface's, each checked on every page type. The
// pages come from the same templates whatever the database, so the
// PostgreSQL run, there to drive the same flows on the other engine, checks
// them in the default language only: every language again there would
// double the longest step of CI.
var languages = sweepLanguages()

func sweepLanguages() []string {
	if testdb.OnPostgres() {
		return model.Languages[:1]
	}
	return model.Languages
}

// TestPagesInABrowser opens every page type in every language and checks
// what a visitor would: axe-core finds nothing, the page says its language,
// has one h1 and a language switch to the same page, the keyboard reaches
// the skip link first and shows where the focus is, and on a 320 px wide
// phone nothing scrolls sideways and every value in a table's cards says
// what it is.
func TestPagesInABrowser(t *testing.T) {
	browser(t) // skip or fail once, before the subtests
	srv := newServer(t, jan15)
	for _, pg := range browserPages {
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, srv) // one tab for the page in every language (tab.run)
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					path := withLang(pg.path, lang)
					tb.viewport(1280, 900)
					tb.visit(path, pg.status)
					tb.checkEveryPageRule(path, lang)
				})
			}
		})
	}
}

// TestAgencyOverdueWithoutJavaScript is a visitor with scripts off on a
// small phone whose browser asks for Chinese: from the home page, one click
// on an agency's name shows its overdue milestones; in English, the
// language switch is the one extra click.
func TestAgencyOverdueWithoutJavaScript(t *testing.T) {
	browser(t)
	srv := newServer(t, jan15)
	for _, c := range []struct {
		lang, switchTo, agency, heading, milestone string
	}{
		{"zh-TW", "", "中央選舉委員會", "逾期的里程碑（4 項）", "全國性公民投票案電子連署系統上線"},
		{"en", "English", "Central Election Commission", "4 overdue milestones", "全國性公民投票案電子連署系統上線"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, srv)
			tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
				if err != nil {
					return err
				}
				_, err = cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
					Headers: network.Headers{"Accept-Language": "zh-TW,zh;q=0.9"}})
				return err
			}))
			tb.viewport(360, 740)
			tb.visit("/", 200)
			if c.switchTo != "" {
				tb.click(fmt.Sprintf(`//a[@hreflang][normalize-space()=%q]`, c.switchTo))
			}
			tb.click(fmt.Sprintf(`//a[starts-with(@href, "/agencies/")][contains(normalize-space(), %q)]`, c.agency))

			loc, err := chromedp.Run(tb.ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			if u := mustParseURL(t, loc); !strings.HasPrefix(u.Path, "/agencies/") {
				t.Fatalf("the agency's link led to %s", loc)
			}
			lang, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
			if err != nil || lang.Value != c.lang {
				t.Errorf("agency page in %q (%v), want %s", lang.Value, err, c.lang)
			}
			h1, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("h1")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(h1, c.agency) {
				t.Errorf("agency page's heading is %q, want %q", h1, c.agency)
			}
			main, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{c.heading, c.milestone} {
				if !strings.Contains(main, want) {
					t.Errorf("agency page lacks %q:\n%s", want, main)
				}
			}
			tb.checkNoHorizontalScroll(loc, 360)
		})
	}
}

// TestBrowserChecksCatchWhatTheyLookFor spoils a page the way a careless
// change would, and expects each check to notice.
func TestBrowserChecksCatchWhatTheyLookFor(t *testing.T) {
	browser(t)
	srv := newServer(t, jan15)
	tb := openTab(t, srv)
	tb.viewport(1280, 900)
	tb.visit("/about", 200)
	// Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
	eval[chromedp.Void](tb, `(() => {
		const main = document.querySelector('main'), p = document.createElement('p'), img = document.createElement('img');
		p.textContent = 'faint'; p.style.color = '#bbb';
		img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
		main.append(p, img);
	})()`)
	found := map[string]bool{}
	for _, v := range tb.axe() {
		found[v.ID] = true
	}
	for _, id := range []string{"color-contrast", "image-alt"} {
		if !found[id] {
			t.Errorf("axe did not report %s; it found %v", id, found)
		}
	}

	tb.viewport(320, 640)
	eval[chromedp.Void](tb, `(() => {
		const div = document.createElement('div');
		div.textContent = 'wide'; div.style.width = '400px';
		document.querySelector('main').append(div);
	})()`)
	if o := eval[int](tb, "document.documentElement.scrollWidth - document.documentElement.clientWidth"); o <= 0 {
		t.Errorf("a 400 px box in a 320 px window does not overflow (%d)", o)
	}

	// What the tab records: a style attribute the CSP refuses, an uncaught
	// exception, and a page on another host (localhost is not 127.0.0.1).
	eval[chromedp.Void](tb, `document.querySelector('main').insertAdjacentHTML('beforeend', '<p style="color: red">x</p>');
		setTimeout(() => { throw new Error('spoilt'); });`)
	recorded := func() string {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		return strings.Join(tb.problems, "\n")
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(recorded(), "spoilt") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the exception comes from a timer
	}
	tb.do(chromedp.Navigate(strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/about"))
	problems := recorded()
	tb.mu.Lock()
	tb.problems = nil // expected here: the test passes when they were recorded
	tb.mu.Unlock()
	for _, want := range []string{"Content Security Policy", "uncaught exception", "request to another host: http://localhost:"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the tab did not record %q; it recorded:\n%s", want, problems)
		}
	}
}

// checkDocument checks the page's language, its single h1, its description
// and its language switch, which must lead to the same page in the other
// language.
func (tb *tab) checkDocument(path, lang string) {
	tb.t.Helper()
	if got := eval[string](tb, "document.documentElement.lang"); got != lang {
		tb.t.Errorf("%s: <html lang=%q>, want %q", path, got, lang)
	}
	if n := eval[int](tb, "document.querySelectorAll('h1').length"); n != 1 {
		tb.t.Errorf("%s: %d h1 elements, want 1", path, n)
	}
	// What search engines and link previews show of the page.
	if d := eval[[]string](tb, `[...document.querySelectorAll('meta[name="description"]')].map(m => m.content.trim())`); len(d) != 1 || d[0] == "" {
		tb.t.Errorf("%s: meta descriptions %q, want one, not empty", path, d)
	}
	type link struct{ Lang, Path, Query string }
	links := eval[[]link](tb, `[...document.querySelectorAll('a[hreflang]')].map(a => {
		const u = new URL(a.href); return {Lang: a.hreflang, Path: u.pathname, Query: u.search};
	})`)
	here := mustParseURL(tb.t, path)
	found := map[string]bool{}
	for _, l := range links {
		found[l.Lang] = true
		q, err := url.ParseQuery(strings.TrimPrefix(l.Query, "?"))
		if err != nil || l.Path != here.Path || q.Get("lang") != l.Lang || q.Get("choose") != "1" {
			tb.t.Errorf("%s: language link for %s goes to %s%s", path, l.Lang, l.Path, l.Query)
			continue
		}
		for k := range here.Query() {
			if k != "lang" && q.Get(k) != here.Query().Get(k) {
				tb.t.Errorf("%s: language link for %s drops ?%s=", path, l.Lang, k)
			}
		}
	}
	for _, l := range languages {
		if !found[l] {
			tb.t.Errorf("%s: no language link for %s", path, l)
		}
	}
}

// focusRingJS defines ring(el): how the focus outline of el looks, with the
// contrast of its colour against the background around it (WCAG 2.1 1.4.11
// asks 3:1 of a focus indicator).
const focusRingJS = `
const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = c => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
	return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const background = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c.a > 0) return c; }
	return {r: 255, g: 255, b: 255, a: 1}; };
const ring = el => { const s = getComputedStyle(el), c = rgba(s.outlineColor), bg = background(el.parentElement);
	const hi = Math.max(lum(c), lum(bg)), lo = Math.min(lum(c), lum(bg));
	return {Element: el.tagName.toLowerCase() + ' ' + (el.getAttribute('href') || '') + ' ' + (el.textContent || '').trim().slice(0, 30),
		Style: s.outlineStyle, Width: parseFloat(s.outlineWidth) || 0, Contrast: (hi + 0.05) / (lo + 0.05),
		FocusVisible: el.matches(':focus-visible')}; };
`

type focusRing struct {
	Element, Style  string
	Width, Contrast float64
	FocusVisible    bool
}

func (r focusRing) visible() bool {
	return r.FocusVisible && r.Style != "none" && r.Width >= 2 && r.Contrast >= 3
}

// checkKeyboard presses Tab once: the skip link must take the focus, show
// itself inside the window and draw a focus outline; Enter moves the focus
// to the main content. Then every link and control must draw a visible
// outline when it has the keyboard's focus.
func (tb *tab) checkKeyboard(path string) {
	tb.t.Helper()
	tb.do(chromedp.KeyEvent("\t"))
	type focused struct {
		Href                      string
		Ring                      focusRing
		Left, Top, Width, Height  float64
		WindowWidth, WindowHeight float64
		Visible, Skips            bool
	}
	f := eval[focused](tb, `(() => {`+focusRingJS+`
		const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
		return {Href: a.getAttribute('href') || a.tagName, Ring: ring(a),
			Left: r.left, Top: r.top, Width: r.width, Height: r.height, WindowWidth: innerWidth, WindowHeight: innerHeight,
			Visible: s.visibility === 'visible' && s.opacity !== '0', Skips: !!a.hash && !!document.getElementById(a.hash.slice(1))};
	})()`)
	switch {
	case !f.Skips:
		tb.t.Errorf("%s: Tab first focuses %q, not a skip link", path, f.Href)
		return
	case !f.Visible || f.Width < 1 || f.Height < 1 || f.Left < 0 || f.Top < 0 ||
		f.Left+f.Width > f.WindowWidth || f.Top+f.Height > f.WindowHeight:
		tb.t.Errorf("%s: focused skip link is not visible in the window: %+v", path, f)
	case !f.Ring.visible():
		tb.t.Errorf("%s: focused skip link has no visible focus outline: %+v", path, f.Ring)
	}
	tb.do(chromedp.KeyEvent("\r"))
	if id := eval[string](tb, "document.activeElement.id"); "#"+id != f.Href {
		tb.t.Errorf("%s: the skip link leaves the focus on #%s, not %s", path, id, f.Href)
	}
	// The last input was the keyboard, so focus() shows the ring as Tab would.
	rings := eval[[]focusRing](tb, `(() => {`+focusRingJS+`
		const out = [];
		for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
			if (el.matches('.skip') || !el.getClientRects().length) continue;
			el.focus(); out.push(ring(el));
		}
		return out;
	})()`)
	bad := 0
	for _, r := range rings {
		if !r.visible() {
			if bad++; bad <= 5 {
				tb.t.Errorf("%s: no visible focus outline on %s: %s %.1fpx, contrast %.2f:1", path, r.Element, r.Style, r.Width, r.Contrast)
			}
		}
	}
	if bad > 5 {
		tb.t.Errorf("%s: and %d more elements without a visible focus outline", path, bad-5)
	}
}

// checkNoHorizontalScroll checks that nothing is wider than the window,
// naming the widest culprits when something is.
func (tb *tab) checkNoHorizontalScroll(path string, width int) {
	tb.t.Helper()
	type overflow struct {
		ScrollWidth, ClientWidth int
		Culprits                 []string
	}
	o := eval[overflow](tb, `(() => {
		const d = document.documentElement, w = d.clientWidth, out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 0.5 && out.length < 5) {
				out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' right=' + Math.round(r.right) + ' ' + (el.textContent || '').trim().slice(0, 40));
			}
		}
		return {ScrollWidth: d.scrollWidth, ClientWidth: w, Culprits: out};
	})()`)
	if o.ClientWidth != width {
		tb.t.Errorf("%s: window is %d px wide, want %d", path, o.ClientWidth, width)
	}
	if o.ScrollWidth > o.ClientWidth {
		tb.t.Errorf("%s at %d px: page is %d px wide, scrolls sideways; widest: %s", path, o.ClientWidth, o.ScrollWidth,
			strings.Join(o.Culprits, "; "))
	}
}

// checkCardLabels checks that where tables become cards (small screens),
// every value in them carries its column's name.
func (tb *tab) checkCardLabels(path string) {
	tb.t.Helper()
	unlabelled := eval[[]string](tb, `[...document.querySelectorAll('td')]
		.filter(td => getComputedStyle(td).display === 'block' && td.getClientRects().length && td.textContent.trim())
		.filter(td => ['none', 'normal', '""'].includes(getComputedStyle(td, '::before').content))
		.map(td => td.closest('table').className + ': ' + td.textContent.trim().slice(0, 40))`)
	for i, u := range unlabelled {
		if i == 5 {
			tb.t.Errorf("%s at small width: and %d more values without their column's name", path, len(unlabelled)-5)
			break
		}
		tb.t.Errorf("%s at small width: a card shows %q without its column's name", path, u)
	}
}

// withLang adds ?lang= to a path that may already have a query.
func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// TestMain stops the browser, if a test started one, when all have run.
func TestMain(m *testing.M) {
	// Accounts are made and signed in to by the hundred here (the
	// authorization table alone asks 5 people per route): bcrypt at its
	// lowest cost keeps that to seconds. What is tested is the same.
	model.PasswordCost = bcrypt.MinCost
	code := m.Run()
	stopBrowser()
	demoDatabase.Remove()
	for _, tp := range loadedDatabases {
		tp.Remove()
	}
	os.Exit(code)
}

// theBrowser is the one Chromium of this test run, started on first use.
var theBrowser struct {
	once    sync.Once
	ctx     context.Context
	stop    func()
	missing string // why there is no Chromium to start, when there is none
	err     error
}

// chromiumPath finds Chromium: $CHROMIUM, else /usr/bin/chromium, else
// chromium in PATH. It returns "" when there is none.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", nil
}

// browser returns the context of the test run's browser. Without Chromium
// the test is skipped on a developer's machine and fails under CI.
func browser(t *testing.T) context.Context {
	t.Helper()
	b := &theBrowser
	b.once.Do(func() {
		path, err := chromiumPath()
		if err != nil {
			b.err = err
			return
		}
		if path == "" {
			b.missing = "browser tests need Chromium: install it with `sudo apt-get install chromium` " +
				"(Debian, Ubuntu), or set CHROMIUM to a Chromium or Chrome binary"
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless, // also hides scrollbars, so widths are the page's own
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
			chromedp.Flag("no-pings", true),
			// Tabs run side by side (parallel tests), only one of them in
			// front: the others must not have their timers or their
			// renderer's priority lowered.
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
			// No user-data-dir flag: the allocator makes a temporary one and
			// removes it when the browser stops.
		}
		if os.Getuid() == 0 {
			opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root in its sandbox
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		b.stop = func() { cancel(); cancelAlloc() }
		if err := chromedp.Do(ctx); err != nil { // starts the browser
			b.stop()
			b.err = fmt.Errorf("starting %s: %w", path, err)
			return
		}
		b.ctx = ctx
	})
	switch {
	case b.err != nil:
		t.Fatal(b.err)
	case b.missing != "" && os.Getenv("CI") == "true":
		t.Fatal(b.missing + " (CI=true: the browser tests must run)")
	case b.missing != "":
		t.Skip(b.missing)
	}
	return b.ctx
}

func stopBrowser() {
	if theBrowser.stop != nil {
		theBrowser.stop()
	}
}

// tab is one browser tab on the test server. It records what a visitor
// would never want to see happen: requests to other hosts, console errors,
// uncaught exceptions.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the test server's address, http://127.0.0.1:port

	mu       sync.Mutex
	problems []string
	allowed  string // a URL whose failed load is expected (a 404 page)
}

// openTab opens a tab in a browser context of its own, so that cookies
// (the chosen language) do not leak between tests running in parallel.
func openTab(t *testing.T, srv *httptest.Server) *tab {
	t.Helper()
	tb := &tab{t: t, base: srv.URL}
	host := mustParseURL(t, srv.URL).Host
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext(),
		chromedp.WithListener(func(ev any) { tb.watch(host, ev) }))
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	tb.ctx = ctx
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		tb.reportProblems(t)
	})
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// A background tab is not focused: emulate focus so that
		// keyboard focus and :focus-visible behave as in a real window.
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	return tb
}

// reportProblems fails t with every problem the tab recorded since the
// last report.
func (tb *tab) reportProblems(t *testing.T) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		t.Error(p)
	}
	tb.problems = nil
}

// run runs f as the subtest name of the tab's test, with the tab: what f
// checks, and what the tab records meanwhile, fails the subtest. A page
// checked in every language takes one tab rather than one per language:
// opening a tab starts a browser context and a renderer process, and the
// renderer compiles axe-core anew, which takes as long as running it; a
// language is chosen by ?lang= alone, so no page sees what the one before
// it left.
func (tb *tab) run(name string, f func(t *testing.T)) {
	tb.t.Helper()
	parent := tb.t
	parent.Run(name, func(t *testing.T) {
		tb.t = t
		defer func() {
			tb.reportProblems(t)
			tb.t = parent
		}()
		f(t)
	})
}

// watch runs in the tab's event loop: it must return fast and send nothing.
func (tb *tab) watch(host string, ev any) {
	var problem string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u, err := url.Parse(ev.Request.URL)
		if err != nil || (u.Scheme != "data" && u.Host != host) {
			problem = "request to another host: " + ev.Request.URL
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level == cdplog.EntryLevelError {
			tb.mu.Lock()
			allowed := tb.allowed != "" && e.URL == tb.allowed
			tb.mu.Unlock()
			if !allowed {
				problem = fmt.Sprintf("console error (%s): %s %s", e.Source, e.Text, e.URL)
			}
		}
	}
	if problem != "" {
		tb.mu.Lock()
		tb.problems = append(tb.problems, problem)
		tb.mu.Unlock()
	}
}

// do runs actions in the tab and stops the test on failure.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page through the DevTools
// protocol (which the page's Content-Security-Policy does not govern).
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.60q: %v", js, err)
	}
	return v
}

// visit opens path on the test server and checks the answer's status.
func (tb *tab) visit(path string, status int) {
	tb.t.Helper()
	u := tb.base + path
	// The browser logs a failed load for an error status: expected here,
	// and on this page only (a tab may go on to other pages).
	allowed := ""
	if status >= 400 {
		allowed = u
	}
	tb.mu.Lock()
	tb.allowed = allowed
	tb.mu.Unlock()
	res, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		tb.t.Fatalf("%s: %v", path, err)
	}
	if int(res.Status) != status {
		tb.t.Fatalf("%s: status %d, want %d", path, res.Status, status)
	}
}

// click clicks the first element the XPath sel finds and waits for the page
// it leads to.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	// Look first, so that a missing link fails at once rather than at the timeout.
	if nodes, err := chromedp.Run(tb.ctx, chromedp.Nodes(sel, chromedp.AtLeast(0))); err != nil || len(nodes) == 0 {
		tb.t.Fatalf("nothing to click: %s (%v)", sel, err)
	}
	res, err := chromedp.RunResponse(tb.ctx, chromedp.Click(sel))
	if err != nil {
		tb.t.Fatalf("clicking %s: %v", sel, err)
	}
	if res.Status != 200 {
		tb.t.Fatalf("clicking %s led to %s: status %d", sel, res.URL, res.Status)
	}
}

// viewport makes the tab a window of the given size in CSS pixels.
func (tb *tab) viewport(width, height int64) {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: 1})
		return err
	}))
}

// axeSource is axe-core, the accessibility checker, injected into pages
// under test only (see testdata/axe-core/README.md).
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeTags are the rules the pages must pass: WCAG 2.0 and 2.1, levels A
// and AA, and axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeViolation is one rule the page breaks, with the elements that break it.
type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Targets                   []string
}

// checkEveryPageRule checks the page the tab shows at 1280 px against what
// every page must hold (TestPagesInABrowser): axe, the document, the
// keyboard, and on a 320 px phone no sideways scroll, labelled cards and
// axe again.
func (tb *tab) checkEveryPageRule(path, lang string) {
	tb.t.Helper()
	tb.checkAxe(path)
	tb.checkDocument(path, lang)
	tb.checkKeyboard(path)
	tb.viewport(320, 640)
	tb.checkNoHorizontalScroll(path, 320)
	tb.checkCardLabels(path)
	tb.checkAxe(path + " at 320 px")
}

// checkAxe runs axe-core in the page and fails on every violation.
func (tb *tab) checkAxe(what string) {
	tb.t.Helper()
	for _, v := range tb.axe() {
		tb.t.Errorf("%s: axe %s (%s): %s\n\t%s\n\t%s", what, v.ID, v.Impact, v.Help,
			strings.Join(v.Targets, "\n\t"), v.HelpURL)
	}
}

// axe runs axe-core in the page and returns the violations it finds.
func (tb *tab) axe() []axeViolation {
	tb.t.Helper()
	if !eval[bool](tb, "typeof axe === 'object'") {
		eval[chromedp.Void](tb, axeSource)
	}
	tags, _ := json.Marshal(axeTags)
	return eval[[]axeViolation](tb, `axe.run(document, {
		runOnly: {type: 'tag', values: `+string(tags)+`},
		resultTypes: ['violations'],
	}).then(r => r.violations.map(v => ({
		ID: v.id, Impact: v.impact || '', Help: v.help, HelpURL: v.helpUrl,
		Targets: v.nodes.map(n => n.target.map(s => [].concat(s).join(' >>> ')).join(' ')),
	})))`)
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

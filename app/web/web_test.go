package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/web"
)

var taipei, _ = time.LoadLocation("Asia/Taipei")

// newServer serves the demo plan from a fresh database, on a fixed day.
func newServer(t *testing.T, now time.Time) *httptest.Server {
	t.Helper()
	return newServerWith(t, now)
}

// newServerWith serves the demo plan and more datasets imported after it.
func newServerWith(t *testing.T, now time.Time, more ...*model.Dataset) *httptest.Server {
	t.Helper()
	st, err := store.Open(testdb.NewURL(t, "web.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportDataset(model.NewContextWithActor(ctx, demo.Actor), ds, nil); err != nil {
		t.Fatal(err)
	}
	for _, ds := range more {
		if _, err := st.ImportDataset(ctx, ds, nil); err != nil {
			t.Fatal(err)
		}
	}
	h, err := web.New(web.Options{Store: st, Location: taipei, BaseURL: "http://example.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	res, body := getRaw(t, srv, path, header...)
	return res, string(body)
}

// day is the fixed clock of these tests: 20 December 2021, 09:00 in Taipei.
var day = time.Date(2021, 12, 20, 9, 0, 0, 0, taipei)

func TestHomeShowsTheDemoPlanWithItsCommitments(t *testing.T) {
	srv := newServer(t, day)
	res, body := get(t, srv, "/")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<html lang="zh-TW">`, "臺灣開放政府國家行動方案（2021–2024）", "承諾事項（19 項）",
		"主軸 1：", "推動資料開放與資訊公開", "完備政府資料開放與再利用制度", "主責機關不明",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	// Every commitment once in the list by theme (the watchlists above it link some again).
	if n := strings.Count(section(t, body, "<h2>承諾事項（19 項）</h2>", "</main>"), `href="/commitments/`); n != 19 {
		t.Errorf("home page lists %d commitments by theme, want 19", n)
	}
}

func TestEnglishFallsBackVisiblyWhereTheSourceHasNoTranslation(t *testing.T) {
	srv := newServer(t, day)
	_, body := get(t, srv, "/", "Accept-Language", "en-GB,en;q=0.9")
	for _, want := range []string{`<html lang="en">`, "19 commitments", "Promoting open data and information transparency",
		`<span lang="zh-TW">完備政府資料開放與再利用制度</span>`, "Lead agency unknown"} {
		if !strings.Contains(body, want) {
			t.Errorf("English home page lacks %q", want)
		}
	}
	// Said once, at the top of the page, not beside every text.
	notice := `<p class="fallback-notice" role="note">Some texts on this page are in Traditional Chinese: they were not given in English.</p>`
	if n := strings.Count(body, notice); n != 1 || strings.Index(body, notice) > strings.Index(body, "<h1") {
		t.Errorf("the fallback notice is on the page %d times, or below the heading", n)
	}
	if strings.Contains(body, "(Chinese)") || strings.Contains(body, `class="fallback"`) {
		t.Error("a fallen-back text is still marked one by one")
	}
	// The Chinese page falls back nowhere and says nothing of it.
	_, body = get(t, srv, "/", "Accept-Language", "zh-TW")
	if strings.Contains(body, "fallback-notice") {
		t.Error("the Chinese home page says texts fall back")
	}

	// ?lang= shows the language without remembering it: a shared link
	// pins nothing.
	res, _ := get(t, srv, "/about?lang=en")
	if ck := res.Header.Get("Set-Cookie"); ck != "" {
		t.Errorf("?lang=en set a cookie: %s", ck)
	}
	// The switch remembers the visitor's own choice and leads to the page
	// without the mark of the choice.
	noRedirect := *srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noRedirect.Get(srv.URL + "/about?lang=en&choose=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == "lang" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/about?lang=en" || cookie != "lang=en" {
		t.Fatalf("the switch: %d to %q, cookie %q", res.StatusCode, res.Header.Get("Location"), cookie)
	}
	_, body = get(t, srv, "/plans", "Cookie", cookie, "Accept-Language", "zh-TW")
	if !strings.Contains(body, `<html lang="en">`) {
		t.Error("the chosen language was not kept")
	}
	// The switch leads back to this site only.
	for _, path := range []string{"//evil.example/x?lang=fr&choose=1", "/\\evil.example/x?lang=fr&choose=1"} {
		res, err := noRedirect.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode == http.StatusSeeOther && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\")) {
			t.Errorf("%s leads to %q", path, loc)
		}
	}
}

func TestCommitmentPageShowsMilestonesWithTheirPrecision(t *testing.T) {
	srv := newServer(t, day)
	_, body := get(t, srv, "/")
	i := strings.Index(body, "全國性公民投票案電子連署")
	link := body[strings.LastIndex(body[:i], `href="/commitments/`)+6:]
	link = link[:strings.Index(link, `"`)]

	res, body := get(t, srv, link)
	if res.StatusCode != 200 {
		t.Fatalf("%s: status %d", link, res.StatusCode)
	}
	for _, want := range []string{"里程碑（5 項）", "全國性公民投票案電子連署系統上線", "2021年12月", "中央選舉委員會",
		"行政院資通安全處", "即將到期", "示範公民科技協會（示範）"} {
		if !strings.Contains(body, want) {
			t.Errorf("commitment page lacks %q", want)
		}
	}
	_, body = get(t, srv, link+"?lang=en&asof=2022-01-15")
	for _, want := range []string{"Dec 2021", "Overdue", "Central Election Commission", "15 Jan 2022"} {
		if !strings.Contains(body, want) {
			t.Errorf("English commitment page as of 2022-01-15 lacks %q", want)
		}
	}
}

func TestMissingPagesAndBadInputGetRealPages(t *testing.T) {
	srv := newServer(t, day)
	for path, status := range map[string]int{
		"/nowhere": 404, "/commitments/999": 404, "/commitments/abc": 404, "/plans/0": 404,
		"/?asof=2023-13-45": 400, "/?asof=yesterday": 400,
	} {
		res, body := get(t, srv, path)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
		if !strings.Contains(body, "<h1>") || !strings.Contains(body, `href="/"`) {
			t.Errorf("%s: not a real page: %q", path, body)
		}
	}
	res, _ := get(t, srv, "/about", "X-Request-ID", "abc-123")
	if res.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("request id not echoed: %q", res.Header.Get("X-Request-ID"))
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}

func TestAnInternalErrorShowsAPageWithAReferenceNotTheError(t *testing.T) {
	st, err := store.Open(testdb.NewURL(t, "broken.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// No migrations: every query fails as a real outage would.
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, body := get(t, srv, "/about")
	if res.StatusCode != 500 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !strings.Contains(body, "系統發生錯誤") || !strings.Contains(body, res.Header.Get("X-Request-ID")) {
		t.Errorf("500 page lacks its message or reference: %s", body)
	}
	if strings.Contains(body, "no such table") {
		t.Error("500 page leaks the database error")
	}
	st.Close()
	res, body = get(t, srv, "/healthz")
	if res.StatusCode != 503 || !strings.Contains(body, `"status":"unavailable"`) {
		t.Errorf("healthz on a closed database: %d %s", res.StatusCode, body)
	}
}

func TestHealthz(t *testing.T) {
	srv := newServer(t, day)
	res, body := get(t, srv, "/healthz")
	engine := map[bool]string{false: "sqlite", true: "postgresql"}[testdb.OnPostgres()]
	want := `{"status":"ok","database":"` + engine + `","reminders":"off"}`
	if res.StatusCode != 200 || body != want {
		t.Fatalf("healthz: %d %s, want %s", res.StatusCode, body, want)
	}
}

func TestAboutNamesTheSources(t *testing.T) {
	srv := newServer(t, day)
	_, body := get(t, srv, "/about")
	for _, want := range []string{"g0v-data/g0v-hackmd-archive", "OGP 體檢", "19 項承諾", "37 項里程碑"} {
		if !strings.Contains(body, want) {
			t.Errorf("about page lacks %q", want)
		}
	}
}

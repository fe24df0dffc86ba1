package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// cacheSite is the API site (a milestone of 2-1, tokens of its agency)
// counting the queries its store sends.
type cacheSite struct {
	*apiSite
	queries atomic.Int64
}

func newCacheSite(t *testing.T) *cacheSite {
	t.Helper()
	s := &cacheSite{apiSite: newAPISite(t)}
	if err := s.st.OnQuery(func() { s.queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	return s
}

// cost is the number of queries one GET sends, with its answer; -1 when
// it was answered from a kept page (which sends none).
func (s *cacheSite) cost(path string, header ...string) (int64, *http.Response, []byte) {
	s.t.Helper()
	before, hits := s.queries.Load(), s.server.PageCacheHitsForTest()
	res, body := getRaw(s.t, s.srv, path, header...)
	n := s.queries.Load() - before
	if s.server.PageCacheHitsForTest() > hits {
		// On PostgreSQL, asking whether the data changed is a query.
		if n > 1 {
			s.t.Errorf("%s: answered from a kept page with %d queries", path, n)
		}
		n = -1
	}
	return n, res, body
}

func TestASecondAnonymousVisitIsServedFromThePageCache(t *testing.T) {
	site := newCacheSite(t)
	for _, path := range []string{"/", "/plans", site.commitmentPath(), "/milestones", "/api/v1/commitments/1",
		"/feed.atom", "/export/commitments.csv"} {
		for _, enc := range []string{"identity", "gzip"} {
			n1, res1, body1 := site.cost(path, "Accept-Encoding", enc)
			n2, res2, body2 := site.cost(path, "Accept-Encoding", enc)
			if res1.StatusCode != 200 || res2.StatusCode != 200 {
				t.Fatalf("%s (%s): %d, then %d", path, enc, res1.StatusCode, res2.StatusCode)
			}
			if enc == "identity" && n1 < 0 || n2 >= 0 || !bytes.Equal(body1, body2) || res1.Header.Get("ETag") != res2.Header.Get("ETag") {
				t.Errorf("%s (%s): %d queries the first time, %d the second (-1: kept); same bytes %v, ETags %q and %q",
					path, enc, n1, n2, bytes.Equal(body1, body2), res1.Header.Get("ETag"), res2.Header.Get("ETag"))
			}
			if enc == "gzip" && (res2.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(res2.Header.Get("ETag"), `-gzip"`)) {
				t.Errorf("%s: Content-Encoding %q, ETag %q", path, res2.Header.Get("Content-Encoding"), res2.Header.Get("ETag"))
			}
			if enc == "identity" && res2.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: gzipped for a client that did not ask", path)
			}
			// The headers every answer gets, and each kind's own.
			for _, h := range []string{"Content-Security-Policy", "X-Request-ID", "Content-Type", "Cache-Control"} {
				if res2.Header.Get(h) == "" {
					t.Errorf("%s from the cache: no %s", path, h)
				}
			}
			if res2.Header.Get("X-Request-ID") == res1.Header.Get("X-Request-ID") {
				t.Errorf("%s: the kept answer repeats the request id %s", path, res1.Header.Get("X-Request-ID"))
			}
			if strings.HasPrefix(path, "/api/") && res2.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("%s from the cache: no CORS header", path)
			}
			if diff := headerDiff(res1.Header, res2.Header); diff != "" {
				t.Errorf("%s (%s): the kept answer's headers differ from the rendered one's: %s", path, enc, diff)
			}
		}
	}
	// The gzipped bytes are the plain ones, compressed.
	_, _, plain := site.cost("/")
	_, _, zipped := site.cost("/", "Accept-Encoding", "gzip")
	if gunzip(t, zipped) != string(plain) {
		t.Error("the gzipped home page differs from the plain one")
	}
}

// headerDiff names the fields in which two answers' headers differ,
// besides the request's own: its id and date.
func headerDiff(a, b http.Header) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var diff []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if k != "X-Request-Id" && k != "Date" && !slices.Equal(a[k], b[k]) {
			diff = append(diff, fmt.Sprintf("%s: %q and %q", k, a[k], b[k]))
		}
	}
	return strings.Join(diff, "; ")
}

// A kept page is sent before the router when it can be (sendKept), and by
// the page cache's middleware when the router must see the request first,
// as when it has a body to limit: the same answer either way.
func TestAKeptPageIsTheSameWhicheverWayItIsSent(t *testing.T) {
	site := newCacheSite(t)
	for _, path := range []string{site.commitmentPath(), "/api/v1/commitments/1", "/feed.atom"} {
		for _, enc := range []string{"identity", "gzip"} {
			rendered, body := getRaw(t, site.srv, path, "Accept-Encoding", enc)
			n, front, frontBody := site.cost(path, "Accept-Encoding", enc)
			if n != -1 {
				t.Fatalf("%s: not kept (%d queries)", path, n)
			}
			req, _ := http.NewRequest("GET", site.srv.URL+path, strings.NewReader("a body the router limits"))
			req.Header.Set("Accept-Encoding", enc)
			hits := site.server.PageCacheHitsForTest()
			routed, err := site.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			routedBody, err := io.ReadAll(routed.Body)
			routed.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if site.server.PageCacheHitsForTest() != hits+1 {
				t.Errorf("%s with a body: not answered from the kept page", path)
			}
			for _, got := range []struct {
				how  string
				res  *http.Response
				body []byte
			}{{"before the router", front, frontBody}, {"through the router", routed, routedBody}} {
				if got.res.StatusCode != 200 || !bytes.Equal(got.body, body) {
					t.Errorf("%s (%s) %s: %d, same bytes as rendered: %v", path, enc, got.how, got.res.StatusCode, bytes.Equal(got.body, body))
				}
				if diff := headerDiff(rendered.Header, got.res.Header); diff != "" {
					t.Errorf("%s (%s) %s: headers differ from the rendered answer's: %s", path, enc, got.how, diff)
				}
			}
		}
	}
}

func TestAChangeShowsOnTheNextVisit(t *testing.T) {
	site := newCacheSite(t)
	api := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	_, kept := get(t, site.srv, site.commitmentPath())
	getRaw(t, site.srv, api)
	// Through the API…
	res, body := site.call("PATCH", api, site.cec, fmt.Sprintf(`{"status": "completed", "completed_on": "2021-12-15", "version": %d}`, site.m.Version))
	if res.StatusCode != 200 {
		t.Fatalf("PATCH: %d %s", res.StatusCode, body)
	}
	if _, page := get(t, site.srv, api); !strings.Contains(page, `"status":"completed"`) {
		t.Errorf("the milestone's answer after the change:\n%.600s", page)
	}
	if n, _, page := site.cost(site.commitmentPath()); n < 0 || string(page) == kept || !strings.Contains(string(page), "2021") {
		t.Errorf("the commitment's page after the change (%d queries) is the page before", n)
	}
	// …and through the store, as another instance would.
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "test"})
	m, err := site.st.FindMilestoneByID(ctx, site.m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.st.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: model.MilestoneDelayed}, model.Date{}); err != nil {
		t.Fatal(err)
	}
	if _, page := get(t, site.srv, api); !strings.Contains(page, `"status":"delayed"`) {
		t.Errorf("the milestone's answer after a change in the store:\n%.600s", page)
	}
}

func TestSignedInVisitorsGetTheirOwnPagesAndNeverAKeptOne(t *testing.T) {
	site := newCacheSite(t)
	anonymous := site.visitor()
	anonymous.do("GET", "/", nil) // kept
	liaison := site.as("liaison@cec.example.org")
	hits := site.server.PageCacheHitsForTest()
	res, page := liaison.do("GET", "/", nil)
	if !strings.Contains(page, "林聯絡") || res.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("a signed-in visitor got the kept page (Cache-Control %q)", res.Header.Get("Cache-Control"))
	}
	token := liaison.token(page)
	if liaison.do("GET", "/", nil); site.server.PageCacheHitsForTest() != hits {
		t.Error("a signed-in visitor was answered from a kept page")
	}
	for _, path := range []string{"/", site.commitmentPath(), "/plans"} {
		_, page := anonymous.do("GET", path, nil)
		_, again := anonymous.do("GET", path, nil)
		for _, p := range []string{page, again} {
			if strings.Contains(p, "林聯絡") || strings.Contains(p, token) || strings.Contains(p, "csrf_token") {
				t.Errorf("%s: an anonymous visitor got a page with a signed-in visitor's name or a form token", path)
			}
		}
	}
}

// The form token of a browser not signed in is its own: pages with a form
// are never kept, and neither is anything that sets a cookie.
func TestPagesWithAFormTokenAreNeverKept(t *testing.T) {
	site := newCacheSite(t)
	for _, path := range []string{"/signin", "/password/forgot"} {
		a, b := site.visitor(), site.visitor()
		_, pa := a.do("GET", path, nil)
		_, pb := b.do("GET", path, nil)
		if a.token(pa) == b.token(pb) {
			t.Errorf("%s: two visitors got the same form token", path)
		}
		if _, again := a.do("GET", path, nil); a.token(again) != a.token(pa) {
			t.Errorf("%s: the same visitor got another token", path)
		}
	}
	if size := site.server.PageCacheSizeForTest(); size != 0 {
		t.Errorf("the cache holds %d bytes of pages with a form", size)
	}
	// The visitors can sign in with what they were given.
	if res, _ := site.visitor().signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in: %d", res.StatusCode)
	}
}

func TestEachLanguageIsKeptApart(t *testing.T) {
	site := newCacheSite(t)
	variants := []struct {
		path    string
		header  []string
		heading string
		shared  bool // the same page as an earlier one
	}{
		{"/", nil, ">首頁<", false},
		{"/", []string{"Accept-Language", "en"}, ">Home<", false},
		{"/?lang=en", nil, ">Home<", false},
		{"/?lang=zh-TW", []string{"Accept-Language", "en"}, ">首頁<", false},
		{"/", []string{"Cookie", "lang=en"}, ">Home<", true},
		{"/", []string{"Accept-Language", "fr-CA,fr;q=0.9"}, ">Accueil<", false},
		{"/?lang=fr", nil, ">Accueil<", false},
		{"/", []string{"Cookie", "lang=fr"}, ">Accueil<", true},
	}
	for round := range 2 {
		for _, v := range variants {
			n, res, body := site.cost(v.path, v.header...)
			page := string(body)
			if !strings.Contains(page, v.heading) {
				t.Errorf("%s %v: not in its language:\n%.400s", v.path, v.header, page)
			}
			if round == 0 && !v.shared && n < 0 || (round == 1 || v.shared) && n >= 0 {
				t.Errorf("%s %v: %d queries (-1: kept), round %d", v.path, v.header, n, round)
			}
			// Each answer says its language, and ?lang= pins none.
			if want := map[string]string{">首頁<": "zh-TW", ">Home<": "en", ">Accueil<": "fr"}[v.heading]; res.Header.Get("Content-Language") != want {
				t.Errorf("%s %v: Content-Language %q, want %s (round %d)", v.path, v.header, res.Header.Get("Content-Language"), want, round)
			}
			if ck := res.Header.Get("Set-Cookie"); ck != "" {
				t.Errorf("%s %v: set a cookie %q (round %d)", v.path, v.header, ck, round)
			}
		}
	}
}

func TestAKeptPageAnswersIfNoneMatchWith304(t *testing.T) {
	site := newCacheSite(t)
	for _, enc := range []string{"identity", "gzip"} {
		_, res, _ := site.cost("/plans", "Accept-Encoding", enc)
		tag := res.Header.Get("ETag")
		n, res, body := site.cost("/plans", "Accept-Encoding", enc, "If-None-Match", tag)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 || n >= 0 || res.Header.Get("ETag") != tag || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: %d, %d bytes, %d queries, ETag %q (want %q)", enc, res.StatusCode, len(body), n, res.Header.Get("ETag"), tag)
		}
	}
	// A tag sent on the first visit of a page (nothing kept yet) is
	// answered too.
	_, res, _ := site.cost("/about")
	tag := res.Header.Get("ETag")
	site.clock.Advance(24 * time.Hour) // another day: nothing kept
	if _, res, _ := site.cost("/about", "If-None-Match", tag); res.StatusCode != http.StatusNotModified {
		t.Errorf("/about revalidated on a new day: %d", res.StatusCode)
	}
}

func TestErrorsAreNeverKept(t *testing.T) {
	site := newCacheSite(t)
	for range 2 {
		n, res, _ := site.cost("/commitments/99999")
		if res.StatusCode != http.StatusNotFound || n < 0 {
			t.Errorf("a missing commitment: %d, %d queries", res.StatusCode, n)
		}
	}
}

func TestManyVisitorsOfAPageWaitForOneRender(t *testing.T) {
	site := newCacheSite(t)
	one, _, _ := site.cost("/milestones")
	site.clock.Advance(24 * time.Hour) // a new day: render anew
	before, hits := site.queries.Load(), site.server.PageCacheHitsForTest()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if res, _ := getRaw(t, site.srv, "/milestones"); res.StatusCode != 200 {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
	wg.Wait()
	// At most one render, and (on PostgreSQL) a query each for the version.
	if n, h := site.queries.Load()-before, site.server.PageCacheHitsForTest()-hits; n > one+16 || h != 15 {
		t.Errorf("16 visitors at once cost %d queries, %d answered from the page; one costs %d", n, h, one)
	}
}

func TestThePageCacheStaysWithinItsLimit(t *testing.T) {
	site := newCacheSite(t)
	site.stop()
	site.pageCache = 48 << 10
	site.start()
	paths := []string{"/", "/plans", "/milestones", "/about", "/api", "/commitments", "/api/v1/commitments/1",
		"/api/v1/commitments/2", "/api/v1/agencies", "/feed.atom"}
	for _, lang := range []string{"en", "zh-TW"} {
		for _, path := range paths {
			if res, _ := getRaw(t, site.srv, path, "Accept-Language", lang); res.StatusCode != 200 {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			if size := site.server.PageCacheSizeForTest(); size > 48<<10 || size == 0 {
				t.Fatalf("after %s (%s) the cache holds %d bytes, limit %d", path, lang, size, 48<<10)
			}
		}
	}
	// The last page is kept; the first has made room for the others.
	if n, _, _ := site.cost("/feed.atom", "Accept-Language", "zh-TW"); n >= 0 {
		t.Errorf("the page visited last was not kept (%d queries)", n)
	}
	if n, _, _ := site.cost("/", "Accept-Language", "en"); n < 0 {
		t.Error("the page visited first is still kept")
	}
}

// While the first visitor after a change waits for the page to render,
// those who come meanwhile get the page from before at once, within a
// second of the change; the API's clients, who may have just written,
// always wait for the page as it is now.
func TestVisitorsWhoComeWhileAChangedPageRendersGetThePageBefore(t *testing.T) {
	site := newCacheSite(t)
	path, api := site.commitmentPath(), fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	_, before := get(t, site.srv, path)
	getRaw(t, site.srv, api)

	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "test"})
	if _, err := site.st.UpdateMilestoneProgress(ctx, site.m.ID, site.m.Version, model.ProgressUpdate{Status: model.MilestoneCompleted, CompletedOn: model.Date{Year: 2021, Month: 12, Day: 15}}, model.Date{Year: 2022, Month: 1, Day: 5}); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	site.server.HoldPageRendersForTest(func() {
		once.Do(func() { close(started) })
		<-release
	})
	first := make(chan string)
	go func() {
		_, page := get(t, site.srv, path)
		first <- page
	}()
	<-started
	type answer struct {
		n    int64
		res  *http.Response
		page []byte
	}
	during := make(chan answer, 1)
	go func() {
		n, res, page := site.cost(path)
		during <- answer{n, res, page}
	}()
	select {
	case a := <-during:
		if a.res.StatusCode != 200 || a.n >= 0 || string(a.page) != before {
			t.Errorf("a visitor during the render: %d, %d queries (-1: kept), the page before: %v", a.res.StatusCode, a.n, string(a.page) == before)
		}
	case <-time.After(5 * time.Second):
		t.Error("a visitor during the render waited for it")
	}
	if waited := time.Since(changed); waited >= time.Second {
		t.Logf("the stale page came %s after the change: past the window, nothing asserted", waited)
	}
	apiAnswer := make(chan string)
	go func() {
		_, page := get(t, site.srv, api)
		apiAnswer <- page
	}()
	select {
	case page := <-apiAnswer:
		t.Errorf("the API answered from before the change while a page rendered:\n%.300s", page)
	case <-time.After(200 * time.Millisecond): // it waits for its own render, held too
	}
	site.server.HoldPageRendersForTest(nil)
	close(release)
	if page := <-first; page == before || !strings.Contains(page, "2021") {
		t.Error("the first visitor after the change got the page from before")
	}
	if page := <-apiAnswer; !strings.Contains(page, `"status":"completed"`) {
		t.Errorf("the API after the change:\n%.300s", page)
	}
	if _, page := get(t, site.srv, path); page == before {
		t.Error("a visitor after the render got the page from before")
	}
}

// After a quiet spell, no page from before a change is sent: the change
// may be older than the window, and the first visitor waits for the page
// as it is now, as do those who come meanwhile.
func TestAfterAQuietSpellNoPageFromBeforeIsSent(t *testing.T) {
	site := newCacheSite(t)
	path := site.commitmentPath()
	_, before := get(t, site.srv, path)
	time.Sleep(1100 * time.Millisecond) // longer than the window, with no visitor
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "test"})
	if _, err := site.st.UpdateMilestoneProgress(ctx, site.m.ID, site.m.Version, model.ProgressUpdate{Status: model.MilestoneCompleted, CompletedOn: model.Date{Year: 2021, Month: 12, Day: 15}}, model.Date{Year: 2022, Month: 1, Day: 5}); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	site.server.HoldPageRendersForTest(func() {
		once.Do(func() { close(started) })
		<-release
	})
	pages := make(chan string, 2)
	go func() { _, page := get(t, site.srv, path); pages <- page }()
	<-started
	go func() { _, page := get(t, site.srv, path); pages <- page }()
	time.Sleep(100 * time.Millisecond)
	select {
	case <-pages:
		t.Error("a visitor was answered while the page rendered")
	default:
	}
	site.server.HoldPageRendersForTest(nil)
	close(release)
	for range 2 {
		if page := <-pages; page == before {
			t.Error("a visitor got the page from before the change")
		}
	}
}

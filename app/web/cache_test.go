package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/web"
)

// getRaw is get without the client's own gzip handling: the body comes as sent.
func getRaw(t *testing.T, srv *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func varies(res *http.Response, header string) bool {
	for _, v := range res.Header.Values("Vary") {
		for _, h := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(h), header) {
				return true
			}
		}
	}
	return false
}

func TestTextAnswersAreGzippedForClientsThatAcceptIt(t *testing.T) {
	srv := newServer(t, day)
	for _, path := range []string{"/", "/static/style.css", "/healthz"} {
		plain, body := getRaw(t, srv, path)
		if plain.Header.Get("Content-Encoding") != "" || !varies(plain, "Accept-Encoding") {
			t.Errorf("%s without gzip: Content-Encoding %q, Vary %q", path, plain.Header.Get("Content-Encoding"), plain.Header.Values("Vary"))
		}
		res, zipped := getRaw(t, srv, path, "Accept-Encoding", "gzip, deflate, br")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: status %d, Content-Encoding %q", path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if got := gunzip(t, zipped); got != string(body) {
			t.Errorf("%s: the gzipped answer is not the page (%d bytes, want %d)", path, len(got), len(body))
		}
		if path == "/" {
			if len(zipped) >= len(body)/3 {
				t.Errorf("%s: %d bytes gzipped from %d", path, len(zipped), len(body))
			}
			for _, h := range []string{"Accept-Encoding", "Accept-Language", "Cookie"} {
				if !varies(res, h) {
					t.Errorf("%s: Vary %q lacks %s", path, res.Header.Values("Vary"), h)
				}
			}
		}
	}
}

func TestPagesAnswerIfNoneMatchWith304(t *testing.T) {
	srv := newServer(t, day)
	res, body := getRaw(t, srv, "/")
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q (want a strong one), Cache-Control %q", etag, res.Header.Get("Cache-Control"))
	}
	if res2, _ := getRaw(t, srv, "/"); res2.Header.Get("ETag") != etag {
		t.Fatalf("the same page got ETag %q, then %q", etag, res2.Header.Get("ETag"))
	}
	res, body = getRaw(t, srv, "/", "If-None-Match", etag)
	if res.StatusCode != 304 || len(body) != 0 || res.Header.Get("ETag") != etag {
		t.Fatalf("revalidation: status %d, %d bytes, ETag %q", res.StatusCode, len(body), res.Header.Get("ETag"))
	}
	// The gzipped copy is another representation with its own tag, and
	// either tag revalidates either copy.
	res, _ = getRaw(t, srv, "/", "Accept-Encoding", "gzip")
	gzTag := res.Header.Get("ETag")
	if gzTag == etag || gzTag == "" || strings.HasPrefix(gzTag, "W/") {
		t.Errorf("gzipped ETag %q, plain %q", gzTag, etag)
	}
	res, body = getRaw(t, srv, "/", "Accept-Encoding", "gzip", "If-None-Match", `"other", `+etag)
	if res.StatusCode != 304 || len(body) != 0 || res.Header.Get("Content-Encoding") != "" || res.Header.Get("ETag") != gzTag {
		t.Errorf("gzip revalidation: status %d, %d bytes, Content-Encoding %q, ETag %q", res.StatusCode, len(body), res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
	}
	if res, _ := getRaw(t, srv, "/", "If-None-Match", `"other"`); res.StatusCode != 200 {
		t.Errorf("another tag: status %d", res.StatusCode)
	}
}

func TestETagDiffersByLanguage(t *testing.T) {
	srv := newServer(t, day)
	zh, _ := getRaw(t, srv, "/about")
	en, _ := getRaw(t, srv, "/about", "Accept-Language", "en")
	if zh.Header.Get("Content-Language") != "zh-TW" || en.Header.Get("Content-Language") != "en" {
		t.Fatalf("languages %q, %q", zh.Header.Get("Content-Language"), en.Header.Get("Content-Language"))
	}
	if zh.Header.Get("ETag") == en.Header.Get("ETag") {
		t.Errorf("zh-TW and en share ETag %q", zh.Header.Get("ETag"))
	}
	if res, _ := getRaw(t, srv, "/about", "Accept-Language", "en", "If-None-Match", zh.Header.Get("ETag")); res.StatusCode != 200 {
		t.Errorf("the Chinese page's tag revalidated the English page: %d", res.StatusCode)
	}
}

func TestErrorPagesAreFullAndNeverCached(t *testing.T) {
	srv := newServer(t, day)
	_, body := getRaw(t, srv, "/")
	for _, path := range []string{"/nowhere", "/commitments/999", "/static/nothing.css"} {
		for _, ae := range []string{"identity", "gzip"} {
			res, body := getRaw(t, srv, path, "Accept-Encoding", ae, "If-None-Match", "*")
			if res.StatusCode != 404 {
				t.Errorf("%s (%s): status %d, want 404", path, ae, res.StatusCode)
			}
			page := string(body)
			if res.Header.Get("Content-Encoding") == "gzip" {
				page = gunzip(t, body)
			}
			if !strings.Contains(page, "<h1>") || !strings.Contains(page, `href="/"`) {
				t.Errorf("%s (%s): not a full page: %q", path, ae, page)
			}
			if res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s (%s): ETag %q, Cache-Control %q", path, ae, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
			}
		}
	}
	_ = body
}

func TestAnInternalErrorIsAFullPageWhenGzipIsAccepted(t *testing.T) {
	st, err := store.Open(testdb.NewURL(t, "broken.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, body := getRaw(t, srv, "/about", "Accept-Encoding", "gzip")
	page := string(body)
	if res.Header.Get("Content-Encoding") == "gzip" {
		page = gunzip(t, body)
	}
	if res.StatusCode != 500 || !strings.Contains(page, "系統發生錯誤") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("status %d, Cache-Control %q, page %q", res.StatusCode, res.Header.Get("Cache-Control"), page)
	}
}

func TestStaticFilesAreCachedAndRevalidated(t *testing.T) {
	srv := newServer(t, day)
	res, body := getRaw(t, srv, "/static/style.css")
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || len(body) == 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("status %d, %d bytes, %q", res.StatusCode, len(body), res.Header.Get("Content-Type"))
	}
	if res.Header.Get("Cache-Control") != "public, max-age=3600" || !strings.HasPrefix(etag, `"`) {
		t.Errorf("Cache-Control %q, ETag %q", res.Header.Get("Cache-Control"), etag)
	}
	for _, ae := range []string{"identity", "gzip"} {
		res, body = getRaw(t, srv, "/static/style.css", "Accept-Encoding", ae, "If-None-Match", etag)
		if res.StatusCode != 304 || len(body) != 0 || res.Header.Get("Cache-Control") == "" {
			t.Errorf("revalidation (%s): status %d, %d bytes, Cache-Control %q", ae, res.StatusCode, len(body), res.Header.Get("Cache-Control"))
		}
	}
}

func TestHealthzIsNeverStored(t *testing.T) {
	srv := newServer(t, day)
	res, _ := getRaw(t, srv, "/healthz")
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("ETag") != "" {
		t.Errorf("Cache-Control %q, ETag %q", res.Header.Get("Cache-Control"), res.Header.Get("ETag"))
	}
}

func TestStaticFoldersAreNotListed(t *testing.T) {
	srv := newServer(t, day)
	for path, status := range map[string]int{"/static/": 404, "/static/style.css": 200, "/static/missing.css": 404} {
		res, body := get(t, srv, path)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
		if strings.Contains(body, `<a href="style.css">`) {
			t.Errorf("%s lists the folder", path)
		}
	}
}

// Link checkers and uptime monitors ask with HEAD: they get the page's
// status and validators without its body; other methods stay refused.
func TestHeadAnswersLikeGetWithoutABody(t *testing.T) {
	srv := newServer(t, day)
	for _, path := range []string{"/", "/commitments", "/static/style.css", "/nowhere"} {
		get, _ := getRaw(t, srv, path)
		req, _ := http.NewRequest(http.MethodHead, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		head, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != get.StatusCode || len(body) != 0 || head.Header.Get("ETag") != get.Header.Get("ETag") ||
			head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d, %d body bytes, ETag %q, %s; GET: %d, ETag %q, %s", path, head.StatusCode, len(body),
				head.Header.Get("ETag"), head.Header.Get("Content-Type"), get.StatusCode, get.Header.Get("ETag"), get.Header.Get("Content-Type"))
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// Without a form token the CSRF check refuses it before routing does.
	if res.StatusCode != http.StatusMethodNotAllowed && res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /: %d, want 405 or 403", res.StatusCode)
	}
}

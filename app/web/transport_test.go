package web_test

import (
	"net/http"
	"testing"
	"time"
)

// A tracker served over https, even behind a proxy that ends TLS, asks
// browsers to keep to https and marks its language cookie Secure; one
// served over plain http does neither.
func TestAnHTTPSTrackerAsksForHTTPSAndSecureCookies(t *testing.T) {
	for _, tc := range []struct {
		base         string
		hsts, secure bool
	}{
		{"https://ogp.example.gov.tw", true, true},
		{"http://example.test", false, false},
	} {
		site := newAccountSite(t, tc.base)
		for _, path := range []string{"/?lang=en", "/api/v1/agencies", "/signin"} {
			res, err := http.Get(site.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			hsts := res.Header.Get("Strict-Transport-Security")
			if want := "max-age=31536000; includeSubDomains"; tc.hsts && hsts != want || !tc.hsts && hsts != "" {
				t.Errorf("%s%s: Strict-Transport-Security %q", tc.base, path, hsts)
			}
		}
		// The language switch's link: it sets the cookie and redirects.
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noRedirect.Get(site.srv.URL + "/?lang=en&choose=1")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var found bool
		for _, ck := range res.Cookies() {
			if ck.Name == "lang" {
				found = true
				if ck.Secure != tc.secure {
					t.Errorf("%s: the language cookie is Secure %v, want %v", tc.base, ck.Secure, tc.secure)
				}
			}
		}
		if !found {
			t.Errorf("%s: the language switch set no cookie", tc.base)
		}
	}
}

// A throttled sign-in says how many seconds until a try is allowed again:
// until the oldest failure that counts leaves the window.
func TestAThrottledSignInSaysWhenToTryAgain(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	for i := range 5 {
		if res, _ := b.signIn("liaison@cec.example.org", "guess number one"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
		site.clock.Advance(time.Minute)
	}
	// Failures at 0, 1, 2, 3 and 4 minutes; now is 5: the first leaves the
	// fifteen minutes' window in ten.
	res, _ := b.signIn("liaison@cec.example.org", testPassword)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "600" {
		t.Fatalf("throttled: status %d, Retry-After %q, want 429 and 600", res.StatusCode, res.Header.Get("Retry-After"))
	}
	site.clock.Advance(599 * time.Second)
	if res, _ := b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" {
		t.Errorf("a second early: status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	site.clock.Advance(time.Second)
	if res, _ := b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusSeeOther || res.Header.Get("Retry-After") != "" {
		t.Errorf("when Retry-After said: status %d, Retry-After %q, want a sign-in", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestEveryPageSendsTheSecurityHeaders asks every GET route of the router,
// of the public and of an administrator (who may see every page), and
// checks the headers that keep a page from running injected script, being
// framed or sniffed, or leaking its address. No page may fail with a 5xx.
func TestEveryPageSendsTheSecurityHeaders(t *testing.T) {
	site := newEditSite(t)
	visitors := map[string]*visitor{"the public": site.as(""), "an administrator": site.as("admin@secretariat.example.org")}
	for _, r := range site.routes() {
		method, route, _ := strings.Cut(r, " ")
		if method != http.MethodGet {
			continue
		}
		path := strings.NewReplacer(":id", "1", ":token", "unknown", ":period", "1", "*file", "style.css").Replace(route)
		for who, b := range visitors {
			res, _ := b.do("GET", path, nil)
			if res.StatusCode >= 500 {
				t.Errorf("%s: %s answered %d to %s", route, path, res.StatusCode, who)
			}
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			_, scripts, found := strings.Cut(csp, "script-src")
			scripts, _, _ = strings.Cut(scripts, ";")
			if !found || strings.Contains(scripts, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "default-src 'self'") {
				t.Errorf("%s to %s: Content-Security-Policy %q", path, who, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("%s to %s: X-Content-Type-Options %q, Referrer-Policy %q", path, who,
					h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
			}
		}
	}
}

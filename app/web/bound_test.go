package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// boundedSite serves the demo plan with room for two expensive requests at once.
func boundedSite(t *testing.T) (*web.Server, *httptest.Server) {
	t.Helper()
	clock := storetest.NewClock(day)
	a := &accountSite{t: t, url: demoDatabase.CopyAt(t, clock.Now), clock: clock, baseURL: "http://example.test",
		heavy: web.HeavyLimit{InFlight: 2, Wait: 10 * time.Millisecond}}
	a.start()
	return a.server, a.srv
}

// While the lists, exports and feeds fill their bound, one more is told at
// once to come back (503, Retry-After), on a page or as problem details,
// and the cheap pages are served as usual; once a place frees, the lists
// are served again.
func TestExpensiveRequestsBeyondTheBoundGet503AndCheapPagesStillAnswer(t *testing.T) {
	s, srv := boundedSite(t)
	expensive := []string{"/commitments?plan=all&sort=title&q=a", "/milestones", "/api/v1/commitments?plan=all",
		"/api/v1/milestones", "/export/commitments.csv", "/feed.atom", "/calendar.ics"}
	cheap := []string{"/", "/commitments/1", "/plans", "/api/v1/commitments/1", "/about"}

	release := s.FillHeavyForTest(2)
	for _, path := range expensive {
		res, body := get(t, srv, path+sep(path)+"lang=en")
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" {
			t.Errorf("%s with the bound full: %d, Retry-After %q; want 503 and 1", path, res.StatusCode, res.Header.Get("Retry-After"))
			continue
		}
		if strings.HasPrefix(path, "/api/") {
			if res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":503`) {
				t.Errorf("%s: %s %s, want problem details", path, res.Header.Get("Content-Type"), body)
			}
		} else if !strings.Contains(body, "<h1>The tracker is busy</h1>") {
			t.Errorf("%s: no page saying the tracker is busy:\n%.2000s", path, body)
		}
	}
	for _, path := range cheap {
		if res, _ := get(t, srv, path); res.StatusCode != http.StatusOK {
			t.Errorf("%s with the bound full: %d, want 200", path, res.StatusCode)
		}
	}

	release()
	for _, path := range expensive {
		if res, _ := get(t, srv, path); res.StatusCode != http.StatusOK {
			t.Errorf("%s once the bound has room: %d, want 200", path, res.StatusCode)
		}
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

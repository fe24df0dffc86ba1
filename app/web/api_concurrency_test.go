package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/web"
)

// Agencies' systems writing one milestone at once: each successful answer
// is what that request wrote, at the version it made, never another
// writer's state read back afterwards.
func TestConcurrentPatchesAreEachAnsweredWithWhatTheyWrote(t *testing.T) {
	site := newAPISite(t)
	site.stop() // and start again with room for every writer
	site.rate = web.RateLimit{Rate: 1e9, Burst: 1e9}
	site.start()
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	statuses := []model.MilestoneStatus{model.MilestoneNotStarted, model.MilestoneInProgress, model.MilestoneDelayed, model.MilestoneCancelled}
	const writers, tries = 8, 25
	var mu sync.Mutex
	var ok, conflicts, matched int
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tries {
				res, body := site.call("GET", path, "", "")
				var read struct {
					Status  string `json:"status"`
					Version int    `json:"version"`
				}
				if err := json.Unmarshal(body, &read); err != nil || res.StatusCode != 200 {
					t.Errorf("read: %d %s", res.StatusCode, body)
					return
				}
				// A status other than the one read, so that every write changes it.
				status := statuses[(w+i)%len(statuses)]
				if string(status) == read.Status {
					status = statuses[(w+i+1)%len(statuses)]
				}
				header := []string{}
				sent := fmt.Sprintf(`{"status": %q, "version": %d}`, status, read.Version)
				if i%2 == 1 { // half through If-Match
					sent = fmt.Sprintf(`{"status": %q}`, status)
					header = []string{"If-Match", fmt.Sprintf(`"milestone-%d-v%d"`, site.m.ID, read.Version)}
				}
				res, body = site.call("PATCH", path, site.cec, sent, header...)
				mu.Lock()
				switch res.StatusCode {
				case http.StatusOK:
					ok++
					var got struct {
						Status  string `json:"status"`
						Version int    `json:"version"`
					}
					_ = json.Unmarshal(body, &got)
					etag := fmt.Sprintf(`"milestone-%d-v%d"`, site.m.ID, read.Version+1)
					if got.Status == string(status) && got.Version == read.Version+1 && res.Header.Get("ETag") == etag {
						matched++
					} else {
						t.Errorf("sent %s at v%d, answered %s v%d ETag %s", status, read.Version, got.Status, got.Version, res.Header.Get("ETag"))
					}
				case http.StatusConflict, http.StatusPreconditionFailed:
					conflicts++
				default:
					t.Errorf("PATCH %s: %d %s", sent, res.StatusCode, body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d writes: %d answered 200 (%d exactly as sent), %d answered 409/412", writers*tries, ok, matched, conflicts)
	if ok == 0 || ok+conflicts != writers*tries {
		t.Errorf("%d successes and %d conflicts of %d", ok, conflicts, writers*tries)
	}
	// Every success is one version and one entry of the record.
	if m := site.milestone(); m.Version != site.m.Version+ok {
		t.Errorf("version %d after %d successes from %d", m.Version, ok, site.m.Version)
	}
	if n := len(site.changes()); n != ok {
		t.Errorf("%d entries in the record for %d successes", n, ok)
	}
}

// If-Match: * names no version: it is refused as a write without one, and
// nothing changes.
func TestIfMatchAnyIsNoVersion(t *testing.T) {
	site := newAPISite(t)
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	res, body := site.call("PATCH", path, site.cec, `{"status": "in-progress"}`, "If-Match", "*")
	p := problemOf(t, res, body)
	if res.StatusCode != http.StatusPreconditionRequired || !strings.Contains(p.Detail, "version") {
		t.Errorf("If-Match: *: %d %+v", res.StatusCode, p)
	}
	site.unchanged("If-Match: *")
}

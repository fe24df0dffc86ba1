package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A client's mistake is answered as one, never as a server error, and
// changes nothing.

func TestAWeightThatIsNoNumberIsAFieldError(t *testing.T) {
	site := newEditSite(t)
	admin := site.as(adminEmail)
	path := fmt.Sprintf("/admin/milestones/%d", site.m.ID)
	for _, weight := range []string{"NaN", "Inf", "-Inf", "1e400"} {
		form := adminEdit(path, "weight", weight)(&authzSite{reportSite: &reportSite{editSite: site}})
		form.Set("csrf_token", admin.formToken())
		before := site.state()
		res, page := admin.do("POST", path, form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="`+weight+`"`) {
			t.Errorf("weight %q: %d, want 422 with what was typed\n%.600s", weight, res.StatusCode, page)
		}
		site.unchangedSince(before, "weight "+weight+" refused")
	}
}

func TestAnAPIBodyOverTheLimitIs413(t *testing.T) {
	site := newAPISite(t)
	before := site.state()
	body := `{"status":"completed","padding":"` + strings.Repeat("x", 33<<20) + `"}`
	res, got := site.call("PATCH", fmt.Sprintf("/api/v1/milestones/%d", site.m.ID), site.cec, body)
	var p struct{ Status int }
	if res.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(got, &p) != nil || p.Status != 413 {
		t.Errorf("a 33 MiB body: %d %.300s, want 413 problem details", res.StatusCode, got)
	}
	site.unchangedSince(before, "an oversized API body refused")
}

// A visitor who closes the tab while a page is made is no server error:
// nothing at ERROR in the log, and no 500 in the access log.
func TestAClientThatWentAwayIsNoError(t *testing.T) {
	site := newEditSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, path := range []string{"/", fmt.Sprintf("/commitments/%d", site.commitmentID), "/api/v1/commitments"} {
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		site.server.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("GET %s from a client gone: %d", path, rec.Code)
		}
	}
	if logs := site.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("a client that went away was logged as an error:\n%s", logs)
	}
}

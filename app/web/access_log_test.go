package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Every request leaves one line in the log, kept pages too, with what an
// operator needs to find it again: its id (a proxy's, when it sends one),
// method, path, status, size and duration.
func TestEveryRequestLeavesOneLineInTheLog(t *testing.T) {
	a := newAccountSite(t, "http://example.test")
	ask := func(path, id string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		req.Header.Set("X-Request-ID", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	ask("/plans", "first-plans")
	ask("/plans", "kept-plans") // from the page cache
	if resp := ask("/no-such-page", "missing"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/no-such-page: %d", resp.StatusCode)
	}
	logs := a.logs.String()
	for id, want := range map[string]string{
		"first-plans": `level=INFO msg=request request_id=first-plans method=GET path=/plans status=200 bytes=[1-9][0-9]* duration=[0-9.]+[µnm]?s$`,
		"kept-plans":  `level=INFO msg=request request_id=kept-plans method=GET path=/plans status=200 bytes=[1-9][0-9]* duration=[0-9.]+[µnm]?s$`,
		"missing":     `level=INFO msg=request request_id=missing method=GET path=/no-such-page status=404 bytes=[1-9][0-9]* duration=[0-9.]+[µnm]?s$`,
	} {
		var lines []string
		for _, l := range strings.Split(logs, "\n") {
			if strings.Contains(l, "request_id="+id+" ") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 || !regexp.MustCompile(want).MatchString(lines[0]) {
			t.Errorf("request %s logged %d lines %q, want one matching %s", id, len(lines), lines, want)
		}
	}
}

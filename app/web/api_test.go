package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// apiSite is the report site (commitment 2-1, led by the Central Election
// Commission, with the demo plan's reporting periods) with API tokens of
// the CEC and of the Ministry of Education.
type apiSite struct {
	*reportSite
	cec, moe   string // tokens with milestones:write
	reportOnly string // a CEC token with reports:write only
	other      *model.Milestone
}

func newAPISite(t *testing.T) *apiSite {
	t.Helper()
	site := &apiSite{reportSite: newReportSite(t)}
	ctx := context.Background()
	issue := func(name, agency string, scopes ...string) string {
		a, err := site.st.FindAgencyByCode(ctx, agency)
		if err != nil {
			t.Fatal(err)
		}
		token, err := site.st.CreateAPIToken(ctx, &model.APIToken{Name: name, AgencyID: a.ID, Scopes: scopes})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	site.cec = issue("cec-pms", "CEC", string(model.ScopeMilestonesWrite))
	site.moe = issue("moe-pms", "MOE", string(model.ScopeMilestonesWrite))
	site.reportOnly = issue("cec-reports", "CEC", string(model.ScopeReportsWrite))
	site.other = site.milestoneNotOf("CEC")
	return site
}

// milestoneNotOf finds a milestone an agency neither leads, supports nor answers for.
func (s *apiSite) milestoneNotOf(code string) *model.Milestone {
	s.t.Helper()
	ctx := context.Background()
	a, err := s.st.FindAgencyByCode(ctx, code)
	if err != nil {
		s.t.Fatal(err)
	}
	liaison := &model.User{Role: model.RoleLiaison, AgencyID: &a.ID}
	cs, _, err := s.st.FindCommitments(ctx, store.CommitmentFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range cs {
		ms, err := s.st.FindMilestones(ctx, []uint{c.ID})
		if err != nil {
			s.t.Fatal(err)
		}
		for _, m := range ms[c.ID] {
			full, err := s.st.FindMilestoneByID(ctx, m.ID)
			if err != nil {
				s.t.Fatal(err)
			}
			if !liaison.MayChangeMilestone(full, full.Commitment) && full.Status != model.MilestoneCompleted {
				return full
			}
		}
	}
	s.t.Fatalf("every milestone is %s's", code)
	return nil
}

// call sends a request to the API with a token ("" for none) and a body.
func (s *apiSite) call(method, path, token, body string, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// apiProblem is a problem answer of the API (RFC 9457).
type apiProblem struct {
	Type, Title, Detail string
	Status              int
	Errors              []struct{ Field, Detail string }
}

// problemOf reads a problem answer and checks its media type.
func problemOf(t *testing.T, res *http.Response, body []byte) (p apiProblem) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d answered %q, want application/problem+json:\n%s", res.StatusCode, ct, body)
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != res.StatusCode {
		t.Fatalf("problem %s: %v", body, err)
	}
	return p
}

// fields are the names of the fields at fault.
func (p apiProblem) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// The issue's "must show": with only a token, an agency's system moves a
// milestone of its own agency to completed; the change is on the public
// page, in the feed and in the history; the same token is refused on
// another agency's milestone.
func TestAnAgencyTokenCompletesItsMilestoneAndIsRefusedAnothers(t *testing.T) {
	site := newAPISite(t)
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	res, body := site.call("GET", path, "", "")
	var m struct {
		Status  string
		Version int
	}
	if err := json.Unmarshal(body, &m); res.StatusCode != 200 || err != nil || m.Status != "not-started" {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	res, body = site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "completed", "completed_on": "2021-12-15", "version": %d}`, m.Version))
	if res.StatusCode != 200 || !strings.Contains(string(body), `"status":"completed"`) || !strings.Contains(string(body), `"completed_on":"2021-12-15"`) {
		t.Fatalf("PATCH: %d %s", res.StatusCode, body)
	}
	if got := site.milestone(); got.Status != model.MilestoneCompleted || got.CompletedOn != model.MustDate("2021-12-15") {
		t.Fatalf("stored %s %s", got.Status, got.CompletedOn)
	}

	// The record of changes names the door, the token and its agency.
	changes := site.changes()
	if len(changes) != 1 || changes[0].Door != model.DoorAPI || changes[0].Actor != "API token cec-pms of agency CEC" || changes[0].UserID != nil {
		t.Fatalf("record of changes: %+v", changes)
	}
	// The public page shows the milestone completed and who changed it.
	_, page := site.visitor().do("GET", fmt.Sprintf("/commitments/%d?lang=en", site.commitmentID), nil)
	if !strings.Contains(page, "Changed through the API (API token cec-pms of agency CEC)") {
		t.Errorf("the commitment's page does not show the change through the API")
	}
	// The feed of the commitment has it, as a feed reader reads it.
	res, body = site.call("GET", fmt.Sprintf("/feed.atom?commitment=%d&lang=en", site.commitmentID), "", "")
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if res.StatusCode != 200 || err != nil || len(feed.Items) == 0 {
		t.Fatalf("feed: %d %v\n%s", res.StatusCode, err, body)
	}
	if it := feed.Items[0]; !strings.Contains(it.Title, "Milestone 4") || it.Author == nil ||
		it.Author.Name != "Changed through the API (API token cec-pms of agency CEC)" || !strings.Contains(it.Content, "Completed") {
		t.Errorf("newest entry: %q by %+v: %q", it.Title, it.Author, it.Content)
	}
	// The API's commitment carries the history too.
	_, body = site.call("GET", fmt.Sprintf("/api/v1/commitments/%d", site.commitmentID), "", "")
	if !strings.Contains(string(body), `"door":"api","actor":"API token cec-pms of agency CEC"`) {
		t.Errorf("the commitment's history in the API lacks the change")
	}

	// Another agency's milestone: 403, and nothing changes.
	before := len(site.changes())
	other := fmt.Sprintf("/api/v1/milestones/%d", site.other.ID)
	res, body = site.call("PATCH", other, site.cec, fmt.Sprintf(`{"status": "in-progress", "version": %d}`, site.other.Version))
	if p := problemOf(t, res, body); res.StatusCode != http.StatusForbidden || p.Type != "/api#problem-token" {
		t.Errorf("another agency's milestone: %d %s", res.StatusCode, body)
	}
	if again, _ := site.st.FindMilestoneByID(context.Background(), site.other.ID); again.Status != site.other.Status || again.Version != site.other.Version {
		t.Errorf("the other agency's milestone changed: %+v", again)
	}
	if len(site.changes()) != before {
		t.Error("a refused write entered the record of changes")
	}
}

// The shell script of the README does what the test above does, with
// curl alone, against a running tracker.
func TestTheCurlDemoScript(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	site := newAPISite(t)
	cmd := exec.Command("sh", "testdata/api-demo.sh")
	cmd.Env = append(os.Environ(), "BASE="+site.srv.URL, "TOKEN="+site.cec, "TODAY=2021-12-20",
		fmt.Sprintf("MILESTONE=%d", site.m.ID), fmt.Sprintf("OTHER=%d", site.other.ID))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "done\n") {
		t.Fatalf("the script failed: %v\n%s", err, out)
	}
	for _, want := range []string{"PATCH: 200", "on the public page: yes", "in the feed: yes", "in the history: yes", "another agency's milestone: 403"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the script did not say %q:\n%s", want, out)
		}
	}
	if m := site.milestone(); m.Status != model.MilestoneCompleted || m.CompletedOn != model.MustDate("2021-12-20") {
		t.Errorf("the milestone is %s %s", m.Status, m.CompletedOn)
	}
}

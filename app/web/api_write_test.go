package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// A refused write changes nothing: neither the milestone nor the record.
func (s *apiSite) unchanged(what string) {
	s.t.Helper()
	if m := s.milestone(); m.Status != s.m.Status || m.Version != s.m.Version || !m.CompletedOn.IsZero() {
		s.t.Errorf("%s changed the milestone: %s %s v%d", what, m.Status, m.CompletedOn, m.Version)
	}
	if n := len(s.changes()); n != 0 {
		s.t.Errorf("%s entered %d changes in the record", what, n)
	}
}

func TestAPIWritesAreCheckedAndAnsweredWithProblemsNamingTheField(t *testing.T) {
	site := newAPISite(t)
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	v := site.m.Version
	for _, tc := range []struct {
		name, body string
		status     int
		fields     []string
	}{
		{"malformed JSON", `{"status": "completed",`, 400, nil},
		{"not an object", `["completed"]`, 400, nil},
		{"two objects", `{"status":"completed"} {}`, 400, nil},
		{"unknown fields", fmt.Sprintf(`{"status": "completed", "completed_on": "2021-12-15", "version": %d, "reason": "x", "Status": "y"}`, v), 422, []string{"Status", "reason"}},
		{"a note of the wrong type", fmt.Sprintf(`{"status": "in-progress", "note": 3, "version": %d}`, v), 422, []string{"note"}},
		{"evidence not a list", fmt.Sprintf(`{"status": "in-progress", "evidence": "https://x.example", "version": %d}`, v), 422, []string{"evidence"}},
		{"status missing", fmt.Sprintf(`{"version": %d}`, v), 422, []string{"status"}},
		{"status of the wrong type", fmt.Sprintf(`{"status": 3, "version": %d}`, v), 422, []string{"status"}},
		{"unknown status", fmt.Sprintf(`{"status": "done", "version": %d}`, v), 422, []string{"status"}},
		{"completion date not a date", fmt.Sprintf(`{"status": "completed", "completed_on": "15/12/2021", "version": %d}`, v), 422, []string{"completed_on"}},
		{"completion date a month", fmt.Sprintf(`{"status": "completed", "completed_on": "2021-12", "version": %d}`, v), 422, []string{"completed_on"}},
		{"completed without a date", fmt.Sprintf(`{"status": "completed", "version": %d}`, v), 422, []string{"completed_on"}},
		{"completed in the future", fmt.Sprintf(`{"status": "completed", "completed_on": "2022-01-15", "version": %d}`, v), 422, []string{"completed_on"}},
		{"version not a number", `{"status": "in-progress", "version": "3"}`, 422, []string{"version"}},
		{"no version", `{"status": "in-progress"}`, 428, nil},
		{"stale version", fmt.Sprintf(`{"status": "in-progress", "version": %d}`, v+5), 409, nil},
	} {
		res, body := site.call("PATCH", path, site.cec, tc.body)
		p := problemOf(t, res, body)
		if res.StatusCode != tc.status || !slices.Equal(p.fields(), tc.fields) {
			t.Errorf("%s: %d naming %v, want %d naming %v\n%s", tc.name, res.StatusCode, p.fields(), tc.status, tc.fields, body)
		}
		site.unchanged(tc.name)
	}

	// If-Match takes the ETag the milestone's answer gave; a stale one is 412.
	res, _ := site.call("GET", path, "", "")
	etag := res.Header.Get("ETag")
	if strings.TrimSuffix(strings.Trim(etag, `"`), "-gzip") != fmt.Sprintf(`milestone-%d-v%d`, site.m.ID, v) {
		t.Fatalf("ETag %q", etag)
	}
	res, body := site.call("PATCH", path, site.cec, `{"status": "in-progress"}`, "If-Match", fmt.Sprintf(`"milestone-%d-v%d"`, site.m.ID, v+1))
	if p := problemOf(t, res, body); res.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match: %d %+v", res.StatusCode, p)
	}
	site.unchanged("a stale If-Match")
	res, body = site.call("PATCH", path, site.cec, `{"status": "in-progress"}`, "If-Match", etag)
	if res.StatusCode != 200 || res.Header.Get("ETag") != fmt.Sprintf(`"milestone-%d-v%d"`, site.m.ID, v+1) {
		t.Fatalf("If-Match: %d %q %s", res.StatusCode, res.Header.Get("ETag"), body)
	}
	// The same again changes nothing and records nothing.
	res, _ = site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "in-progress", "version": %d}`, v+1))
	if res.StatusCode != 200 || len(site.changes()) != 1 || site.milestone().Version != v+1 {
		t.Errorf("the same values again: %d, %d changes, v%d", res.StatusCode, len(site.changes()), site.milestone().Version)
	}
}

func TestATokenWorksOnlyForItsAgencyAndScopeAndUntilRevoked(t *testing.T) {
	site := newAPISite(t)
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	body := fmt.Sprintf(`{"status": "in-progress", "version": %d}`, site.m.Version)
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", 401},
		{"an unknown token", "ogpt_not-a-token", 401},
		{"a token without milestones:write", site.reportOnly, 403},
		{"a token of another agency", site.moe, 403},
	} {
		res, b := site.call("PATCH", path, tc.token, body)
		problemOf(t, res, b)
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, res.StatusCode, tc.status, b)
		}
		if tc.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, res.Header.Get("WWW-Authenticate"))
		}
		site.unchanged(tc.name)
	}

	// Revoked: 401 from then on. The last use is noted until then.
	ctx := context.Background()
	tokens, err := site.st.ListAPITokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cec model.APIToken
	for _, tk := range tokens {
		if tk.Name == "cec-pms" {
			cec = tk
		}
	}
	if cec.LastUsedAt != nil || strings.Contains(cec.TokenHash, site.cec) || len(cec.TokenHash) != 64 {
		t.Fatalf("a fresh token: %+v", cec)
	}
	if res, b := site.call("PATCH", path, site.cec, body); res.StatusCode != 200 {
		t.Fatalf("the CEC's token: %d %s", res.StatusCode, b)
	}
	if err := site.st.RevokeAPIToken(ctx, cec.ID); err != nil {
		t.Fatal(err)
	}
	tokens, _ = site.st.ListAPITokens(ctx)
	for _, tk := range tokens {
		if tk.ID == cec.ID && (tk.LastUsedAt == nil || tk.RevokedAt == nil) {
			t.Errorf("after use and revocation: %+v", tk)
		}
	}
	res, b := site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "delayed", "version": %d}`, site.m.Version+1))
	if problemOf(t, res, b); res.StatusCode != 401 || site.milestone().Status != model.MilestoneInProgress {
		t.Errorf("a revoked token: %d, milestone %s", res.StatusCode, site.milestone().Status)
	}
}

// A token opens no form of the web, and a signed-in browser cannot write
// through the API: there is no way around the form token.
func TestTokensAndSessionsDoNotCrossOver(t *testing.T) {
	site := newAPISite(t)
	// A token sent to the web's form: refused as a form without its form token.
	form := url.Values{"status": {"completed"}, "completed_on": {"2021-12-15"}, "version": {fmt.Sprint(site.m.Version)}}
	req, _ := http.NewRequest("POST", site.srv.URL+site.updatePath(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+site.cec)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a token on the web's form: %d", res.StatusCode)
	}
	site.unchanged("a token on the web's form")

	// The CEC's liaison, signed in, cannot use the API with the session:
	// without the form token it is refused by the CSRF check…
	liaison := site.as("liaison@cec.example.org")
	body := fmt.Sprintf(`{"status": "completed", "completed_on": "2021-12-15", "version": %d}`, site.m.Version)
	send := func(header ...string) *http.Response {
		req, _ := http.NewRequest("PATCH", site.srv.URL+fmt.Sprintf("/api/v1/milestones/%d", site.m.ID), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := liaison.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := send(); res.StatusCode != http.StatusForbidden {
		t.Errorf("a session without the form token: %d", res.StatusCode)
	}
	// …even with a token of its agency beside the cookie…
	if res := send("Authorization", "Bearer "+site.cec); res.StatusCode != http.StatusForbidden {
		t.Errorf("a session cookie with a bearer token: %d", res.StatusCode)
	}
	// …and with the form token, the API still reads no session: 401.
	if res := send("X-CSRF-Token", liaison.formToken()); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a session with its form token: %d", res.StatusCode)
	}
	site.unchanged("a session on the API")
}

var secretOnPage = regexp.MustCompile(`<code class="tokens-secret">(ogpt_[^<]+)</code>`)

func TestAdministratorsIssueAndRevokeTokensOthersMayNot(t *testing.T) {
	site := newAPISite(t)
	for email, want := range map[string]int{"": 303, "liaison@cec.example.org": 403, "member@committee.example.org": 403} {
		if res, _ := site.as(email).do("GET", "/admin/tokens", nil); res.StatusCode != want {
			t.Errorf("%q: /admin/tokens %d, want %d", email, res.StatusCode, want)
		}
	}
	liaison := site.as("liaison@cec.example.org")
	if res, _ := liaison.do("POST", "/admin/tokens", url.Values{"name": {"x"}, "scopes": {"milestones:write"}, "csrf_token": {liaison.formToken()}}); res.StatusCode != 403 {
		t.Errorf("a liaison issuing a token: %d", res.StatusCode)
	}

	admin := site.as("admin@secretariat.example.org")
	res, page := admin.do("GET", "/admin/tokens?lang=en", nil)
	if res.StatusCode != 200 || !strings.Contains(page, "cec-pms") || !strings.Contains(page, "Issue a token") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("/admin/tokens: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	cec, _ := site.st.FindAgencyByCode(context.Background(), "CEC")
	// Missing fields: 422, nothing issued.
	res, page = admin.do("POST", "/admin/tokens", url.Values{"name": {" "}, "csrf_token": {admin.token(page)}})
	if res.StatusCode != 422 || !strings.Contains(page, "Give the token a name") || !strings.Contains(page, "Choose the agency") || !strings.Contains(page, "Choose at least one scope") {
		t.Errorf("an empty form: %d", res.StatusCode)
	}
	res, page = admin.do("POST", "/admin/tokens", url.Values{"name": {"cec-sync"}, "agency": {fmt.Sprint(cec.ID)},
		"scopes": {"milestones:write"}, "csrf_token": {admin.token(page)}})
	m := secretOnPage.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("issuing: %d, token shown: %v", res.StatusCode, m)
	}
	token := m[1]
	// Shown once: the list does not show it again.
	if _, again := admin.do("GET", "/admin/tokens", nil); strings.Contains(again, token) || !strings.Contains(again, "cec-sync") {
		t.Error("the token is shown again, or not listed")
	}
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	if res, b := site.call("PATCH", path, token, fmt.Sprintf(`{"status": "in-progress", "version": %d}`, site.m.Version)); res.StatusCode != 200 {
		t.Fatalf("the token issued: %d %s", res.StatusCode, b)
	}
	if _, list := admin.do("GET", "/admin/tokens?lang=en", nil); strings.Contains(between(list, "cec-sync", "</tr>"), "never") {
		t.Error("the last use is not shown")
	}
	tokens, _ := site.st.ListAPITokens(context.Background())
	id := tokens[0].ID
	res, _ = admin.do("POST", fmt.Sprintf("/admin/tokens/%d/revoke", id), url.Values{"csrf_token": {admin.formToken()}})
	if res.StatusCode != 303 {
		t.Fatalf("revoking: %d", res.StatusCode)
	}
	if res, _ := site.call("PATCH", path, token, fmt.Sprintf(`{"status": "delayed", "version": %d}`, site.m.Version+1)); res.StatusCode != 401 {
		t.Errorf("a revoked token: %d", res.StatusCode)
	}
}

// An agency's system drafts its progress report; only the lead agency's
// token with reports:write may, and the draft stays private until the
// liaison submits it on the web.
func TestALeadAgencysTokenDraftsItsReport(t *testing.T) {
	site := newAPISite(t)
	ctx := context.Background()
	moe, _ := site.st.FindAgencyByCode(ctx, "MOE")
	moeReports, err := site.st.CreateAPIToken(ctx, &model.APIToken{Name: "moe-reports", AgencyID: moe.ID, Scopes: model.Strings{"reports:write"}})
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"commitment_id": %d, "period_id": %d, "narrative": "系統已完成測試。", "next_steps": "上線。"}`, site.commitmentID, site.period.ID)
	for name, token := range map[string]string{"another agency's reports token": moeReports, "a token for milestones only": site.cec} {
		res, b := site.call("POST", "/api/v1/reports", token, body)
		if problemOf(t, res, b); res.StatusCode != 403 || len(site.reports()) != 0 {
			t.Errorf("%s: %d, %d reports", name, res.StatusCode, len(site.reports()))
		}
	}
	res, b := site.call("POST", "/api/v1/reports", site.reportOnly, body)
	if res.StatusCode != 201 || !strings.HasPrefix(res.Header.Get("Location"), "/reports/") || !strings.Contains(string(b), `"status":"draft"`) {
		t.Fatalf("draft: %d %s", res.StatusCode, b)
	}
	rs := site.reports()
	if len(rs) != 1 || rs[0].Status != model.ReportDraft || rs[0].Narrative != "系統已完成測試。" || rs[0].NextSteps != "上線。" {
		t.Fatalf("stored %+v", rs)
	}
	if ch := site.changes(); len(ch) != 1 || ch[0].Door != model.DoorAPI || ch[0].Actor != "API token cec-reports of agency CEC" || ch[0].ActorAgency != "CEC" {
		t.Errorf("record of changes: %+v", ch)
	}
	// The draft is private: not in the public evidence pack.
	if _, pack := site.call("GET", fmt.Sprintf("/api/v1/commitments/%d/evidence", site.commitmentID), "", ""); !strings.Contains(string(pack), `"reports":[]`) {
		t.Error("a draft is in the public evidence pack")
	}
	// The liaison edits and submits it on the web; then the pack has it.
	liaison := site.as("liaison@cec.example.org")
	form := site.draftForm(liaison, "submit")
	form.Set("revision", fmt.Sprint(rs[0].Revision))
	path := res.Header.Get("Location")
	if res, page := liaison.do("POST", path, form); res.StatusCode != 303 {
		t.Fatalf("submitting on the web: %d\n%.2000s", res.StatusCode, page)
	}
	site.confirm(liaison, path)
	_, html := site.visitor().do("GET", fmt.Sprintf("/commitments/%d/evidence?lang=en", site.commitmentID), nil)
	if !strings.Contains(html, "Progress reports") || strings.Contains(html, "No progress report has been submitted yet.") {
		t.Error("the evidence page lacks the submitted report")
	}
}

// An agency's system reports a milestone's note and evidence with its status.
func TestAPIMilestoneUpdatesCarryANoteAndEvidence(t *testing.T) {
	site := newAPISite(t)
	path := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	body := fmt.Sprintf(`{"status": "in-progress", "note": "測試中", "evidence": [{"title": {"zh-TW": "測試報告"}, "url": "https://www.cec.gov.tw/t.pdf"}], "version": %d}`, site.m.Version)
	res, got := site.call("PATCH", path, site.cec, body)
	if res.StatusCode != 200 || !strings.Contains(string(got), `"note":"測試中"`) || !strings.Contains(string(got), "https://www.cec.gov.tw/t.pdf") {
		t.Fatalf("PATCH: %d %s", res.StatusCode, got)
	}
	// Not given, they stay; null empties the note.
	m := site.milestone()
	res, got = site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "delayed", "version": %d}`, m.Version))
	if m := site.milestone(); res.StatusCode != 200 || m.Note != "測試中" || len(m.Evidence) != 1 {
		t.Errorf("a PATCH without them: %d %s, note %q, %d links", res.StatusCode, got, m.Note, len(m.Evidence))
	}
	res, got = site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "delayed", "note": null, "version": %d}`, site.milestone().Version))
	if m := site.milestone(); res.StatusCode != 200 || m.Note != "" {
		t.Errorf("note null: %d %s, note %q", res.StatusCode, got, m.Note)
	}
	// A link that is not http(s) is refused, naming it, and changes nothing.
	before := site.milestone()
	res, got = site.call("PATCH", path, site.cec, fmt.Sprintf(`{"status": "delayed", "evidence": [{"title": {"en": "x"}, "url": "ftp://x.example"}], "version": %d}`, before.Version))
	if res.StatusCode != 422 || !strings.Contains(string(got), "evidence[0].url") {
		t.Errorf("a bad link: %d %s", res.StatusCode, got)
	}
	if m := site.milestone(); m.Version != before.Version {
		t.Error("a refused PATCH changed the milestone")
	}
}

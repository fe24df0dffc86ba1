package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/web"
)

// loadOpenAPI reads the API's description as the server sends it, and
// checks that it is a valid OpenAPI 3 document.
func loadOpenAPI(t *testing.T, site *apiSite) *openapi3.T {
	t.Helper()
	res, body := site.call("GET", "/api/openapi.json", "", "")
	if res.StatusCode != 200 || !bytes.Equal(body, web.OpenAPIDocument()) {
		t.Fatalf("/api/openapi.json: %d", res.StatusCode)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// Every documented endpoint answers as documented: real answers of the
// server, of every documented path and method, are checked against the
// OpenAPI document, statuses included (an undocumented status fails).
func TestEveryDocumentedEndpointAnswersAsDocumented(t *testing.T) {
	site := newAPISite(t)
	doc := loadOpenAPI(t, site)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, body := site.call("GET", "/api/v1/plans", "", "")
	planID := between(string(body), `"id":`, ",")
	cec, err := site.st.FindAgencyByCode(context.Background(), "CEC")
	if err != nil {
		t.Fatal(err)
	}
	// A submitted report, for the evidence pack.
	liaison := site.as("liaison@cec.example.org")
	site.draft(liaison, site.draftForm(liaison, "submit"))
	report := func(extra string) string {
		return fmt.Sprintf(`{"commitment_id": %d, "period_id": %d, "narrative": "電子連署系統已完成測試。"%s}`, site.commitmentID, site.period.ID, extra)
	}
	meeting := apiMeetingWithTranscript(t, site.st, site.commitmentID, cec.ID)
	// Questions: one answered, one hidden.
	ctx := context.Background()
	var questions []uint
	for _, text := range []string{"何時上線？", "與本案無關的廣告"} {
		q := &model.Question{CommitmentID: &site.commitmentID, Kind: model.AskQuestion, Text: text, Lang: "zh-TW", Channel: model.ChannelOnline}
		if err := site.st.AskQuestion(ctx, q, "", "", nil); err != nil {
			t.Fatal(err)
		}
		questions = append(questions, q.ID)
	}
	cecLiaison := model.NewContextWithActor(ctx, site.users["liaison@cec.example.org"].ActorThrough(model.DoorWeb))
	if err := site.st.AnswerQuestion(cecLiaison, questions[0], &model.QuestionEntry{Disposition: model.DispositionPartly, Body: "六月上線。", Reasons: "需先完成測試。"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := site.st.FollowUpQuestion(ctx, questions[0], "測試何時完成？", "", "h"); err != nil {
		t.Fatal(err)
	}
	if err := site.st.HideQuestion(ctx, questions[1], model.HideOffTopic, nil, ""); err != nil {
		t.Fatal(err)
	}
	m := fmt.Sprintf("/api/v1/milestones/%d", site.m.ID)
	other := fmt.Sprintf("/api/v1/milestones/%d", site.other.ID)
	requests := []struct {
		method, path, token, body string
		header                    []string
		status                    int
	}{
		{"GET", "/api/v1/plans", "", "", nil, 200},
		{"GET", "/api/v1/plans/" + planID, "", "", nil, 200},
		{"GET", "/api/v1/plans/" + planID + "?asof=2023-06-30", "", "", nil, 200},
		{"GET", "/api/v1/plans/999999", "", "", nil, 404},
		{"GET", "/api/v1/plans/" + planID + "?asof=yesterday", "", "", nil, 400},
		{"GET", "/api/v1/commitments", "", "", nil, 200},
		{"GET", "/api/v1/commitments?plan=all&sort=-progress&state=on-track", "", "", nil, 200},
		{"GET", "/api/v1/commitments?q=%E9%81%B8%E8%88%89&agency=" + fmt.Sprint(cec.ID), "", "", nil, 200},
		{"GET", "/api/v1/commitments?state=late", "", "", nil, 400},
		{"GET", "/api/v1/commitments?page=99", "", "", nil, 404},
		{"GET", fmt.Sprintf("/api/v1/commitments/%d", site.commitmentID), "", "", nil, 200},
		{"GET", "/api/v1/commitments/999999", "", "", nil, 404},
		{"GET", fmt.Sprintf("/api/v1/commitments/%d?asof=2023-13-01", site.commitmentID), "", "", nil, 400},
		{"GET", fmt.Sprintf("/api/v1/commitments/%d/evidence", site.commitmentID), "", "", nil, 200},
		{"GET", "/api/v1/commitments/999999/evidence", "", "", nil, 404},
		{"GET", fmt.Sprintf("/api/v1/commitments/%d/evidence?asof=x", site.commitmentID), "", "", nil, 400},
		{"GET", "/api/v1/agencies", "", "", nil, 200},
		{"GET", "/api/v1/milestones", "", "", nil, 200},
		{"GET", fmt.Sprintf("/api/v1/milestones?due_before=2022-12-31&agency=%d", cec.ID), "", "", nil, 200},
		{"GET", fmt.Sprintf("/api/v1/milestones?commitment=%d&due_after=2021-01-01", site.commitmentID), "", "", nil, 200},
		{"GET", "/api/v1/milestones?due_before=soon", "", "", nil, 400},
		{"GET", "/api/v1/milestones?agency=999999", "", "", nil, 404},
		{"GET", m, "", "", nil, 200},
		{"GET", "/api/v1/questions", "", "", nil, 200},
		{"GET", fmt.Sprintf("/api/v1/questions?commitment=%d&agency=%d&status=open&sort=votes&plan=%s", site.commitmentID, cec.ID, planID), "", "", nil, 200},
		{"GET", "/api/v1/questions?status=closed", "", "", nil, 400},
		{"GET", fmt.Sprintf("/api/v1/questions/%d", questions[0]), "", "", nil, 200},
		{"GET", fmt.Sprintf("/api/v1/questions/%d", questions[1]), "", "", nil, 200},
		{"GET", "/api/v1/questions/999999", "", "", nil, 404},
		{"GET", "/api/v1/milestones/999999", "", "", nil, 404},
		{"GET", "/api/v1/meetings", "", "", nil, 200},
		{"GET", "/api/v1/meetings?plan=" + planID, "", "", nil, 200},
		{"GET", "/api/v1/meetings?plan=x", "", "", nil, 400},
		{"GET", fmt.Sprintf("/api/v1/meetings/%d", meeting), "", "", nil, 200},
		{"GET", "/api/v1/meetings/999999", "", "", nil, 404},
		{"PATCH", m, "", `{"status":"in-progress","version":1}`, nil, 401},
		{"PATCH", m, "not-a-token", `{"status":"in-progress","version":1}`, nil, 401},
		{"PATCH", m, site.reportOnly, `{"status":"in-progress","version":1}`, nil, 403},
		{"PATCH", other, site.cec, `{"status":"in-progress","version":1}`, nil, 403},
		{"PATCH", "/api/v1/milestones/999999", site.cec, `{"status":"in-progress","version":1}`, nil, 404},
		{"PATCH", m, site.cec, `{"status":`, nil, 400},
		{"PATCH", m, site.cec, `{"status":"in-progress","version":1,"reason":"x"}`, nil, 422},
		{"PATCH", m, site.cec, `{"status":"done","version":1}`, nil, 422},
		{"PATCH", m, site.cec, `{"status":"in-progress"}`, nil, 428},
		{"PATCH", m, site.cec, `{"status":"in-progress","version":7}`, nil, 409},
		{"PATCH", m, site.cec, `{"status":"in-progress"}`, []string{"If-Match", `"milestone-1-v7"`}, 412},
		{"PATCH", m, site.cec, fmt.Sprintf(`{"status":"in-progress","version":%d}`, site.m.Version), nil, 200},
		{"PATCH", m, site.cec, `{"status":"completed","completed_on":"2021-12-01"}`, []string{"If-Match", fmt.Sprintf(`"milestone-%d-v%d"`, site.m.ID, site.m.Version+1)}, 200},
	}
	requests = append(requests, []struct {
		method, path, token, body string
		header                    []string
		status                    int
	}{
		{"POST", "/api/v1/reports", "", report(""), nil, 401},
		{"POST", "/api/v1/reports", site.cec, report(""), nil, 403},
		{"POST", "/api/v1/reports", site.reportOnly, `{"commitment_id": `, nil, 400},
		{"POST", "/api/v1/reports", site.reportOnly, report(`, "submit": true`), nil, 422},
		{"POST", "/api/v1/reports", site.reportOnly, fmt.Sprintf(`{"commitment_id": %d}`, site.commitmentID), nil, 422},
		{"POST", "/api/v1/reports", site.reportOnly, report(`, "evidence": [{"title": {"en": "Minutes"}, "url": "ftp://x"}]`), nil, 422},
		{"POST", "/api/v1/reports", site.reportOnly, report(`, "evidence": [{"title": {"zh-TW": "會議紀錄", "en": "Minutes"}, "url": "https://example.org/minutes"}]`), nil, 201},
		{"POST", "/api/v1/reports", site.reportOnly, report(""), nil, 409},
	}...)
	seen := map[string]map[int]bool{}
	for _, r := range requests {
		res, body := site.call(r.method, r.path, r.token, r.body, r.header...)
		if res.StatusCode != r.status {
			t.Errorf("%s %s: %d, want %d\n%s", r.method, r.path, res.StatusCode, r.status, body)
			continue
		}
		req, _ := http.NewRequest(r.method, "http://example.test"+r.path, strings.NewReader(r.body))
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s is not documented: %v", r.method, r.path, err)
			continue
		}
		key := r.method + " " + route.Path
		if seen[key] == nil {
			seen[key] = map[int]bool{}
		}
		seen[key][res.StatusCode] = true
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s answered %d not as documented: %v\n%.600s", r.method, r.path, res.StatusCode, err, body)
		}
	}
	// Every documented operation and status was answered above (304, 429
	// and 503 have their own tests).
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				var code int
				fmt.Sscan(status, &code)
				if code != 304 && code != 429 && code != 503 && !seen[method+" "+path][code] {
					missing = append(missing, fmt.Sprintf("%s %s %d", method, path, code))
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("documented but not tried: %v", missing)
	}
}

// between is the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

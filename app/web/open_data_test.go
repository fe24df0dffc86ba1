package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/transfer"
	"github.com/ogptracker/ogptracker/app/web"
)

// readCSV reads a download back as a spreadsheet program would, after
// checking that it starts with the UTF-8 byte-order mark.
func readCSV(t *testing.T, body []byte) []map[string]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no byte-order mark: %q", body[:min(len(body), 20)])
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestCSVDownloadsCarryEveryRecordWithTheOGPColumns(t *testing.T) {
	site := newAPISite(t)
	res, body := site.call("GET", "/export/commitments.csv", "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("commitments.csv: %d %v", res.StatusCode, res.Header)
	}
	rows := readCSV(t, body)
	if len(rows) != 19 {
		t.Fatalf("%d commitments, want the demo plan's 19", len(rows))
	}
	var found bool
	for _, r := range rows {
		if r["Commitment Number"] == "2-1" {
			found = true
			if !strings.Contains(r["Commitment Title (zh-TW)"], "公民投票") || r["Lead Institution"] == "" ||
				r["Action Plan ID"] == "" || r["Schedule State"] == "" || r["Milestones"] == "" || r["OGP Value Civic Participation"] == "" {
				t.Errorf("row of 2-1: %v", r)
			}
		}
	}
	if !found {
		t.Error("no row for 2-1")
	}
	for _, col := range []string{"Commitment Unique Identifier", "Lead Institution", "Completion (End Of Term)", "Did It Open Government (Overall)", "Potential Impact"} {
		if _, ok := rows[0][col]; !ok {
			t.Errorf("no column %q", col)
		}
	}

	_, body = site.call("GET", "/export/milestones.csv", "", "")
	ms := readCSV(t, body)
	if len(ms) != 37 {
		t.Errorf("%d milestones, want the demo plan's 37", len(ms))
	}
	for _, m := range ms {
		if m["Commitment Number"] == "2-1" && m["Milestone"] == "4" &&
			(m["Milestone Title (zh-TW)"] != "全國性公民投票案電子連署系統上線" || m["Status"] != "not-started" || m["Schedule State"] == "") {
			t.Errorf("2-1/4: %v", m)
		}
	}
	if res, _ := site.call("GET", "/export/commitments.csv?plan=x", "", ""); res.StatusCode != 400 {
		t.Errorf("a bad plan: %d", res.StatusCode)
	}
	if res, _ := site.call("GET", "/export/other.csv", "", ""); res.StatusCode != 404 {
		t.Errorf("an unknown file: %d", res.StatusCode)
	}
}

// The plan's JSON download is the import format: importing it into an
// empty tracker reproduces the plan, byte for byte on export.
func TestAPlanDownloadImportsIntoAnEmptyTrackerAsTheSamePlan(t *testing.T) {
	site := newAPISite(t)
	_, body := site.call("GET", "/api/v1/plans", "", "")
	id := between(string(body), `"id":`, ",")
	res, body := site.call("GET", "/export/plan-"+id+".json", "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("plan-%s.json: %d", id, res.StatusCode)
	}
	ds, err := transfer.ReadJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	empty, err := store.Open(testdb.NewURL(t, "empty.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := empty.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := empty.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	again, err := empty.ExportDataset(ctx, store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := transfer.WriteJSON(&buf, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), body) {
		t.Error("the plan imported into an empty tracker exports differently")
	}
	if c, _ := empty.Count(ctx); c.Commitments != 19 || c.Milestones != 37 || c.Plans != 1 {
		t.Errorf("imported %+v", c)
	}
	if strings.Contains(string(body), "@") && strings.Contains(string(body), `"public": false`) {
		for _, c := range ds.Contacts {
			if !c.Public && (c.Email != "" || c.Phone != "") {
				t.Errorf("contact %s: private details in a public download", c.Ref)
			}
		}
	}
	if res, _ := site.call("GET", "/export/plan-999.json", "", ""); res.StatusCode != 404 {
		t.Errorf("a missing plan: %d", res.StatusCode)
	}
}

func TestTheCalendarHasEveryDueDateAsCalendarProgramsReadIt(t *testing.T) {
	site := newAPISite(t)
	res, body := site.call("GET", fmt.Sprintf("/calendar.ics?commitment=%d&lang=en", site.commitmentID), "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("calendar: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) == 0 {
		t.Fatalf("no events:\n%s", body)
	}
	var found bool
	for _, e := range events {
		if e.GetProperty(ics.ComponentPropertyUniqueId).Value == fmt.Sprintf("milestone-%d@example.test", site.m.ID) {
			found = true
			day, err := e.GetAllDayStartAt()
			want := site.m.Due.Last(time.UTC)
			if err != nil || day.Format("2006-01-02") != want.Format("2006-01-02") {
				t.Errorf("2-1/4 on %v (%v), want %s", day, err, want.Format("2006-01-02"))
			}
			if s := e.GetProperty(ics.ComponentPropertySummary).Value; !strings.HasPrefix(s, "2-1/4 ") {
				t.Errorf("summary %q", s)
			}
		}
	}
	if !found {
		t.Error("2-1/4 is not in its commitment's calendar")
	}
	// The whole plan, and one agency's.
	_, body = site.call("GET", "/calendar.ics", "", "")
	all, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil || len(all.Events()) <= len(events) {
		t.Errorf("the plan's calendar: %v, %d events", err, len(all.Events()))
	}
	cec, _ := site.st.FindAgencyByCode(context.Background(), "CEC")
	_, body = site.call("GET", fmt.Sprintf("/calendar.ics?agency=%d", cec.ID), "", "")
	if some, err := ics.ParseCalendar(bytes.NewReader(body)); err != nil || len(some.Events()) == 0 || len(some.Events()) >= len(all.Events()) {
		t.Errorf("the CEC's calendar: %v", err)
	}
	if res, _ := site.call("GET", "/calendar.ics?agency=x", "", ""); res.StatusCode != 400 {
		t.Errorf("a bad agency: %d", res.StatusCode)
	}
}

func TestFeedsOfPlansAndAgenciesParseAndAreLinkedFromTheirPages(t *testing.T) {
	site := newAPISite(t)
	ctx := context.Background()
	plan, err := site.st.FindHomePlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cec, _ := site.st.FindAgencyByCode(ctx, "CEC")
	for _, path := range []string{"/feed.atom", fmt.Sprintf("/feed.atom?plan=%d", plan.ID), fmt.Sprintf("/feed.atom?agency=%d", cec.ID)} {
		res, body := site.call("GET", path, "", "")
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if res.StatusCode != 200 || err != nil || len(feed.Items) == 0 || feed.Language != "zh-TW" {
			t.Errorf("%s: %d %v", path, res.StatusCode, err)
		}
	}
	if res, _ := site.call("GET", "/feed.atom?agency=999999", "", ""); res.StatusCode != 404 {
		t.Errorf("an unknown agency's feed: %d", res.StatusCode)
	}
	b := site.visitor()
	for page, feed := range map[string]string{
		fmt.Sprintf("/plans/%d", plan.ID):                 fmt.Sprintf(`href="/feed.atom?plan=%d"`, plan.ID),
		fmt.Sprintf("/agencies/%d", cec.ID):               fmt.Sprintf(`href="/calendar.ics?agency=%d"`, cec.ID),
		fmt.Sprintf("/commitments/%d", site.commitmentID): fmt.Sprintf(`href="/feed.atom?commitment=%d"`, site.commitmentID),
		"/about": `href="/feed.atom"`,
	} {
		if _, html := b.do("GET", page, nil); !strings.Contains(html, `<link rel="alternate"`) || !strings.Contains(html, feed) {
			t.Errorf("%s does not link %s", page, feed)
		}
	}
}

func TestTheAPIPageExplainsInBothLanguagesAndEveryFooterLinksIt(t *testing.T) {
	site := newAPISite(t)
	b := site.visitor()
	for lang, want := range map[string]string{"zh-TW": "開放資料與 API", "en": "Open data and API"} {
		res, page := b.do("GET", "/api?lang="+lang, nil)
		if res.StatusCode != 200 || !strings.Contains(page, "<h1>"+want+"</h1>") || !strings.Contains(page, "/api/openapi.json") {
			t.Errorf("/api in %s: %d", lang, res.StatusCode)
		}
		if _, home := b.do("GET", "/?lang="+lang, nil); !strings.Contains(home, `<a href="/api">`+want+`</a>`) {
			t.Errorf("the footer in %s does not link the API page", lang)
		}
	}
}

func TestTheReadAPIIsOpenCachedAndPaged(t *testing.T) {
	site := newAPISite(t)
	// Open to any origin, with a preflight for scripts.
	res, body := site.call("GET", "/api/v1/plans", "", "", "Origin", "https://example.org")
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("CORS: %d %v", res.StatusCode, res.Header)
	}
	res, _ = site.call("OPTIONS", "/api/v1/commitments", "", "", "Origin", "https://example.org", "Access-Control-Request-Method", "GET")
	if res.StatusCode != 204 || !strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
	}
	// Revalidated by ETag.
	res, _ = site.call("GET", "/api/v1/plans", "", "")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res, b := site.call("GET", "/api/v1/plans", "", "", "If-None-Match", etag); res.StatusCode != 304 || len(b) != 0 {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}

	// Texts in both languages, dates in ISO 8601.
	var plans struct {
		Items []struct {
			Title map[string]*string
			Start *string
		}
	}
	if err := json.Unmarshal(body, &plans); err != nil || len(plans.Items) != 1 {
		t.Fatalf("plans: %v", err)
	}
	if p := plans.Items[0]; p.Title["zh-TW"] == nil || p.Title["en"] == nil || p.Start == nil || len(*p.Start) < 7 {
		t.Errorf("plan %+v", p)
	}

	// Pages of the list, linked both ways, with the filters kept.
	var page struct {
		Items []struct{ Code string }
		Total int
		Links struct{ Self, Prev, Next *string }
	}
	_, body = site.call("GET", "/api/v1/commitments?plan=all&sort=-code", "", "")
	if err := json.Unmarshal(body, &page); err != nil || page.Total != 19 || len(page.Items) != 19 || page.Links.Next != nil || page.Items[0].Code == "1-1" {
		t.Errorf("every commitment: %v %+v", err, page)
	}
}

func TestATooEagerClientIsAskedToWait(t *testing.T) {
	api := newAPISite(t)
	api.stop() // and start again with a small limit
	api.rate = web.RateLimit{Rate: 0.5, Burst: 3}
	api.start()
	for i, path := range []string{"/api/v1/agencies", "/api/v1/plans", "/api/v1/commitments/1"} {
		if res, _ := api.call("GET", path, "", ""); res.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	res, body := api.call("GET", "/api/v1/commitments/2", "", "")
	p := problemOf(t, res, body)
	wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != http.StatusTooManyRequests || err != nil || wait < 1 || wait > 2 || p.Type != "/api#problem-rate" {
		t.Errorf("the 4th request: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res, _ := api.call("GET", "/export/commitments.csv", "", ""); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("a download over the limit: %d", res.StatusCode)
	}
	// An answer already kept costs the tracker no more than a file, and
	// the pages people read are not limited.
	for _, path := range []string{"/api/v1/agencies", "/"} {
		if res, _ := api.visitor().do("GET", path, nil); res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}

// The evidence pack shows every milestone's evidence and the whole record
// of changes, printable and as JSON, and the commitment's page links it.
func TestTheEvidencePackHasEveryLinkAndTheWholeHistory(t *testing.T) {
	site := newAPISite(t)
	// More changes than a commitment's page lists.
	for i := range 12 {
		status := []string{"in-progress", "delayed"}[i%2]
		if res, b := site.call("PATCH", fmt.Sprintf("/api/v1/milestones/%d", site.m.ID), site.cec,
			fmt.Sprintf(`{"status": %q, "version": %d}`, status, site.m.Version+i)); res.StatusCode != 200 {
			t.Fatalf("change %d: %d %s", i, res.StatusCode, b)
		}
	}
	b := site.visitor()
	if _, page := b.do("GET", fmt.Sprintf("/commitments/%d?lang=en", site.commitmentID), nil); !strings.Contains(page, fmt.Sprintf(`href="/commitments/%d/evidence"`, site.commitmentID)) {
		t.Error("the commitment's page does not link its evidence pack")
	}
	res, page := b.do("GET", fmt.Sprintf("/commitments/%d/evidence?lang=en", site.commitmentID), nil)
	total := site.imported + 12
	if res.StatusCode != 200 || !strings.Contains(page, "<h1>Evidence pack: ") || !strings.Contains(page, fmt.Sprintf("%d changes", total)) ||
		strings.Contains(page, "most recent") {
		t.Errorf("evidence page: %d, want all %d changes listed", res.StatusCode, total)
	}
	var pack struct {
		Evidence     []struct{ URL, MilestoneRef string }
		History      []struct{ Door string }
		HistoryTotal int `json:"history_total"`
		Milestones   []struct{ Evidence []struct{ URL string } }
	}
	_, body := site.call("GET", fmt.Sprintf("/api/v1/commitments/%d/evidence", site.commitmentID), "", "")
	if err := json.Unmarshal(body, &pack); err != nil || len(pack.History) != total || pack.HistoryTotal != total {
		t.Fatalf("evidence JSON: %v, %d of %d changes", err, len(pack.History), pack.HistoryTotal)
	}
	links := 0
	for _, m := range pack.Milestones {
		links += len(m.Evidence)
	}
	if len(pack.Evidence) != links {
		t.Errorf("%d evidence links, the milestones have %d", len(pack.Evidence), links)
	}
}

// The plan's API answer gives the overall progress its page shows, and its
// commitments counted by state add up to all of them.
func TestThePlanAnswerHasTheOverallProgressOfItsPage(t *testing.T) {
	site := newAPISite(t)
	ctx := context.Background()
	// One milestone done, so that the plan's progress is not nought.
	today := model.DayOf(site.clock.Now())
	if _, err := site.st.UpdateMilestoneProgress(ctx, site.m.ID, site.m.Version, model.ProgressUpdate{Status: model.MilestoneCompleted, CompletedOn: today}, today); err != nil {
		t.Fatal(err)
	}
	_, body := site.call("GET", "/api/v1/plans", "", "")
	id := between(string(body), `"id":`, ",")
	res, body := site.call("GET", "/api/v1/plans/"+id, "", "")
	var plan struct {
		Progress struct {
			Commitments int
			Overall     *float64
			States      map[string]int
		}
	}
	if err := json.Unmarshal(body, &plan); res.StatusCode != 200 || err != nil || plan.Progress.Overall == nil {
		t.Fatalf("/api/v1/plans/%s: %d, %v\n%s", id, res.StatusCode, err, body)
	}
	percent := int(*plan.Progress.Overall*100 + 0.5)
	if percent <= 0 || percent >= 100 {
		t.Errorf("overall progress %v, want some but not all of it after one milestone", *plan.Progress.Overall)
	}
	page := mustGet(t, site.srv, "/plans/"+id+"?lang=en")
	if want := fmt.Sprintf(`<dt>Overall progress</dt><dd><progress max="100" value="%d"`, percent); !strings.Contains(page, want) {
		t.Errorf("the plan page does not show %d%% as the API's overall progress:\n%s", percent, between(page, "<dl", "</dl>"))
	}
	sum := 0
	for _, n := range plan.Progress.States {
		sum += n
	}
	if sum != plan.Progress.Commitments || plan.Progress.Commitments != 19 {
		t.Errorf("states %v add up to %d of %d commitments, want 19", plan.Progress.States, sum, plan.Progress.Commitments)
	}
}

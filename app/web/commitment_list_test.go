package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// listDemo is the demo plan with what the source does not give: some
// milestones done (1-1: one of three, 2-1: four of five, 3-4: both), OGP
// values and policy areas, an English title and descriptions, and earlier
// ends for 2-1 and 4-1.
func listDemo(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]int{"1-1": 1, "2-1": 4, "3-4": 2}
	for ci := range ds.Plans[0].Commitments {
		c := &ds.Plans[0].Commitments[ci]
		for mi := range c.Milestones[:done[c.Code]] {
			c.Milestones[mi].Status = model.MilestoneCompleted
		}
		switch c.Code {
		case "1-1":
			c.Values = []model.OGPValue{model.ValueAccessToInformation, model.ValueTechnology}
			c.PolicyAreas = []string{"Open Data"}
			c.Description = model.T("en", "Rules for the release and Reuse of government data.")
		case "2-1":
			c.Title["en"] = "Online petitions for national referendums"
			c.Values = []model.OGPValue{model.ValueCivicParticipation, model.ValueTechnology}
			c.PolicyAreas = []string{"Public Participation", "Digital Governance"}
			c.End = model.MustDate("2022-12")
		case "4-1":
			c.Values = []model.OGPValue{model.ValuePublicAccountability}
			c.PolicyAreas = []string{"Anti-Corruption and Integrity"}
			c.End = model.MustDate("2023-12")
		case "5-1":
			c.Description = model.T("zh-TW", "揭露公司與法人的實質受益人資料。")
		}
	}
	return ds
}

// listServer serves ds on a fresh store whose clock shows now.
func listServer(t *testing.T, ds *model.Dataset, now time.Time) *httptest.Server {
	t.Helper()
	st := storetest.Open(t, func() time.Time { return now })
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

var codeCell = regexp.MustCompile(`<td data-label="(?:編號|No\.)">([^<]*)</td>`)

// shownCodes are the commitment numbers of the results table, in order.
func shownCodes(body string) []string {
	var out []string
	for _, m := range codeCell.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func wantCodes(t *testing.T, srv *httptest.Server, path string, want ...string) string {
	t.Helper()
	body := mustGet(t, srv, path)
	if got := shownCodes(body); !slices.Equal(got, want) {
		t.Errorf("%s shows %v, want %v", path, got, want)
	}
	return body
}

// optionValue is the value of the option labelled label in the select named name.
func optionValue(t *testing.T, body, name, label string) string {
	t.Helper()
	sel := section(t, body, `<select id="list-`+name+`"`, "</select>")
	m := regexp.MustCompile(`<option value="([^"]*)"[^>]*>` + regexp.QuoteMeta(label) + `</option>`).FindStringSubmatch(sel)
	if m == nil {
		t.Fatalf("the %s select has no option %q", name, label)
	}
	return m[1]
}

var unassessedDemo = []string{"1-2", "1-3", "1-4", "1-5", "2-5", "3-1", "3-2", "3-3", "4-2", "4-3", "5-1", "5-2"}

func TestCommitmentListFiltersTheDemoPlan(t *testing.T) {
	srv := listServer(t, listDemo(t), day)
	all := wantCodes(t, srv, "/commitments", "1-1", "1-2", "1-3", "1-4", "1-5", "2-1", "2-2", "2-3", "2-4", "2-5",
		"3-1", "3-2", "3-3", "3-4", "4-1", "4-2", "4-3", "5-1", "5-2")
	wantIn(t, "the list", all, "<h1>所有承諾事項</h1>", `<h2 id="list-results">共 19 項承諾</h2>`,
		"臺灣開放政府國家行動方案（2021–2024） · 資料日期 2021年12月20日", `<a href="/commitments">所有承諾事項</a>`)
	// One plan: no plan column.
	wantNotIn(t, "the list of one plan", section(t, all, "<thead>", "</thead>"), "行動方案")

	theme2 := optionValue(t, all, "theme", "主軸 2： 擴大公共參與")
	ndc := optionValue(t, all, "agency", "國家發展委員會")
	dcs := optionValue(t, all, "agency", "行政院資通安全處")
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"theme=" + theme2, []string{"2-1", "2-2", "2-3", "2-4", "2-5"}},
		{"agency=" + ndc, []string{"1-1", "2-3"}}, // leads both
		{"agency=" + dcs, []string{"2-1"}},        // supports it
		{"completion=limited", []string{"1-1"}},
		{"completion=substantial", []string{"2-1"}},
		{"completion=complete", []string{"3-4"}},
		{"completion=not-started", []string{"2-2", "2-3", "2-4", "4-1"}},
		{"completion=unassessed", unassessedDemo},
		{"state=overdue", []string{"2-3"}}, // due in February 2021
		{"state=due-soon", []string{"2-2", "2-4", "4-1"}},
		{"state=complete", []string{"3-4"}},
		{"state=unknown", unassessedDemo},
		{"value=technology-and-innovation", []string{"1-1", "2-1"}},
		{"area=Open+Data", []string{"1-1"}},
		{"q=資料", []string{"1-1", "1-2", "5-1"}},                                 // two titles and a description
		{"q=REFERENDUM", []string{"2-1"}},                                       // an English title, any case
		{"q=reuse+government", []string{"1-1"}},                                 // English description, every word
		{"q=2-1", []string{"2-1"}},                                              // a number
		{"q=公共+參與", []string{"3-2", "3-4"}},                                     // every word
		{"theme=" + theme2 + "&state=due-soon", []string{"2-2", "2-4"}},         // filters combine
		{"state=overdue&asof=2022-01-15", []string{"2-2", "2-3", "2-4", "4-1"}}, // 1-1, 2-1 and 3-4 did December's
	} {
		wantCodes(t, srv, "/commitments?"+tt.query, tt.want...)
	}

	body := mustGet(t, srv, "/commitments?state=due-soon")
	wantIn(t, "a filtered list", body, `<h2 id="list-results">19 項承諾中，符合條件者 3 項</h2>`,
		`<option value="due-soon" selected>即將到期</option>`)
	// The choices are the plan's: its values and areas, translated.
	wantIn(t, "the filter form", all, `<option value="technology-and-innovation">科技與創新</option>`,
		`<option value="Open Data" lang="en">Open Data</option>`, `<option value="complete">完成</option>`,
		`<label for="list-q">關鍵字</label>`, `<button type="submit">顯示承諾事項</button>`, `<a href="/commitments">清除篩選條件</a>`)
	wantNotIn(t, "the filter form", all, `value="collective-action"`)

	en := mustGet(t, srv, "/commitments?state=due-soon&lang=en")
	wantIn(t, "the English list", en, `<html lang="en">`, "<h1>All commitments</h1>", `<h2 id="list-results">3 of 19 commitments</h2>`,
		`<option value="due-soon" selected>Due soon</option>`, `<option value="limited">Limited</option>`, "Clear filters")
}

func TestCommitmentListSortOrders(t *testing.T) {
	srv := listServer(t, listDemo(t), day)
	for _, tt := range []struct {
		sort string
		want []string
	}{
		{"-code", []string{"5-2", "5-1", "4-3", "4-2", "4-1", "3-4", "3-3"}},
		// Nothing to measure comes last, either way.
		{"progress", []string{"2-2", "2-3", "2-4", "4-1", "1-1", "2-1", "3-4", "1-2"}},
		{"-progress", []string{"3-4", "2-1", "1-1", "2-2", "2-3", "2-4", "4-1", "1-2"}},
		{"state", []string{"2-3", "2-2", "2-4", "4-1", "1-1", "2-1", "3-4", "1-2"}},
		{"-state", []string{"3-4", "1-1", "2-1", "2-2", "2-4", "4-1", "2-3", "1-2"}},
		{"end", []string{"2-1", "4-1", "1-1", "2-2", "2-3", "2-4", "3-4", "1-2"}},
		{"-end", []string{"1-1", "2-2", "2-3", "2-4", "3-4", "4-1", "2-1", "1-2"}},
	} {
		got := shownCodes(mustGet(t, srv, "/commitments?sort="+tt.sort))
		if len(got) != 19 || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("sort=%s: %v, want it to start %v", tt.sort, got, tt.want)
		}
	}
	// Titles in stroke order, as Taiwan's dictionaries: 全 (6 strokes), 青 (8), 擴 (18).
	body := mustGet(t, srv, "/commitments?sort=title")
	i, j, k := strings.Index(body, "全國性公民投票案電子連署"), strings.Index(body, "青年政策參與"), strings.Index(body, "擴大原住民族跨域參與")
	if i >= j || j >= k {
		t.Errorf("sort=title: 全 at %d, 青 at %d, 擴 at %d", i, j, k)
	}
	body = mustGet(t, srv, "/commitments?sort=-title")
	i, j, k = strings.Index(body, "全國性公民投票案電子連署"), strings.Index(body, "青年政策參與"), strings.Index(body, "擴大原住民族跨域參與")
	if i <= j || j <= k {
		t.Errorf("sort=-title: 全 at %d, 青 at %d, 擴 at %d", i, j, k)
	}
	wantIn(t, "the sort select", body, `<option value="-title" selected>名稱，依筆畫由多到少</option>`)
}

// "Updated" is the last progress reported: a dataset's day of a status
// is one, a corrected title is not; commitments with none come last.
func TestCommitmentListSortsByLastUpdate(t *testing.T) {
	clock := storetest.NewClock(day)
	st := storetest.Open(t, clock.Now)
	ds := listDemo(t)
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	// A week later 4-2's title is corrected, and statuses of 1-1 and 2-4
	// come with the days their source gave them.
	clock.Advance(7 * 24 * time.Hour)
	for ci := range ds.Plans[0].Commitments {
		switch c := &ds.Plans[0].Commitments[ci]; c.Code {
		case "4-2":
			c.Title["en"] = "Procurement integrity platform"
		case "1-1":
			d := model.MustDate("2021-12-23")
			c.Milestones[0].StatusAsOf = &d
		case "2-4":
			d := model.MustDate("2021-12-26")
			c.Milestones[0].Status, c.Milestones[0].StatusAsOf = model.MilestoneInProgress, &d
		}
	}
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	got := shownCodes(mustGet(t, srv, "/commitments?sort=-updated"))
	if len(got) != 19 || !slices.Equal(got[:2], []string{"2-4", "1-1"}) {
		t.Errorf("newest first: %v", got)
	}
	got = shownCodes(mustGet(t, srv, "/commitments?sort=updated"))
	if len(got) != 19 || !slices.Equal(got[:2], []string{"1-1", "2-4"}) {
		t.Errorf("oldest first: %v", got)
	}
}

func TestCommitmentListPagesKeepTheFilters(t *testing.T) {
	st, h := loadedServer(t, false)
	srv := httptest.NewServer(h)
	defer srv.Close()
	big := planID(t, st, demo.GeneratedBigPlanRef)

	// 200 commitments: four pages of 50.
	first := fmt.Sprintf("/commitments?plan=%d&q=open&sort=-progress", big)
	body := mustGet(t, srv, first)
	wantIn(t, "page 1", body, `<h2 id="list-results">200 項承諾中，符合條件者 200 項</h2>`, "顯示第 1 至 50 項，共 200 項。",
		`<nav class="list-pages" aria-label="清單分頁">`)
	if n := len(shownCodes(body)); n != 50 {
		t.Errorf("page 1 shows %d commitments, want 50", n)
	}
	pages := section(t, body, `<nav class="list-pages"`, "</nav>")
	next := fmt.Sprintf("/commitments?page=2&amp;plan=%d&amp;q=open&amp;sort=-progress", big)
	wantIn(t, "page 1's links", pages, `<a href="`+next+`" rel="next">下一頁</a>`,
		fmt.Sprintf(`<a href="/commitments?plan=%d&amp;q=open&amp;sort=-progress" aria-label="第 1 頁" aria-current="page">1</a>`, big),
		fmt.Sprintf(`<a href="/commitments?page=4&amp;plan=%d&amp;q=open&amp;sort=-progress" aria-label="第 4 頁">4</a>`, big))
	wantNotIn(t, "page 1's links", pages, `rel="prev"`)
	// The language switch keeps the view too.
	lang := linkBefore(t, body, "/commitments?", `hreflang="en"`)
	u, err := url.Parse(html.UnescapeString(lang))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("plan") != fmt.Sprint(big) || q.Get("q") != "open" || q.Get("sort") != "-progress" || q.Get("lang") != "en" {
		t.Errorf("the language switch is %s", lang)
	}

	body = mustGet(t, srv, html.UnescapeString(next))
	wantIn(t, "page 2", body, "顯示第 51 至 100 項，共 200 項。", "<title>所有承諾事項 · 第 2 頁",
		fmt.Sprintf(`<a href="/commitments?plan=%d&amp;q=open&amp;sort=-progress" rel="prev">上一頁</a>`, big),
		fmt.Sprintf(`<a href="/commitments?page=3&amp;plan=%d&amp;q=open&amp;sort=-progress" rel="next">下一頁</a>`, big),
		`aria-label="第 2 頁" aria-current="page">2</a>`)
	page1, page2 := shownCodes(mustGet(t, srv, first)), shownCodes(body)
	if len(page2) != 50 || slices.ContainsFunc(page2, func(c string) bool { return slices.Contains(page1, c) }) {
		t.Errorf("page 2 %v repeats page 1 %v", page2, page1)
	}
	last := mustGet(t, srv, fmt.Sprintf("/commitments?plan=%d&page=4", big))
	if n := len(shownCodes(last)); n != 50 || strings.Contains(last, `rel="next"`) {
		t.Errorf("the last page shows %d commitments, or links further", n)
	}
	if res, _ := get(t, srv, fmt.Sprintf("/commitments?plan=%d&page=5", big)); res.StatusCode != 404 {
		t.Errorf("a page past the last: status %d, want 404", res.StatusCode)
	}

	// The plan's own agencies are the choices.
	wantIn(t, "the big plan's agencies", section(t, body, `<select id="list-agency"`, "</select>"), ">產生的機關 GEN-A0</option>")
	wantNotIn(t, "the big plan's agencies", section(t, body, `<select id="list-agency"`, "</div>"), "國家發展委員會", "list-agency-hint")

	// Every plan: a plan column, the count of all, and the agencies of the
	// tracker's own member only, which the form says.
	body = mustGet(t, srv, "/commitments?plan=all&lang=en")
	wantIn(t, "every plan", body, `<h2 id="list-results">238 commitments</h2>`, `<option value="all" selected>Every action plan</option>`,
		`<th scope="col">Action plan</th>`, "Showing 1 to 50 of 238.",
		`<td data-label="Action plan"><a href="/plans/`, `<select id="list-agency" name="agency" aria-describedby="list-agency-hint">`,
		`<small id="list-agency-hint" class="meta">With every action plan chosen, only the agencies of Taiwan are listed;`)
	agencies := section(t, body, `<select id="list-agency"`, "</select>")
	wantIn(t, "the agencies of every plan", agencies, ">National Development Council</option>")
	wantNotIn(t, "the agencies of every plan", agencies, "Generated agency")
	// An agency of another member chosen on its plan stays chosen.
	gen := optionValue(t, mustGet(t, srv, fmt.Sprintf("/commitments?plan=%d&lang=en", big)), "agency", "Generated agency GEN-A3")
	body = mustGet(t, srv, "/commitments?plan=all&lang=en&agency="+gen)
	wantIn(t, "another member's agency", body, `<option value="`+gen+`" selected>Generated agency GEN-A3</option>`, "44 of 238 commitments") // leads or supports 22 each
	body = mustGet(t, srv, "/commitments?plan=all&q=%E7%94%A2%E7%94%9F%E7%9A%84%E6%89%BF%E8%AB%BE%E4%BA%8B%E9%A0%85+5-40")
	if got := shownCodes(body); !slices.Equal(got, []string{"5-40"}) {
		t.Errorf("every plan, one code: %v", got)
	}
}

func TestCommitmentListRefusesBadInput(t *testing.T) {
	srv := newServer(t, day)
	for path, status := range map[string]int{
		"/commitments?page=abc": 400, "/commitments?page=0": 400, "/commitments?page=-1": 400, "/commitments?page=2": 404,
		"/commitments?state=nonsense": 400, "/commitments?state=cancelled": 400, "/commitments?completion=withdrawn": 400,
		"/commitments?value=openness": 400, "/commitments?sort=nonsense": 400, "/commitments?sort=--code": 400,
		"/commitments?asof=garbage": 400, "/commitments?asof=2021-02-30": 400, "/commitments?plan=abc": 400,
		"/commitments?theme=abc": 400, "/commitments?agency=abc": 400, "/commitments?agency=999999": 400,
		"/commitments?q=" + strings.Repeat("x", 201): 400, "/commitments?plan=999999": 404,
	} {
		res, body := get(t, srv, path)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
		wantIn(t, path, body, "<h1>", `href="/"`)
	}
}

func TestCommitmentListSaysWhenNothingMatches(t *testing.T) {
	srv := newServer(t, day)
	body := mustGet(t, srv, "/commitments?q=不存在的承諾")
	wantIn(t, "an empty list", body, `<h2 id="list-results">19 項承諾中，符合條件者 0 項</h2>`,
		`<p class="list-empty">沒有符合這些條件的承諾事項。請減少篩選條件或換個關鍵字。 <a href="/commitments">清除篩選條件</a></p>`,
		`value="不存在的承諾"`)
	wantNotIn(t, "an empty list", body, "<table", `class="list-pages"`)

	// A theme of another plan is let go, and the page says why.
	body = mustGet(t, srv, "/commitments?plan=all&theme=1")
	wantIn(t, "another plan's theme", body, "先前選擇的主軸屬於其他行動方案", `<h2 id="list-results">共 19 項承諾</h2>`)
	// An agency outside the plan is no choice, but stays chosen and matches nothing.
	wantIn(t, "the agency select", body, `<option value="4">國家發展委員會</option>`)
	wantNotIn(t, "the agency select", body, `<option value="1">行政院</option>`)
	body = mustGet(t, srv, "/commitments?agency=1")
	wantIn(t, "an agency leading nothing", body, `<option value="1" selected>行政院</option>`, "符合條件者 0 項")
}

package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// jun30 is a day when six agencies of the demo plan have overdue milestones.
var jun30 = time.Date(2022, 6, 30, 9, 0, 0, 0, taipei)

// watchServer serves ds (the demo plan when nil), imported on the test
// clock's day (20 December 2021), then answers on day now.
func watchServer(t *testing.T, ds *model.Dataset, now time.Time) (*store.Store, *httptest.Server) {
	t.Helper()
	if ds == nil {
		var err error
		if ds, err = demo.Dataset(); err != nil {
			t.Fatal(err)
		}
	}
	clock := storetest.NewClock(day)
	st := storetest.Open(t, clock.Now)
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	clock.Set(now)
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return st, srv
}

// expectedOverdue is what model.Assess says of the home plan on asOf: each
// agency's overdue leaf milestones as "commitment id|title", the longest
// overdue first.
func expectedOverdue(t *testing.T, st *store.Store, asOf time.Time) map[uint][]string {
	t.Helper()
	ctx := context.Background()
	p, err := st.FindHomePlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := st.FindCommitments(ctx, store.CommitmentFilter{PlanID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	ms, err := st.FindMilestones(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	type late struct {
		agency uint
		due    time.Time
		key    string
	}
	var all []late
	for i := range cs {
		c := &cs[i]
		a := model.Assess(nil, c, ms[c.ID], asOf)
		for _, m := range model.Leaves(ms[c.ID]) {
			if a.Milestones[m.ID] != model.StateOverdue {
				continue
			}
			if r := m.ResponsibleAgencyID(c); r != nil {
				all = append(all, late{*r, m.Due.Last(taipei), fmt.Sprintf("%d|%s", c.ID, m.Title["zh-TW"])})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].due.Before(all[j].due) })
	out := map[uint][]string{}
	for _, l := range all {
		out[l.agency] = append(out[l.agency], l.key)
	}
	return out
}

var (
	rowTitle      = regexp.MustCompile(`<th scope="row">(?:<span class="code">[^<]*</span> )?(?:<span lang="zh-TW">)?([^<]*)`)
	rowCommitment = regexp.MustCompile(`href="/commitments/(\d+)"`)
	glanceLink    = regexp.MustCompile(`href="(/milestones\?[^"]*agency=(\d+)[^"]*#overdue)">([^<]*)</a>`)
)

// listedRows returns the milestones a list shows, as "commitment id|title".
func listedRows(t *testing.T, list string) []string {
	t.Helper()
	_, body, ok := strings.Cut(list, "<tbody>")
	if !ok {
		return nil
	}
	var out []string
	for _, row := range strings.Split(body, "<tr>")[1:] {
		title, c := rowTitle.FindStringSubmatch(row), rowCommitment.FindStringSubmatch(row)
		if title == nil || c == nil {
			t.Fatalf("row without title or commitment: %s", row)
		}
		out = append(out, c[1]+"|"+title[1])
	}
	return out
}

// A visitor without JavaScript finds every overdue milestone of an agency
// in two clicks from the home page, in either language: the agency's link
// in "agencies at a glance" opens the list of exactly its overdue milestones.
func TestEveryOverdueMilestoneOfAnAgencyIsTwoClicksFromHome(t *testing.T) {
	st, srv := watchServer(t, nil, jun30)
	want := expectedOverdue(t, st, time.Date(2022, 6, 30, 12, 0, 0, 0, taipei))
	if len(want) < 5 {
		t.Fatalf("only %d agencies have overdue milestones on 2022-06-30; the test needs several", len(want))
	}
	for _, lang := range []struct{ tag, glance, lateBy string }{
		{"zh-TW", "各機關概況", "逾期 181 天"},
		{"en", "Agencies at a glance", "181 days late"},
	} {
		t.Run(lang.tag, func(t *testing.T) {
			// The visitor chose the language with the switch, which remembers it.
			res, home := get(t, srv, "/?lang="+lang.tag)
			cookie := "lang=" + lang.tag
			if got := res.Header.Get("Content-Language"); got != lang.tag {
				t.Fatalf("home page in %q, want %s", got, lang.tag)
			}
			glance := section(t, home, lang.glance, `id="watch-overdue"`)
			links := glanceLink.FindAllStringSubmatch(glance, -1)
			linked := map[uint]bool{}
			for _, l := range links {
				var agency uint
				fmt.Sscan(l[2], &agency)
				linked[agency] = true
				wantRows := want[agency]
				if !strings.HasPrefix(l[3], fmt.Sprint(len(wantRows))) && !strings.Contains(l[3], fmt.Sprintf(" %d ", len(wantRows))) {
					t.Errorf("agency %d: glance says %q, want %d overdue", agency, l[3], len(wantRows))
				}
				// Click 1: the browser keeps the language cookie and sends no fragment.
				url := html.UnescapeString(l[1])
				res, page := get(t, srv, url[:strings.Index(url, "#")], "Cookie", cookie)
				if res.StatusCode != 200 {
					t.Fatalf("%s: status %d", url, res.StatusCode)
				}
				wantIn(t, url, page, `<html lang="`+lang.tag+`">`, `<section id="overdue"`)
				got := listedRows(t, section(t, page, `<section id="overdue"`, "</section>"))
				if !slices.Equal(got, wantRows) {
					t.Errorf("%s lists\n%v\nwant (model.Assess)\n%v", url, got, wantRows)
				}
			}
			for agency := range want {
				if !linked[agency] {
					t.Errorf("agency %d has overdue milestones but no link in the glance", agency)
				}
			}
			if len(links) != len(want) {
				t.Errorf("the glance links %d agencies' overdue milestones, want %d", len(links), len(want))
			}
			// The numbers: a milestone due in December 2021 is 181 days late on 30 June 2022.
			_, all := get(t, srv, "/milestones", "Cookie", cookie)
			wantIn(t, "the milestones page", section(t, all, `<section id="overdue"`, "</section>"), lang.lateBy)
		})
	}
}

// window is the demo plan with day-precision due dates around 1 March 2022:
// overdue 50 days and 1 day, due today, on day 60 and on day 61; a completed
// and a cancelled milestone; and a parent whose child is overdue.
func window(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	for ci := range ds.Plans[0].Commitments {
		c := &ds.Plans[0].Commitments[ci]
		for mi := range c.Milestones {
			m := &c.Milestones[mi]
			switch c.Code + "#" + m.Ref {
			case "2-1#1":
				m.Due = model.MustDate("2022-01-10")
			case "2-1#2":
				m.Due = model.MustDate("2022-02-28")
			case "2-1#3":
				m.Due = model.MustDate("2022-03-01")
			case "2-1#4":
				m.Due = model.MustDate("2022-04-30")
			case "2-1#5":
				m.Due = model.MustDate("2022-05-01")
			case "2-2#4":
				m.Due, m.Status, m.CompletedOn = model.MustDate("2022-03-15"), model.MilestoneCompleted, model.MustDate("2022-02-20")
			case "2-2#5":
				m.Due, m.Status = model.MustDate("2022-02-01"), model.MilestoneCancelled
			case "2-4#2":
				m.Children = []model.MilestoneRecord{{Ref: "2.1", Title: model.T("zh-TW", "子里程碑：工會登記指引初稿"),
					Due: model.MustDate("2022-02-01"), Status: model.MilestoneInProgress, Weight: 1}}
			}
		}
	}
	return ds
}

var mar1 = time.Date(2022, 3, 1, 9, 0, 0, 0, taipei)

func TestMilestoneListsAreOrderedAndTheWindowIsSixtyDays(t *testing.T) {
	_, srv := watchServer(t, window(t), mar1)
	body := mustGet(t, srv, "/milestones")
	overdue := section(t, body, `<section id="overdue"`, "</section>")
	upcoming := section(t, body, `<section id="upcoming"`, "</section>")

	// Oldest due first: February 2021 (366 days), December 2021 (60), 10 January (50), 1 February (28), yesterday (1).
	rows := listedRows(t, overdue)
	titles := make([]string, len(rows))
	for i, r := range rows {
		titles[i] = r[strings.Index(r, "|")+1:]
	}
	order := []string{"建置「地方創生資訊共享交流平臺」網站", "新訂政府資料開放及再利用作業要點。建立精進資料標準及品質機制。",
		"新增憑證多元應用範圍", "子里程碑：工會登記指引初稿", "上線前民眾測試，擴大公共參與以增修系統功能"}
	last := -1
	for _, o := range order {
		i := slices.Index(titles, o)
		if i <= last {
			t.Errorf("overdue list: %q at %d, after the one before it at %d\n%v", o, i, last, titles)
		}
		last = i
	}
	if last != len(titles)-1 {
		t.Errorf("the milestone one day late is not last: %v", titles)
	}
	wantIn(t, "overdue list", overdue, "逾期 366 天", "逾期 60 天", "逾期 50 天", "逾期 28 天", "逾期 1 天", "逾期的里程碑（11 項）")
	// The cancelled one is not late, the completed one is not open, and the
	// parent of a late child is not listed beside it.
	wantNotIn(t, "overdue list", overdue, "盤點國立高級中學現行資訊公開狀況", "盤點大專校院現行資訊公開狀況", "完成簡化請領工會登記證書相關行政指導")

	// Due today and on day 60 are in the window, day 61 is not.
	got := listedRows(t, upcoming)
	if len(got) != 2 || !strings.HasSuffix(got[0], "|身分驗證機制之原始碼以開放授權釋出，不涉內政部或其它機關提供之API原始碼") ||
		!strings.HasSuffix(got[1], "|全國性公民投票案電子連署系統上線") {
		t.Errorf("upcoming list = %v, want the milestones due today and on day 60", got)
	}
	wantIn(t, "upcoming list", upcoming, "今天到期", "還有 60 天", "未來 60 天內到期的里程碑（2 項）", "2022年3月1日", "2022年4月30日")
	wantNotIn(t, "upcoming list", upcoming, "再蒐集民眾使用系統之意見回饋", "盤點大專校院現行資訊公開狀況")

	// A day later the first is one day late and day 61 comes into the window.
	body = mustGet(t, srv, "/milestones?asof=2022-03-02&lang=en")
	wantIn(t, "English lists as of 2 March", section(t, body, `<section id="overdue"`, "</section>"),
		"12 overdue milestones", "1 day late", "2 days late")
	wantIn(t, "English lists as of 2 March", section(t, body, `<section id="upcoming"`, "</section>"),
		"2 milestones due in the next 60 days", "in 59 days", "in 60 days", "1 May 2022")

	// The plan overview lists the same, ten at most, and links to the rest.
	home := mustGet(t, srv, "/")
	list := section(t, home, `id="watch-overdue"`, `id="watch-upcoming"`)
	if n := len(listedRows(t, list)); n != 10 {
		t.Errorf("plan overview lists %d overdue milestones, want 10", n)
	}
	wantIn(t, "plan overview", list, "逾期的里程碑（11 項）", `<a href="/milestones?plan=1#overdue">查看全部 11 項</a>`)
	if got := listedRows(t, section(t, home, `id="watch-upcoming"`, `id="watch-recent"`)); len(got) != 2 {
		t.Errorf("plan overview lists %d upcoming milestones, want 2", len(got))
	}
}

func TestAsOfChangesWhichMilestonesAreOverdue(t *testing.T) {
	srv := newServer(t, day)
	for asof, want := range map[string]string{
		"":           "逾期的里程碑（2 項）", // 20 December 2021: the two due in February 2021
		"2021-02-28": "逾期的里程碑（0 項）",
		"2021-03-01": "逾期的里程碑（2 項）",
		"2022-01-01": "逾期的里程碑（14 項）",
		"2022-12-31": "逾期的里程碑（14 項）",
		"2023-01-01": "逾期的里程碑（22 項）",
	} {
		body := mustGet(t, srv, "/milestones?asof="+asof)
		wantIn(t, "milestones as of "+asof, section(t, body, `<section id="overdue"`, "</h2>"), want)
		home := mustGet(t, srv, "/?asof="+asof)
		wantIn(t, "plan overview as of "+asof, section(t, home, `id="watch-overdue"`, "</h2>"), want)
	}
	// Links from the overview keep the day.
	home := mustGet(t, srv, "/?asof=2022-06-30")
	wantIn(t, "glance as of 2022-06-30", home, `href="/milestones?plan=1&amp;agency=`, `&amp;asof=2022-06-30#overdue"`)
}

func TestCalendarPlacesDaysAndListsMonthOnlyMilestonesApart(t *testing.T) {
	_, srv := watchServer(t, window(t), mar1)
	body := mustGet(t, srv, "/milestones?agency=5&month=2022-03")
	cal := section(t, body, `<section id="calendar"`, "</section>")
	wantIn(t, "March 2022", cal, "<caption>2022年3月</caption>",
		`<th scope="col"><span aria-hidden="true">日</span><span class="visually-hidden">星期日</span></th>`,
		`<span class="visually-hidden">星期六</span></th>`, `data-label="2022年3月1日（星期二）" aria-current="date"`)
	// 1 March 2022 is a Tuesday: two blank cells, then the 1st with the milestone due that day.
	grid := section(t, cal, "<tbody>", "</tbody>")
	first := section(t, grid, "<tr>", "</tr>")
	if n := strings.Count(first, `<td class="outside">`); n != 2 {
		t.Errorf("March 2022 starts after %d blank cells, want 2 (Sunday, Monday)", n)
	}
	one := section(t, grid, `data-label="2022年3月1日`, "</td>")
	wantIn(t, "1 March", one, "即將到期", "身分驗證機制之原始碼以開放授權釋出", `href="/commitments/`)
	if n := strings.Count(grid, "<li>"); n != 1 {
		t.Errorf("CEC's March grid lists %d milestones, want 1", n)
	}
	// Previous and next months keep the agency.
	prev := html.UnescapeString(linkBefore(t, cal, "/milestones", "上個月：2022年2月"))
	next := html.UnescapeString(linkBefore(t, cal, "/milestones", "下個月：2022年4月"))
	if prev != "/milestones?agency=5&month=2022-02#calendar" || next != "/milestones?agency=5&month=2022-04#calendar" {
		t.Errorf("month links: %q, %q", prev, next)
	}
	april := section(t, mustGet(t, srv, strings.TrimSuffix(next, "#calendar")), `<section id="calendar"`, "</section>")
	wantIn(t, "April 2022", april, "<caption>2022年4月</caption>", `data-label="2022年4月30日（星期六）"`, "全國性公民投票案電子連署系統上線")

	// December 2021: every milestone of the demo is given to the month only,
	// so none is placed on a day; they are listed under the grid.
	body = mustGet(t, srv, "/milestones?month=2021-12&asof=2021-12-20&plan=1")
	cal = section(t, body, `<section id="calendar"`, "</section>")
	if strings.Contains(section(t, cal, "<tbody>", "</tbody>"), "<li>") {
		t.Error("a month-only milestone is placed on a day")
	}
	noday := section(t, cal, "<h3>", "</ul>")
	wantIn(t, "December 2021", noday, "2021年12月到期，未標明日期（6 項）", "新訂政府資料開放及再利用作業要點",
		"召開全國青諮資訊網站利害關係人焦點座談", "辦理1場次新勞動三法實施十周年檢討與展望談活動", "即將到期")
	wantIn(t, "December 2021", cal, "2021年12月沒有標明日期到期的里程碑。",
		`href="/milestones?plan=1&amp;asof=2021-12-20&amp;month=2021-11#calendar"`)

	en := section(t, mustGet(t, srv, "/milestones?month=2021-12&lang=en"), `<section id="calendar"`, "</section>")
	wantIn(t, "English December 2021", en, "<caption>December 2021</caption>", `<span class="visually-hidden">Sunday</span>`,
		"Due in December 2021, no day given (6 milestones)", "Previous month: November 2021", "Next month: January 2022",
		`data-label="Friday 31 Dec 2021"`, "⚠</span> Overdue")
}

func TestMilestonesPageFiltersWithAFormAndRefusesBadInput(t *testing.T) {
	_, srv := watchServer(t, nil, jun30)
	body := mustGet(t, srv, "/milestones?agency=5")
	form := section(t, body, `<form class="watch-filter" method="get" action="/milestones">`, "</form>")
	wantIn(t, "filter form", form, `<label for="watch-plan">行動方案</label>`, `<select id="watch-plan" name="plan">`,
		`<label for="watch-agency">機關</label>`, `<option value="5" selected>中央選舉委員會</option>`, `<option value="">所有機關</option>`,
		`<button type="submit">顯示</button>`)
	wantNotIn(t, "filter form", form, "<script")
	// The agency filter can be cleared; the nav leads here.
	wantIn(t, "filtered page", body, `<a href="/milestones">顯示所有機關</a>`, `<li><a href="/milestones">里程碑時程</a></li>`,
		"逾期的里程碑（4 項）")
	wantIn(t, "unfiltered page", mustGet(t, srv, "/milestones?agency="), "逾期的里程碑（14 項）")

	for path, status := range map[string]int{
		"/milestones?agency=abc": 400, "/milestones?month=2021-13": 400, "/milestones?asof=x": 400,
		"/milestones?plan=abc": 400, "/milestones?month=2021-12-05": 400, "/milestones?agency=-1": 400,
		"/milestones?asof=2022-06": 400, "/milestones?month=yesterday": 400,
		"/milestones?plan=999": 404, "/milestones?agency=999": 404, "/milestones?plan=0": 404,
	} {
		res, body := get(t, srv, path)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
		wantIn(t, path, body, "<h1>", `href="/"`)
	}
}

func TestPlanOverviewShowsRecentAndStaleCommitments(t *testing.T) {
	// Imported on 20 December 2021, one status dated that day by its
	// source, and no progress reported since: the rest never had any.
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	reported := model.MustDate("2021-12-20")
	m := &ds.Plans[0].Commitments[0].Milestones[0]
	m.Status, m.StatusAsOf = model.MilestoneInProgress, &reported
	_, srv := watchServer(t, ds, jun30)
	home := mustGet(t, srv, "/?asof=2022-03-19")
	wantIn(t, "as of 2022-03-19", home, "久未更新的承諾事項（18 項）")
	home = mustGet(t, srv, "/?asof=2022-03-21") // 91 days later
	stale := section(t, home, `id="watch-stale"`, "</ul>")
	wantIn(t, "as of 2022-03-21", stale, "久未更新的承諾事項（19 項）", "尚無進度回報")
	if n := strings.Count(stale, `href="/commitments/`); n != 19 {
		t.Errorf("stale list links %d commitments, want 19", n)
	}
	recent := section(t, home, `id="watch-recent"`, "</ol>")
	if n := strings.Count(recent, `href="/commitments/`); n != 1 {
		t.Errorf("recently updated lists %d commitments, want the 1 with progress reported", n)
	}
	wantIn(t, "recently updated", recent, "2021年12月20日 08:00")

	en := mustGet(t, srv, "/?asof=2022-06-30&lang=en")
	wantIn(t, "English overview", en, "Agencies at a glance", "Commitments led", "Milestones overdue",
		"14 overdue milestones", "See all 14", "19 stale commitments", "Recently updated commitments", "No agency recorded",
		`<a href="/milestones?plan=1&amp;asof=2022-06-30">Every milestone of this plan, and the calendar of due dates</a>`)
	glance := section(t, en, `id="watch-agencies"`, "</table>")
	// The most overdue first: CEC and MOE (4 each) before NDC (3).
	cec, moe, ndc := strings.Index(glance, "Central Election Commission"), strings.Index(glance, "Ministry of Education"),
		strings.Index(glance, "National Development Council")
	if cec < 0 || moe < 0 || ndc < 0 || ndc < cec || ndc < moe {
		t.Errorf("glance order: CEC %d, MOE %d, NDC %d", cec, moe, ndc)
	}
}

// The milestones page costs the same number of queries for a plan of 19
// commitments as for one of 200, with or without an agency: no N+1.
func TestMilestonesPageQueriesDoNotGrowWithCommitments(t *testing.T) {
	st, h := loadedServer(t, false)
	var queries atomic.Int64
	if err := st.OnQuery(func() { queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	// Counted once what the page keeps (until the database changes) is
	// kept: the schedules of every milestone, the outline of each plan.
	count := func(path string) int64 {
		t.Helper()
		serve(h, path)
		queries.Store(0)
		if rec := serve(h, path); rec.Code != 200 {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		return queries.Load()
	}
	agency, err := st.FindAgencyByCode(context.Background(), "GEN-A3")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", fmt.Sprintf("&agency=%d", agency.ID), "&asof=2023-06-30&month=2022-06"} {
		small := count(fmt.Sprintf("/milestones?plan=%d%s", planID(t, st, demo.GeneratedSmallPlanRef), q))
		large := count(fmt.Sprintf("/milestones?plan=%d%s", planID(t, st, demo.GeneratedBigPlanRef), q))
		if small == 0 || small != large {
			t.Errorf("milestones page%s: %d queries for 19 commitments, %d for 200", q, small, large)
		}
		t.Logf("milestones page%s: %d queries", q, small)
	}
}

package web_test

import (
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	tagRE      = regexp.MustCompile(`<[^>]+>`)
	chartRowRE = regexp.MustCompile(`(?s)<tr><th scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>`)
	todayRE    = regexp.MustCompile(`<line class="today" x1="([0-9.]+)%"`)
)

// textOf is what a screen reader reads of a piece of markup.
func textOf(markup string) string {
	s := html.UnescapeString(tagRE.ReplaceAllString(markup, ""))
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// chartTable reads the rows of the chart tables in markup: each row's
// heading (icons included) → "count|share".
func chartTable(markup string) map[string]string {
	rows := map[string]string{}
	for _, m := range chartRowRE.FindAllStringSubmatch(markup, -1) {
		rows[textOf(m[1])] = textOf(m[2]) + "|" + textOf(m[3])
	}
	return rows
}

func wantRows(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: row %q = %q, want %q", what, k, got[k], v)
		}
	}
}

// On 20 December 2021 commitment 2-3's milestones due in February are
// overdue, six commitments have milestones due in December, and twelve
// have no dates at all.
func TestPlanChartsTellTheCountsInWords(t *testing.T) {
	srv := newServer(t, day)
	body := mustGet(t, srv, "/")
	charts := section(t, body, `<section class="charts"`, "</section>")
	wantIn(t, "plan charts", charts, "<h2 id=\"charts-title\">進度總覽</h2>", "<figcaption>19 項承諾的時程狀態</figcaption>",
		"<figcaption>19 項承諾的完成程度</figcaption>", "<figcaption>各主軸進度</figcaption>", "以 2021年12月20日 為準")
	wantRows(t, "plan charts", chartTable(charts), map[string]string{
		"⚠ 逾期": "1|5%", "⏰ 即將到期": "6|32%", "? 無時程資料": "12|63%", "合計": "19|100%",
		"無法評估（無可衡量的里程碑）": "12|63%", "尚未開始": "7|37%", "有限": "0|0%", "大部分": "0|0%", "完成": "0|0%",
		"主軸 1： 推動資料開放與資訊公開": "0%|5", "主軸 5： 執行洗錢防制": "無可衡量|2",
	})
	// States no commitment is in are left out; the scale shows every step.
	wantNotIn(t, "plan charts", charts, "按進度", "state-not-started")
	// Each theme's bar links to the theme's page.
	if n := strings.Count(charts, `<a href="/themes/`); n != 5 {
		t.Errorf("progress by theme links %d themes, want 5", n)
	}

	en := section(t, mustGet(t, srv, "/?lang=en"), `<section class="charts"`, "</section>")
	wantIn(t, "English plan charts", en, "Progress at a glance", "Schedule of the 19 commitments", "Progress by theme")
	wantRows(t, "English plan charts", chartTable(en), map[string]string{
		"⚠ Overdue": "1|5%", "⏰ Due soon": "6|32%", "? No schedule recorded": "12|63%", "Total": "19|100%",
		"Unassessed (no milestones to measure)": "12|63%", "Not started": "7|37%", "Complete": "0|0%",
		"Theme 2: Expanding public participation in the public policy": "0%|5", "Theme 5: Executing anti-money laundering": "Nothing to measure|2",
	})
}

func TestPlanChartsFollowTheAsOfDay(t *testing.T) {
	srv := newServer(t, day)
	charts := section(t, mustGet(t, srv, "/?asof=2022-01-15"), `<section class="charts"`, "</section>")
	rows := chartTable(charts)
	wantRows(t, "plan charts as of 2022-01-15", rows, map[string]string{"⚠ 逾期": "7|37%", "? 無時程資料": "12|63%", "合計": "19|100%"})
	if _, ok := rows["⏰ 即將到期"]; ok {
		t.Error("no commitment is due soon on 15 January 2022, yet the chart counts some")
	}
	// The bar draws the same counts: overdue is the first part, 7 of 19.
	wantIn(t, "state bar as of 2022-01-15", charts, `<rect class="seg" x="0%" y="1" width="36.84%" height="26" fill="url(#cp-overdue)"/>`)
}

// Every chart is a figure with a caption; the drawings are hidden from
// screen readers, whose text equivalent is the table beside them.
func TestChartsAreFiguresWithTextEquivalents(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	for _, path := range []string{"/", linkBefore(t, home, "/themes/", "推動資料開放與資訊公開"),
		linkBefore(t, home, "/agencies/", "中央選舉委員會"), linkBefore(t, home, "/commitments/", "全國性公民投票案電子連署")} {
		body := mustGet(t, srv, path)
		figures := strings.Count(body, `<figure class="chart`)
		if figures == 0 || strings.Count(body, "<figcaption>") != figures {
			t.Errorf("%s: %d chart figures, %d captions", path, figures, strings.Count(body, "<figcaption>"))
		}
		for _, svg := range regexp.MustCompile(`<svg[^>]*>`).FindAllString(body, -1) {
			if !strings.Contains(svg, `aria-hidden="true"`) || !strings.Contains(svg, `focusable="false"`) {
				t.Errorf("%s: %s is not hidden from screen readers", path, svg)
			}
		}
		if strings.Count(body, `<svg class="chart-defs"`) != 1 {
			t.Errorf("%s: the chart patterns are defined %d times, want once", path, strings.Count(body, `<svg class="chart-defs"`))
		}
		if strings.Contains(body, "style=") {
			t.Errorf("%s: inline style, which the Content-Security-Policy blocks", path)
		}
	}
}

func TestThemeAndAgencyPagesChartTheirStates(t *testing.T) {
	srv := newServer(t, jan15)
	home := mustGet(t, srv, "/")
	theme := mustGet(t, srv, linkBefore(t, home, "/themes/", "擴大公共參與"))
	chart := section(t, theme, `<figure class="chart">`, "</figure>")
	wantIn(t, "theme chart", chart, "<figcaption>5 項承諾的時程狀態</figcaption>", "<th scope=\"col\">承諾數</th>")
	wantRows(t, "theme chart", chartTable(chart), map[string]string{"⚠ 逾期": "4|80%", "? 無時程資料": "1|20%", "合計": "5|100%"})

	agency := mustGet(t, srv, linkBefore(t, home, "/agencies/", "教育部")+"?lang=en")
	chart = section(t, agency, `<figure class="chart">`, "</figure>")
	wantIn(t, "agency chart", chart, "<figcaption>Schedule of the 12 milestones</figcaption>", `<th scope="col">Milestones</th>`)
	wantRows(t, "agency chart", chartTable(chart), map[string]string{"⚠ Overdue": "4|33%", "⏰ Due soon": "0|0%",
		"● On track": "5|42%", "✔ Complete": "0|0%", "○ Not started": "3|25%", "Total": "12|100%"})
}

func TestCommitmentTimelineShowsEachMilestoneAndTheAsOfDay(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	link := linkBefore(t, home, "/commitments/", "全國性公民投票案電子連署")
	body := mustGet(t, srv, link)
	tl := section(t, body, `<figure class="chart timeline">`, "</figure>")
	wantIn(t, "2-1 timeline", tl, "<figcaption>里程碑時間軸（2021年1月至2024年5月）</figcaption>",
		">2021</text>", ">2024</text>", "資料日期 2021年12月20日</text>", "虛線為資料日期 2021年12月20日")
	for _, want := range []string{"1 ⏰ 即將到期 · 2021年1月–2021年12月", "4 ⏰ 即將到期 · 2021年1月–2021年12月",
		"5 ○ 尚未開始 · 2022年1月–2022年12月"} {
		if !strings.Contains(textOf(tl), want) {
			t.Errorf("2-1 timeline lacks the row %q", want)
		}
	}
	if n := strings.Count(tl, `<rect class="seg"`); n != 5 {
		t.Errorf("2-1 timeline draws %d bars, want one for each of its 5 milestones", n)
	}
	// The whole of 2021 is 365 of the axis's 1,247 days.
	wantIn(t, "2-1 timeline", tl, `<rect class="seg" x="0%" y="42" width="29.27%" height="12" fill="url(#cp-due-soon)"/>`)

	x := func(path string) float64 {
		t.Helper()
		m := todayRE.FindStringSubmatch(mustGet(t, srv, path))
		if m == nil {
			t.Fatalf("%s: no today line", path)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	// The axis's 1,247 days start on 1 January 2021: 20 December 2021 at
	// 09:00 (the test's clock) is 353 days and 9 hours in; ?asof= days are
	// judged at noon.
	share := func(days float64) float64 { return math.Round(days/1247*10000) / 100 }
	for path, want := range map[string]float64{link: share(353 + 9.0/24), link + "?asof=2022-06-30": share(545.5),
		link + "?asof=2021-01-01": share(0.5), link + "?asof=2024-05-31": share(1246.5)} {
		if got := x(path); got != want {
			t.Errorf("%s: today line at %v%%, want %v%%", path, got, want)
		}
	}
	en := section(t, mustGet(t, srv, link+"?asof=2022-06-30&lang=en"), `<figure class="chart timeline">`, "</figure>")
	wantIn(t, "English 2-1 timeline", textOf(en), "1 ⚠ Overdue · Jan 2021–Dec 2021", "As of 30 Jun 2022")

	// After the period there is no line, and the label says so.
	late := mustGet(t, srv, link+"?asof=2025-01-01")
	wantNotIn(t, "2-1 timeline in 2025", late, `<line class="today"`)
	wantIn(t, "2-1 timeline in 2025", late, "資料日期 2025年1月1日 →</text>", "在此期間結束之後")
}

// Commitment 4-1 gives a start but no due date for its second milestone
// and no dates for the four after it: they are marked or listed, never
// drawn at an invented place.
func TestCommitmentTimelineListsMilestonesWithoutDates(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	body := mustGet(t, srv, linkBefore(t, home, "/commitments/", "強化政治獻金透明化"))
	tl := section(t, body, `<figure class="chart timeline">`, "</figure>")
	if n := strings.Count(tl, `<rect class="seg"`); n != 1 {
		t.Errorf("4-1 timeline draws %d bars, want 1", n)
	}
	if n := strings.Count(tl, `<circle class="seg"`); n != 1 {
		t.Errorf("4-1 timeline marks %d milestones by their start alone, want 1", n)
	}
	wantIn(t, "4-1 timeline", textOf(tl), "2022年1月起，未載明到期日", "未載明日期、未畫入時間軸的里程碑： 3、4、5、6")
	if n := strings.Count(tl, "<g><title>"); n != 2 {
		t.Errorf("4-1 timeline has %d rows, want the 2 with a date", n)
	}
}

package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// jan15 is a day after commitment 2-1's four December milestones fell due.
var jan15 = time.Date(2022, 1, 15, 9, 0, 0, 0, taipei)

// linkBefore returns the last link starting with prefix that comes before
// text in body: the link whose words are text.
func linkBefore(t *testing.T, body, prefix, text string) string {
	t.Helper()
	// The head names the page too (its title, its description): the link is in the body.
	if k := strings.Index(body, "<body"); k > 0 {
		body = body[k:]
	}
	i := strings.Index(body, text)
	if i < 0 {
		t.Fatalf("page lacks %q", text)
	}
	j := strings.LastIndex(body[:i], `href="`+prefix)
	if j < 0 {
		t.Fatalf("no %s link before %q", prefix, text)
	}
	link := body[j+len(`href="`):]
	return link[:strings.Index(link, `"`)]
}

// section is the part of body from the first from to the next to.
func section(t *testing.T, body, from, to string) string {
	t.Helper()
	i := strings.Index(body, from)
	if i < 0 {
		t.Fatalf("page lacks %q", from)
	}
	rest := body[i:]
	if j := strings.Index(rest, to); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func mustGet(t *testing.T, srv *httptest.Server, path string) string {
	t.Helper()
	res, body := get(t, srv, path)
	if res.StatusCode != 200 {
		t.Fatalf("%s: status %d", path, res.StatusCode)
	}
	return body
}

func wantIn(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func wantNotIn(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s shows %q", what, w)
		}
	}
}

func TestThemePageListsItsCommitmentsAndLinksBackToThePlan(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	link := linkBefore(t, home, "/themes/", "推動資料開放與資訊公開")

	body := mustGet(t, srv, link)
	wantIn(t, "theme page", body, "主軸 1：", "推動資料開放與資訊公開", "承諾事項（5 項）", "主軸進度",
		"完備政府資料開放與再利用制度", "國家發展委員會", "主責機關不明", "各承諾的時程狀態")
	wantNotIn(t, "theme page", body, "全國性公民投票案電子連署") // theme 2
	if n := strings.Count(body, `href="/commitments/`); n != 5 {
		t.Errorf("theme page links %d commitments, want 5", n)
	}
	plan := mustGet(t, srv, linkBefore(t, body, "/plans/", "臺灣開放政府國家行動方案"))
	wantIn(t, "the theme's plan", plan, "<h1>臺灣開放政府國家行動方案（2021–2024）</h1>", `href="`+link+`"`)
	// The lead agency links to its page; the commitment's crumbs link to the theme.
	agency := linkBefore(t, body, "/agencies/", "國家發展委員會")
	if agency == "" {
		t.Error("lead agency is not linked")
	}
	c := linkBefore(t, body, "/commitments/", "完備政府資料開放與再利用制度")
	if !strings.Contains(mustGet(t, srv, c), `href="`+link+`"`) {
		t.Errorf("commitment page does not link to its theme %s", link)
	}

	en := mustGet(t, srv, link+"?lang=en")
	wantIn(t, "English theme page", en, `<html lang="en">`, "Theme 1:", "Promoting open data and information transparency",
		"5 commitments", "Theme progress", "National Development Council")
}

func TestAgencyPageIsAScorecardWithContactsActiveOnTheDay(t *testing.T) {
	srv := newServer(t, jan15)
	home := mustGet(t, srv, "/")
	ndc := linkBefore(t, home, "/agencies/", "國家發展委員會")

	body := mustGet(t, srv, ndc)
	wantIn(t, "NDC page", body, "<h1>國家發展委員會</h1>", "國發會", "中央政府", ">行政院</a>",
		"主責的承諾事項（2 項）", "協辦的承諾事項（0 項）", "負責的里程碑", "最後更新")
	led := section(t, body, "主責的承諾事項", "協辦的承諾事項")
	wantIn(t, "NDC's led commitments", led, ">1-1</td>", "完備政府資料開放與再利用制度", ">2-3</td>")

	// Contacts active on 15 January 2022: the former liaison (to 2022-06-30)
	// and the deputy, names and roles only, since neither is public; the new
	// liaison starts on 2022-07-01.
	contacts := section(t, body, "開放政府聯絡窗口", "</main>")
	wantIn(t, "NDC contacts", contacts, "國發會前任示範聯絡人", "國家發展委員會示範代理人", "開放政府聯絡人", "代理聯絡人", "未公開")
	wantNotIn(t, "NDC contacts", contacts, "ndc.deputy@example.org", "ndc.former-liaison@example.org",
		"國家發展委員會示範聯絡人", "ndc.liaison@example.org")

	// ?asof moves the contacts with the schedule: on 1 August 2022 the new
	// liaison holds the role, whatever day it is today.
	body = mustGet(t, srv, ndc+"?asof=2022-08-01")
	contacts = section(t, body, "開放政府聯絡窗口", "</main>")
	wantIn(t, "NDC contacts as of 2022-08-01", contacts, "2022年8月1日在職的聯絡窗口", "國家發展委員會示範聯絡人", "ndc.liaison@example.org")
	wantNotIn(t, "NDC contacts as of 2022-08-01", contacts, "國發會前任示範聯絡人")

	// A public contact shows email and phone; the deputy's stay private.
	cec := mustGet(t, srv, linkBefore(t, home, "/agencies/", "中央選舉委員會"))
	wantIn(t, "CEC contacts", cec, "中央選舉委員會示範聯絡人", `<a href="mailto:cec.liaison@example.org">`, "886-2-0000-0000",
		"中央選舉委員會示範代理人")
	wantNotIn(t, "CEC contacts", cec, "cec.deputy@example.org")

	// After the handover the new liaison is there, with the public email.
	later := newServer(t, time.Date(2022, 7, 15, 9, 0, 0, 0, taipei))
	body = mustGet(t, later, ndc)
	wantIn(t, "NDC page in July 2022", body, "國家發展委員會示範聯絡人", "ndc.liaison@example.org")
	wantNotIn(t, "NDC page in July 2022", body, "國發會前任示範聯絡人", "ndc.deputy@example.org")
}

func TestAgencyPageCountsItsMilestonesAsOfTheDay(t *testing.T) {
	srv := newServer(t, day) // 20 December 2021: the four milestones are due soon
	home := mustGet(t, srv, "/")
	cec := linkBefore(t, home, "/agencies/", "中央選舉委員會")

	body := mustGet(t, srv, cec)
	wantIn(t, "CEC page on 2021-12-20", body, "負責的里程碑（5 項）", "逾期的里程碑（0 項）", "本機關沒有逾期的里程碑。")
	wantIn(t, "CEC tally on 2021-12-20", section(t, body, "負責的里程碑", "</table>"),
		`即將到期</span></th><td>4</td>`, `按進度</span></th><td>0</td>`, `尚未開始</span></th><td>1</td>`, `逾期</span></th><td>0</td>`)

	body = mustGet(t, srv, cec+"?asof=2022-01-15")
	wantIn(t, "CEC tally on 2022-01-15", section(t, body, "負責的里程碑", "</table>"),
		`逾期</span></th><td>4</td>`, `即將到期</span></th><td>0</td>`, `已完成</span></th><td>0</td>`)
	overdue := section(t, body, "逾期的里程碑（4 項）", "</table>")
	wantIn(t, "CEC overdue list", overdue, "新增憑證多元應用範圍", "全國性公民投票案電子連署系統上線",
		`<span class="code">2-1</span> 全國性公民投票案電子連署`, "2021年12月")
	wantNotIn(t, "CEC overdue list", overdue, "再蒐集民眾使用系統之意見回饋") // due 2022/12
	// A heading row and four milestones.
	if n := strings.Count(overdue, "<tr>"); n != 5 {
		t.Errorf("overdue list has %d rows, want 4 and a heading", n-1)
	}
	// The supporting agency sees 2-1 among the commitments it supports,
	// but the milestones are the lead's.
	dcs := mustGet(t, srv, linkBefore(t, mustGet(t, srv, linkBefore(t, body, "/commitments/", "全國性公民投票案電子連署")),
		"/agencies/", "行政院資通安全處")+"?asof=2022-01-15")
	wantIn(t, "DCS page", dcs, "協辦的承諾事項（1 項）", "負責的里程碑（0 項）")
	wantIn(t, "DCS supported", section(t, dcs, "協辦的承諾事項", "開放政府聯絡窗口"), ">2-1</td>", ">中央選舉委員會</a>")

	en := mustGet(t, srv, cec+"?asof=2022-01-15&lang=en")
	wantIn(t, "English CEC page", en, `<html lang="en">`, "Central Election Commission", "4 overdue milestones",
		"Leads 1 commitment", "Open government liaison", "15 Jan 2022")
}

// A milestone naming an agency counts for that agency, even in a commitment
// it neither leads nor supports, and no longer for the commitment's lead.
func TestAMilestonesOwnAgencyTakesItOverFromTheLead(t *testing.T) {
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	for ci := range ds.Plans[0].Commitments {
		c := &ds.Plans[0].Commitments[ci]
		for mi := range c.Milestones {
			m := &c.Milestones[mi]
			switch {
			case c.Code == "2-1" && m.Ref == "1":
				m.Agency = "EY-DCS"
			case c.Code == "2-2" && m.Ref == "4": // MOE's, due 2021/12
				m.Agency = "CEC"
			}
		}
	}
	st := storetest.Open(t, func() time.Time { return jan15 })
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	home := mustGet(t, srv, "/")
	cec := mustGet(t, srv, linkBefore(t, home, "/agencies/", "中央選舉委員會"))
	wantIn(t, "CEC page", cec, "負責的里程碑（5 項）", "逾期的里程碑（4 項）", "盤點大專校院現行資訊公開狀況",
		"主責的承諾事項（1 項）", "協辦的承諾事項（0 項）")
	wantNotIn(t, "CEC page", section(t, cec, "逾期的里程碑", "</table>"), "新增憑證多元應用範圍")

	c21 := mustGet(t, srv, linkBefore(t, home, "/commitments/", "全國性公民投票案電子連署"))
	dcs := mustGet(t, srv, linkBefore(t, c21, "/agencies/", "行政院資通安全處"))
	wantIn(t, "DCS page", dcs, "負責的里程碑（1 項）", "新增憑證多元應用範圍")
}

// The theme and agency pages cost the same number of queries however many
// commitments they show: no query per commitment.
func TestThemeAndAgencyPagesQueriesDoNotGrowWithCommitments(t *testing.T) {
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	// NDC leads every commitment the source names no lead for: 14 in all.
	for ci := range ds.Plans[0].Commitments {
		if c := &ds.Plans[0].Commitments[ci]; c.LeadAgency == "" {
			c.LeadAgency = "NDC"
		}
	}
	st := storetest.Open(t, func() time.Time { return jan15 })
	if _, err := st.ImportDataset(context.Background(), ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	home := mustGet(t, srv, "/")

	var queries atomic.Int64
	if err := st.OnQuery(func() { queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	count := func(path, want string) int64 {
		t.Helper()
		queries.Store(0)
		wantIn(t, path, mustGet(t, srv, path), want)
		return queries.Load()
	}
	ndc := count(linkBefore(t, home, "/agencies/", "國家發展委員會"), "主責的承諾事項（14 項）")
	cec := count(linkBefore(t, home, "/agencies/", "中央選舉委員會"), "主責的承諾事項（1 項）")
	if ndc == 0 || ndc != cec {
		t.Errorf("agency page: %d queries for 14 commitments, %d for 1", ndc, cec)
	}
	theme1 := count(linkBefore(t, home, "/themes/", "推動資料開放與資訊公開"), "承諾事項（5 項）")
	theme5 := count(linkBefore(t, home, "/themes/", "主軸 5："), "承諾事項（2 項）")
	if theme1 == 0 || theme1 != theme5 {
		t.Errorf("theme page: %d queries for 5 commitments, %d for 2", theme1, theme5)
	}
	t.Logf("agency page: %d queries; theme page: %d", ndc, theme1)
}

func TestCommitmentPageLinksItsAgencies(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	body := mustGet(t, srv, linkBefore(t, home, "/commitments/", "全國性公民投票案電子連署"))
	facts := section(t, body, `<dl class="facts">`, "</dl>")
	for _, name := range []string{"中央選舉委員會", "行政院資通安全處"} {
		if linkBefore(t, facts, "/agencies/", name) == "" {
			t.Errorf("%s is not linked", name)
		}
	}
	milestones := section(t, body, `<table class="milestones">`, "</table>")
	if n := strings.Count(milestones, `href="/agencies/`); n != 5 {
		t.Errorf("milestone table links %d agencies, want 5", n)
	}
}

func TestUnknownThemesAndAgenciesGetTheRealNotFoundPage(t *testing.T) {
	srv := newServer(t, day)
	for _, path := range []string{"/themes/999", "/themes/0", "/themes/abc", "/agencies/999", "/agencies/abc", "/agencies/-1"} {
		res, body := get(t, srv, path)
		if res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
		wantIn(t, path, body, "<h1>找不到", `href="/"`)
	}
	res, _ := get(t, srv, "/agencies/1?asof=yesterday")
	if res.StatusCode != 400 {
		t.Errorf("bad asof: status %d, want 400", res.StatusCode)
	}
}

// Messages chosen by value (contact roles, agency levels) exist in every language.
func TestContactRolesAndAgencyLevelsAreTranslated(t *testing.T) {
	var keys []string
	for _, r := range model.ContactRoles {
		keys = append(keys, "contact.role."+string(r))
	}
	for _, l := range model.AgencyLevels {
		if l != model.AgencyUnknown {
			keys = append(keys, "agency.level."+string(l))
		}
	}
	for _, lang := range model.Languages {
		cat, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}

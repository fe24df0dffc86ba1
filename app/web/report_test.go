package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// reportSite is the edit site (commitment 2-1, led by the Central Election
// Commission and co-led by a civil-society organisation) with the demo
// plan's reporting periods and a committee member who speaks for that
// organisation.
type reportSite struct {
	*editSite
	period model.ReportingPeriod // 2021 H2, in which the clock stands
}

const coLeadEmail = "colead@civictech.example.org"

func newReportSite(t *testing.T) *reportSite {
	t.Helper()
	site := &reportSite{editSite: newEditSite(t)}
	ctx := model.NewContextWithActor(context.Background(), demo.Actor)
	plan, err := site.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Periods() {
		p.PlanID = plan.ID
		if err := site.st.SavePeriod(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if p.Name["en"] == "2021 H2" {
			site.period = p
		}
	}
	c, err := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Organisations) != 1 || c.Organisations[0].Role != model.RoleCoLead {
		t.Fatalf("2-1 is not co-led as the tests expect: %+v", c.Organisations)
	}
	u := &model.User{Email: coLeadEmail, Name: "周共同", Role: model.RoleCommittee, OrganisationID: &c.Organisations[0].OrganisationID}
	if err := u.SetPassword(testPassword); err != nil {
		t.Fatal(err)
	}
	if err := site.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	site.users[coLeadEmail] = u
	site.imported = len(site.changes()) + site.imported
	return site
}

func (s *reportSite) commitmentPath() string { return fmt.Sprintf("/commitments/%d", s.commitmentID) }

// draftForm is a report form as a liaison fills it in.
func (s *reportSite) draftForm(b *visitor, action string) url.Values {
	return url.Values{"csrf_token": {b.formToken()}, "period": {fmt.Sprint(s.period.ID)}, "revision": {"1"}, "version": {"1"},
		"narrative":      {"## 連署系統\n\n電子連署系統已完成**測試**。"},
		"challenges":     {"跨機關資料介接需時。"},
		"next_steps":     {"2022 年上線。"},
		"evidence_title": {"測試報告", ""}, "evidence_url": {"https://www.cec.gov.tw/report.pdf", ""},
		"action": {action}}
}

var reportLocation = regexp.MustCompile(`^/reports/(\d+)$`)

// draft sends a new draft and returns the path of the report. Sent with
// the submit button, the draft is then submitted as a person does: on the
// page that shows what will become public, with its one button.
func (s *reportSite) draft(b *visitor, form url.Values) string {
	s.t.Helper()
	res, page := b.do("POST", s.commitmentPath()+"/reports", form)
	loc := res.Header.Get("Location")
	if form.Get("action") != "submit" {
		if res.StatusCode != http.StatusSeeOther || !reportLocation.MatchString(loc) {
			s.t.Fatalf("draft: %d to %q\n%.3000s", res.StatusCode, loc, page)
		}
		return loc
	}
	path, ok := strings.CutSuffix(loc, "/submit")
	if res.StatusCode != http.StatusSeeOther || !ok || !reportLocation.MatchString(path) {
		s.t.Fatalf("submit: %d to %q, want the confirmation\n%.3000s", res.StatusCode, loc, page)
	}
	s.confirm(b, path)
	return path
}

// confirm submits the draft at path from its confirmation page.
func (s *reportSite) confirm(b *visitor, path string) {
	s.t.Helper()
	res, page := b.do("GET", path+"/submit", nil)
	rev := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(page)
	if res.StatusCode != 200 || rev == nil {
		s.t.Fatalf("confirmation: %d\n%.3000s", res.StatusCode, page)
	}
	res, page = b.do("POST", path+"/submit", url.Values{"csrf_token": {b.formToken()}, "revision": {rev[1]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
		s.t.Fatalf("confirmed: %d to %q\n%.3000s", res.StatusCode, res.Header.Get("Location"), page)
	}
}

func (s *reportSite) reports() []model.ProgressReport {
	s.t.Helper()
	rs, err := s.st.FindReports(context.Background(), s.commitmentID)
	if err != nil {
		s.t.Fatal(err)
	}
	return rs
}

func TestADraftIsSeenOnlyByTheLeadAgencysLiaisons(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	_, page := liaison.do("GET", site.commitmentPath(), nil)
	newLink := fmt.Sprintf(`href="/commitments/%d/reports/new?period=%d"`, site.commitmentID, site.period.ID)
	if !strings.Contains(page, newLink) || !strings.Contains(page, "撰寫報告草稿") {
		t.Fatalf("the lead agency's liaison is not offered to draft a report:\n%s", section(t, page, `id="reports"`, "</section>"))
	}
	res, form := liaison.do("GET", fmt.Sprintf("/commitments/%d/reports/new?period=%d", site.commitmentID, site.period.ID), nil)
	if res.StatusCode != 200 || !strings.Contains(form, `<label for="report-narrative">本期間辦理進度</label>`) ||
		!strings.Contains(form, `name="status_`+fmt.Sprint(site.m.ID)+`"`) {
		t.Fatalf("new report form: %d\n%.3000s", res.StatusCode, form)
	}
	path := site.draft(liaison, site.draftForm(liaison, "save"))
	rs := site.reports()
	if len(rs) != 1 || rs[0].Status != model.ReportDraft || rs[0].Version != 1 || !strings.Contains(rs[0].Narrative, "連署系統") {
		t.Fatalf("stored: %+v", rs)
	}

	// The draft exists for no one else: 404, whoever asks. The public is
	// asked to sign in before any edit page, whether the report exists or
	// not, which tells nothing either.
	for _, email := range []string{"", "liaison@dcs.example.org", "liaison@moe.example.org", "member@committee.example.org", coLeadEmail, "admin@secretariat.example.org"} {
		b := site.as(email)
		for _, p := range []string{path, path + "/edit"} {
			want := http.StatusNotFound
			if email == "" && strings.HasSuffix(p, "/edit") {
				want = http.StatusSeeOther
				if res, _ := b.do("GET", "/reports/99999/edit", nil); res.StatusCode != want {
					t.Errorf("public GET /reports/99999/edit: %d, want %d as for the draft", res.StatusCode, want)
				}
			}
			if res, page := b.do("GET", p, nil); res.StatusCode != want || strings.Contains(page, "連署系統已完成") {
				t.Errorf("%q GET %s: %d, want %d", email, p, res.StatusCode, want)
			}
		}
		if _, page := b.do("GET", site.commitmentPath(), nil); strings.Contains(page, "連署系統已完成") || strings.Contains(page, `href="`+path+`"`) {
			t.Errorf("%q sees the draft on the commitment page", email)
		}
	}
	// Nor may anyone else change it.
	for _, email := range []string{"liaison@dcs.example.org", "member@committee.example.org", "admin@secretariat.example.org"} {
		b := site.as(email)
		form := site.draftForm(b, "submit")
		if res, _ := b.do("POST", path, form); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s POST the draft: %d, want 404", email, res.StatusCode)
		}
		if res, _ := b.do("POST", site.commitmentPath()+"/reports", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST a new draft: %d, want 403", email, res.StatusCode)
		}
	}
	if res, _ := site.visitor().do("GET", site.commitmentPath()+"/reports/new", nil); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Errorf("the public is not sent to sign in: %d", res.StatusCode)
	}
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != model.ReportDraft || rs[0].Revision != 1 {
		t.Errorf("refused requests changed the draft: %+v", rs)
	}

	// Its liaison sees it, marked as a draft, and is led to it rather than to a second draft.
	_, page = liaison.do("GET", path, nil)
	if !strings.Contains(page, "<h3>連署系統</h3>") || !strings.Contains(page, "<strong>草稿</strong>") {
		t.Errorf("the liaison does not see the draft:\n%.3000s", page)
	}
	if res, _ := liaison.do("GET", fmt.Sprintf("/commitments/%d/reports/new?period=%d", site.commitmentID, site.period.ID), nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"/edit" {
		t.Errorf("a second new draft: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The agency's own record says a draft was started, without its text.
	c := site.changes()[0]
	if c.Entity != model.EntityReportDraft || c.Action != model.ChangeCreated || c.Fields["narrative"].After != nil {
		t.Errorf("record of changes: %+v", c)
	}
}

func TestSubmittingPublishesTheReportAndAppliesMilestoneStatuses(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	form := site.draftForm(liaison, "submit")
	form.Set(fmt.Sprintf("status_%d", site.m.ID), "completed")
	form.Set(fmt.Sprintf("completed_%d", site.m.ID), "2021-12-15")
	path := site.draft(liaison, form)

	m := site.milestone()
	if m.Status != model.MilestoneCompleted || m.CompletedOn != model.MustDate("2021-12-15") {
		t.Errorf("the milestone was not updated: %s %v", m.Status, m.CompletedOn)
	}
	rs := site.reports()
	if len(rs) != 1 || rs[0].Status != model.ReportSubmitted || rs[0].SubmittedAt == nil || rs[0].SubmittedByID == nil {
		t.Fatalf("stored: %+v", rs)
	}
	// One moment, in the order written: the draft, the milestone, the submission.
	changes := site.changes()
	if len(changes) != 3 || changes[0].Entity != model.EntityReportDraft || changes[0].Action != model.ChangeCreated ||
		changes[1].Entity != model.EntityMilestone || string(changes[1].Fields["status"].After) != `"completed"` ||
		changes[2].Entity != model.EntityReport || string(changes[2].Fields["status"].After) != `"submitted"` ||
		!strings.Contains(string(changes[2].Fields["narrative"].After), "連署系統") || changes[2].UserID == nil {
		for _, c := range changes {
			t.Logf("%s %s %v", c.Entity, c.Action, c.Fields)
		}
		t.Errorf("record of changes: %d entries", len(changes))
	}
	for _, lang := range []string{"zh-TW", "en"} {
		b := site.visitor()
		_, page := b.do("GET", path+"?lang="+lang, nil)
		want := map[string][]string{
			"zh-TW": {"<h3>連署系統</h3>", "<strong>測試</strong>", "待檢視", "測試報告", "跨機關資料介接需時。", "機關報告", "公民社會意見"},
			"en":    {"<h3>連署系統</h3>", "Awaiting review", "The agency&#39;s report", "Civil society&#39;s views", "Version 1"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the public report page lacks %q", lang, w)
			}
		}
		_, page = b.do("GET", site.commitmentPath()+"?lang="+lang, nil)
		sec := section(t, page, `id="reports"`, `id="history`)
		if !strings.Contains(sec, "連署系統") || !strings.Contains(sec, map[string]string{"zh-TW": "待檢視", "en": "Awaiting review"}[lang]) {
			t.Errorf("%s: the commitment page does not show the report:\n%s", lang, sec)
		}
		hist := section(t, page, `id="history`, "</section>")
		if !strings.Contains(hist, map[string]string{"zh-TW": "提交進度報告", "en": "Progress report submitted"}[lang]) {
			t.Errorf("%s: the history does not say the report was submitted:\n%s", lang, hist)
		}
	}
	// A submitted version is not changed: a save of it answers 409, and the
	// form shown again makes version 2 instead.
	res, page := liaison.do("POST", path, site.draftForm(liaison, "save"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, fmt.Sprintf(`action="%s/reports"`, site.commitmentPath())) ||
		!strings.Contains(page, "進度報告第 2 版") {
		t.Errorf("saving a submitted version: %d, want 409 with the form of version 2", res.StatusCode)
	}
}

func TestEditingASubmittedReportStartsVersionTwo(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	v1 := site.draft(liaison, site.draftForm(liaison, "submit"))

	res, form := liaison.do("GET", v1+"/edit", nil)
	if res.StatusCode != 200 || !strings.Contains(form, "進度報告第 2 版") || !strings.Contains(form, "連署系統已完成") {
		t.Fatalf("edit of version 1: %d\n%.2000s", res.StatusCode, form)
	}
	f := site.draftForm(liaison, "submit")
	f.Set("version", "2")
	f.Set("narrative", "第二版：系統已上線。")
	v2 := site.draft(liaison, f)
	if v2 == v1 {
		t.Fatal("version 2 replaced version 1")
	}
	rs := site.reports()
	if len(rs) != 2 || rs[0].Version != 1 || rs[1].Version != 2 || rs[0].Status != model.ReportSubmitted || rs[1].Status != model.ReportSubmitted ||
		!strings.Contains(rs[0].Narrative, "連署系統已完成") {
		t.Fatalf("stored: %+v", rs)
	}
	pub := site.visitor()
	if _, page := pub.do("GET", v1, nil); !strings.Contains(page, "連署系統已完成") || !strings.Contains(page, `href="`+v2+`"`) {
		t.Errorf("version 1 is not readable, or does not link version 2")
	}
	_, page := pub.do("GET", site.commitmentPath(), nil)
	sec := section(t, page, `id="reports"`, `id="history`)
	if !strings.Contains(sec, "第二版：系統已上線。") || strings.Contains(sec, "連署系統已完成") || !strings.Contains(sec, `href="`+v1+`"`) {
		t.Errorf("the commitment page does not show version 2 with a link to version 1:\n%s", sec)
	}
}

func TestCivilSocietyConfirmsOrDissents(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	path := site.draft(liaison, site.draftForm(liaison, "submit"))

	// Committee members are offered the review and assessment forms on the
	// commitment page; no one else is.
	forms := []string{`action="` + path + `/reviews"`, `action="` + site.commitmentPath() + `/assessments"`}
	for _, email := range []string{"", "liaison@cec.example.org", "admin@secretariat.example.org", "member@committee.example.org", coLeadEmail} {
		_, page := site.as(email).do("GET", site.commitmentPath(), nil)
		committee := strings.HasPrefix(email, "member") || email == coLeadEmail
		for _, f := range forms {
			if strings.Contains(page, f) != committee {
				t.Errorf("%q: form %s offered: %v", email, f, !committee)
			}
		}
		if email == coLeadEmail && !strings.Contains(page, "如實呈現辦理進度？ (公民社會共同主責)") {
			t.Error("the co-lead's review form does not say they are the civil-society co-lead")
		}
	}

	// Only committee members review.
	for _, email := range []string{"liaison@cec.example.org", "admin@secretariat.example.org"} {
		b := site.as(email)
		if res, _ := b.do("POST", path+"/reviews", url.Values{"csrf_token": {b.formToken()}, "verdict": {"confirm"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s reviews: %d, want 403", email, res.StatusCode)
		}
	}
	member := site.as("member@committee.example.org")
	res, _ := member.do("POST", path+"/reviews", url.Values{"csrf_token": {member.formToken()}, "verdict": {"confirm"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	_, page := site.visitor().do("GET", site.commitmentPath(), nil)
	if sec := section(t, page, `id="reports"`, `id="history`); !strings.Contains(sec, "已獲認可") {
		t.Errorf("a confirmed report is not agreed:\n%s", sec)
	}

	// A dissent needs its reasons.
	colead := site.as(coLeadEmail)
	res, page = colead.do("POST", path+"/reviews", url.Values{"csrf_token": {colead.formToken()}, "verdict": {"dissent"}, "reasons": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "提出異議須說明理由。") || !strings.Contains(page, `value="dissent" checked`) {
		t.Errorf("a dissent without reasons: %d", res.StatusCode)
	}
	res, _ = colead.do("POST", path+"/reviews", url.Values{"csrf_token": {colead.formToken()}, "verdict": {"dissent"},
		"reasons": {"連署系統尚未開放**民眾**測試。"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dissent: %d", res.StatusCode)
	}
	for _, lang := range []string{"zh-TW", "en"} {
		_, page = site.visitor().do("GET", site.commitmentPath()+"?lang="+lang, nil)
		sec := section(t, page, `id="reports"`, `id="history`)
		agency, civil := section(t, sec, `class="report-agency"`, "</section>"), section(t, sec, `class="report-civil"`, "</section>")
		wants := map[string][]string{"zh-TW": {"有異議", "周共同", "公民社會共同主責", "陳委員", "認可本報告", "<strong>民眾</strong>"},
			"en": {"Contested", "周共同", "civil-society co-lead", "陳委員", "confirms the report", "dissents"}}[lang]
		for _, w := range wants {
			if !strings.Contains(civil, w) {
				t.Errorf("%s: civil society's column lacks %q:\n%s", lang, w, civil)
			}
		}
		if !strings.Contains(agency, "連署系統已完成") || !strings.Contains(sec, `class="report-columns"`) {
			t.Errorf("%s: the agency's report is not beside civil society's views", lang)
		}
		hist := section(t, page, `id="history`, "</section>")
		if !strings.Contains(hist, map[string]string{"zh-TW": "記錄異議", "en": "Dissent recorded"}[lang]) {
			t.Errorf("%s: the history does not record the dissent", lang)
		}
	}
}

func TestBadReportsAreRefusedAndKept(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	huge := strings.Repeat("進度", 5<<20) // 10 million characters, 30 MB once encoded
	for _, tc := range []struct {
		name  string
		set   map[string]string
		want  string
		typed string
	}{
		{"script", map[string]string{"narrative": "好<script>alert(1)</script>"}, "不得包含程式碼", "好&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"too long", map[string]string{"narrative": strings.Repeat("a", 10<<20)}, "內容過長", strings.Repeat("a", 1000)},
		{"too long in Chinese", map[string]string{"challenges": huge[:3*(1<<20)]}, "內容過長", strings.Repeat("進度", 100)},
		{"bad address", map[string]string{"evidence_url": "javascript:alert(1)"}, "這不是 http 或 https 網址。", `value="javascript:alert(1)"`},
		{"no narrative on submit", map[string]string{"narrative": "", "action": "submit"}, "此欄為必填。", ""},
		{"completion date in the future", map[string]string{fmt.Sprintf("status_%d", site.m.ID): "completed", fmt.Sprintf("completed_%d", site.m.ID): "2021-12-31", "action": "submit"}, "完成日期不能晚於今天。", `value="2021-12-31"`},
		{"delayed without a reason", map[string]string{fmt.Sprintf("status_%d", site.m.ID): "delayed", "action": "submit"}, "此欄為必填。", ""},
	} {
		form := site.draftForm(liaison, "save")
		for k, v := range tc.set {
			form.Set(k, v)
		}
		res, page := liaison.do("POST", site.commitmentPath()+"/reports", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) || !strings.Contains(page, tc.typed) {
			t.Errorf("%s: %d, want 422 with %q and what was typed", tc.name, res.StatusCode, tc.want)
		}
		if len(page) > 200_000 {
			t.Errorf("%s: the page shown again is %d bytes", tc.name, len(page))
		}
		if rs := site.reports(); len(rs) != 0 {
			t.Errorf("%s: a report was written: %+v", tc.name, rs)
		}
	}
	if m := site.milestone(); m.Status != model.MilestoneNotStarted {
		t.Errorf("a refused report changed the milestone: %s", m.Status)
	}
	// In English too.
	form := site.draftForm(liaison, "save")
	form.Set("narrative", "<SCRIPT src=x>")
	if res, page := liaison.do("POST", site.commitmentPath()+"/reports?lang=en", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Scripts are not allowed.") {
		t.Errorf("English: %d", res.StatusCode)
	}
	// What the sanitiser removes never reaches the page: an inline handler in Markdown's HTML.
	form = site.draftForm(liaison, "submit")
	form.Set("narrative", `<img src=x onerror="alert(1)"> [x](javascript:alert(2)) ok`)
	path := site.draft(liaison, form)
	_, page := site.visitor().do("GET", path, nil)
	if strings.Contains(page, "onerror") || strings.Contains(page, "javascript:") || !strings.Contains(page, "ok") {
		t.Errorf("the narrative is not sanitised:\n%s", section(t, page, `class="prose markdown report-narrative"`, "</div>"))
	}
}

func TestAdministratorsDefineReportingPeriods(t *testing.T) {
	site := newReportSite(t)
	for _, email := range []string{"liaison@cec.example.org", "member@committee.example.org"} {
		b := site.as(email)
		if res, _ := b.do("GET", "/admin/periods", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET /admin/periods: %d, want 403", email, res.StatusCode)
		}
		if res, _ := b.do("POST", "/admin/periods", url.Values{"csrf_token": {b.formToken()}, "plan": {"1"}, "name.en": {"x"},
			"starts_on": {"2025-01-01"}, "ends_on": {"2025-06-30"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST /admin/periods: %d, want 403", email, res.StatusCode)
		}
	}
	if res, _ := site.visitor().do("GET", "/admin/periods", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("public: %d, want 303 to sign in", res.StatusCode)
	}
	admin := site.as("admin@secretariat.example.org")
	_, page := admin.do("GET", "/admin/periods?lang=en", nil)
	if !strings.Contains(page, "2021 H2") || !strings.Contains(page, "2024 H2") {
		t.Errorf("the list lacks the demo periods:\n%s", page)
	}
	_, page = admin.do("GET", "/admin/periods?lang=zh-TW", nil)
	if !strings.Contains(page, "2022 年上半年") {
		t.Errorf("the list lacks the Chinese names")
	}
	for _, tc := range []struct{ name, zh, start, end, want string }{
		{"end before start", "2025 上半年", "2025-06-30", "2025-01-01", "結束日期不能早於開始日期。"},
		{"no name", "", "2025-01-01", "2025-06-30", "名稱為必填"},
		{"bad date", "2025 上半年", "2025-02-30", "2025-06-30", "這不是有效的日期"},
	} {
		res, page := admin.do("POST", "/admin/periods", url.Values{"csrf_token": {admin.formToken()}, "plan": {"1"}, "name.zh-TW": {tc.zh},
			"starts_on": {tc.start}, "ends_on": {tc.end}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) || !strings.Contains(page, `value="`+tc.start+`"`) {
			t.Errorf("%s: %d, want 422 with %q", tc.name, res.StatusCode, tc.want)
		}
	}
	res, _ := admin.do("POST", "/admin/periods", url.Values{"csrf_token": {admin.formToken()}, "plan": {"1"}, "name.zh-TW": {"2025 年上半年"},
		"name.en": {"2025 H1"}, "starts_on": {"2025-01-01"}, "ends_on": {"2025-06-30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	ps, _ := site.st.FindPeriods(context.Background(), 1)
	last := ps[len(ps)-1]
	if last.Name["en"] != "2025 H1" || last.EndsOn != model.MustDate("2025-06-30") {
		t.Fatalf("stored: %+v", last)
	}
	res, _ = admin.do("POST", fmt.Sprintf("/admin/periods/%d", last.ID), url.Values{"csrf_token": {admin.formToken()}, "name.en": {"2025 first half"},
		"starts_on": {"2025-01-01"}, "ends_on": {"2025-06-30"}})
	if p, _ := site.st.FindPeriodByID(context.Background(), last.ID); res.StatusCode != http.StatusSeeOther || p.Name["en"] != "2025 first half" {
		t.Errorf("update: %d", res.StatusCode)
	}
	all, _, _ := site.st.FindChanges(context.Background(), store.ChangeFilter{PlanID: 1})
	var cs []model.Change // the administrator's
	for _, c := range all {
		if c.UserID != nil {
			cs = append(cs, c)
		}
	}
	if len(cs) != 2 {
		t.Fatalf("%d changes by the administrator, want 2", len(cs))
	}
	if created, updated := cs[0], cs[1]; created.Entity != model.EntityPeriod || created.Action != model.ChangeCreated ||
		updated.Entity != model.EntityPeriod || updated.Action != model.ChangeUpdated || updated.UserID == nil ||
		string(updated.Fields["name"].After) != `{"en":"2025 first half"}` {
		t.Errorf("record of changes: %+v %+v", created, updated)
	}
}

// A period is named in every interface language, French too, and an edit
// keeps a name in a language the form does not show (from an import).
func TestAPeriodIsNamedInEveryInterfaceLanguage(t *testing.T) {
	site := newReportSite(t)
	ctx := context.Background()
	period := &model.ReportingPeriod{PlanID: 1, Name: model.Text{"zh-TW": "2026 上半年", "en": "2026 H1", "ja": "2026年上期"},
		StartsOn: model.MustDate("2026-01-01"), EndsOn: model.MustDate("2026-06-30")}
	if err := site.st.SavePeriod(ctx, period); err != nil {
		t.Fatal(err)
	}
	admin := site.as("admin@secretariat.example.org")
	path := fmt.Sprintf("/admin/periods/%d", period.ID)
	_, page := admin.do("GET", path+"/edit?lang=fr", nil)
	for _, want := range []string{`<label for="period-name-fr">Français</label>`, `name="name.fr" lang="fr"`,
		`name="name.zh-TW" lang="zh-TW" maxlength="200" value="2026 上半年"`, `name="name.en" lang="en" maxlength="200" value="2026 H1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the edit form lacks %s:\n%s", want, section(t, page, "<form", "</form>"))
		}
	}
	typed := url.Values{"csrf_token": {admin.formToken()}, "name.zh-TW": {"2026 上半年"}, "name.en": {"2026 H1"},
		"name.fr": {"Premier semestre 2026"}, "starts_on": {"2026-06-30"}, "ends_on": {"2026-01-01"}}
	res, page := admin.do("POST", path+"?lang=fr", typed)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="Premier semestre 2026"`) {
		t.Errorf("the end before the start: %d, want 422 keeping the French name typed", res.StatusCode)
	}
	if p, _ := site.st.FindPeriodByID(ctx, period.ID); p.Name["fr"] != "" {
		t.Errorf("a refused edit stored %v", p.Name)
	}
	typed.Set("starts_on", "2026-01-01")
	typed.Set("ends_on", "2026-06-30")
	if res, _ := admin.do("POST", path, typed); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	p, _ := site.st.FindPeriodByID(ctx, period.ID)
	if want := (model.Text{"zh-TW": "2026 上半年", "en": "2026 H1", "fr": "Premier semestre 2026", "ja": "2026年上期"}); !maps.Equal(p.Name, want) {
		t.Errorf("stored %v, want %v", map[string]string(p.Name), map[string]string(want))
	}
	_, page = admin.do("GET", "/admin/periods?plan=1&lang=fr", nil)
	if !strings.Contains(page, "Premier semestre 2026") {
		t.Errorf("the list does not show the French name")
	}
}

func TestCommitteeMembersAssessCompletion(t *testing.T) {
	site := newReportSite(t)
	for _, email := range []string{"liaison@cec.example.org", "admin@secretariat.example.org"} {
		b := site.as(email)
		if res, _ := b.do("POST", site.commitmentPath()+"/assessments", url.Values{"csrf_token": {b.formToken()},
			"period": {fmt.Sprint(site.period.ID)}, "completion": {"limited"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s assesses: %d, want 403", email, res.StatusCode)
		}
	}
	member := site.as("member@committee.example.org")
	res, page := member.do("POST", site.commitmentPath()+"/assessments", url.Values{"csrf_token": {member.formToken()},
		"period": {fmt.Sprint(site.period.ID)}, "completion": {"finished"}, "note": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "請從清單中選擇。") {
		t.Errorf("a level not on the scale: %d", res.StatusCode)
	}
	res, _ = member.do("POST", site.commitmentPath()+"/assessments", url.Values{"csrf_token": {member.formToken()},
		"period": {fmt.Sprint(site.period.ID)}, "completion": {"substantial"}, "note": {"系統已完成測試"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assess: %d", res.StatusCode)
	}
	_, page = site.visitor().do("GET", site.commitmentPath()+"?lang=en", nil)
	if sec := section(t, page, `id="period-`+fmt.Sprint(site.period.ID)+`"`, "</section>"); !strings.Contains(sec, "Completion assessment") {
		t.Errorf("no assessment section:\n%s", sec)
	}
	if !strings.Contains(page, "系統已完成測試") || !strings.Contains(page, "Completion assessed") {
		t.Errorf("the assessment is not shown or recorded")
	}
}

// A draft's saves are the agency's own until it submits: they are recorded
// with their author and time, but no public page, file or answer shows
// that the draft exists or how often it was saved.
func TestADraftsSavesStayOutOfThePublicRecord(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	path := site.draft(liaison, site.draftForm(liaison, "save"))
	form := site.draftForm(liaison, "save")
	form.Set("narrative", "第二次儲存的草稿。")
	if res, page := liaison.do("POST", path, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d\n%.2000s", res.StatusCode, page)
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(path, "/reports/"))
	saves, err := site.st.FindRecordChanges(context.Background(), model.EntityReportDraft, uint(id), 10)
	if err != nil || len(saves) != 2 || saves[0].UserID == nil {
		t.Fatalf("the draft's saves are not recorded with their author: %v %+v", err, saves)
	}

	public := site.visitor()
	pages := map[string]string{}
	for _, p := range []string{site.commitmentPath(), fmt.Sprintf("/api/v1/commitments/%d", site.commitmentID),
		fmt.Sprintf("/feed.atom?commitment=%d", site.commitmentID), "/feed.atom", "/"} {
		_, pages[p] = public.do("GET", p, nil)
	}
	for _, ch := range saves {
		link := fmt.Sprintf("/changes/%d", ch.ID)
		if res, _ := public.do("GET", link, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s, a save of a draft: %d, want 404", link, res.StatusCode)
		}
		for p, page := range pages {
			if strings.Contains(page, link+`"`) || strings.Contains(page, link+"#") || strings.Contains(page, link+"<") {
				t.Errorf("%s links to %s, a save of a draft", p, link)
			}
		}
	}

	// Once submitted, the submission is public.
	form = site.draftForm(liaison, "submit")
	form.Set("revision", "2")
	if res, page := liaison.do("POST", path, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%.2000s", res.StatusCode, page)
	}
	site.confirm(liaison, path)
	subs, err := site.st.FindRecordChanges(context.Background(), model.EntityReport, uint(id), 10)
	if err != nil || len(subs) != 1 {
		t.Fatalf("the submission is not recorded once: %v %+v", err, subs)
	}
	if res, _ := public.do("GET", fmt.Sprintf("/changes/%d", subs[0].ID), nil); res.StatusCode != http.StatusOK {
		t.Errorf("the submission's entry: %d, want 200", res.StatusCode)
	}
	if _, page := public.do("GET", site.commitmentPath(), nil); !strings.Contains(page, fmt.Sprintf("/changes/%d", subs[0].ID)) {
		t.Errorf("the commitment's history does not show the submission")
	}
}

// Submitting is confirmed on a page that shows what becomes public; a draft
// saved since that page was shown is not submitted unseen.
func TestSubmittingIsConfirmedAndADraftChangedMeanwhileIsShownAgain(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	res, _ := liaison.do("POST", site.commitmentPath()+"/reports", site.draftForm(liaison, "submit"))
	path, ok := strings.CutSuffix(res.Header.Get("Location"), "/submit")
	if res.StatusCode != http.StatusSeeOther || !ok {
		t.Fatalf("submit: %d to %q, want the confirmation", res.StatusCode, res.Header.Get("Location"))
	}
	_, page := liaison.do("GET", path+"/submit?lang=en", nil)
	for _, want := range []string{"Submit this report?", "<h4>連署系統</h4>", `action="` + path + `/submit"`, "Back to editing"} {
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != model.ReportDraft {
		t.Fatalf("before confirming: %+v", rs)
	}
	shown := site.reports()[0].Revision
	// A colleague saves the draft meanwhile.
	form := site.draftForm(liaison, "save")
	form.Set("revision", fmt.Sprint(shown))
	form.Set("narrative", "另一位聯絡人的修改")
	if res, _ := liaison.do("POST", path, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("colleague's save: %d", res.StatusCode)
	}
	res, _ = liaison.do("POST", path+"/submit", url.Values{"csrf_token": {liaison.formToken()}, "revision": {fmt.Sprint(shown)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"/submit" {
		t.Errorf("confirming a stale page: %d to %q, want the confirmation again", res.StatusCode, res.Header.Get("Location"))
	}
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != model.ReportDraft {
		t.Errorf("a draft changed meanwhile was submitted: %+v", rs)
	}
	site.confirm(liaison, path)
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != model.ReportSubmitted || !strings.Contains(rs[0].Narrative, "另一位聯絡人") {
		t.Errorf("after confirming the current draft: %+v", rs)
	}
}

// A flash is one of the tracker's own messages: a planted cookie shows nothing.
func TestAPlantedFlashShowsNothing(t *testing.T) {
	site := newReportSite(t)
	b := site.as("liaison@cec.example.org")
	u, _ := url.Parse(site.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "flash", Value: "<script>alert(1)</script>", Path: "/"}})
	_, page := b.do("GET", "/me", nil)
	if strings.Contains(page, `class="account-notice flash"`) || strings.Contains(page, "alert(1)") {
		t.Error("a planted flash cookie is shown")
	}
}

// The commitment page shows the period open now first, with its deadline;
// earlier periods without a report fold into one line, and periods past
// the plan's end are not offered.
func TestTheCommitmentPageLeadsWithTheOpenPeriod(t *testing.T) {
	site := newReportSite(t)
	site.clock.Set(time.Date(2023, 3, 1, 9, 0, 0, 0, taipei))
	liaison := site.as("liaison@cec.example.org")
	_, page := liaison.do("GET", site.commitmentPath()+"?lang=en", nil)
	sec := section(t, page, `id="reports"`, `id="history`)
	open := strings.Index(sec, "Open now: reports are due by 30 Jun 2023, 121 days left.")
	folded := strings.Index(sec, "No reports for 2021 H2 – 2022 H2.")
	if open < 0 || folded < open {
		t.Errorf("2023 H1 is not shown open first, then 2021 H2 – 2022 H2 in one line:\n%s", sec)
	}
	if n := strings.Count(sec, "/reports/new?period="); n != 4 || !strings.Contains(sec, "Report late for:") {
		t.Errorf("%d links to draft a report, want the open period's and one for each of the 3 folded, marked late", n)
	}

	// The plan ended in May 2024: its last period is 2024 H1; 2024 H2 is not offered.
	site.clock.Set(time.Date(2025, 3, 1, 9, 0, 0, 0, taipei))
	_, page = site.visitor().do("GET", site.commitmentPath()+"?lang=en", nil)
	sec = section(t, page, `id="reports"`, `id="history`)
	if !strings.Contains(sec, "The plan&#39;s last period, closed on 30 Jun 2024.") || strings.Contains(sec, "2024 H2") {
		t.Errorf("after the plan's end:\n%s", sec)
	}
}

// A later version shows what changed since the one before, word by word,
// to reviewers and the public alike.
func TestAVersionShowsWhatChangedSinceTheOneBefore(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	f := site.draftForm(liaison, "submit")
	f.Set("narrative", "The e-petition system passed its tests in December.")
	v1 := site.draft(liaison, f)
	f = site.draftForm(liaison, "submit")
	f.Set("version", "2")
	f.Set("narrative", "The e-petition system went live in December.")
	f["evidence_title"] = []string{"測試報告", "上線公告"}
	f["evidence_url"] = []string{"https://www.cec.gov.tw/report.pdf", "https://www.cec.gov.tw/launch"}
	v2 := site.draft(liaison, f)
	_, page := site.visitor().do("GET", v2+"?lang=en", nil)
	sec := section(t, page, `class="report-diff"`, "</section>")
	for _, want := range []string{"What changed since version 1", "The e-petition system ",
		`<del><span class="visually-hidden">removed: </span>passed its tests</del>`,
		`<ins><span class="visually-hidden">added: </span>went live</ins>`, " in December.", "https://www.cec.gov.tw/launch"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the difference lacks %q:\n%s", want, sec)
		}
	}
	if _, page := site.visitor().do("GET", v1, nil); strings.Contains(page, `class="report-diff"`) {
		t.Error("the first version shows a difference")
	}
}

// A first report for a new period starts from the delay reasons the last
// report gave for milestones still open.
func TestDelayReasonsCarryOverIntoTheNextPeriodsDraft(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	f := site.draftForm(liaison, "submit")
	f.Set(fmt.Sprintf("status_%d", site.m.ID), "delayed")
	f.Set(fmt.Sprintf("delay_%d", site.m.ID), "coordination")
	f.Set(fmt.Sprintf("delay_note_%d", site.m.ID), "跨機關介接延宕")
	site.draft(liaison, f)

	site.clock.Set(time.Date(2022, 3, 1, 9, 0, 0, 0, taipei))
	liaison = site.as("liaison@cec.example.org")
	periods, err := site.st.FindPeriods(context.Background(), site.period.PlanID)
	if err != nil {
		t.Fatal(err)
	}
	next := periods[1] // 2022 H1
	_, form := liaison.do("GET", fmt.Sprintf("/commitments/%d/reports/new?period=%d", site.commitmentID, next.ID), nil)
	if !regexp.MustCompile(`<option value="coordination" selected>`).MatchString(form) || !strings.Contains(form, "跨機關介接延宕") {
		t.Errorf("the new period's draft does not start from the last report's delay reason:\n%s", section(t, form, fmt.Sprintf(`name="delay_%d"`, site.m.ID), "</select>"))
	}
	if strings.Contains(form, "連署系統已完成") {
		t.Error("the new period's draft starts from the last report's narrative")
	}
}

// A report may carry its narrative in a second language: readers in that
// language see it first, the original a click away; others see the original.
func TestAReportsSecondLanguageNarrativeIsShownInThatLanguage(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	f := site.draftForm(liaison, "submit")
	f.Set("translation_lang", "en")
	f.Set("translation", "The e-petition system passed its **tests**.")
	path := site.draft(liaison, f)
	if rs := site.reports(); rs[0].TranslationLang != "en" || !strings.Contains(rs[0].Translation, "e-petition") {
		t.Fatalf("stored: %q %q", rs[0].TranslationLang, rs[0].Translation)
	}
	_, en := site.visitor().do("GET", path+"?lang=en", nil)
	sec := section(t, en, `class="report-agency"`, "</section>")
	if !strings.Contains(sec, `lang="en">`) || strings.Index(sec, "passed its <strong>tests</strong>") > strings.Index(sec, "電子連署系統已完成") {
		t.Errorf("in English the translation does not come first:\n%s", sec)
	}
	_, zh := site.visitor().do("GET", path+"?lang=zh-TW", nil)
	sec = section(t, zh, `class="report-agency"`, "</section>")
	if strings.Index(sec, "電子連署系統已完成") > strings.Index(sec, "passed its <strong>tests</strong>") {
		t.Errorf("in Chinese the original does not come first:\n%s", sec)
	}
	// A translation in a language the tracker does not have is refused, what was typed kept.
	f = site.draftForm(liaison, "save")
	f.Set("version", "2")
	f.Set("translation_lang", "xx")
	f.Set("translation", "Some text")
	if res, page := liaison.do("POST", site.commitmentPath()+"/reports", f); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Some text") {
		t.Errorf("an unknown language: %d", res.StatusCode)
	}
}

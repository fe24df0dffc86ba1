package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The reporting workflow as its people live it, in a real browser, each in
// a browser of their own: a liaison signs in and reports, the committee
// reviews, and an anonymous visitor reads the result and its history.

// signInAs fills in and sends the sign-in form as a person would.
func (tb *tab) signInAs(email string) {
	tb.t.Helper()
	tb.visit("/signin", 200)
	tb.do(chromedp.SendKeys(chromedp.CSS("#signin-email"), email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), testPassword))
	tb.click(`//form[@action="/signin"]//button[@type="submit"]`)
}

// mainText is the text of the page's main element, as a screen reader reads it.
func (tb *tab) mainText() string {
	tb.t.Helper()
	text, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		tb.t.Fatal(err)
	}
	return text
}

func TestALiaisonReportsAndTheCommitteeReviewsInABrowser(t *testing.T) {
	browser(t)
	site := newReportSite(t)
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)

	// The liaison of the Central Election Commission moves milestone 4 to
	// completed, then drafts the period's report and submits it.
	liaison := openTab(t, site.srv)
	liaison.viewport(1280, 900)
	liaison.signInAs("liaison@cec.example.org")
	liaison.visit(commitment, 200)
	liaison.click(fmt.Sprintf(`//a[@href="%s"]`, site.editPath()))
	liaison.do(chromedp.SetValue(chromedp.CSS("#edit-status"), "completed"),
		chromedp.SetValue(chromedp.CSS("#edit-completed-on"), "2021-12-15"))
	liaison.click(`//form[contains(@class, "edit-form")]//button[@type="submit"]`)
	if m := site.milestone(); m.Status != "completed" || m.CompletedOn.String() != "2021-12-15" {
		t.Fatalf("the liaison's change was not saved: %s %s", m.Status, m.CompletedOn)
	}
	liaison.click(fmt.Sprintf(`//a[starts-with(@href, "%s/reports/new")]`, commitment))
	liaison.do(chromedp.SendKeys(chromedp.CSS("#report-narrative"), "The e-petition system went live for testing; **all** milestones of 2021 are met."),
		chromedp.SendKeys(chromedp.CSS("#evidence-title-0"), "Test report"),
		chromedp.SendKeys(chromedp.CSS("#evidence-url-0"), "https://www.cec.gov.tw/report.pdf"))
	liaison.checkAxe("the report form")
	liaison.click(`//form[contains(@class, "report-form")]//button[@value="submit"]`)
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != "submitted" {
		t.Fatalf("the liaison's report was not submitted: %+v", rs)
	}

	// A committee member, reading Chinese, records a dissent with reasons.
	member := openTab(t, site.srv)
	member.viewport(1280, 900)
	member.visit("/?lang=zh-TW", 200)
	member.signInAs("member@committee.example.org")
	member.visit(commitment, 200)
	member.do(chromedp.Click(`//form[contains(@class, "review-form")]//input[@name="verdict"][@value="dissent"]`),
		chromedp.SendKeys(`//form[contains(@class, "review-form")]//textarea[@name="reasons"]`, "系統僅完成測試，尚未正式上線。"))
	member.click(`//form[contains(@class, "review-form")]//button[@type="submit"]`)

	// An anonymous visitor, reading Chinese, sees the report contested, the
	// agency's account beside the dissent, and both in the history.
	public := openTab(t, site.srv)
	public.viewport(1280, 900)
	public.visit(commitment+"?lang=zh-TW", 200)
	page := public.mainText()
	for _, want := range []string{"已完成", "有異議", "The e-petition system went live for testing", "系統僅完成測試，尚未正式上線。",
		"提交進度報告", "記錄異議", "由林聯絡（CEC 機關聯絡人）於網站修改", "由陳委員（委員）於網站修改"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public commitment page lacks %q:\n%s", want, page)
		}
	}
	// Side by side on a wide screen: the agency's account left of civil society's views.
	left := eval[float64](public, `document.querySelector('.report-agency').getBoundingClientRect().left`)
	civil := eval[float64](public, `document.querySelector('.report-civil').getBoundingClientRect().left`)
	if !(left < civil) {
		t.Errorf("the agency's report (left %v) and civil society's views (left %v) are not side by side: %s", left, civil,
			eval[string](public, `getComputedStyle(document.querySelector(".report-columns")).gridTemplateColumns`))
	}
	public.checkAxe(commitment)
	public.viewport(320, 640)
	public.checkNoHorizontalScroll(commitment, 320)
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ogptracker/ogptracker/app/model"
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
	// Before it is public, the liaison sees it as it will be, and confirms.
	if rs := site.reports(); len(rs) != 1 || rs[0].Status != "draft" {
		t.Fatalf("the report was submitted before it was confirmed: %+v", rs)
	}
	if text := liaison.mainText(); !strings.Contains(text, "The e-petition system went live for testing") {
		t.Errorf("the confirmation does not show the report:\n%s", text)
	}
	liaison.checkAxe("the confirmation")
	liaison.click(`//form[contains(@class, "confirm-form")]//button[@type="submit"]`)
	confirmed := "Submitted: the report is now public"
	if text := liaison.mainText(); !strings.Contains(text, confirmed) {
		t.Errorf("the report's page does not confirm the submission:\n%.500s", text)
	}
	liaison.do(chromedp.Reload())
	if text := liaison.mainText(); strings.Contains(text, confirmed) {
		t.Error("the confirmation shows again when the page is reloaded")
	}
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
	// Markdown reads as paragraphs: its newlines are not doubled into blank lines.
	if ws := eval[string](public, `getComputedStyle(document.querySelector('.report-narrative')).whiteSpace`); ws != "normal" {
		t.Errorf("the narrative's white-space is %q: every newline between paragraphs shows as a blank line", ws)
	}
	public.checkAxe(commitment)
	public.viewport(320, 640)
	public.checkNoHorizontalScroll(commitment, 320)
}

// workCountIn is the number the header's "My work" link shows.
func (tb *tab) workCountIn() int {
	tb.t.Helper()
	return eval[int](tb, `parseInt(document.querySelector('.account-work').textContent.match(/\d+/)[0], 10)`)
}

// Each role signs in and lands on My work, finds what is theirs, clears one
// item through its link and sees the count go down; the page passes axe in
// every language and reads at 320 px.
func TestEachRoleClearsAnItemFromMyWorkInABrowser(t *testing.T) {
	browser(t)
	site := newReportSite(t)
	check := func(tb *tab) {
		tb.t.Helper()
		for _, lang := range languages {
			tb.checkPage("/me?lang="+lang, lang)
		}
		tb.viewport(1280, 900)
	}
	landed := func(tb *tab, who string) {
		tb.t.Helper()
		if path := eval[string](tb, `location.pathname`); path != "/me" {
			t.Fatalf("%s signed in and landed on %s, want /me", who, path)
		}
	}

	t.Run("liaison", func(t *testing.T) {
		tb := openTab(t, site.srv)
		tb.viewport(1280, 900)
		tb.signInAs("liaison@cec.example.org")
		landed(tb, "the liaison")
		check(tb)
		tb.visit("/me?lang=en", 200)
		before := tb.workCountIn()
		if text := tb.mainText(); !strings.Contains(text, "Start the report") || !strings.Contains(text, "milestones due in the next 30 days") {
			t.Fatalf("the liaison's work:\n%s", text)
		}
		tb.click(fmt.Sprintf(`//main//a[@href="%s"]`, site.editPath()))
		tb.do(chromedp.SetValue(chromedp.CSS("#edit-status"), "completed"),
			chromedp.SetValue(chromedp.CSS("#edit-completed-on"), "2021-12-15"))
		tb.click(`//form[contains(@class, "edit-form")]//button[@type="submit"]`)
		tb.visit("/me?lang=en", 200)
		if after := tb.workCountIn(); after != before-1 {
			t.Errorf("after updating a milestone the count went from %d to %d", before, after)
		}
	})

	t.Run("committee member", func(t *testing.T) {
		liaison := site.as("liaison@cec.example.org")
		path := site.draft(liaison, site.draftForm(liaison, "submit"))
		tb := openTab(t, site.srv)
		tb.viewport(1280, 900)
		tb.signInAs(coLeadEmail)
		landed(tb, "the committee member")
		check(tb)
		tb.visit("/me?lang=en", 200)
		before := tb.workCountIn()
		tb.click(fmt.Sprintf(`//main//a[@href="%s#review"]`, path))
		tb.do(chromedp.Click(`//form[contains(@class, "review-form")]//input[@name="verdict"][@value="confirm"]`))
		tb.click(`//form[contains(@class, "review-form")]//button[@type="submit"]`)
		tb.visit("/me?lang=en", 200)
		if after := tb.workCountIn(); after != before-1 {
			t.Errorf("after reviewing the report the count went from %d to %d", before, after)
		}
	})

	t.Run("administrator", func(t *testing.T) {
		// A message the mail server refused for good.
		ctx := context.Background()
		queued, err := site.st.QueueMessages(ctx, []model.OutboxMessage{{Rule: "milestone-overdue", Subject: "milestone:1",
			Recipient: "user:1", Occurrence: "2021-12-01", Kind: model.KindOverdue, Channel: model.ChannelEmail,
			To: "gone@example.org", Lang: "en", Title: "A milestone is overdue", Text: "…"}})
		if err != nil || len(queued) != 1 {
			t.Fatalf("queue: %v", err)
		}
		if err := site.st.MarkAttemptFailed(ctx, queued[0].ID, "550 no such mailbox", time.Time{}); err != nil {
			t.Fatal(err)
		}
		tb := openTab(t, site.srv)
		tb.viewport(1280, 900)
		tb.signInAs("admin@secretariat.example.org")
		landed(tb, "the administrator")
		check(tb)
		tb.visit("/me?lang=en", 200)
		if text := tb.mainText(); !strings.Contains(text, "Overdue milestones:") || !strings.Contains(text, "1 message could not be delivered") {
			t.Errorf("the administrator's work lacks the overdue milestones by agency or the undelivered message:\n%s", text)
		}
		before := tb.workCountIn()
		tb.click(`//main//a[@href="/admin/outbox?status=failed"]`)
		tb.click(fmt.Sprintf(`//form[@action="/admin/outbox/%d/retry"]//button`, queued[0].ID))
		tb.visit("/me?lang=en", 200)
		if after := tb.workCountIn(); after != before-1 {
			t.Errorf("after retrying the message the count went from %d to %d", before, after)
		}
	})
}

// The forms of the reporting loop, in every language, wide and at 320 px:
// a milestone's update with its note and links, a report's confirmation,
// and the agency's answer to a dissent.
func TestTheReportingLoopsFormsPassAxeInBothLanguages(t *testing.T) {
	browser(t)
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	report := site.draft(liaison, site.draftForm(liaison, "save"))
	token, _, err := site.st.CreateSession(context.Background(), site.users["liaison@cec.example.org"].ID)
	if err != nil {
		t.Fatal(err)
	}
	// check checks every path in every language, the paths side by side
	// (they only read), and returns when all are done.
	check := func(step string, paths ...string) {
		t.Run(step, func(t *testing.T) {
			for _, path := range paths {
				t.Run(path, func(t *testing.T) {
					t.Parallel()
					tb := openTab(t, site.srv) // one tab for every language (tab.run)
					tb.signInWith(token)
					for _, lang := range languages {
						tb.run(lang, func(t *testing.T) {
							tb.checkPage(withLang(path, lang), lang)
						})
					}
				})
			}
		})
	}
	check("the update and the confirmation", site.editPath(), report+"/submit")

	site.confirm(liaison, report)
	member := site.as("member@committee.example.org")
	if res, _ := member.do("POST", report+"/reviews", url.Values{"csrf_token": {member.formToken()}, "verdict": {"dissent"}, "reasons": {"與事實不符。"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dissent: %d", res.StatusCode)
	}
	if _, page := liaison.do("GET", report, nil); !strings.Contains(page, `class="report-form answer-form"`) {
		t.Fatal("the liaison is not offered to answer the dissent")
	}
	check("the answer to a dissent", report)
}

// checkPage opens path wide and checks it with axe and as a document in
// lang, then at 320 px: no sideways scrolling, axe again.
func (tb *tab) checkPage(path, lang string) {
	tb.t.Helper()
	tb.viewport(1280, 900)
	tb.visit(path, 200)
	tb.checkAxe(path)
	tb.checkDocument(path, lang)
	tb.viewport(320, 640)
	tb.checkNoHorizontalScroll(path, 320)
	tb.checkAxe(path + " at 320 px")
}

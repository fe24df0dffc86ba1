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
	site := newEditSite(t)
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)

	// The liaison of the Central Election Commission moves milestone 4 to completed.
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

	// An anonymous visitor, reading Chinese, sees the change and who made it.
	public := openTab(t, site.srv)
	public.viewport(1280, 900)
	public.visit(commitment+"?lang=zh-TW", 200)
	page := public.mainText()
	for _, want := range []string{"已完成", "由林聯絡（CEC 機關聯絡人）於網站修改"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public commitment page lacks %q:\n%s", want, page)
		}
	}
	public.checkAxe(commitment)
}

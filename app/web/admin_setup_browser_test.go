package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// In a browser, without mail settings: an administrator invites a person
// and reads the link to pass on, never that it was sent; the pages of the
// setup, the outbox and the plans have no accessibility violations, in
// both languages, wide and at 320 px.
func TestTheSecretariatsPagesInABrowser(t *testing.T) {
	browser(t) // skip or fail once, before the subtests
	site := newPeopleSite(t)
	token, _, err := site.st.CreateSession(context.Background(), site.users[adminEmail].ID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("an invitation without mail settings", func(t *testing.T) {
		for _, tc := range []struct{ lang, email, notSent, sent string }{
			{"en", "browser@example.org", "The invitation was not sent", "has been sent"},
			{"zh-TW", "browser2@example.org", "邀請未寄出", "已寄送"},
		} {
			tb := openTab(t, site.srv)
			tb.signInWith(token)
			tb.viewport(1280, 900)
			tb.visit("/admin/users/new?lang="+tc.lang+"&choose=1", 200) // chosen with the switch: the pages after the form keep it
			tb.do(chromedp.SendKeys(chromedp.CSS("#f-email"), tc.email), chromedp.SendKeys(chromedp.CSS("#f-name"), "瀏覽器測試"))
			tb.click(`//form[@action="/admin/users"]//button[@type="submit"]`)
			text := tb.mainText()
			if !strings.Contains(text, tc.notSent) || strings.Contains(text, tc.sent) {
				t.Errorf("%s: the page after inviting says:\n%s", tc.lang, text)
			}
			link := eval[string](tb, `document.getElementById('invite-link').value`)
			if !strings.HasPrefix(link, "http://example.test/password/reset/") {
				t.Errorf("%s: the link shown is %q", tc.lang, link)
			}
			tb.checkAxe("the invitation's link, " + tc.lang)
			tb.viewport(320, 640)
			tb.checkNoHorizontalScroll("the invitation's link, "+tc.lang, 320)
			tb.checkAxe("the invitation's link at 320 px, " + tc.lang)
		}
	})

	t.Run("an invitation the mail server refuses", func(t *testing.T) {
		t.Parallel() // a site of its own
		refusing := newPeopleSite(t)
		smtp := withMailServer(t, refusing)
		smtp.Refuse("refused-in-a-browser@example.org")
		token, _, err := refusing.st.CreateSession(context.Background(), refusing.users[adminEmail].ID)
		if err != nil {
			t.Fatal(err)
		}
		tb := openTab(t, refusing.srv)
		tb.signInWith(token)
		tb.viewport(1280, 900)
		tb.visit("/admin/users/new?lang=en", 200)
		tb.do(chromedp.SendKeys(chromedp.CSS("#f-email"), "refused-in-a-browser@example.org"), chromedp.SendKeys(chromedp.CSS("#f-name"), "Refused"))
		tb.click(`//form[@action="/admin/users"]//button[@type="submit"]`)
		text := tb.mainText()
		if !strings.Contains(text, "The mail server did not take the invitation") || !strings.Contains(text, "550") || strings.Contains(text, "has been sent") {
			t.Errorf("the page after a refused invitation says:\n%s", text)
		}
		tb.checkAxe("a refused invitation")
		tb.viewport(320, 640)
		tb.checkNoHorizontalScroll("a refused invitation", 320)
		tb.checkAxe("a refused invitation at 320 px")
	})

	for _, path := range []string{"/admin", "/admin/outbox", "/admin/outbox?on=2021-12-20", "/admin/plans", "/admin/plans/new", "/admin/users"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()               // the pages only read; they run after the invitations above
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			tb.signInWith(token)
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					tb.checkPage(withLang(path, lang), lang)
				})
			}
		})
	}
}

package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPeoplePagesInABrowser runs the browser checks of TestPagesInABrowser
// over the administrator's pages, signed in as an administrator: one page
// of each shape (a list, a record with its history, a form with texts in
// two languages, a form with choices and actions), as the checks are slow.
func TestPeoplePagesInABrowser(t *testing.T) {
	browser(t)
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	session := admin.cookie("ogpt_session")
	if session == nil {
		t.Fatal("the administrator has no session cookie")
	}
	member := site.user("member@committee.example.org")
	for _, pg := range []struct{ name, path string }{
		{"accounts", "/admin/users"},
		{"agency with its contacts", fmt.Sprintf("/admin/agencies/%d", site.ndc.ID)},
		{"handover", fmt.Sprintf("/admin/contacts/%d/handover", site.contact.ID)},
		{"account", fmt.Sprintf("/admin/users/%d", member.ID)},
	} {
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			tb.signInWith(session.Value)
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					path := withLang(pg.path, lang)
					tb.viewport(1280, 900)
					tb.visit(path, 200)
					if loc, err := chromedp.Run(tb.ctx, chromedp.Location()); err != nil || mustParseURL(t, loc).Path != pg.path {
						t.Fatalf("%s: the browser is at %s (%v), not signed in as an administrator", path, loc, err)
					}
					tb.checkEveryPageRule(path, lang)
				})
			}
		})
	}
}

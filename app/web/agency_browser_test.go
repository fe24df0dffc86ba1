package web_test

import "testing"

// An agency's page with its three lists in pages passes the checks of
// every page (TestPagesInABrowser) in every language, its page links and
// all: three navigations, each named on its own.
func TestAnAgencysPagedListsInABrowser(t *testing.T) {
	browser(t)
	srv, page := agencyOfManySite(t)
	tb := openTab(t, srv) // one tab for every language (tab.run)
	for _, lang := range languages {
		tb.run(lang, func(t *testing.T) {
			path := withLang(page+"?led_page=2", lang)
			tb.viewport(1280, 900)
			tb.visit(path, 200)
			tb.checkEveryPageRule(path, lang)
		})
	}
}

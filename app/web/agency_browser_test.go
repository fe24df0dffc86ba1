package web_test

import "testing"

// An agency's page with its three lists in pages passes the checks of
// every page (TestPagesInABrowser) in every language, its page links and
// all: three navigations, each named on its own.
func TestAnAgencysPagedListsInABrowser(t *testing.T) {
	browser(t)
	srv, page := agencyOfManySite(t) // closed after the parallel subtests
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			path := withLang(page+"?led_page=2", lang)
			tb := openTab(t, srv)
			tb.viewport(1280, 900)
			tb.visit(path, 200)
			tb.checkEveryPageRule(path, lang)
		})
	}
}

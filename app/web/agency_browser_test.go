package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// An agency's page with its three lists in pages passes the checks of
// every page (TestPagesInABrowser) in every language, its page links and
// all: three navigations, each named on its own.
func TestAnAgencysPagedListsInABrowser(t *testing.T) {
	browser(t)
	st := storetest.Open(t, func() time.Time { return jan15 })
	if _, err := st.ImportDataset(context.Background(), agencyOfMany(), nil); err != nil {
		t.Fatal(err)
	}
	big, err := st.FindAgencyByCode(context.Background(), "BIG")
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // after the parallel subtests
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			path := withLang(fmt.Sprintf("/agencies/%d?led_page=2", big.ID), lang)
			tb := openTab(t, srv)
			tb.viewport(1280, 900)
			tb.visit(path, 200)
			tb.checkAxe(path)
			tb.checkDocument(path, lang)
			tb.checkKeyboard(path)
			tb.viewport(320, 640)
			tb.checkNoHorizontalScroll(path, 320)
			tb.checkCardLabels(path)
			tb.checkAxe(path + " at 320 px")
		})
	}
}

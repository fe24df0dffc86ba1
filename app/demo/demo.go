// Package demo builds the demo plan, Taiwan's first Open Government National
// Action Plan, from the source files shipped in data/demo, with made-up
// contacts so that reminders and reporting have people to work with.
package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/data"
)

// PlanRef identifies the demo plan.
const PlanRef = "TWN-1"

// Actor is who the record of changes names for the demo plan loaded at first start.
var Actor = model.Actor{Door: model.DoorImport, Label: "demo plan"}

// Source is the attribution shown on the About page and kept in exports.
const Source = "Taiwan's first Open Government National Action Plan (2021–2024), as recorded in the civic-tech review " +
	"\"OGP 體檢\" (December 2023), public repository g0v-data/g0v-hackmd-archive; theme names in English from the " +
	"National Development Council's press release of 2020-10-28. Contacts marked demo are made up."

// agency is what the tracker knows of an agency named in the source.
type agency struct {
	code, zh, en, shortZH, shortEN string
	level                          model.AgencyLevel
	parent                         string
}

// agencies lists the bodies the source names, under every spelling it uses.
var agencies = []agency{
	{"EY", "行政院", "Executive Yuan", "", "", model.AgencyCentral, ""},
	{"EY-ALL", "行政院及所屬各機關", "Executive Yuan and its agencies", "", "", model.AgencyCentral, "EY"},
	{"ALL", "各機關", "All agencies", "", "", model.AgencyCentral, ""},
	{"NDC", "國家發展委員會", "National Development Council", "國發會", "NDC", model.AgencyCentral, "EY"},
	{"CEC", "中央選舉委員會", "Central Election Commission", "中選會", "CEC", model.AgencyCentral, "EY"},
	{"EY-DCS", "行政院資通安全處", "Department of Cyber Security, Executive Yuan", "資安處", "DCS", model.AgencyCentral, "EY"},
	{"MOE", "教育部", "Ministry of Education", "", "MOE", model.AgencyCentral, "EY"},
	{"MOL", "勞動部", "Ministry of Labor", "", "MOL", model.AgencyCentral, "EY"},
	{"MOEA", "經濟部", "Ministry of Economic Affairs", "", "MOEA", model.AgencyCentral, "EY"},
	{"HAC", "客家委員會", "Hakka Affairs Council", "客委會", "HAC", model.AgencyCentral, "EY"},
	{"MOI", "內政部", "Ministry of the Interior", "", "MOI", model.AgencyCentral, "EY"},
	{"CY", "監察院", "Control Yuan", "", "", model.AgencyOtherBranch, ""},
	// Owners of the task force's follow-up items (taiwan-taskforce/).
	{"MOJ", "法務部", "Ministry of Justice", "", "MOJ", model.AgencyCentral, "EY"},
	{"CIP", "原住民族委員會", "Council of Indigenous Peoples", "原民會", "CIP", model.AgencyCentral, "EY"},
	{"EPA", "行政院環境保護署", "Environmental Protection Administration", "環保署", "EPA", model.AgencyCentral, "EY"},
}

// Dataset returns the demo plan in the tracker's portable form.
func Dataset() (*model.Dataset, error) {
	byName := map[string]string{}
	ds := &model.Dataset{Format: model.DatasetFormat, Source: Source}
	for _, a := range agencies {
		byName[a.zh] = a.code
		if a.shortZH != "" {
			byName[a.shortZH] = a.code
		}
		ds.Agencies = append(ds.Agencies, model.AgencyRecord{Code: a.code, Name: model.T("zh-TW", a.zh, "en", a.en),
			ShortName: model.T("zh-TW", a.shortZH, "en", a.shortEN), Jurisdiction: "TWN", Level: a.level, Parent: a.parent})
	}
	plan := model.PlanRecord{
		Ref: PlanRef, Jurisdiction: model.T("zh-TW", "臺灣", "en", "Taiwan"), JurisdictionCode: "TWN",
		JurisdictionLevel: model.JurisdictionNational, Number: 1,
		Title: model.T("zh-TW", "臺灣開放政府國家行動方案（2021–2024）", "en", "Taiwan Open Government National Action Plan (2021–2024)"),
		Start: model.MustDate("2021-01"), End: model.MustDate("2024-05"), Status: model.PlanEnded,
		Documents: model.Links{{Title: model.T("zh-TW", "OGP 體檢筆記（g0v 共筆封存）", "en", "\"OGP 體檢\" review notes (g0v HackMD archive)"),
			URL: "https://github.com/g0v-data/g0v-hackmd-archive"}},
	}

	rows, err := readCSV("demo/taiwan-nap1/taiwan_nap1_commitments.csv")
	if err != nil {
		return nil, err
	}
	themes := map[int]bool{}
	index := map[string]int{}
	for _, r := range rows {
		n, err := strconv.Atoi(r["theme_no"])
		if err != nil {
			return nil, fmt.Errorf("demo commitments: theme_no %q: %w", r["theme_no"], err)
		}
		if !themes[n] {
			themes[n] = true
			plan.Themes = append(plan.Themes, model.ThemeRecord{Number: n,
				Name: model.T("zh-TW", r["theme_zh"], "en", capitalise(r[themeENColumn]))})
		}
		c := model.CommitmentRecord{Ref: PlanRef + "/" + r["commitment_id"], Code: r["commitment_id"], Theme: n,
			Title: model.T("zh-TW", r["title_zh"], "en", r["title_en"])}
		if c.LeadAgency, err = agencyCode(byName, r["lead_agency_zh"]); err != nil {
			return nil, err
		}
		if s := r["supporting_agency_zh"]; s != "" {
			code, err := agencyCode(byName, s)
			if err != nil {
				return nil, err
			}
			c.SupportingAgencies = []string{code}
		}
		if c.Start, err = model.ParseDate(r["start"]); err != nil {
			return nil, err
		}
		if c.End, err = model.ParseDate(r["end"]); err != nil {
			return nil, err
		}
		index[c.Code] = len(plan.Commitments)
		plan.Commitments = append(plan.Commitments, c)
	}

	rows, err = readCSV("demo/taiwan-nap1/taiwan_nap1_milestones.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		i, ok := index[r["commitment_id"]]
		if !ok {
			return nil, fmt.Errorf("demo milestones: unknown commitment %q", r["commitment_id"])
		}
		m := model.MilestoneRecord{Ref: r["seq"], Title: model.T("zh-TW", r["milestone_zh"]),
			Status: model.MilestoneNotStarted, Weight: 1}
		if m.Start, err = model.ParseDate(r["start"]); err != nil {
			return nil, err
		}
		if m.Due, err = model.ParseDate(r["end"]); err != nil {
			return nil, err
		}
		plan.Commitments[i].Milestones = append(plan.Commitments[i].Milestones, m)
	}

	// Evidence links the review lists under a milestone.
	rows, err = readCSV("demo/taiwan-nap1/taiwan_nap1_evidence.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		m, err := milestoneOf(&plan, index, r["commitment_id"], r["seq"])
		if err != nil {
			return nil, fmt.Errorf("demo evidence: %w", err)
		}
		m.Evidence = append(m.Evidence, model.Link{Title: model.T("zh-TW", r["title_zh"]), URL: r["url"]})
	}
	addPeople(ds, &plan)
	ds.Plans = []model.PlanRecord{plan}
	return ds, nil
}

// milestoneOf finds milestone seq of commitment code in plan.
func milestoneOf(plan *model.PlanRecord, index map[string]int, code, seq string) (*model.MilestoneRecord, error) {
	i, ok := index[code]
	if !ok {
		return nil, fmt.Errorf("unknown commitment %q", code)
	}
	for j := range plan.Commitments[i].Milestones {
		if m := &plan.Commitments[i].Milestones[j]; m.Ref == seq {
			return m, nil
		}
	}
	return nil, fmt.Errorf("commitment %s has no milestone %q", code, seq)
}

const themeENColumn = "theme_en (wording from NDC English press release, 2020-10-28)"

func agencyCode(byName map[string]string, name string) (string, error) {
	if name == "" {
		return "", nil // the source does not say: shown as unknown
	}
	code, ok := byName[name]
	if !ok {
		return "", fmt.Errorf("demo: agency %q is not in the demo's agency list", name)
	}
	return code, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// readCSV reads an embedded CSV file into maps keyed by header.
func readCSV(name string) ([]map[string]string, error) {
	f, err := data.Demo.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
}

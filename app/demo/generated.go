package demo

import (
	"fmt"

	"github.com/ogptracker/ogptracker/app/model"
)

// The generated plans, for the benchmarks and the load script
// (scripts/load): 200 commitments of 5 milestones each, and 19
// commitments of the same shape (the size of the demo plan).
const (
	GeneratedBigPlanRef   = "GEN-BIG"
	GeneratedSmallPlanRef = "GEN-SMALL"
)

// Generated holds the big and the small plan and, when filler > 0, that many more
// plans of 200 commitments of 5 milestones each, to make the database
// as large as a tracker of many members' plans.
func Generated(filler int) *model.Dataset {
	ds := &model.Dataset{Format: model.DatasetFormat}
	for i := range 10 {
		code := fmt.Sprintf("GEN-A%d", i)
		ds.Agencies = append(ds.Agencies, model.AgencyRecord{Code: code,
			Name: model.T("en", "Generated agency "+code, "zh-TW", "產生的機關 "+code), Jurisdiction: "GEN"})
	}
	plan := func(ref string, number, commitments, milestones int) model.PlanRecord {
		p := model.PlanRecord{Ref: ref, Jurisdiction: model.T("en", "Genland", "zh-TW", "產生國"), JurisdictionCode: "GEN",
			Number: number, Title: model.T("en", "Generated plan "+ref, "zh-TW", "產生的計畫 "+ref),
			Start: model.MustDate("2022-01"), End: model.MustDate("2025-12"), Status: model.PlanImplementation}
		for t := 1; t <= 5; t++ {
			p.Themes = append(p.Themes, model.ThemeRecord{Number: t, Name: model.T("en", fmt.Sprintf("Theme %d", t), "zh-TW", fmt.Sprintf("主軸 %d", t))})
		}
		statuses := model.MilestoneStatuses
		for i := range commitments {
			theme := i%5 + 1
			code := fmt.Sprintf("%d-%d", theme, i/5+1)
			c := model.CommitmentRecord{Ref: ref + "/" + code, Code: code, Theme: theme,
				Title:       model.T("en", "Generated commitment "+code+" on open data and public participation", "zh-TW", "產生的承諾事項 "+code+"：資料開放與公共參與"),
				Description: model.T("en", "A commitment generated for the benchmark.", "zh-TW", "為效能測試產生的承諾事項。"),
				LeadAgency:  fmt.Sprintf("GEN-A%d", i%10), SupportingAgencies: []string{fmt.Sprintf("GEN-A%d", (i+1)%10)},
				Start: model.MustDate("2022-01"), End: model.MustDate("2025-12")}
			for m := range milestones {
				st := statuses[(i+m)%len(statuses)]
				mr := model.MilestoneRecord{Ref: fmt.Sprintf("%s/%d", c.Ref, m+1),
					Title: model.T("en", fmt.Sprintf("Milestone %d of %s", m+1, code), "zh-TW", fmt.Sprintf("%s 的第 %d 個里程碑", code, m+1)),
					Start: model.MustDate(fmt.Sprintf("%d-01", 2022+m%4)), Due: model.MustDate(fmt.Sprintf("%d-%02d", 2022+m%4, 6+m%6)),
					Agency: fmt.Sprintf("GEN-A%d", (i+m)%10), Status: st, Weight: 1}
				if st == model.MilestoneCompleted {
					mr.CompletedOn = mr.Due
				}
				c.Milestones = append(c.Milestones, mr)
			}
			p.Commitments = append(p.Commitments, c)
		}
		return p
	}
	ds.Plans = append(ds.Plans, plan(GeneratedBigPlanRef, 1, 200, 5), plan(GeneratedSmallPlanRef, 2, 19, 5))
	for i := range filler {
		ds.Plans = append(ds.Plans, plan(fmt.Sprintf("GEN-F%d", i+1), i+3, 200, 5))
	}
	return ds
}

// GeneratedFillers holds filler plans first to first+n-1 only (numbered
// from 1, as Generated numbers them), for a large tracker imported in
// parts.
func GeneratedFillers(first, n int) *model.Dataset {
	ds := Generated(first + n - 1)
	ds.Plans = ds.Plans[2+first-1:]
	return ds
}

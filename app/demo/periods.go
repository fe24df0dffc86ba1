package demo

import (
	"fmt"

	"github.com/ogptracker/ogptracker/app/model"
)

// Periods are the demo plan's reporting periods: half-years from the
// second half of 2021, when the plan started, to the end of 2024, so that
// reporting can be tried on any day of the plan. PlanID is left for the
// caller to set.
func Periods() []model.ReportingPeriod {
	var ps []model.ReportingPeriod
	for year := 2021; year <= 2024; year++ {
		for half := 1; half <= 2; half++ {
			if year == 2021 && half == 1 {
				continue
			}
			start, end := model.Date{Year: year, Month: 1, Day: 1}, model.Date{Year: year, Month: 6, Day: 30}
			zh := "上半年"
			if half == 2 {
				start, end, zh = model.Date{Year: year, Month: 7, Day: 1}, model.Date{Year: year, Month: 12, Day: 31}, "下半年"
			}
			ps = append(ps, model.ReportingPeriod{
				Name:     model.T("zh-TW", fmt.Sprintf("%d 年%s", year, zh), "en", fmt.Sprintf("%d H%d", year, half)),
				StartsOn: start, EndsOn: end,
			})
		}
	}
	return ps
}

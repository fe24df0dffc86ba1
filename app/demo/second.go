package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/data"
)

// SecondPlanRef identifies Taiwan's second plan, in force: the home plan of the demo.
const SecondPlanRef = "TWN-2"

// SecondPlanSource is its attribution.
const SecondPlanSource = "Taiwan's second Open Government National Action Plan (2025–2028, approved 2025-03-20), as the " +
	"Executive Yuan's English news release and the Taipei Times (2025-03-21) describe it. No milestones, agencies or " +
	"dates per commitment are public in those sources."

// SecondPlanApproved is the day the Executive Yuan approved the second
// plan: it is recorded as of that day.
var SecondPlanApproved = time.Date(2025, 3, 20, 12, 0, 0, 0, taipei)

// secondPlanFile is the shape of taiwan-nap2/taiwan_nap2_commitments.yaml.
type secondPlanFile struct {
	Plan struct {
		TitleEN        string   `yaml:"title_en"`
		Period         string   `yaml:"period"`
		Approved       string   `yaml:"approved"`
		ChallengeAreas []string `yaml:"challenge_areas"`
	} `yaml:"plan"`
	Commitments []struct {
		No int    `yaml:"no"`
		EN string `yaml:"en"`
		ZH string `yaml:"zh"`
	} `yaml:"commitments"`
}

// The sources of the second plan, named in the file's header.
const (
	eyNewsRelease = "https://english.ey.gov.tw/News3/9E5540D592A5FECD/7f4fe7a5-531f-4eba-aea7-7ab9b5f17774"
	taipeiTimes   = "https://taipeitimes.com/News/taiwan/archives/2025/03/21/2003833813"
)

// SecondPlan returns Taiwan's second plan with what is public of it: its
// title, its years, its seven commitments in English (and in Chinese where
// the source gives it). No milestone, agency or date of a commitment is
// public: none is made up. The five challenge areas are not themes: the
// sources do not say which commitment answers which.
func SecondPlan() (*model.Dataset, error) {
	raw, err := data.Demo.ReadFile("demo/taiwan-nap2/taiwan_nap2_commitments.yaml")
	if err != nil {
		return nil, err
	}
	var f secondPlanFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("second plan file: %w", err)
	}
	from, to, ok := strings.Cut(f.Plan.Period, "–")
	if !ok {
		return nil, fmt.Errorf("second plan: period %q is not from – to", f.Plan.Period)
	}
	start, err1 := strconv.Atoi(strings.TrimSpace(from))
	end, err2 := strconv.Atoi(strings.TrimSpace(to))
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("second plan: period %q", f.Plan.Period)
	}
	plan := model.PlanRecord{
		Ref: SecondPlanRef, Jurisdiction: model.T("zh-TW", "臺灣", "en", "Taiwan"), JurisdictionCode: "TWN",
		JurisdictionLevel: model.JurisdictionNational, Number: 2,
		Title: model.T("en", f.Plan.TitleEN+fmt.Sprintf(" (%d–%d)", start, end)),
		// Years only in the source: the plan runs from the first month of
		// its first year to the last month of its last.
		Start: model.Date{Year: start, Month: 1}, End: model.Date{Year: end, Month: 12}, Status: model.PlanImplementation,
		Documents: model.Links{
			{Title: model.T("en", "Executive Yuan news release: the second action plan approved ("+f.Plan.Approved+")"), URL: eyNewsRelease},
			{Title: model.T("en", "Taipei Times, 2025-03-21"), URL: taipeiTimes},
		},
	}
	for _, c := range f.Commitments {
		code := strconv.Itoa(c.No)
		title := model.T("en", c.EN)
		if c.ZH != "" {
			title = model.T("en", c.EN, "zh-TW", c.ZH)
		}
		plan.Commitments = append(plan.Commitments, model.CommitmentRecord{Ref: SecondPlanRef + "/" + code, Code: code,
			Title: title, SourceURL: eyNewsRelease})
	}
	return &model.Dataset{Format: model.DatasetFormat, Source: SecondPlanSource, Plans: []model.PlanRecord{plan}}, nil
}

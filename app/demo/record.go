package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/data"
)

// The real record of the demo: what the sources say happened, each written
// as of the day the source dates it, so that the tracker shows it then and
// not on the day the demo was loaded.

// PlanPublished is the day the first plan's text was published (the
// National Development Council's press release of 2020-10-28): the plan,
// its commitments and milestones are recorded as of that day.
var PlanPublished = time.Date(2020, 10, 28, 0, 0, 0, 0, time.UTC)

// ReviewActor is who the record of changes names for the progress quoted
// from the civic-tech review notes: the source, not a person.
var ReviewActor = model.Actor{Door: model.DoorImport, Label: "OGP 體檢 review notes (g0v-hackmd-archive)"}

// MeetingActor is who the record names for the task force's meeting: its
// published transcript.
var MeetingActor = model.Actor{Door: model.DoorImport, Label: "transcript, sayit.pdis.nat.gov.tw"}

// noteCommit is the commit of g0v-data/g0v-hackmd-archive the notes were read at.
const noteCommit = "b5abbffb937a4e1105f7ba8b549fee65befb0cd9"

// Notes are the review's note on each commitment whose progress it records.
var Notes = map[string]string{
	"1-1": "f8sRKXVJS-WHqe4g8sTdQA", "2-1": "1FyaE9JdR1K-50kie5r6ng", "2-2": "bOPrOrpEQauQBMbfB3cXOQ",
	"2-3": "RQN6UpCqTS-SLB8FyBJa3Q", "2-4": "B_WTao2ESlC91RIpYbSYcA", "3-4": "0D5_FMl7SoqJAyUi-BiMHw",
	"4-1": "AH8gexo5RpKRh6KGK4Jiww",
}

// NoteURL is the address of the review's note on commitment code.
func NoteURL(code string) string {
	return "https://github.com/g0v-data/g0v-hackmd-archive/blob/" + noteCommit + "/notes/" + Notes[code] + ".md"
}

// milestoneSays is what a source says of one milestone: its status and,
// when completed, the day.
type milestoneSays struct {
	seq         string
	status      model.MilestoneStatus
	completedOn string
	delay       string // why it is late, in the source's words, for a delayed milestone
}

// SourceReport is the progress a source records for one commitment and one
// half-year, submitted as of the period's last day: the day a report on
// the period is due. The review does not date the agencies' own reports.
type SourceReport struct {
	Code, Period string // commitment code; the period's end, 2021-12-31
	Quotes       []string
	Links        model.Links // further sources the note cites
	milestones   []milestoneSays
}

// SourceReports lists the progress the review's notes record, quoted and
// abridged (…) from taiwan-nap1/taiwan_nap1_progress.yaml.
func SourceReports() []SourceReport {
	return []SourceReport{
		{Code: "2-2", Period: "2021-12-31", Quotes: []string{
			"衡量指標 1：已建立Let's Talk評估指標及問卷…預計111年6月完成評估報告。",
			"衡量指標 2：錄取27個青年團隊，將於111年1月至3月辦理27場Talk（心理健康）。",
			"衡量指標 4：110年10月29日召開「大專校院資訊公開及需求諮詢會議」。",
			"衡量指標 5：已完成盤點…擬訂「國立高級中等學校校務資訊公開內容架構表(草案)」。",
			"衡量指標 9：已蒐集12個青年事務專責單位、165位青諮委員…意見。",
		}, milestones: []milestoneSays{
			{seq: "1", status: model.MilestoneInProgress}, {seq: "2", status: model.MilestoneInProgress},
			{seq: "4", status: model.MilestoneCompleted, completedOn: "2021-10-29"},
			{seq: "5", status: model.MilestoneInProgress}, {seq: "9", status: model.MilestoneInProgress},
		}},
		{Code: "4-1", Period: "2021-12-31", Quotes: []string{
			"衡量指標 1：報告 2021/9/26 奉核，2021/10/22 送民間委員；監察院系統再造案 2021/5/3 啟動，預計 2022/6/30 交付；" +
				"行政院 2021/12/9 第3次審查會議，尚未審竣。",
		}, milestones: []milestoneSays{{seq: "1", status: model.MilestoneCompleted, completedOn: "2021-09-26"}}},
		{Code: "3-4", Period: "2021-12-31", Quotes: []string{
			"具體績效：2021/8/24–9/23 10場「客家語言發展法」草案公民論壇（逾130條草案建議、逾20項政策建議）；" +
				"2021/11/26 培力課程；2021/11/29–30 全國客家日公民審議（20位公民），12/28 提出建議。",
		}, milestones: []milestoneSays{{seq: "1", status: model.MilestoneInProgress}}},
		{Code: "3-4", Period: "2022-12-31", Quotes: []string{
			"具體績效：2022/12/28 客家政策論壇（逾12,000人次觀看）。",
		}, milestones: []milestoneSays{{seq: "2", status: model.MilestoneInProgress}}},
		{Code: "3-4", Period: "2023-12-31", Quotes: []string{
			"具體績效：2023/6–7 8場全國客家會議分區會議。",
		}},
		{Code: "2-1", Period: "2022-12-31", Quotes: []string{
			"具體績效：中選會 2022/3 完成資通安全管理法子法要求之防護措施；2022/8/17 辦理ISMS稽核。",
			"衡量指標 4「全國性公民投票案電子連署系統上線」（2021年12月）未如期達成。",
		}, milestones: []milestoneSays{{seq: "4", status: model.MilestoneDelayed,
			delay: "The review notes record that the system was not online by its milestone of 2021-12; they give no reason."}}},
		{Code: "2-1", Period: "2023-12-31", Quotes: []string{
			"News 2023-10-12 (CNA): e-petition system expected complete Jan 2024.",
		}, milestones: []milestoneSays{{seq: "4", status: model.MilestoneDelayed,
			delay: "Not online yet; news of 2023-10-12 (CNA) expects it complete in January 2024. The notes give no reason."}}},
		{Code: "2-4", Period: "2023-12-31", Quotes: []string{
			"2023-12-08 勞動部新聞稿：「發起籌組工會參考手冊（企業工會篇）」。",
		}, Links: model.Links{{Title: model.T("zh-TW", "勞動部新聞稿（2023-12-08）：發起籌組工會參考手冊（企業工會篇）"),
			URL: "https://www.mol.gov.tw/1607/1632/1633/65438/post"}}},
	}
}

// Narrative is the report's text: the quotes, said to be the review's
// words and not the agency's, and where to read them.
func (r SourceReport) Narrative() string {
	var b strings.Builder
	b.WriteString("以下摘錄自公民科技社群「OGP 體檢」共筆（g0v，2023 年 12 月）對本承諾事項的紀錄，並非機關原文：\n\n")
	for _, q := range r.Quotes {
		b.WriteString("> " + q + "\n>\n")
	}
	fmt.Fprintf(&b, "\nQuoted from the notes of the civic-tech review \"OGP 體檢\" (g0v, December 2023), not the agency's own words. Source: %s\n", NoteURL(r.Code))
	return b.String()
}

// LoadRecord writes the real record of the first plan, already imported
// with its reporting periods: the progress the review records as submitted
// reports, and the task force's 7th meeting with its follow-up items.
func LoadRecord(ctx context.Context, tx *store.Store) error {
	plan, err := tx.FindPlanByRef(ctx, PlanRef)
	if err != nil {
		return err
	}
	periods, err := tx.FindPeriods(ctx, plan.ID)
	if err != nil {
		return err
	}
	commitments, _, err := tx.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID, Limit: 1000})
	if err != nil {
		return err
	}
	byCode := map[string]model.Commitment{}
	for _, c := range commitments {
		byCode[c.Code] = c
	}
	ids := make([]uint, 0, len(commitments))
	for _, c := range commitments {
		ids = append(ids, c.ID)
	}
	milestones, err := tx.FindMilestones(ctx, ids)
	if err != nil {
		return err
	}
	rctx := model.NewContextWithActor(ctx, ReviewActor)
	for _, sr := range SourceReports() {
		c, ok := byCode[sr.Code]
		if !ok {
			return fmt.Errorf("source report: no commitment %s", sr.Code)
		}
		end := model.MustDate(sr.Period)
		var period *model.ReportingPeriod
		for i := range periods {
			if periods[i].EndsOn == end {
				period = &periods[i]
			}
		}
		if period == nil {
			return fmt.Errorf("source report %s: no period ending %s", sr.Code, sr.Period)
		}
		r := &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: sr.Narrative(),
			Evidence: append(model.Links{{Title: model.T("zh-TW", "OGP 體檢共筆："+sr.Code, "en", "\"OGP 體檢\" review note on "+sr.Code),
				URL: NoteURL(sr.Code)}}, sr.Links...)}
		for _, ms := range sr.milestones {
			var m *model.Milestone
			for i := range milestones[c.ID] {
				if milestones[c.ID][i].Ref == ms.seq {
					m = &milestones[c.ID][i]
				}
			}
			if m == nil {
				return fmt.Errorf("source report %s: no milestone %s", sr.Code, ms.seq)
			}
			p := model.StatusProposal{MilestoneID: m.ID, Status: ms.status}
			if ms.completedOn != "" {
				p.CompletedOn = model.MustDate(ms.completedOn)
			}
			r.Proposals = append(r.Proposals, p)
			if ms.delay != "" {
				r.Delays = append(r.Delays, model.MilestoneDelay{MilestoneID: m.ID, Reason: model.DelayOther, Explanation: ms.delay})
			}
		}
		// Submitted at the end of the period's last day in Taiwan.
		at := time.Date(end.Year, time.Month(end.Month), end.Day, 17, 0, 0, 0, taipei)
		if err := tx.AsOf(at).SaveAndSubmitReport(rctx, r, end); err != nil {
			return fmt.Errorf("source report %s %s: %w", sr.Code, sr.Period, err)
		}
	}
	return loadMeeting(ctx, tx, plan, byCode)
}

// taipei is Taiwan's time, in which the sources date their events.
var taipei = time.FixedZone("Asia/Taipei", 8*3600)

// meetingFile is the shape of taiwan-taskforce/meeting-2022-08-15.yaml.
type meetingFile struct {
	Meeting struct {
		Date          string `yaml:"date"`
		Number        int    `yaml:"number"`
		TitleZH       string `yaml:"title_zh"`
		TranscriptURL string `yaml:"transcript_url"`
	} `yaml:"meeting"`
	FollowUps []struct {
		No       int    `yaml:"no"`
		About    string `yaml:"about"`
		Owner    string `yaml:"owner"`
		Progress string `yaml:"progress"`
		Status   string `yaml:"status"`
	} `yaml:"follow_ups"`
}

// followUpCommitments names the commitment a follow-up item is about, where its text says so.
var followUpCommitments = map[int]string{1: "2-3", 4: "2-1"}

func loadMeeting(ctx context.Context, tx *store.Store, plan *model.Plan, byCode map[string]model.Commitment) error {
	raw, err := data.Demo.ReadFile("demo/taiwan-taskforce/meeting-2022-08-15.yaml")
	if err != nil {
		return err
	}
	var f meetingFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("meeting file: %w", err)
	}
	held, err := model.ParseDate(f.Meeting.Date)
	if err != nil {
		return err
	}
	at := time.Date(held.Year, time.Month(held.Month), held.Day, 18, 0, 0, 0, taipei)
	mtx := tx.AsOf(at)
	ctx = model.NewContextWithActor(ctx, MeetingActor)
	m := &model.Meeting{PlanID: &plan.ID, HeldOn: held, Kind: model.MeetingTaskForce, Title: f.Meeting.TitleZH,
		Documents: []model.MeetingDocument{{Title: "會議紀錄逐字稿 (transcript), sayit.pdis.nat.gov.tw", URL: f.Meeting.TranscriptURL}}}
	if err := mtx.SaveMeeting(ctx, m, 0); err != nil {
		return fmt.Errorf("meeting: %w", err)
	}
	for _, item := range f.FollowUps {
		owner, _, _ := strings.Cut(item.Owner, " (")
		code, ok := agencyByName()[owner]
		if !ok {
			return fmt.Errorf("follow-up %d: agency %q is not in the demo's agency list", item.No, owner)
		}
		ag, err := tx.FindAgencyByCode(ctx, code)
		if err != nil {
			return err
		}
		fu := &model.FollowUp{MeetingID: m.ID, What: item.About, AgencyID: ag.ID}
		if c, ok := byCode[followUpCommitments[item.No]]; ok {
			fu.CommitmentID = &c.ID
		}
		switch {
		case strings.HasPrefix(item.Status, "closed"):
			fu.Status, fu.ClosedAtID, fu.Closing = model.FollowUpClosed, &m.ID, "解除列管 (closed): "+item.Progress
		case strings.HasPrefix(item.Status, "still tracked"):
			fu.Status = model.FollowUpTracked
		default: // the transcript we have does not say: tracked until a meeting closes it
			fu.Status = model.FollowUpTracked
		}
		if err := mtx.RecordFollowUp(ctx, fu); err != nil {
			return fmt.Errorf("follow-up %d: %w", item.No, err)
		}
		if fu.Status == model.FollowUpClosed {
			continue
		}
		text := fmt.Sprintf("Progress reported at the %s meeting (%s), among the decisions of earlier meetings (歷次會議決議結論): %s. Tracking: %s.",
			ordinal(f.Meeting.Number), f.Meeting.Date, item.Progress, item.Status)
		if err := mtx.AddFollowUpNote(ctx, &model.FollowUpNote{FollowUpID: fu.ID, Text: text}); err != nil {
			return fmt.Errorf("follow-up %d note: %w", item.No, err)
		}
	}
	return nil
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return fmt.Sprintf("%dth", n)
}

// agencyByName maps every spelling of an agency the sources use to its code.
func agencyByName() map[string]string {
	byName := map[string]string{}
	for _, a := range agencies {
		byName[a.zh] = a.code
		if a.shortZH != "" {
			byName[a.shortZH] = a.code
		}
	}
	return byName
}

package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The illustrative part of the demo: a made-up plan, apart from Taiwan's
// real ones, whose activity is dated relative to the day the demo is
// loaded, so that the workflow can be seen as it lives — a report awaiting
// review, a dissent and its answer, a question answered and one waiting,
// milestones due within the month, a meeting coming up. Nothing of it is ever
// written into a real plan's record. Every text of it begins with MadeUp,
// so that it says so wherever it travels: pages, the API, feeds, exports.

// MadeUp marks every made-up text of the demo.
const MadeUp = "［示範・虛構 made-up demo］"

// IllustrativePlanRef identifies the made-up plan.
const IllustrativePlanRef = "DEMO-WORKFLOW"

// IllustrativeAgency is the made-up agency that leads its commitments: the
// reports and answers of the illustration are not put in a real agency's mouth.
const IllustrativeAgency = "DEMO-BUREAU"

// IllustrativeSource is the made-up plan's attribution.
const IllustrativeSource = "Made up for the demo: an illustration of the tracker's workflow, dated relative to the day the demo was loaded. Not real data."

// halfYear is the half-year holding day d: its first and last day.
func halfYear(d model.Date) (model.Date, model.Date) {
	if d.Month <= 6 {
		return model.Date{Year: d.Year, Month: 1, Day: 1}, model.Date{Year: d.Year, Month: 6, Day: 30}
	}
	return model.Date{Year: d.Year, Month: 7, Day: 1}, model.Date{Year: d.Year, Month: 12, Day: 31}
}

// IllustrativePeriods are the made-up plan's half-years: the one before
// today's, and today's.
func IllustrativePeriods(today model.Date) []model.ReportingPeriod {
	curStart, curEnd := halfYear(today)
	prevStart, prevEnd := halfYear(model.DayOf(curStart.First(time.UTC).AddDate(0, 0, -1)))
	name := func(s model.Date) model.Text {
		h, zh := 1, "上半年"
		if s.Month > 6 {
			h, zh = 2, "下半年"
		}
		return model.T("zh-TW", fmt.Sprintf("%d 年%s", s.Year, zh), "en", fmt.Sprintf("%d H%d", s.Year, h))
	}
	return []model.ReportingPeriod{
		{Name: name(prevStart), StartsOn: prevStart, EndsOn: prevEnd},
		{Name: name(curStart), StartsOn: curStart, EndsOn: curEnd},
	}
}

// madeUp marks a text of the illustration in both languages.
func madeUp(zh, en string) model.Text { return model.T("zh-TW", MadeUp+zh, "en", MadeUp+en) }

// IllustrativeTexts are the made-up texts, without their marker, that pages
// may show: each must appear only after MadeUp (tests walk the demo for it).
var IllustrativeTexts = []string{
	"示範轄區", "Demo jurisdiction", "示範開放政府行動方案", "Demo open government action plan", "示範局", "Demo Bureau",
	"公開公共工程進度資料", "Publish the progress of public works as open data",
	"開放政府教育推廣", "Open government in schools",
	"盤點公共工程資料", "Inventory of public-works data", "上線公共工程進度資料集", "Public-works progress dataset online",
	"徵詢資料使用者意見", "Users of the data consulted", "編寫開放政府教材", "Teaching material on open government written",
	"完成教師研習", "Teachers' workshops held",
	"本期完成公共工程資料盤點", "進度資料集缺少地方政府的工程", "地方政府工程將於下期納入",
	"本期寫成開放政府教材初稿", "進度資料多久更新一次", "教材會公開授權嗎", "示範推動小組會議", "示範會議室", "示範提問者",
}

// IllustrativeDataset is the made-up plan, its dates around today.
func IllustrativeDataset(today model.Date) *model.Dataset {
	periods := IllustrativePeriods(today)
	start := periods[0].StartsOn
	end := model.Date{Year: today.Year + 2, Month: 12}
	// Due within the next 30 days, so that they count as due soon: on
	// the liaison's My work, the reminders and the plan's watchlist.
	soon := model.DayOf(today.First(time.UTC).AddDate(0, 0, 21))
	earlier := model.Date{Year: start.Year, Month: start.Month + 3} // within the last period: start is January or July
	plan := model.PlanRecord{
		Ref: IllustrativePlanRef, Jurisdiction: madeUp("示範轄區", "Demo jurisdiction"), JurisdictionCode: "XDM",
		JurisdictionLevel: model.JurisdictionLocal, Number: 1,
		Title: madeUp("示範開放政府行動方案", "Demo open government action plan"),
		Start: model.Date{Year: start.Year, Month: start.Month}, End: end, Status: model.PlanImplementation,
		Commitments: []model.CommitmentRecord{
			{Ref: IllustrativePlanRef + "/1", Code: "1", Title: madeUp("公開公共工程進度資料", "Publish the progress of public works as open data"),
				LeadAgency: IllustrativeAgency, CoLeads: []string{"DEMO-CIVICTECH"}, Start: plan0(start), End: end,
				Milestones: []model.MilestoneRecord{
					{Ref: "1", Title: madeUp("盤點公共工程資料", "Inventory of public-works data"), Start: plan0(start), Due: earlier, Status: model.MilestoneNotStarted, Weight: 1},
					{Ref: "2", Title: madeUp("上線公共工程進度資料集", "Public-works progress dataset online"), Start: plan0(start), Due: soon, Status: model.MilestoneInProgress, Weight: 1},
					{Ref: "3", Title: madeUp("徵詢資料使用者意見", "Users of the data consulted"), Start: plan0(start), Due: soon, Status: model.MilestoneNotStarted, Weight: 1},
				}},
			{Ref: IllustrativePlanRef + "/2", Code: "2", Title: madeUp("開放政府教育推廣", "Open government in schools"),
				LeadAgency: IllustrativeAgency, CoLeads: []string{"DEMO-OPENDATA"}, Start: plan0(start), End: end,
				Milestones: []model.MilestoneRecord{
					{Ref: "1", Title: madeUp("編寫開放政府教材", "Teaching material on open government written"), Start: plan0(start), Due: soon, Status: model.MilestoneInProgress, Weight: 1},
					{Ref: "2", Title: madeUp("完成教師研習", "Teachers' workshops held"), Start: plan0(soon), Due: model.Date{Year: today.Year + 1, Month: 12}, Status: model.MilestoneNotStarted, Weight: 1},
				}},
		},
	}
	return &model.Dataset{Format: model.DatasetFormat, Source: IllustrativeSource,
		Agencies: []model.AgencyRecord{{Code: IllustrativeAgency, Name: madeUp("示範局", "Demo Bureau"), Jurisdiction: "XDM", Level: model.AgencyLocal}},
		Plans:    []model.PlanRecord{plan}}
}

// plan0 is the month a date falls in.
func plan0(d model.Date) model.Date { return model.Date{Year: d.Year, Month: d.Month} }

// ImportIllustrative writes the made-up plan, its agency and its periods,
// as of forty days before now.
func ImportIllustrative(ctx context.Context, tx *store.Store, now time.Time, loc *time.Location) error {
	today := model.DayOf(now.In(loc))
	before := tx.AsOf(now.AddDate(0, 0, -40))
	if _, err := before.ImportDataset(model.NewContextWithActor(ctx, Actor), IllustrativeDataset(today), nil); err != nil {
		return fmt.Errorf("made-up plan: %w", err)
	}
	plan, err := tx.FindPlanByRef(ctx, IllustrativePlanRef)
	if err != nil {
		return err
	}
	for _, p := range IllustrativePeriods(today) {
		p.PlanID = plan.ID
		if err := before.SavePeriod(ctx, &p); err != nil {
			return err
		}
	}
	return nil
}

// LoadIllustrative writes the made-up plan's activity as of now: reports,
// a dissent and its answer, questions, a meeting ahead. The plan
// (ImportIllustrative) and the demo accounts must exist: they are who acts.
func LoadIllustrative(ctx context.Context, tx *store.Store, now time.Time, loc *time.Location) error {
	days := func(n int) *store.Store { return tx.AsOf(now.AddDate(0, 0, n)) }
	dayOf := func(n int) model.Date { return model.DayOf(now.AddDate(0, 0, n).In(loc)) }
	plan, err := tx.FindPlanByRef(ctx, IllustrativePlanRef)
	if err != nil {
		return err
	}
	periods, err := tx.FindPeriods(ctx, plan.ID)
	if err != nil || len(periods) != 2 {
		return fmt.Errorf("made-up plan: %d periods, %v", len(periods), err)
	}
	user := func(email string) (*model.User, context.Context, error) {
		u, err := tx.FindUserByEmail(ctx, email)
		if err != nil {
			return nil, nil, fmt.Errorf("demo account %s: %w", email, err)
		}
		return u, model.NewContextWithActor(ctx, u.ActorThrough(model.DoorWeb)), nil
	}
	_, liaison, err := user(BureauLiaison)
	if err != nil {
		return err
	}
	colead, coleadCtx, err := user(CoLeadMember)
	if err != nil {
		return err
	}
	_, adminCtx, err := user(Administrator)
	if err != nil {
		return err
	}
	commitments, _, err := tx.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID})
	if err != nil || len(commitments) != 2 {
		return fmt.Errorf("made-up plan: %d commitments, %v", len(commitments), err)
	}
	works, school := commitments[0], commitments[1]
	if works.Code != "1" {
		works, school = school, works
	}
	ms, err := tx.FindMilestones(ctx, []uint{works.ID})
	if err != nil {
		return err
	}
	var inventory uint
	for _, m := range ms[works.ID] {
		if m.Ref == "1" {
			inventory = m.ID
		}
	}

	// Last period's report on public works: submitted, disputed, answered.
	works1 := &model.ProgressReport{CommitmentID: works.ID, PeriodID: periods[0].ID,
		Narrative:  MadeUp + "本期完成公共工程資料盤點，共 42 類資料。\n\n" + MadeUp + "The inventory of public-works data was finished this period: 42 kinds of data.",
		Challenges: MadeUp + "地方政府的資料格式不一。", NextSteps: MadeUp + "下期上線進度資料集。",
		Proposals: model.StatusProposals{{MilestoneID: inventory, Status: model.MilestoneCompleted, CompletedOn: dayOf(-25)}}}
	if err := days(-20).SaveAndSubmitReport(liaison, works1, dayOf(-20)); err != nil {
		return fmt.Errorf("made-up report: %w", err)
	}
	dissent := &model.Review{ReportID: works1.ID, UserID: colead.ID, Verdict: model.VerdictDissent, CoLead: true,
		Reasons: MadeUp + "進度資料集缺少地方政府的工程，盤點並未完成。\n\n" + MadeUp + "The dataset leaves out local governments' works: the inventory is not finished."}
	if err := days(-15).ReviewReport(coleadCtx, dissent); err != nil {
		return fmt.Errorf("made-up dissent: %w", err)
	}
	if err := days(-12).AnswerDissent(liaison, dissent.ID, MadeUp+"地方政府工程將於下期納入，已與六都約定資料格式。\n\n"+
		MadeUp+"Local governments' works join next period; the format is agreed with the six special municipalities."); err != nil {
		return fmt.Errorf("made-up answer: %w", err)
	}
	// Last period's report on schools: submitted two days ago, awaiting review.
	school1 := &model.ProgressReport{CommitmentID: school.ID, PeriodID: periods[0].ID,
		Narrative: MadeUp + "本期寫成開放政府教材初稿，送三所學校試教。\n\n" + MadeUp + "A first draft of the teaching material was written and tried in three schools."}
	if err := days(-2).SaveAndSubmitReport(liaison, school1, dayOf(-2)); err != nil {
		return fmt.Errorf("made-up report: %w", err)
	}

	// A question answered within two weeks, and one waiting.
	asked := &model.Question{CommitmentID: &works.ID, Kind: model.AskQuestion, Lang: "zh-TW", Channel: model.ChannelOnline,
		Name: MadeUp + "示範提問者", Text: MadeUp + "進度資料多久更新一次？ How often is the progress data updated?", ReceivedAt: now.AddDate(0, 0, -12)}
	if err := days(-12).AskQuestion(ctx, asked, "", "", nil); err != nil {
		return fmt.Errorf("made-up question: %w", err)
	}
	if err := days(-5).AnswerQuestion(liaison, asked.ID, &model.QuestionEntry{Disposition: model.DispositionAdopted,
		Body:    MadeUp + "每週一更新。 Every Monday.",
		Reasons: MadeUp + "每週更新是工程單位能穩定提供的頻率。 Weekly is what the works units can keep up."}, nil); err != nil {
		return fmt.Errorf("made-up answer: %w", err)
	}
	waiting := &model.Question{PlanID: plan.ID, Kind: model.AskQuestion, Lang: "zh-TW", Channel: model.ChannelOnline,
		Name: MadeUp + "示範提問者", Text: MadeUp + "教材會公開授權嗎？ Will the teaching material be openly licensed?", ReceivedAt: now.AddDate(0, 0, -3)}
	if err := days(-3).AskQuestion(ctx, waiting, "", "", nil); err != nil {
		return fmt.Errorf("made-up question: %w", err)
	}

	// The forum meets in ten days.
	meeting := &model.Meeting{PlanID: &plan.ID, HeldOn: dayOf(10), StartsAt: "14:00", Kind: model.MeetingTaskForce,
		Title: MadeUp + "示範推動小組會議 Demo task force meeting", Place: MadeUp + "示範會議室 Demo meeting room",
		Agenda: []model.AgendaItem{{Position: 1, Title: MadeUp + "公共工程進度資料的異議與回應 The dissent on public-works data and its answer", CommitmentID: &works.ID}}}
	if err := days(-7).SaveMeeting(adminCtx, meeting, 0); err != nil {
		return fmt.Errorf("made-up meeting: %w", err)
	}
	return nil
}

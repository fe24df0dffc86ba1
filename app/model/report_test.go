package model_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestWhoTakesPartInReporting(t *testing.T) {
	lead, supporting, org, otherOrg := uint(1), uint(2), uint(7), uint(8)
	c := &model.Commitment{LeadAgencyID: &lead, SupportingAgencies: []model.Agency{{ID: supporting}},
		Organisations: []model.CommitmentOrganisation{{OrganisationID: org, Role: model.RoleCoLead}, {OrganisationID: otherOrg, Role: model.RolePartner}}}
	draft := &model.ProgressReport{AgencyID: lead, Status: model.ReportDraft}
	submitted := &model.ProgressReport{AgencyID: lead, Status: model.ReportSubmitted}
	liaison := func(agency uint) *model.User { return &model.User{Role: model.RoleLiaison, AgencyID: &agency} }
	member := func(org *uint) *model.User { return &model.User{Role: model.RoleCommittee, OrganisationID: org} }
	for _, tc := range []struct {
		who                                      string
		u                                        *model.User
		periods, draft, seeDraft, review, coLead bool
	}{
		{"the public", nil, false, false, false, false, false},
		{"an administrator", &model.User{Role: model.RoleAdmin}, true, false, false, false, false},
		{"a disabled administrator", &model.User{Role: model.RoleAdmin, Disabled: true}, false, false, false, false, false},
		{"the lead agency's liaison", liaison(lead), false, true, true, false, false},
		{"a disabled liaison of the lead", &model.User{Role: model.RoleLiaison, AgencyID: &lead, Disabled: true}, false, false, false, false, false},
		{"a supporting agency's liaison", liaison(supporting), false, false, false, false, false},
		{"a liaison without an agency", &model.User{Role: model.RoleLiaison}, false, false, false, false, false},
		{"a committee member", member(nil), false, false, false, true, false},
		{"the co-lead organisation's member", member(&org), false, false, false, true, true},
		{"a partner organisation's member", member(&otherOrg), false, false, false, true, false},
		{"a disabled committee member", &model.User{Role: model.RoleCommittee, Disabled: true}, false, false, false, false, false},
	} {
		u := tc.u
		if got := u.MayManagePeriods(); got != tc.periods {
			t.Errorf("%s: MayManagePeriods = %v", tc.who, got)
		}
		if got := u.MayDraftReport(c); got != tc.draft {
			t.Errorf("%s: MayDraftReport = %v", tc.who, got)
		}
		if got := u.MaySeeReport(draft); got != tc.seeDraft {
			t.Errorf("%s: MaySeeReport(draft) = %v", tc.who, got)
		}
		if !u.MaySeeReport(submitted) {
			t.Errorf("%s may not see a submitted report", tc.who)
		}
		if got := u.MayReview(); got != tc.review {
			t.Errorf("%s: MayReview = %v", tc.who, got)
		}
		if got := u.MayAssess(); got != tc.review {
			t.Errorf("%s: MayAssess = %v", tc.who, got)
		}
		if got := u.IsCoLead(c); got != tc.coLead {
			t.Errorf("%s: IsCoLead = %v", tc.who, got)
		}
	}
	if (&model.User{Role: model.RoleLiaison, AgencyID: &lead}).MayDraftReport(&model.Commitment{}) {
		t.Error("a commitment without a lead agency has a liaison who reports on it")
	}
}

func TestReportValidation(t *testing.T) {
	valid := func() *model.ProgressReport {
		return &model.ProgressReport{CommitmentID: 1, PeriodID: 1, AgencyID: 1, Version: 1, Status: model.ReportDraft,
			Narrative: "## Done\n\nThe system is *live*.", Evidence: model.Links{{Title: model.T("en", "Minutes"), URL: "https://example.org/m.pdf"}},
			Delays: model.MilestoneDelays{{MilestoneID: 3, Reason: model.DelayProcurement}}}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("a valid report: %v", err)
	}
	for _, tc := range []struct {
		name, field, msg string
		change           func(r *model.ProgressReport)
	}{
		{"script", "narrative", model.MsgScript, func(r *model.ProgressReport) { r.Narrative = "x <ScRiPt>alert(1)</script>" }},
		{"too long", "narrative", model.MsgTooLong, func(r *model.ProgressReport) { r.Narrative = strings.Repeat("字", model.MaxNarrative+1) }},
		{"long challenges", "challenges", model.MsgTooLong, func(r *model.ProgressReport) { r.Challenges = strings.Repeat("a", 10<<20) }},
		{"bad address", "evidence[0].url", model.MsgNotURL, func(r *model.ProgressReport) { r.Evidence[0].URL = "javascript:alert(1)" }},
		{"no address", "evidence[0].url", model.MsgRequired, func(r *model.ProgressReport) { r.Evidence[0].URL = "" }},
		{"untitled evidence", "evidence[0].title", model.MsgRequired, func(r *model.ProgressReport) { r.Evidence[0].Title = nil }},
		{"reason not on the list", "delays[3].reason", model.MsgNotListed, func(r *model.ProgressReport) { r.Delays[0].Reason = "weather" }},
		{"unknown status", "status", "", func(r *model.ProgressReport) { r.Status = "final" }},
		{"a NUL byte", "narrative", model.MsgControl, func(r *model.ProgressReport) { r.Narrative = "## Done\x00" }},
		{"Latin-1 next steps", "next_steps", model.MsgNotUTF8, func(r *model.ProgressReport) { r.NextSteps = "caf\xe9" }},
		{"an escape in an explanation", "delays[3].explanation", model.MsgControl, func(r *model.ProgressReport) { r.Delays[0].Explanation = "\x1b[2J" }},
		{"an evidence title with a NUL byte", "evidence[0].title", model.MsgControl, func(r *model.ProgressReport) { r.Evidence[0].Title = model.T("en", "\x00") }},
	} {
		r := valid()
		tc.change(r)
		var fe model.FieldErrors
		if err := r.Validate(); !errors.As(err, &fe) || fe[tc.field] == "" || tc.msg != "" && fe[tc.field] != tc.msg {
			t.Errorf("%s: %v, want %s: %s", tc.name, err, tc.field, tc.msg)
		}
	}
	r := valid()
	r.Narrative = " "
	if err := r.Validate(); err != nil {
		t.Errorf("a draft without a narrative: %v", err)
	}
	var fe model.FieldErrors
	if err := r.Submittable(); !errors.As(err, &fe) || fe["narrative"] != model.MsgRequired {
		t.Errorf("a submission without a narrative: %v", err)
	}
}

func TestPeriodReviewAndAssessmentValidation(t *testing.T) {
	p := &model.ReportingPeriod{PlanID: 1, Name: model.T("en", "2022 H1"), StartsOn: model.MustDate("2022-01-01"), EndsOn: model.MustDate("2022-06-30")}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.EndsOn = model.MustDate("2021-12-31")
	var fe model.FieldErrors
	if err := p.Validate(); !errors.As(err, &fe) || fe["ends_on"] != model.MsgEndsBeforeStart {
		t.Errorf("end before start: %v", err)
	}
	p.EndsOn, p.Name = model.MustDate("2022-01-01"), model.T("en", " ")
	if err := p.Validate(); !errors.As(err, &fe) || fe["name"] == "" || fe["ends_on"] != "" {
		t.Errorf("one day without a name: %v", err)
	}

	v := &model.Review{ReportID: 1, UserID: 1, Verdict: model.VerdictDissent, Reasons: " "}
	if err := v.Validate(); !errors.As(err, &fe) || fe["reasons"] != model.MsgRequired {
		t.Errorf("a dissent without reasons: %v", err)
	}
	v.Verdict = model.VerdictConfirm
	if err := v.Validate(); err != nil {
		t.Errorf("a confirmation without reasons: %v", err)
	}
	a := &model.CompletionAssessment{CommitmentID: 1, PeriodID: 1, UserID: 1, Completion: model.CompletionUnassessed}
	if err := a.Validate(); !errors.As(err, &fe) || fe["completion"] == "" {
		t.Errorf("an assessment without a level: %v", err)
	}
	a.Completion = model.CompletionWithdrawn
	if err := a.Validate(); err != nil {
		t.Errorf("withdrawn: %v", err)
	}
}

func TestAgreementOfReviews(t *testing.T) {
	confirm, dissent := model.Review{Verdict: model.VerdictConfirm}, model.Review{Verdict: model.VerdictDissent}
	now := time.Now()
	answered := model.Review{Verdict: model.VerdictDissent, Answer: "已上線", AnsweredAt: &now}
	for _, tc := range []struct {
		reviews []model.Review
		want    model.Agreement
	}{
		{nil, model.AgreementAwaiting},
		{[]model.Review{confirm}, model.AgreementAgreed},
		{[]model.Review{confirm, dissent, confirm}, model.AgreementContested},
		{[]model.Review{dissent}, model.AgreementContested},
		{[]model.Review{answered, confirm}, model.AgreementAnswered},
		{[]model.Review{confirm, answered, dissent}, model.AgreementContested},
	} {
		if got := model.AgreementOf(tc.reviews); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.reviews, got, tc.want)
		}
	}
}

// A period's versions: the one draft, the submitted ones in order, and the
// number the next takes; other periods' versions are not among them.
func TestVersionsOf(t *testing.T) {
	reports := []model.ProgressReport{
		{ID: 1, PeriodID: 7, Version: 1, Status: model.ReportSubmitted},
		{ID: 2, PeriodID: 8, Version: 1, Status: model.ReportSubmitted},
		{ID: 3, PeriodID: 7, Version: 2, Status: model.ReportSubmitted},
		{ID: 4, PeriodID: 7, Version: 3, Status: model.ReportDraft},
	}
	v := model.VersionsOf(reports, 7)
	if v.Draft == nil || v.Draft.ID != 4 || len(v.Submitted) != 2 || v.Submitted[0].ID != 1 || v.Current().ID != 3 || v.Next != 4 {
		t.Errorf("period 7: %+v; want draft 4, submitted 1 then 3, next version 4", v)
	}
	if v := model.VersionsOf(reports, 8); v.Draft != nil || v.Current().ID != 2 || v.Next != 2 {
		t.Errorf("period 8: %+v; want 2 current, next version 2", v)
	}
	if v := model.VersionsOf(reports, 9); v.Draft != nil || v.Current() != nil || v.Next != 1 {
		t.Errorf("a period without reports: %+v; want version 1 next", v)
	}
}

// A draft is changed and not reviewed; a submitted version is reviewed,
// by a committee member, and not changed.
func TestWhatADraftAndASubmittedReportAllow(t *testing.T) {
	draft, submitted := &model.ProgressReport{Status: model.ReportDraft}, &model.ProgressReport{Status: model.ReportSubmitted}
	if draft.CheckEditable() != nil || !errors.Is(submitted.CheckEditable(), model.ErrNotDraft) {
		t.Error("only a draft is changed")
	}
	if submitted.CheckReviewable() != nil || !errors.Is(draft.CheckReviewable(), model.ErrNotSubmitted) {
		t.Error("only a submitted version is reviewed")
	}
	member, liaison := &model.User{Role: model.RoleCommittee}, &model.User{Role: model.RoleLiaison}
	if !member.MayReviewReport(submitted) || member.MayReviewReport(draft) || liaison.MayReviewReport(submitted) {
		t.Error("a committee member reviews submitted versions; nobody else, nothing else")
	}
	confirms, dissents := model.CountVerdicts([]model.Review{{Verdict: model.VerdictConfirm}, {Verdict: model.VerdictDissent}, {Verdict: model.VerdictConfirm}})
	if confirms != 2 || dissents != 1 {
		t.Errorf("%d confirms and %d dissents, want 2 and 1", confirms, dissents)
	}
}

// What a report says of its milestones is checked against them: proposals
// that change nothing are dropped, unknown milestones refused, and on
// submission a delayed milestone needs its reason.
func TestReportMilestoneRules(t *testing.T) {
	ms := []model.Milestone{*validMilestone(), *validMilestone()}
	ms[0].ID, ms[0].Ref, ms[0].Status = 1, "1", model.MilestoneInProgress
	ms[1].ID, ms[1].Ref, ms[1].Status = 2, "2", model.MilestoneNotStarted
	r := &model.ProgressReport{Proposals: model.StatusProposals{
		{MilestoneID: 1, Status: model.MilestoneInProgress}, // no change
		{MilestoneID: 2, Status: model.MilestoneDelayed},
	}}
	if err := r.CheckMilestones(ms, nil); err != nil || len(r.Proposals) != 1 || r.Proposals[0].Ref != "2" {
		t.Errorf("a draft: %v, proposals %+v; want milestone 2's only, numbered", err, r.Proposals)
	}
	today := model.MustDate("2021-12-20")
	var fe model.FieldErrors
	if err := r.CheckMilestones(ms, &today); !errors.As(err, &fe) || fe["delays[2].reason"] != model.MsgRequired {
		t.Errorf("submitted without the delay's reason: %v", err)
	}
	r.Delays = model.MilestoneDelays{{MilestoneID: 2, Reason: model.DelayFunding}}
	if err := r.CheckMilestones(ms, &today); err != nil || r.Delays[0].Ref != "2" {
		t.Errorf("submitted with its reason: %v, %+v", err, r.Delays)
	}
	r.Proposals = model.StatusProposals{{MilestoneID: 9, Status: model.MilestoneCompleted}}
	if err := r.CheckMilestones(ms, nil); !errors.As(err, &fe) || fe["milestones[9].status"] != model.MsgNotListed {
		t.Errorf("another commitment's milestone: %v", err)
	}
}

// A report is its commitment's lead agency's, for a period of its plan.
func TestStartDraft(t *testing.T) {
	lead := uint(3)
	c := &model.Commitment{PlanID: 1, LeadAgencyID: &lead}
	ours, theirs := &model.ReportingPeriod{PlanID: 1}, &model.ReportingPeriod{PlanID: 2}
	r := &model.ProgressReport{Status: model.ReportSubmitted, AgencyID: 9}
	if err := r.StartDraft(c, ours); err != nil || r.AgencyID != lead || r.Status != model.ReportDraft {
		t.Errorf("%v: agency %d, %s; want a draft of agency %d", err, r.AgencyID, r.Status, lead)
	}
	var fe model.FieldErrors
	for _, p := range []*model.ReportingPeriod{theirs, nil} {
		if err := r.StartDraft(c, p); !errors.As(err, &fe) || fe["period"] != model.MsgNotListed {
			t.Errorf("a period of another plan, or none: %v", err)
		}
	}
	if err := r.StartDraft(&model.Commitment{PlanID: 1}, ours); !errors.As(err, &fe) || fe["commitment"] == "" {
		t.Errorf("a commitment without a lead agency: %v", err)
	}
}

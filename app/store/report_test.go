package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// reportingStore is the demo plan with its reporting periods; it returns
// commitment 2-1 (led by the Central Election Commission) and the period
// of the second half of 2021.
func reportingStore(t *testing.T) (*store.Store, *model.Commitment, *model.ReportingPeriod) {
	t.Helper()
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	plan, err := s.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	var period model.ReportingPeriod
	for _, p := range demo.Periods() {
		p.PlanID = plan.ID
		if err := s.SavePeriod(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if p.Name["en"] == "2021 H2" {
			period = p
		}
	}
	cs, _, err := s.FindCommitments(ctx, store.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == "2-1" {
			return s, &c, &period
		}
	}
	t.Fatal("no commitment 2-1")
	return nil, nil, nil
}

func TestReportingTablesMatchTheModel(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	db := s.DBForTest()
	for _, m := range []any{&model.ReportingPeriod{}, &model.ProgressReport{}, &model.Review{}, &model.CompletionAssessment{}} {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			t.Fatal(err)
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !db.Migrator().HasColumn(stmt.Schema.Table, f.DBName) {
				t.Errorf("%T.%s: no column %s.%s", m, f.Name, stmt.Schema.Table, f.DBName)
			}
		}
	}
	if !db.Migrator().HasTable("report_reviews") || !db.Migrator().HasIndex(&model.ProgressReport{}, "idx_report_version") {
		t.Error("the reviews table or the unique version index is missing")
	}
}

// The API drafts reports through the store alone: bad input is a
// model.FieldErrors, and nothing is written.
func TestSaveReportDraftWithoutTheWeb(t *testing.T) {
	t.Parallel()
	s, c, period := reportingStore(t)
	r := &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: "<script>x</script>",
		Evidence: model.Links{{Title: model.T("en", "Minutes"), URL: "ftp://example.org"}}}
	var fe model.FieldErrors
	if err := s.SaveReportDraft(ctx, r); !errors.As(err, &fe) || fe["narrative"] != model.MsgScript || fe["evidence[0].url"] == "" {
		t.Fatalf("bad draft: %v", err)
	}
	if rs, _ := s.FindReports(ctx, c.ID); len(rs) != 0 {
		t.Fatalf("a refused draft was written: %+v", rs)
	}
	if err := s.SaveReportDraft(ctx, &model.ProgressReport{CommitmentID: c.ID, PeriodID: 9999}); !errors.As(err, &fe) || fe["period"] == "" {
		t.Errorf("unknown period: %v", err)
	}

	r = &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: "Started."}
	if err := s.SaveReportDraft(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.Version != 1 || r.Revision != 1 || r.Status != model.ReportDraft || r.AgencyID != *c.LeadAgencyID {
		t.Fatalf("saved: %+v", r)
	}
	// A second new draft of the same period, or a save from a stale revision, is a conflict.
	if err := s.SaveReportDraft(ctx, &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second draft: %v", err)
	}
	stale := *r
	r.Narrative = "Going on."
	if err := s.SaveReportDraft(ctx, r); err != nil || r.Revision != 2 {
		t.Fatalf("save: %v, revision %d", err, r.Revision)
	}
	if err := s.SaveReportDraft(ctx, &stale); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale save: %v", err)
	}
	// A review of a draft is refused; the submitted version is never saved again.
	if err := s.ReviewReport(ctx, &model.Review{ReportID: r.ID, UserID: 1, Verdict: model.VerdictConfirm}); !errors.Is(err, model.ErrNotSubmitted) {
		t.Errorf("review of a draft: %v", err)
	}
	if err := s.SubmitReport(ctx, r.ID, r.Revision, model.MustDate("2021-12-31")); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveReportDraft(ctx, r); !errors.Is(err, model.ErrNotDraft) {
		t.Errorf("save of a submitted version: %v", err)
	}
	if err := s.SubmitReport(ctx, r.ID, r.Revision, model.MustDate("2021-12-31")); !errors.Is(err, model.ErrNotDraft) {
		t.Errorf("second submission: %v", err)
	}
	next := &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: "Corrected."}
	if err := s.SaveReportDraft(ctx, next); err != nil || next.Version != 2 {
		t.Fatalf("next version: %v, version %d", err, next.Version)
	}
	stored, err := s.FindReportByID(ctx, r.ID)
	if err != nil || stored.Narrative != "Going on." || stored.Status != model.ReportSubmitted || stored.SubmittedAt == nil {
		t.Errorf("version 1 after version 2 was started: %+v, %v", stored, err)
	}
}

// A submission whose milestone status breaks the rules writes nothing:
// neither the milestones before it nor the report.
func TestASubmissionIsOneTransaction(t *testing.T) {
	t.Parallel()
	s, c, period := reportingStore(t)
	ms, err := s.FindMilestones(ctx, []uint{c.ID})
	if err != nil || len(ms[c.ID]) < 2 {
		t.Fatalf("milestones: %v", err)
	}
	first, second := ms[c.ID][0], ms[c.ID][1]
	r := &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: "Done.", Proposals: model.StatusProposals{
		{MilestoneID: first.ID, Status: model.MilestoneInProgress},
		{MilestoneID: second.ID, Status: model.MilestoneCompleted, CompletedOn: model.MustDate("2099-01-01")},
	}}
	if err := s.SaveReportDraft(ctx, r); err != nil {
		t.Fatal(err)
	}
	var fe model.FieldErrors
	err = s.SubmitReport(context.Background(), r.ID, r.Revision, model.MustDate("2021-12-31"))
	if !errors.As(err, &fe) || !strings.Contains(fe.Error(), "completed_on") {
		t.Fatalf("submission with a completion date in the future: %v", err)
	}
	after, _ := s.FindMilestones(ctx, []uint{c.ID})
	if after[c.ID][0].Status != first.Status || after[c.ID][0].Version != first.Version {
		t.Errorf("the first milestone changed: %s", after[c.ID][0].Status)
	}
	if stored, _ := s.FindReportByID(ctx, r.ID); stored.Status != model.ReportDraft {
		t.Errorf("the report was submitted")
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindReports returns every version of every progress report on a
// commitment, drafts included (the caller shows each to whom
// model.User.MaySeeReport allows), by period then version, with their
// periods and agencies.
func (s *Store) FindReports(ctx context.Context, commitmentID uint) ([]model.ProgressReport, error) {
	var rs []model.ProgressReport
	err := s.db.WithContext(ctx).Preload("Period").Preload("Agency").Preload("SubmittedBy").
		Joins("JOIN reporting_periods ON reporting_periods.id = progress_reports.period_id").
		Where("progress_reports.commitment_id = ?", commitmentID).
		Order("reporting_periods.starts_on, progress_reports.period_id, progress_reports.version").Find(&rs).Error
	return rs, err
}

// FindReportByID returns one report version with its period, agency and
// commitment (its plan, lead agency and civil-society organisations).
func (s *Store) FindReportByID(ctx context.Context, id uint) (*model.ProgressReport, error) {
	var r model.ProgressReport
	err := s.db.WithContext(ctx).Preload("Period").Preload("Agency").Preload("SubmittedBy").
		Preload("Commitment.Plan").Preload("Commitment.LeadAgency").Preload("Commitment.Organisations.Organisation").
		Take(&r, id).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// FindReviews returns the reviews of the given report versions, with
// their authors, oldest first.
func (s *Store) FindReviews(ctx context.Context, reportIDs []uint) (map[uint][]model.Review, error) {
	out := map[uint][]model.Review{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	var vs []model.Review
	if err := s.db.WithContext(ctx).Preload("User").Preload("AnsweredBy").Where("report_id IN ?", reportIDs).Order("created_at, id").Find(&vs).Error; err != nil {
		return nil, err
	}
	for _, v := range vs {
		out[v.ReportID] = append(out[v.ReportID], v)
	}
	return out, nil
}

// FindReviewByID returns one review.
func (s *Store) FindReviewByID(ctx context.Context, id uint) (*model.Review, error) {
	var v model.Review
	if err := s.db.WithContext(ctx).Take(&v, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &v, nil
}

// FindAssessments returns the completion assessments of a commitment,
// newest first, with their authors.
func (s *Store) FindAssessments(ctx context.Context, commitmentID uint) ([]model.CompletionAssessment, error) {
	var as []model.CompletionAssessment
	err := s.db.WithContext(ctx).Preload("User").Where("commitment_id = ?", commitmentID).
		Order("created_at DESC, id DESC").Find(&as).Error
	return as, err
}

// reportOutline is what the record of changes keeps of a draft: that it was
// started or saved, by whom and when, but not its text, which is not public
// until submitted.
func reportOutline(r *model.ProgressReport) *model.ProgressReport {
	return &model.ProgressReport{ID: r.ID, CommitmentID: r.CommitmentID, PeriodID: r.PeriodID, Version: r.Version,
		AgencyID: r.AgencyID, Status: r.Status, Revision: r.Revision}
}

// reportRef identifies a report version in the record of changes.
func reportRef(p *model.ReportingPeriod, version int) string {
	return fmt.Sprintf("%s v%d", periodRef(p), version)
}

// SaveReportDraft creates a draft (ID 0) or saves one (ID set, at its
// Revision, else ErrConflict) of the progress report on r.CommitmentID for
// r.PeriodID. A new draft takes the next version number; only one draft
// of a commitment and period exists at a time (a second new one is
// ErrConflict). The agency is the commitment's lead; the status, draft.
// Bad input returns model.FieldErrors and writes nothing. Who may do it is
// the caller's check: model.User.MayDraftReport.
func (s *Store) SaveReportDraft(ctx context.Context, r *model.ProgressReport) error {
	return s.write(ctx, func(tx *gorm.DB) error { return s.saveDraft(ctx, tx, r) })
}

// SaveAndSubmitReport saves draft r as SaveReportDraft does and submits it
// as SubmitReport does, in one transaction: when either refuses, nothing
// is written.
func (s *Store) SaveAndSubmitReport(ctx context.Context, r *model.ProgressReport, today model.Date) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := s.saveDraft(ctx, tx, r); err != nil {
			return err
		}
		return s.submit(ctx, tx, r.ID, r.Revision, today)
	})
}

// errTrial undoes a transaction that only tried something.
var errTrial = errors.New("trial: undone")

// SaveReportToSubmit saves draft r as SaveReportDraft does, but only when
// it could be submitted as of today: the submission is tried in full, with
// every check SubmitReport makes, then undone, and the draft saved. It then
// waits for its liaison's confirmation (SubmitReport); a draft that could
// not be submitted returns model.FieldErrors and writes nothing.
func (s *Store) SaveReportToSubmit(ctx context.Context, r *model.ProgressReport, today model.Date) error {
	trial := *r
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := s.saveDraft(ctx, tx, &trial); err != nil {
			return err
		}
		if err := s.submit(ctx, tx, trial.ID, trial.Revision, today); err != nil {
			return err
		}
		return errTrial
	})
	if !errors.Is(err, errTrial) {
		return err
	}
	return s.SaveReportDraft(ctx, r)
}

func (s *Store) saveDraft(ctx context.Context, tx *gorm.DB, r *model.ProgressReport) error {
	var c model.Commitment
	if err := tx.Select("id", "plan_id", "lead_agency_id").Take(&c, r.CommitmentID).Error; err != nil {
		if err = notFound(err); errors.Is(err, model.ErrNotFound) {
			return model.FieldErrors{"commitment": model.MsgNotListed}
		}
		return err
	}
	p, err := findPeriod(tx, r.PeriodID) // none: StartDraft refuses it
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if err := r.StartDraft(&c, p); err != nil {
		return err
	}
	before := &model.ProgressReport{}
	action := model.ChangeCreated
	if r.ID == 0 {
		var drafts int64
		if err := tx.Model(&model.ProgressReport{}).Where("commitment_id = ? AND period_id = ? AND status = ?",
			r.CommitmentID, r.PeriodID, model.ReportDraft).Count(&drafts).Error; err != nil {
			return err
		}
		if drafts > 0 {
			return ErrConflict
		}
		var last int
		if err := tx.Model(&model.ProgressReport{}).Where("commitment_id = ? AND period_id = ?", r.CommitmentID, r.PeriodID).
			Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
			return err
		}
		r.Version, r.Revision = last+1, 1
	} else {
		var stored model.ProgressReport
		if err := tx.Take(&stored, r.ID).Error; err != nil {
			return notFound(err)
		}
		if stored.CommitmentID != r.CommitmentID || stored.PeriodID != r.PeriodID {
			return model.ErrNotFound
		}
		if err := stored.CheckEditable(); err != nil {
			return err
		}
		if stored.Revision != r.Revision {
			return ErrConflict
		}
		before, action = reportOutline(&stored), model.ChangeUpdated
		r.Version, r.Revision, r.CreatedAt = stored.Version, stored.Revision+1, stored.CreatedAt
	}
	if err := s.checkMilestones(tx, r, nil); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := tx.Omit("Commitment", "Period", "Agency", "SubmittedBy").Save(r).Error; err != nil {
		if isUniqueViolation(err) {
			return ErrConflict // a draft started meanwhile
		}
		return err
	}
	_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityReportDraft, Action: action,
		CommitmentID: &c.ID, PlanID: &c.PlanID, Ref: reportRef(p, r.Version)}, before, reportOutline(r), nil)
	return err
}

// findPeriod reads period id: model.ErrNotFound when there is none.
func findPeriod(tx *gorm.DB, id uint) (*model.ReportingPeriod, error) {
	var p model.ReportingPeriod
	if err := tx.Take(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// checkMilestones reads the milestones of r's commitment and checks what r
// says of them (model.ProgressReport.CheckMilestones).
func (s *Store) checkMilestones(tx *gorm.DB, r *model.ProgressReport, today *model.Date) error {
	var ms []model.Milestone
	if err := tx.Where("commitment_id = ?", r.CommitmentID).Find(&ms).Error; err != nil {
		return err
	}
	return r.CheckMilestones(ms, today)
}

// SubmitReport submits the draft id, still at revision (else ErrConflict),
// as of today: it applies the milestone statuses it proposes, with the
// rules and the record of UpdateMilestoneProgress, and makes the version
// public, all in one transaction. The record of changes then holds the
// report as submitted. An incomplete draft returns model.FieldErrors and
// changes nothing.
func (s *Store) SubmitReport(ctx context.Context, id uint, revision int, today model.Date) error {
	return s.write(ctx, func(tx *gorm.DB) error { return s.submit(ctx, tx, id, revision, today) })
}

func (s *Store) submit(ctx context.Context, tx *gorm.DB, id uint, revision int, today model.Date) error {
	var r model.ProgressReport
	if err := tx.Preload("Period").Preload("Commitment").Take(&r, id).Error; err != nil {
		return notFound(err)
	}
	if err := r.CheckEditable(); err != nil {
		return err
	}
	if r.Revision != revision {
		return ErrConflict
	}
	proposals := r.Proposals
	if err := s.checkMilestones(tx, &r, &today); err != nil {
		return err
	}
	if err := r.Submittable(); err != nil {
		return err
	}
	for _, p := range r.Proposals {
		var m model.Milestone
		if err := tx.Select("id", "version").Take(&m, p.MilestoneID).Error; err != nil {
			return err
		}
		err := s.updateMilestoneProgress(ctx, tx, m.ID, m.Version, model.ProgressUpdate{Status: p.Status, CompletedOn: p.CompletedOn}, today)
		var bad model.FieldErrors
		if errors.As(err, &bad) {
			fe := model.FieldErrors{}
			for k, v := range bad {
				fe.Add(fmt.Sprintf("milestones[%d].%s", p.MilestoneID, k), v)
			}
			return fe
		}
		if err != nil {
			return err
		}
	}
	r.Proposals = proposals
	before := reportOutline(&r)
	now := s.now().UTC()
	actor, _ := model.ActorFromContext(ctx)
	res := tx.Model(&model.ProgressReport{}).Where("id = ? AND revision = ? AND status = ?", r.ID, revision, model.ReportDraft).
		Updates(map[string]any{"status": model.ReportSubmitted, "submitted_at": now, "submitted_by_id": actor.UserID, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	if err := progressReported(tx, r.CommitmentID, now); err != nil {
		return err
	}
	after := r
	after.Status, after.SubmittedAt = model.ReportSubmitted, &now
	after.Proposals, after.SubmittedByID, after.Period, after.Commitment = nil, nil, nil, nil // applied and recorded as milestone changes; the actor is the change's author
	_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityReport, Action: model.ChangeUpdated,
		CommitmentID: &r.CommitmentID, PlanID: &r.Commitment.PlanID, Ref: reportRef(r.Period, r.Version)}, before, &after, nil)
	return err
}

// ReviewReport records a committee member's view of a submitted report
// version: a confirmation, or a dissent with its reasons. A member's
// second review of the same version replaces the first. Who may review is
// the caller's check: model.User.MayReview.
func (s *Store) ReviewReport(ctx context.Context, v *model.Review) error {
	if err := v.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var r model.ProgressReport
		if err := tx.Preload("Period").Preload("Commitment").Take(&r, v.ReportID).Error; err != nil {
			return notFound(err)
		}
		if err := r.CheckReviewable(); err != nil {
			return err
		}
		before := &model.Review{}
		action := model.ChangeCreated
		var stored model.Review
		err := tx.Where("report_id = ? AND user_id = ?", v.ReportID, v.UserID).Take(&stored).Error
		switch {
		case err == nil:
			before, action = &stored, model.ChangeUpdated
			v.ID, v.CreatedAt = stored.ID, stored.CreatedAt
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		if err := tx.Omit("Report", "User").Save(v).Error; err != nil {
			return err
		}
		shown := func(x *model.Review) *model.Review { // the author is the change's; the report its ref
			c := *x
			c.ReportID, c.UserID, c.Report, c.User = 0, 0, nil, nil
			return &c
		}
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityReview, Action: action,
			CommitmentID: &r.CommitmentID, PlanID: &r.Commitment.PlanID, Ref: reportRef(r.Period, r.Version)}, shown(before), shown(v), nil)
		return err
	})
}

// AnswerDissent records the reporting agency's answer to dissent reviewID,
// by the person in ctx's actor: public at once, in the record of changes.
// A second answer replaces the first. Who may answer is the caller's
// check: model.User.MayAnswerDissent.
func (s *Store) AnswerDissent(ctx context.Context, reviewID uint, answer string) error {
	answer = strings.TrimSpace(answer)
	return s.write(ctx, func(tx *gorm.DB) error {
		var v model.Review
		if err := tx.Take(&v, reviewID).Error; err != nil {
			return notFound(err)
		}
		if err := v.CheckAnswer(answer); err != nil {
			return err
		}
		var r model.ProgressReport
		if err := tx.Preload("Period").Preload("Commitment").Take(&r, v.ReportID).Error; err != nil {
			return notFound(err)
		}
		before := v
		now := s.now().UTC()
		actor, _ := model.ActorFromContext(ctx)
		v.Answer, v.AnsweredAt, v.AnsweredByID = answer, &now, actor.UserID
		if err := tx.Model(&model.Review{}).Where("id = ?", v.ID).
			Updates(map[string]any{"answer": v.Answer, "answered_at": now, "answered_by_id": actor.UserID}).Error; err != nil {
			return err
		}
		if err := progressReported(tx, r.CommitmentID, now); err != nil {
			return err
		}
		shown := func(x model.Review) *model.Review { // the author is the change's; the report its ref
			x.ReportID, x.UserID, x.AnsweredByID, x.Report, x.User, x.AnsweredBy = 0, 0, nil, nil, nil, nil
			return &x
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityReview, Action: model.ChangeUpdated,
			CommitmentID: &r.CommitmentID, PlanID: &r.Commitment.PlanID, Ref: reportRef(r.Period, r.Version)}, shown(before), shown(v), nil)
		return err
	})
}

// AssessCompletion adds a committee member's assessment of how complete a
// commitment is for a period. Who may assess is the caller's check:
// model.User.MayAssess.
func (s *Store) AssessCompletion(ctx context.Context, a *model.CompletionAssessment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var c model.Commitment
		if err := tx.Select("id", "plan_id").Take(&c, a.CommitmentID).Error; err != nil {
			return notFound(err)
		}
		p, err := findPeriod(tx, a.PeriodID)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if !p.Reports(&c) {
			return model.FieldErrors{"period": model.MsgNotListed}
		}
		a.ID = 0
		if err := tx.Omit("Commitment", "Period", "User").Create(a).Error; err != nil {
			return err
		}
		after := *a
		after.UserID, after.CommitmentID, after.User = 0, 0, nil
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityAssessment, Action: model.ChangeCreated,
			CommitmentID: &c.ID, PlanID: &c.PlanID, Ref: periodRef(p)}, &model.CompletionAssessment{}, &after, nil)
		return err
	})
}

// progressReported sets when progress on commitment id was last reported:
// a report submitted, a dissent or a question answered. The row's
// updated_at is left alone: its data did not change.
func progressReported(tx *gorm.DB, id uint, at time.Time) error {
	return tx.Model(&model.Commitment{}).Where("id = ?", id).UpdateColumn("progress_at", at).Error
}

package store

import (
	"context"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// The questions a reminder pass asks (app/remind): what the plans in force
// hold, who answers for it, and when it last changed.

// FindReminderCommitments returns the commitments of the given plans with
// the columns reminders name (code, title, lead agency), and their
// milestones keyed by commitment id, in order: two queries however large
// the plans.
func (s *Store) FindReminderCommitments(ctx context.Context, planIDs []uint) ([]model.Commitment, map[uint][]model.Milestone, error) {
	var cs []model.Commitment
	if len(planIDs) == 0 {
		return nil, map[uint][]model.Milestone{}, nil
	}
	db := s.db.WithContext(ctx)
	if err := db.Select("id, ref, plan_id, code, title, lead_agency_id").Where("plan_id IN ?", planIDs).
		Order("plan_id, id").Find(&cs).Error; err != nil {
		return nil, nil, err
	}
	var ms []model.Milestone
	err := db.Select("milestones.id, milestones.commitment_id, milestones.ref, milestones.parent_id, milestones.position, milestones.title, "+
		"milestones.due, milestones.agency_id, milestones.status, milestones.completed_on").
		Joins("JOIN commitments ON commitments.id = milestones.commitment_id").
		Where("commitments.plan_id IN ?", planIDs).Order("milestones.commitment_id, milestones.position, milestones.id").Find(&ms).Error
	if err != nil {
		return nil, nil, err
	}
	// The other agencies that answer for a milestone are reminded too.
	var others []struct{ MilestoneID, AgencyID uint }
	if err := db.Table("milestone_agencies").Select("milestone_agencies.milestone_id, milestone_agencies.agency_id").
		Joins("JOIN milestones ON milestones.id = milestone_agencies.milestone_id").
		Joins("JOIN commitments ON commitments.id = milestones.commitment_id").
		Where("commitments.plan_id IN ?", planIDs).Order("milestone_agencies.agency_id").Scan(&others).Error; err != nil {
		return nil, nil, err
	}
	othersOf := map[uint][]model.Agency{}
	for _, o := range others {
		othersOf[o.MilestoneID] = append(othersOf[o.MilestoneID], model.Agency{ID: o.AgencyID})
	}
	out := make(map[uint][]model.Milestone, len(cs))
	for _, m := range ms {
		m.OtherAgencies = othersOf[m.ID]
		out[m.CommitmentID] = append(out[m.CommitmentID], m)
	}
	return cs, out, nil
}

// FindCoLeadOrganisations returns, per commitment of the given plans, the
// civil-society organisations that co-lead it.
func (s *Store) FindCoLeadOrganisations(ctx context.Context, planIDs []uint) (map[uint][]uint, error) {
	var rows []model.CommitmentOrganisation
	err := s.db.WithContext(ctx).Table("commitment_organisations").
		Select("commitment_organisations.commitment_id, commitment_organisations.organisation_id").
		Joins("JOIN commitments ON commitments.id = commitment_organisations.commitment_id").
		Where("commitments.plan_id IN ? AND commitment_organisations.role = ?", planIDs, model.RoleCoLead).Find(&rows).Error
	out := map[uint][]uint{}
	for _, r := range rows {
		out[r.CommitmentID] = append(out[r.CommitmentID], r.OrganisationID)
	}
	return out, err
}

// LastChanges returns, for the given plans, the last entry of the record of
// changes at or before until: per commitment, and per plan.
func (s *Store) LastChanges(ctx context.Context, planIDs []uint, until time.Time) (byCommitment, byPlan map[uint]time.Time, err error) {
	byCommitment, byPlan = map[uint]time.Time{}, map[uint]time.Time{}
	if len(planIDs) == 0 {
		return byCommitment, byPlan, nil
	}
	var rows []struct {
		CommitmentID *uint
		PlanID       uint
		Last         dbTime
	}
	if err := public(s.db.WithContext(ctx).Model(&model.Change{})).Select("commitment_id, plan_id, MAX(at) AS last").
		Where("plan_id IN ? AND at <= ?", planIDs, until.UTC()).Group("plan_id, commitment_id").Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		t := r.Last.Time
		if r.CommitmentID != nil {
			byCommitment[*r.CommitmentID] = t
		}
		if t.After(byPlan[r.PlanID]) {
			byPlan[r.PlanID] = t
		}
	}
	return byCommitment, byPlan, nil
}

// FindChangesBetween returns the entries of the record of changes of the
// given plans made in (from, to], newest first, at most limit, and how
// many there are in all.
func (s *Store) FindChangesBetween(ctx context.Context, planIDs []uint, from, to time.Time, limit int) ([]model.Change, int64, error) {
	q := public(s.db.WithContext(ctx).Model(&model.Change{})).Where("plan_id IN ? AND at > ? AND at <= ?", planIDs, from.UTC(), to.UTC())
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return nil, 0, err
	}
	var out []model.Change
	err := public(s.db.WithContext(ctx)).Where("plan_id IN ? AND at > ? AND at <= ?", planIDs, from.UTC(), to.UTC()).
		Order("at DESC, id").Limit(limit).Find(&out).Error
	return out, n, err
}

// LastMeeting returns the day of the latest meeting held on or before day,
// or the zero Date when none is recorded.
func (s *Store) LastMeeting(ctx context.Context, day model.Date) (model.Date, error) {
	var ms []model.Meeting
	err := s.db.WithContext(ctx).Where("held_on <= ?", day.String()).Order("held_on DESC").Limit(1).Find(&ms).Error
	if err != nil || len(ms) == 0 {
		return model.Date{}, err
	}
	return ms[0].HeldOn, nil
}

// FindReportedCommitments returns, per reporting period, the commitments
// with a submitted report for it.
func (s *Store) FindReportedCommitments(ctx context.Context, periodIDs []uint) (map[uint]map[uint]bool, error) {
	out := map[uint]map[uint]bool{}
	if len(periodIDs) == 0 {
		return out, nil
	}
	var rows []struct{ PeriodID, CommitmentID uint }
	err := s.db.WithContext(ctx).Model(&model.ProgressReport{}).Distinct("period_id", "commitment_id").
		Where("period_id IN ? AND status = ?", periodIDs, model.ReportSubmitted).Scan(&rows).Error
	for _, r := range rows {
		if out[r.PeriodID] == nil {
			out[r.PeriodID] = map[uint]bool{}
		}
		out[r.PeriodID][r.CommitmentID] = true
	}
	return out, err
}

// FindReportsAwaitingCoLeads returns the submitted reports of commitments
// of the given plans, submitted at or before before, that no co-lead has
// reviewed yet: the latest submitted version of each commitment and period.
func (s *Store) FindReportsAwaitingCoLeads(ctx context.Context, planIDs []uint, before time.Time) ([]model.ProgressReport, error) {
	var out []model.ProgressReport
	if len(planIDs) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Table("progress_reports AS r").
		Select("r.id, r.commitment_id, r.period_id, r.version, r.agency_id, r.status, r.submitted_at").
		Joins("JOIN commitments c ON c.id = r.commitment_id").
		Where("c.plan_id IN ? AND r.status = ? AND r.submitted_at <= ?", planIDs, model.ReportSubmitted, before.UTC()).
		Where("r.version = (SELECT MAX(r2.version) FROM progress_reports r2 WHERE r2.commitment_id = r.commitment_id AND r2.period_id = r.period_id AND r2.status = ?)", model.ReportSubmitted).
		Where("NOT EXISTS (SELECT 1 FROM report_reviews v WHERE v.report_id = r.id AND v.co_lead)").
		Order("r.id").Scan(&out).Error
	return out, err
}

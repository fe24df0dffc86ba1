package store

import (
	"context"

	"github.com/ogptracker/ogptracker/app/model"
)

// What app/work reads to tell people what is theirs to do, beside what the
// reminders read (reminder.go).

// FindLatestReports returns, by period and commitment, the latest version
// of each report of the periods (the latest submitted one when submitted
// is true), without its texts.
func (s *Store) FindLatestReports(ctx context.Context, periodIDs []uint, submitted bool) (map[uint]map[uint]*model.ProgressReport, error) {
	out := map[uint]map[uint]*model.ProgressReport{}
	if len(periodIDs) == 0 {
		return out, nil
	}
	latest := "SELECT MAX(r2.version) FROM progress_reports r2 WHERE r2.commitment_id = r.commitment_id AND r2.period_id = r.period_id"
	q := s.db.WithContext(ctx).Table("progress_reports AS r").
		Select("r.id, r.commitment_id, r.period_id, r.version, r.agency_id, r.status, r.submitted_at, r.updated_at").
		Where("r.period_id IN ?", periodIDs)
	if submitted {
		q = q.Where("r.status = ? AND r.version = ("+latest+" AND r2.status = ?)", model.ReportSubmitted, model.ReportSubmitted)
	} else {
		q = q.Where("r.version = (" + latest + ")")
	}
	var rs []model.ProgressReport
	if err := q.Order("r.id").Scan(&rs).Error; err != nil {
		return nil, err
	}
	for i := range rs {
		r := &rs[i]
		if out[r.PeriodID] == nil {
			out[r.PeriodID] = map[uint]*model.ProgressReport{}
		}
		out[r.PeriodID][r.CommitmentID] = r
	}
	return out, nil
}

// FindAssessedCommitments returns, by period, the commitments someone of
// the committee has assessed for it.
func (s *Store) FindAssessedCommitments(ctx context.Context, periodIDs []uint) (map[uint]map[uint]bool, error) {
	out := map[uint]map[uint]bool{}
	if len(periodIDs) == 0 {
		return out, nil
	}
	var rows []struct{ PeriodID, CommitmentID uint }
	err := s.db.WithContext(ctx).Model(&model.CompletionAssessment{}).Distinct("period_id", "commitment_id").
		Where("period_id IN ?", periodIDs).Scan(&rows).Error
	for _, r := range rows {
		if out[r.PeriodID] == nil {
			out[r.PeriodID] = map[uint]bool{}
		}
		out[r.PeriodID][r.CommitmentID] = true
	}
	return out, err
}

// FindInvitedUsers returns the accounts invited and not yet in use: an
// invitation was made, and no link of theirs was ever used (so no password
// chosen), oldest invitation first.
func (s *Store) FindInvitedUsers(ctx context.Context) ([]model.User, error) {
	var us []model.User
	err := s.db.WithContext(ctx).Preload("Agency").Preload("Organisation").
		Where("NOT disabled").
		Where("EXISTS (SELECT 1 FROM one_time_links l WHERE l.user_id = users.id AND l.purpose = ?)", model.LinkInvitation).
		Where("NOT EXISTS (SELECT 1 FROM one_time_links l WHERE l.user_id = users.id AND l.used_at IS NOT NULL)").
		Order("created_at, id").Find(&us).Error
	return us, err
}

// CountOutbox returns how many messages of the outbox are in status.
func (s *Store) CountOutbox(ctx context.Context, status model.OutboxStatus) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.OutboxMessage{}).Where("status = ?", status).Count(&n).Error
	return n, err
}

package store

import (
	"context"
	"errors"
	"reflect"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// ErrConflict is returned by a write made from a version of a record that
// someone else has changed since: nothing is written.
var ErrConflict = errors.New("changed by someone else since the form was opened")

// FindMilestoneByID returns one milestone with its responsible agency, and
// its commitment with the lead and supporting agencies that decide who may
// change it.
func (s *Store) FindMilestoneByID(ctx context.Context, id uint) (*model.Milestone, error) {
	return findMilestone(s.db.WithContext(ctx), id)
}

func findMilestone(db *gorm.DB, id uint) (*model.Milestone, error) {
	var m model.Milestone
	err := db.Preload("Agency").Preload("OtherAgencies", orderByCode).Preload("Commitment.Plan").Preload("Commitment.LeadAgency").
		Preload("Commitment.SupportingAgencies").Take(&m, id).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// UpdateMilestoneProgress sets what the responsible agency reports of a
// milestone (its status and completion date, and its progress note and
// evidence when given), as of today, if it is still at version; otherwise it returns
// ErrConflict. In the same transaction it adds the change, with the actor
// of ctx, to the record of changes, as an import does, and reads the
// milestone as written, as FindMilestoneByID does: what it returns is this
// write's, never another writer's that came just after.
func (s *Store) UpdateMilestoneProgress(ctx context.Context, id uint, version int, u model.ProgressUpdate, today model.Date) (*model.Milestone, error) {
	var m *model.Milestone
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := s.updateMilestoneProgress(ctx, tx, id, version, u, today); err != nil {
			return err
		}
		var err error
		m, err = findMilestone(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// updateMilestoneProgress is UpdateMilestoneProgress within tx, for writes
// that change milestones with other records, such as a report's submission.
func (s *Store) updateMilestoneProgress(ctx context.Context, tx *gorm.DB, id uint, version int, u model.ProgressUpdate, today model.Date) error {
	var before model.Milestone
	if err := tx.Preload("Commitment").Take(&before, id).Error; err != nil {
		return notFound(err)
	}
	if before.Version != version {
		return ErrConflict
	}
	if err := s.statusInPlansWords(tx, &before, &u); err != nil {
		return err
	}
	after := before
	if err := after.ChangeProgress(u, today); err != nil {
		return err
	}
	if len(diffFields(&before, &after)) == 0 {
		return nil // the same values again: nothing to record
	}
	// The version in the WHERE catches a write that came in between.
	res := tx.Model(&model.Milestone{}).Where("id = ? AND version = ?", id, version).
		Updates(map[string]any{"status": after.Status, "status_key": after.StatusKey, "completed_on": after.CompletedOn, "note": after.Note,
			"evidence": after.Evidence, "version": version + 1, "updated_at": s.now().UTC(), "progress_at": s.now().UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	commitmentID, planID := before.CommitmentID, before.Commitment.PlanID
	_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityMilestone, Action: model.ChangeUpdated,
		CommitmentID: &commitmentID, PlanID: &planID}, &before, &after, nil)
	return err
}

// statusInPlansWords sets u's status key in the plan's own scale: the key
// given must be the scale's and count as the status given; a status given
// in the tracker's words alone keeps the key it had when unchanged, and
// otherwise takes the first step that counts as it.
func (s *Store) statusInPlansWords(tx *gorm.DB, m *model.Milestone, u *model.ProgressUpdate) error {
	var plan model.Plan
	if err := tx.Select("id", "status_scale").Take(&plan, m.Commitment.PlanID).Error; err != nil {
		return err
	}
	switch {
	case u.StatusKey != "":
		if st := plan.StatusScale.Step(u.StatusKey); st == nil || st.Status != u.Status {
			return model.FieldErrors{"status": model.MsgNotListed}.Err()
		}
	case u.Status == m.Status:
		u.StatusKey = m.StatusKey
	default:
		u.StatusKey = plan.StatusScale.ForStatus(u.Status)
	}
	return nil
}

// valueChange is the change of a plain value field.
func valueChange(before, after reflect.Value) (model.FieldChange, error) {
	var fc model.FieldChange
	var err error
	if fc.Before, err = encodeValue(before); err == nil {
		fc.After, err = encodeValue(after)
	}
	return fc, err
}

package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// MilestoneInput is what a form sets of a milestone: its identifier,
// parent, order, title, dates and weight, and its responsible agency by
// code. Its reported status and completion date are UpdateMilestoneProgress's.
type MilestoneInput struct {
	Milestone model.Milestone
	Agency    string // code; "" for the commitment's lead
}

// CreateMilestone stores a new milestone of commitment commitmentID, not
// started, after the commitment's others unless in gives its order, and, in
// the same transaction, enters it in the record of changes under the actor
// of ctx. It returns the new milestone's id.
func (s *Store) CreateMilestone(ctx context.Context, commitmentID uint, in MilestoneInput) (uint, error) {
	var id uint
	err := s.write(ctx, func(tx *gorm.DB) error {
		var c model.Commitment
		if err := tx.Select("id", "plan_id").Take(&c, commitmentID).Error; err != nil {
			return notFound(err)
		}
		m := model.Milestone{CommitmentID: commitmentID, Status: model.MilestoneNotStarted, Version: 1}
		if err := checkMilestone(tx, &m, in); err != nil {
			return err
		}
		if m.Position == 0 {
			var last *int
			if err := tx.Model(&model.Milestone{}).Where("commitment_id = ?", commitmentID).Select("MAX(position)").Scan(&last).Error; err != nil {
				return err
			}
			m.Position = 1
			if last != nil {
				m.Position = *last + 1
			}
		}
		if err := tx.Omit(gormAssociations).Create(&m).Error; err != nil {
			return err
		}
		id = m.ID
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityMilestone, Action: model.ChangeCreated,
			CommitmentID: &commitmentID, PlanID: &c.PlanID}, &model.Milestone{}, &m, nil)
		return err
	})
	return id, err
}

// UpdateMilestone sets what a form changes of milestone id, if it is still
// at version; otherwise it returns ErrConflict and writes nothing. The
// change enters the record of changes in the same transaction.
func (s *Store) UpdateMilestone(ctx context.Context, id uint, version int, in MilestoneInput) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Milestone
		if err := tx.Preload("Commitment").Take(&before, id).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		after := before
		if err := checkMilestone(tx, &after, in); err != nil {
			return err
		}
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		err := s.updateVersioned(tx, &model.Milestone{}, id, version, map[string]any{
			"ref": after.Ref, "parent_id": after.ParentID, "position": after.Position, "title": after.Title,
			"start": after.Start, "due": after.Due, "agency_id": after.AgencyID, "weight": after.Weight})
		if err != nil {
			return err
		}
		commitmentID, planID := before.CommitmentID, before.Commitment.PlanID
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityMilestone, Action: model.ChangeUpdated,
			CommitmentID: &commitmentID, PlanID: &planID}, &before, &after, nil)
		return err
	})
}

// checkMilestone sets on m the values of in and checks them: the model's
// rules, the agency's code, the parent (a top-level milestone of the same
// commitment, milestones nesting one level) and the identifier's uniqueness
// within the commitment.
func checkMilestone(tx *gorm.DB, m *model.Milestone, in MilestoneInput) error {
	v := in.Milestone
	m.Ref, m.ParentID, m.Title, m.Start, m.Due, m.Weight = v.Ref, v.ParentID, v.Title, v.Start, v.Due, v.Weight
	if v.Position > 0 {
		m.Position = v.Position
	}
	fe := model.FieldErrors{}
	var err error
	if m.AgencyID, err = agencyByCode(tx, in.Agency, fe, "agency"); err != nil {
		return err
	}
	if m.ParentID != nil {
		var parent model.Milestone
		err := tx.Select("id", "commitment_id", "parent_id").Take(&parent, *m.ParentID).Error
		switch {
		case err == gorm.ErrRecordNotFound:
			fe.Add("parent", MsgUnknownParent)
		case err != nil:
			return err
		case parent.CommitmentID != m.CommitmentID || parent.ParentID != nil || parent.ID == m.ID:
			fe.Add("parent", MsgUnknownParent)
		}
		if m.ID != 0 {
			var children int64
			if err := tx.Model(&model.Milestone{}).Where("parent_id = ?", m.ID).Count(&children).Error; err != nil {
				return err
			}
			if children > 0 {
				fe.Add("parent", MsgParentHasChildren)
			}
		}
	}
	if err := mergeErrors(fe, m.Validate()); err != nil {
		return err
	}
	if err := checkTaken(tx, &model.Milestone{}, fe, "ref", m.ID, "commitment_id = ? AND ref = ?", m.CommitmentID, m.Ref); err != nil {
		return err
	}
	return fe.Err()
}

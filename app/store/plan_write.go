package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// CreatePlan stores a new action plan and, in the same transaction, enters
// it in the record of changes under the actor of ctx. An invalid plan, or
// one whose identifier another plan has, is refused with model.FieldErrors.
func (s *Store) CreatePlan(ctx context.Context, p *model.Plan) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		fe := model.FieldErrors{}
		if err := mergeErrors(fe, p.Validate()); err != nil {
			return err
		}
		if err := checkTaken(tx, &model.Plan{}, fe, "ref", 0, "ref = ?", p.Ref); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		p.ID, p.Version, p.QuestionDays = 0, 1, p.QuestionDaysOrDefault()
		if err := tx.Omit(gormAssociations).Create(p).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityPlan, Action: model.ChangeCreated, PlanID: &p.ID},
			&model.Plan{}, p, nil)
		return err
	})
}

// UpdatePlan sets what a form changes of plan id (identifier, member,
// number, title, dates, stage, days to answer a question) to p's, if the plan is still at version;
// otherwise it returns ErrConflict and writes nothing. The change enters
// the record of changes in the same transaction.
func (s *Store) UpdatePlan(ctx context.Context, id uint, version int, p *model.Plan) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Plan
		if err := tx.Take(&before, id).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		after := before
		after.Ref, after.Jurisdiction, after.JurisdictionCode, after.JurisdictionLevel = p.Ref, p.Jurisdiction, p.JurisdictionCode, p.JurisdictionLevel
		after.Number, after.Title, after.Start, after.End, after.Status = p.Number, p.Title, p.Start, p.End, p.Status
		after.QuestionDays = p.QuestionDaysOrDefault()
		fe := model.FieldErrors{}
		if err := mergeErrors(fe, after.Validate()); err != nil {
			return err
		}
		if err := checkTaken(tx, &model.Plan{}, fe, "ref", id, "ref = ?", after.Ref); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if len(diffFields(&before, &after)) == 0 {
			return nil // the same values again: nothing to record
		}
		err := s.updateVersioned(tx, &model.Plan{}, id, version, map[string]any{
			"ref": after.Ref, "jurisdiction": after.Jurisdiction, "jurisdiction_code": after.JurisdictionCode,
			"jurisdiction_level": after.JurisdictionLevel, "number": after.Number, "title": after.Title,
			"start": after.Start, "end": after.End, "status": after.Status, "question_days": after.QuestionDays})
		if err != nil {
			return err
		}
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityPlan, Action: model.ChangeUpdated, PlanID: &id},
			&before, &after, nil)
		return err
	})
}

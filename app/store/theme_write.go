package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// CreateTheme stores a new theme of plan t.PlanID and, in the same
// transaction, enters it in the record of changes under the actor of ctx.
// A theme number the plan already has is refused with model.FieldErrors.
func (s *Store) CreateTheme(ctx context.Context, t *model.Theme) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Select("id").Take(&model.Plan{}, t.PlanID).Error; err != nil {
			return notFound(err)
		}
		fe := model.FieldErrors{}
		if err := mergeErrors(fe, t.Validate()); err != nil {
			return err
		}
		if err := checkTaken(tx, &model.Theme{}, fe, "number", 0, "plan_id = ? AND number = ?", t.PlanID, t.Number); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		t.ID, t.Version = 0, 1
		if err := tx.Omit(gormAssociations).Create(t).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityTheme, Action: model.ChangeCreated, PlanID: &t.PlanID},
			&model.Theme{}, t, nil)
		return err
	})
}

// UpdateTheme sets the number and name of theme id to t's, if the theme
// is still at version; otherwise it returns ErrConflict and writes nothing.
// The change enters the record of changes in the same transaction.
func (s *Store) UpdateTheme(ctx context.Context, id uint, version int, t *model.Theme) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Theme
		if err := tx.Take(&before, id).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		after := before
		after.Number, after.Name = t.Number, t.Name
		fe := model.FieldErrors{}
		if err := mergeErrors(fe, after.Validate()); err != nil {
			return err
		}
		if err := checkTaken(tx, &model.Theme{}, fe, "number", id, "plan_id = ? AND number = ?", after.PlanID, after.Number); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		if err := s.updateVersioned(tx, &model.Theme{}, id, version, map[string]any{"number": after.Number, "name": after.Name}); err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityTheme, Action: model.ChangeUpdated, PlanID: &after.PlanID},
			&before, &after, nil)
		return err
	})
}

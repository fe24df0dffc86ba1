package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindPeriods returns a plan's reporting periods, earliest first.
func (s *Store) FindPeriods(ctx context.Context, planID uint) ([]model.ReportingPeriod, error) {
	var ps []model.ReportingPeriod
	err := s.db.WithContext(ctx).Where("plan_id = ?", planID).Order("starts_on, ends_on, id").Find(&ps).Error
	return ps, err
}

// FindPeriodByID returns one reporting period with its plan.
func (s *Store) FindPeriodByID(ctx context.Context, id uint) (*model.ReportingPeriod, error) {
	var p model.ReportingPeriod
	if err := s.db.WithContext(ctx).Preload("Plan").Take(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// SavePeriod creates a reporting period (ID 0) or updates one, after
// checking it (model.FieldErrors), and enters the write in the record of
// changes with the actor of ctx, in the same transaction.
func (s *Store) SavePeriod(ctx context.Context, p *model.ReportingPeriod) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Select("id").Take(&model.Plan{}, p.PlanID).Error; err != nil {
			if err = notFound(err); err == model.ErrNotFound {
				return model.FieldErrors{"plan": model.MsgNotListed}
			}
			return err
		}
		var before model.ReportingPeriod
		action := model.ChangeCreated
		if p.ID != 0 {
			if err := tx.Take(&before, p.ID).Error; err != nil {
				return notFound(err)
			}
			action = model.ChangeUpdated
			p.CreatedAt = before.CreatedAt
		}
		if err := tx.Omit("Plan").Save(p).Error; err != nil {
			return err
		}
		planID := p.PlanID
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityPeriod, Action: action, PlanID: &planID,
			Ref: periodRef(p)}, &before, p, nil)
		return err
	})
}

// periodRef identifies a period in the record of changes, in no language.
func periodRef(p *model.ReportingPeriod) string {
	return p.StartsOn.String() + "/" + p.EndsOn.String()
}

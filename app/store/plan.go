package store

import (
	"context"

	"github.com/ogptracker/ogptracker/app/model"
)

// ListPlans returns every plan, grouped by jurisdiction, earliest first.
func (s *Store) ListPlans(ctx context.Context) ([]model.Plan, error) {
	var plans []model.Plan
	err := s.db.WithContext(ctx).Order("jurisdiction_code, number, ref").Find(&plans).Error
	return plans, err
}

// FindPlanByID returns one plan.
func (s *Store) FindPlanByID(ctx context.Context, id uint) (*model.Plan, error) {
	var p model.Plan
	if err := s.db.WithContext(ctx).Take(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// FindPlanByRef returns the plan with the given identifier.
func (s *Store) FindPlanByRef(ctx context.Context, ref string) (*model.Plan, error) {
	var p model.Plan
	if err := s.db.WithContext(ctx).Where("ref = ?", ref).Take(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// FindHomePlan returns the plan the home page shows: the latest plan of the
// jurisdiction whose plan was stored first (the tracker's own member, even
// after other members' plans are imported beside it).
func (s *Store) FindHomePlan(ctx context.Context) (*model.Plan, error) {
	db := s.db.WithContext(ctx)
	var first model.Plan
	if err := db.Order("id").Take(&first).Error; err != nil {
		return nil, notFound(err)
	}
	var p model.Plan
	err := db.Where("jurisdiction_code = ?", first.JurisdictionCode).Order("number DESC, id").Take(&p).Error
	return &p, notFound(err)
}

// FindPlanOrHome returns plan id, or the home plan (FindHomePlan) for 0:
// the plan a page shows when the visitor has not chosen one.
func (s *Store) FindPlanOrHome(ctx context.Context, id uint) (*model.Plan, error) {
	if id == 0 {
		return s.FindHomePlan(ctx)
	}
	return s.FindPlanByID(ctx, id)
}

// FindThemes returns a plan's themes in order.
func (s *Store) FindThemes(ctx context.Context, planID uint) ([]model.Theme, error) {
	var themes []model.Theme
	err := s.db.WithContext(ctx).Where("plan_id = ?", planID).Order("number").Find(&themes).Error
	return themes, err
}

// FindPlansOf returns a member's plans, earliest first: the plan switcher
// on every plan page, so earlier plans stay one click away.
func (s *Store) FindPlansOf(ctx context.Context, jurisdictionCode string) ([]model.Plan, error) {
	var plans []model.Plan
	err := s.db.WithContext(ctx).Where("jurisdiction_code = ?", jurisdictionCode).Order("number, ref").Find(&plans).Error
	return plans, err
}

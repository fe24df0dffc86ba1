package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// ListPlans returns every plan, grouped by jurisdiction, earliest first.
func (s *Store) ListPlans(ctx context.Context) ([]model.Plan, error) {
	var plans []model.Plan
	err := s.db.WithContext(ctx).Order("jurisdiction_code, number, ref").Find(&plans).Error
	return plans, err
}

// PlanTerms returns the given plans keyed by id (those that exist), for
// judging commitments against their plan's end (model.Assess). Each plan
// is read once and kept while the database is unchanged, so that the
// first page after a change reads again only the plans it shows; those
// not kept are read in one query. Shared: callers must not modify them.
func (s *Store) PlanTerms(ctx context.Context, planIDs []uint) (map[uint]*model.Plan, error) {
	return rememberedByPlan(s, ctx, "terms", planIDs, func(ctx context.Context, ids []uint) (map[uint]*model.Plan, error) {
		q := s.db.WithContext(ctx).Omit("documents")
		if len(ids) <= plansNamedInAQuery {
			q = q.Where("id IN ?", ids)
		}
		var plans []model.Plan
		if err := q.Find(&plans).Error; err != nil {
			return nil, err
		}
		byID := make(map[uint]*model.Plan, len(plans))
		for i := range plans {
			byID[plans[i].ID] = &plans[i]
		}
		return byID, nil
	})
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

// FindHomePlan returns the plan the home page shows: the one an
// administrator chose (SetHomePlan) or, without a choice, the current plan
// (model.CurrentPlan) of the jurisdiction whose plan was stored first (the
// tracker's own member, even after other members' plans are imported
// beside it).
func (s *Store) FindHomePlan(ctx context.Context) (*model.Plan, error) {
	chosen, err := s.HomePlanChoice(ctx)
	if err != nil {
		return nil, err
	}
	if chosen != 0 {
		p, err := s.FindPlanByID(ctx, chosen)
		if !errors.Is(err, model.ErrNotFound) {
			return p, err
		}
	}
	return s.findDefaultHomePlan(ctx)
}

// findDefaultHomePlan is the home plan when no administrator chose one.
func (s *Store) findDefaultHomePlan(ctx context.Context) (*model.Plan, error) {
	var first model.Plan
	if err := s.db.WithContext(ctx).Order("id").Take(&first).Error; err != nil {
		return nil, notFound(err)
	}
	plans, err := s.FindPlansOf(ctx, first.JurisdictionCode)
	if err != nil {
		return nil, err
	}
	return model.CurrentPlan(plans, s.now(), time.UTC), nil
}

// HomePlanChoice is the id of the plan an administrator chose for the
// home page; 0 when none was chosen.
func (s *Store) HomePlanChoice(ctx context.Context) (uint, error) {
	v, err := s.Setting(ctx, model.SettingHomePlan)
	if err != nil || v == "" {
		return 0, err
	}
	id, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, nil // not a plan: as if none was chosen
	}
	return uint(id), nil
}

// SetHomePlan makes plan id the one the home page shows; 0 goes back to
// the default. A plan that is not there is model.ErrNotFound.
func (s *Store) SetHomePlan(ctx context.Context, id uint) error {
	if id == 0 {
		return s.SetSetting(ctx, model.SettingHomePlan, "")
	}
	if _, err := s.FindPlanByID(ctx, id); err != nil {
		return err
	}
	return s.SetSetting(ctx, model.SettingHomePlan, strconv.FormatUint(uint64(id), 10))
}

// FindJurisdictions returns the members the plans name, each code once
// with the name of its newest plan, by code: the choices of a plan's form.
func (s *Store) FindJurisdictions(ctx context.Context) ([]model.Plan, error) {
	var plans []model.Plan
	err := s.db.WithContext(ctx).Where("jurisdiction_code <> ''").Order("jurisdiction_code, id DESC").Find(&plans).Error
	if err != nil {
		return nil, err
	}
	var out []model.Plan
	for _, p := range plans {
		if n := len(out); n == 0 || out[n-1].JurisdictionCode != p.JurisdictionCode {
			out = append(out, p)
		}
	}
	return out, nil
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

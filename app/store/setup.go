package store

import (
	"context"

	"github.com/ogptracker/ogptracker/app/model"
)

// setupGapLimit is how many records of one kind a plan's gaps name; the
// count says how many there are in all.
const setupGapLimit = 10

// PlanGaps is what a plan still lacks before the tracker can follow it:
// the checklist of the administration's index.
type PlanGaps struct {
	Plan                         model.Plan
	Themes, Commitments, Periods int64
	NoLead                       []model.Commitment // commitments without a lead agency, the first setupGapLimit
	NoLeadCount                  int64
	NoDue                        []model.Milestone // milestones without a due date, with their commitment
	NoDueCount                   int64
	NoLiaison                    []model.Agency // agencies responsible for the plan's work with no liaison's account to remind
}

// Lacks reports whether anything is missing.
func (g PlanGaps) Lacks() bool {
	return g.Themes == 0 || g.Commitments == 0 || g.Periods == 0 || g.NoLeadCount > 0 || g.NoDueCount > 0 || len(g.NoLiaison) > 0
}

// FindPlanGaps works out what plan lacks.
func (s *Store) FindPlanGaps(ctx context.Context, plan model.Plan) (PlanGaps, error) {
	db := s.db.WithContext(ctx)
	g := PlanGaps{Plan: plan}
	counts := []struct {
		n     *int64
		model any
	}{{&g.Themes, &model.Theme{}}, {&g.Commitments, &model.Commitment{}}, {&g.Periods, &model.ReportingPeriod{}}}
	for _, c := range counts {
		if err := db.Model(c.model).Where("plan_id = ?", plan.ID).Count(c.n).Error; err != nil {
			return g, err
		}
	}
	noLead := db.Model(&model.Commitment{}).Where("plan_id = ? AND lead_agency_id IS NULL", plan.ID)
	if err := noLead.Count(&g.NoLeadCount).Error; err != nil {
		return g, err
	}
	if err := db.Where("plan_id = ? AND lead_agency_id IS NULL", plan.ID).Order("id").Limit(setupGapLimit).Find(&g.NoLead).Error; err != nil {
		return g, err
	}
	ofPlan := "commitment_id IN (SELECT id FROM commitments WHERE plan_id = ?)"
	if err := db.Model(&model.Milestone{}).Where(ofPlan+" AND due IS NULL", plan.ID).Count(&g.NoDueCount).Error; err != nil {
		return g, err
	}
	if err := db.Preload("Commitment").Where(ofPlan+" AND due IS NULL", plan.ID).Order("commitment_id, id").
		Limit(setupGapLimit).Find(&g.NoDue).Error; err != nil {
		return g, err
	}
	// The agencies reminders go to: the commitments' leads and the
	// milestones' own responsible agencies.
	err := db.Where(`(id IN (SELECT lead_agency_id FROM commitments WHERE plan_id = ?)
		OR id IN (SELECT agency_id FROM milestones WHERE `+ofPlan+`))
		AND NOT EXISTS (SELECT 1 FROM users WHERE users.agency_id = agencies.id AND users.role = ? AND users.disabled = ?)`,
		plan.ID, plan.ID, model.RoleLiaison, false).Order("code").Find(&g.NoLiaison).Error
	return g, err
}

// CountInvitedPeople counts the enabled accounts that are not
// administrators': the liaisons and committee members reminders reach.
func (s *Store) CountInvitedPeople(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.User{}).Where("role <> ? AND disabled = ?", model.RoleAdmin, false).Count(&n).Error
	return n, err
}

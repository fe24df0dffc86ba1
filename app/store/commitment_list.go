package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"sort"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// The list of commitments filters and sorts on what is derived from the
// milestones (progress, schedule), so it judges every matching commitment
// and loads only the page it shows in full. The queries below read just
// the columns that takes, to stay fast with thousands of commitments.

// FindCommitmentOutlines returns every commitment matching f (Limit and
// Offset aside), in natural code order plan by plan, with only the fields
// a list filters, sorts and assesses them on: ID, PlanID, Code, Ref, Start,
// End, UpdatedAt and, when withTitle, Title.
func (s *Store) FindCommitmentOutlines(ctx context.Context, f CommitmentFilter, withTitle bool) ([]model.Commitment, error) {
	columns := []string{"id", "plan_id", "code", "ref", "start", "end", "updated_at"}
	if withTitle {
		columns = append(columns, "title")
	}
	var cs []model.Commitment
	if err := f.where(s.db.WithContext(ctx).Model(&model.Commitment{})).Select(columns).Find(&cs).Error; err != nil {
		return nil, err
	}
	// Codes sort as people read them ("2-2", "2-10", "3-1"), which SQL cannot do.
	sort.Slice(cs, func(i, j int) bool {
		a, b := &cs[i], &cs[j]
		if a.PlanID != b.PlanID {
			return a.PlanID < b.PlanID
		}
		if c := compareCodes(a.Code, b.Code); c != 0 {
			return c < 0
		}
		return a.Ref < b.Ref
	})
	return cs, nil
}

// FindMilestoneSchedules returns the milestones of the given commitments,
// keyed by commitment id, with only the fields model.Assess reads: ID,
// CommitmentID, ParentID, Status, Start, Due, Weight and UpdatedAt. It is
// one query however many commitments are asked for.
func (s *Store) FindMilestoneSchedules(ctx context.Context, commitmentIDs []uint) (map[uint][]model.Milestone, error) {
	out := make(map[uint][]model.Milestone, len(commitmentIDs))
	if len(commitmentIDs) == 0 {
		return out, nil
	}
	// The ids travel as one JSON parameter: one prepared statement for any
	// number of them, and no limit on the number of parameters.
	ids, err := json.Marshal(commitmentIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.WithContext(ctx).Raw(`SELECT id, commitment_id, parent_id, status, start, due, weight, updated_at
		FROM milestones WHERE commitment_id IN (SELECT value FROM json_each(?))
		ORDER BY commitment_id, position, id`, string(ids)).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m model.Milestone
		if err := rows.Scan(&m.ID, &m.CommitmentID, &m.ParentID, &m.Status, &m.Start, &m.Due, &m.Weight, &m.UpdatedAt); err != nil {
			return nil, err
		}
		out[m.CommitmentID] = append(out[m.CommitmentID], m)
	}
	return out, rows.Err()
}

// FindCommitmentsByID returns the commitments with the given ids, in the
// order given, with their plan, theme and lead agency; ids that match no
// commitment are left out.
func (s *Store) FindCommitmentsByID(ctx context.Context, ids []uint) ([]model.Commitment, error) {
	if len(ids) == 0 {
		return []model.Commitment{}, nil
	}
	var cs []model.Commitment
	if err := s.db.WithContext(ctx).Preload("Plan").Preload("Theme").Preload("LeadAgency").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, err
	}
	position := make(map[uint]int, len(ids))
	for i, id := range ids {
		position[id] = i
	}
	sort.Slice(cs, func(i, j int) bool { return position[cs[i].ID] < position[cs[j].ID] })
	return cs, nil
}

// CountCommitments returns how many commitments a plan has, or all plans
// together for planID 0.
func (s *Store) CountCommitments(ctx context.Context, planID uint) (int64, error) {
	var n int64
	q := s.db.WithContext(ctx).Model(&model.Commitment{})
	if planID != 0 {
		q = q.Where("plan_id = ?", planID)
	}
	return n, q.Count(&n).Error
}

// FindCommitmentAgencies returns the agencies that lead or support a
// commitment of the plan (of any plan for planID 0), with the agency also
// when it exists, so that a list can offer them as choices. Only the ID,
// Code and Name are read.
func (s *Store) FindCommitmentAgencies(ctx context.Context, planID, also uint) ([]model.Agency, error) {
	in := func(db *gorm.DB) *gorm.DB {
		if planID != 0 {
			return db.Where("plan_id = ?", planID)
		}
		return db
	}
	db := s.db.WithContext(ctx)
	leads := in(db.Model(&model.Commitment{}).Select("lead_agency_id").Where("lead_agency_id IS NOT NULL"))
	supports := db.Table("commitment_agencies").Select("agency_id")
	if planID != 0 {
		supports = supports.Where("commitment_id IN (?)", db.Model(&model.Commitment{}).Select("id").Where("plan_id = ?", planID))
	}
	var as []model.Agency
	err := db.Select("id", "code", "name").
		Where("id IN (?) OR id IN (?) OR id = ?", leads, supports, also).Order("id").Find(&as).Error
	return as, err
}

// FindCommitmentTags returns the OGP values and the policy areas that the
// plan's commitments (every plan's for planID 0) are tagged with: values
// in OGP's order, areas sorted.
func (s *Store) FindCommitmentTags(ctx context.Context, planID uint) ([]model.OGPValue, []string, error) {
	var tags []struct{ Kind, Tag string }
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT 'value' AS kind, j.value AS tag
		FROM commitments c, json_each(nullif(c."values", '')) j WHERE @plan = 0 OR c.plan_id = @plan
		UNION SELECT DISTINCT 'area', j.value FROM commitments c, json_each(nullif(c.policy_areas, '')) j WHERE @plan = 0 OR c.plan_id = @plan`,
		sql.Named("plan", planID)).Scan(&tags).Error
	if err != nil {
		return nil, nil, err
	}
	var values []model.OGPValue
	var areas []string
	for _, t := range tags {
		if t.Kind == "area" {
			areas = append(areas, t.Tag)
		} else if slices.Contains(model.OGPValues, model.OGPValue(t.Tag)) {
			values = append(values, model.OGPValue(t.Tag))
		}
	}
	slices.SortFunc(values, func(a, b model.OGPValue) int {
		return slices.Index(model.OGPValues, a) - slices.Index(model.OGPValues, b)
	})
	slices.Sort(areas)
	return values, areas, nil
}

package store

import (
	"context"
	"slices"
	"sort"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindAgencyByID returns one agency with its parent.
func (s *Store) FindAgencyByID(ctx context.Context, id uint) (*model.Agency, error) {
	var a model.Agency
	if err := s.db.WithContext(ctx).Preload("Parent").Take(&a, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// FindAgenciesByID returns the agencies with the given ids, keyed by id;
// ids that match none are left out. Always one query, even for no ids.
func (s *Store) FindAgenciesByID(ctx context.Context, ids []uint) (map[uint]*model.Agency, error) {
	var as []model.Agency
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&as).Error; err != nil {
		return nil, err
	}
	out := make(map[uint]*model.Agency, len(as))
	for i := range as {
		out[as[i].ID] = &as[i]
	}
	return out, nil
}

// FindAgencyByCode returns the agency with the given code.
func (s *Store) FindAgencyByCode(ctx context.Context, code string) (*model.Agency, error) {
	var a model.Agency
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&a).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// FindActiveContacts returns the contacts of an agency who hold their role
// on day d, liaisons first.
func (s *Store) FindActiveContacts(ctx context.Context, agencyID uint, d model.Date) ([]model.Contact, error) {
	var all []model.Contact
	if err := s.db.WithContext(ctx).Where("agency_id = ?", agencyID).Order("name, ref").Find(&all).Error; err != nil {
		return nil, err
	}
	active := all[:0]
	for _, c := range all {
		if c.ActiveOn(d) {
			active = append(active, c)
		}
	}
	// Roles in the order model.ContactRoles lists them, liaisons first.
	sort.SliceStable(active, func(i, j int) bool {
		return slices.Index(model.ContactRoles, active[i].Role) < slices.Index(model.ContactRoles, active[j].Role)
	})
	return active, nil
}

// FindCommitmentsWithMilestonesOf returns the commitments, ordered by plan
// and code, with their plan, theme and lead agency, that have a milestone
// naming the agency as responsible, whether or not the agency leads or
// supports the commitment itself.
func (s *Store) FindCommitmentsWithMilestonesOf(ctx context.Context, agencyID uint) ([]model.Commitment, error) {
	var cs []model.Commitment
	err := s.db.WithContext(ctx).Preload("Plan").Preload("Theme").Preload("LeadAgency").
		Where("id IN (SELECT commitment_id FROM milestones WHERE agency_id = ?)", agencyID).Find(&cs).Error
	if err != nil {
		return nil, err
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
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

// ListAgencies returns every agency, by code.
func (s *Store) ListAgencies(ctx context.Context) ([]model.Agency, error) {
	var as []model.Agency
	err := s.db.WithContext(ctx).Order("code").Find(&as).Error
	return as, err
}

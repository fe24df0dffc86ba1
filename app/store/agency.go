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

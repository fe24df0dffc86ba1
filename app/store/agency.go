package store

import (
	"context"
	"slices"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
		Where("id IN (SELECT commitment_id FROM milestones WHERE agency_id = ?) OR id IN (SELECT m.commitment_id FROM milestones m "+
			"JOIN milestone_agencies ma ON ma.milestone_id = m.id WHERE ma.agency_id = ?)", agencyID, agencyID).Find(&cs).Error
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

// FindAgencies returns every agency, by code.
func (s *Store) FindAgencies(ctx context.Context) ([]model.Agency, error) {
	var as []model.Agency
	err := s.db.WithContext(ctx).Order("code").Find(&as).Error
	return as, err
}

// CreateAgency saves a new agency and enters it in the record of changes
// under the actor of ctx. A code already taken or an unknown parent is a
// field error.
func (s *Store) CreateAgency(ctx context.Context, a *model.Agency) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := s.checkAgency(tx, a); err != nil {
			return err
		}
		a.Version = 1
		if err := tx.Omit(clause.Associations).Create(a).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityAgency, Action: model.ChangeCreated}, &model.Agency{}, a, nil)
		return err
	})
}

// UpdateAgency saves the fields of a if the agency stored is still at
// version; otherwise it returns ErrConflict and writes nothing. The change
// enters the record of changes in the same transaction.
func (s *Store) UpdateAgency(ctx context.Context, a *model.Agency, version int) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Agency
		if err := tx.Take(&before, a.ID).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		if err := s.checkAgency(tx, a); err != nil {
			return err
		}
		after := *a
		after.Parent, after.CreatedAt = nil, before.CreatedAt
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		if err := saveVersioned(tx, &after, version); err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityAgency, Action: model.ChangeUpdated}, &before, &after, nil)
		return err
	})
}

// checkAgency validates an agency against itself and the others: a unique
// code, and a parent that exists and is not one of its own descendants.
func (s *Store) checkAgency(tx *gorm.DB, a *model.Agency) error {
	fe := model.FieldErrors{}
	if err := checkUnique(tx, fe, &model.Agency{}, "code", "code", a.Code, a.ID); err != nil {
		return err
	}
	if err := checkExists(tx, fe, &model.Agency{}, "parent", a.ParentID); err != nil {
		return err
	}
	if a.ParentID != nil && a.ID != 0 && fe["parent"] == "" {
		circle, err := model.ParentCycle(a.ID, *a.ParentID, parentIDOf(tx))
		if err != nil {
			return err
		}
		if circle != nil {
			fe.Add("parent", model.MsgOwnParent)
		}
	}
	return validated(a, fe)
}

// parentIDOf reads an agency's parent as stored (0 for none), for
// model.ParentCycle.
func parentIDOf(tx *gorm.DB) func(uint) (uint, error) {
	return func(id uint) (uint, error) {
		var p model.Agency
		if err := tx.Select("id", "parent_id").Take(&p, id).Error; err != nil {
			return 0, notFound(err)
		}
		if p.ParentID == nil {
			return 0, nil
		}
		return *p.ParentID, nil
	}
}

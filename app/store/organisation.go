package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindOrganisations returns every civil-society organisation, by code.
func (s *Store) FindOrganisations(ctx context.Context) ([]model.Organisation, error) {
	var os []model.Organisation
	err := s.db.WithContext(ctx).Order("code").Find(&os).Error
	return os, err
}

// FindOrganisationByID returns one organisation.
func (s *Store) FindOrganisationByID(ctx context.Context, id uint) (*model.Organisation, error) {
	var o model.Organisation
	if err := s.db.WithContext(ctx).Take(&o, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &o, nil
}

// FindOrganisationByCode returns the organisation with the given code.
func (s *Store) FindOrganisationByCode(ctx context.Context, code string) (*model.Organisation, error) {
	var o model.Organisation
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&o).Error; err != nil {
		return nil, notFound(err)
	}
	return &o, nil
}

// CreateOrganisation saves a new organisation and enters it in the record
// of changes under the actor of ctx. A code already taken is a field error.
func (s *Store) CreateOrganisation(ctx context.Context, o *model.Organisation) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := checkOrganisation(tx, o); err != nil {
			return err
		}
		o.Version = 1
		if err := tx.Omit(clause.Associations).Create(o).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityOrganisation, Action: model.ChangeCreated}, &model.Organisation{}, o, nil)
		return err
	})
}

// UpdateOrganisation saves the fields of o if the organisation stored is
// still at version; otherwise it returns ErrConflict and writes nothing.
func (s *Store) UpdateOrganisation(ctx context.Context, o *model.Organisation, version int) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Organisation
		if err := tx.Take(&before, o.ID).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		if err := checkOrganisation(tx, o); err != nil {
			return err
		}
		after := *o
		after.CreatedAt = before.CreatedAt
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		if err := saveVersioned(tx, &after, version); err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityOrganisation, Action: model.ChangeUpdated}, &before, &after, nil)
		return err
	})
}

func checkOrganisation(tx *gorm.DB, o *model.Organisation) error {
	fe := model.FieldErrors{}
	if err := checkUnique(tx, fe, &model.Organisation{}, "code", "code", o.Code, o.ID); err != nil {
		return err
	}
	return validated(o, fe)
}

package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindContactByID returns one contact with its agency.
func (s *Store) FindContactByID(ctx context.Context, id uint) (*model.Contact, error) {
	var c model.Contact
	if err := s.db.WithContext(ctx).Preload("Agency").Take(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// FindContactsOfAgency returns every contact an agency has had, past and
// present: by role as model.ContactRoles lists them, the latest first.
func (s *Store) FindContactsOfAgency(ctx context.Context, agencyID uint) ([]model.Contact, error) {
	var cs []model.Contact
	if err := s.db.WithContext(ctx).Where("agency_id = ?", agencyID).Order("name, ref").Find(&cs).Error; err != nil {
		return nil, err
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if ra, rb := slices.Index(model.ContactRoles, a.Role), slices.Index(model.ContactRoles, b.Role); ra != rb {
			return ra < rb
		}
		return a.ActiveFrom.Compare(b.ActiveFrom) > 0
	})
	return cs, nil
}

// CreateContact saves a new contact of an agency, with a reference made
// from the agency's code and the role when it has none, and enters it in
// the record of changes under the actor of ctx.
func (s *Store) CreateContact(ctx context.Context, c *model.Contact) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return s.createContact(ctx, tx, c)
	})
}

func (s *Store) createContact(ctx context.Context, tx *gorm.DB, c *model.Contact) error {
	fe := model.FieldErrors{}
	if err := checkExists(tx, fe, &model.Agency{}, "agency", c.AgencyID); err != nil {
		return err
	}
	if c.Ref == "" && fe["agency"] == "" && c.AgencyID != nil {
		ref, err := newContactRef(tx, *c.AgencyID, c.Role)
		if err != nil {
			return err
		}
		c.Ref = ref
	}
	if err := checkUnique(tx, fe, &model.Contact{}, "ref", "ref", c.Ref, 0); err != nil {
		return err
	}
	if err := validated(c, fe); err != nil {
		return err
	}
	c.Version = 1
	if err := tx.Omit(clause.Associations).Create(c).Error; err != nil {
		return err
	}
	_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityContact, Action: model.ChangeCreated}, &model.Contact{}, c, nil)
	return err
}

// newContactRef is a reference no contact has yet: "cec-liaison", then
// "cec-liaison-2" and so on.
func newContactRef(tx *gorm.DB, agencyID uint, role model.ContactRole) (string, error) {
	var a model.Agency
	if err := tx.Select("id", "code").Take(&a, agencyID).Error; err != nil {
		return "", notFound(err)
	}
	base := strings.ToLower(a.Code) + "-" + string(role)
	if r := []rune(base); len(r) > 70 {
		base = string(r[:70])
	}
	var taken []string
	if err := tx.Model(&model.Contact{}).Where("ref = ? OR ref LIKE ?", base, base+"-%").Pluck("ref", &taken).Error; err != nil {
		return "", err
	}
	ref := base
	for n := 2; slices.Contains(taken, ref); n++ {
		ref = fmt.Sprintf("%s-%d", base, n)
	}
	return ref, nil
}

// UpdateContact saves the fields of c if the contact stored is still at
// version; otherwise it returns ErrConflict and writes nothing. Its agency
// and reference stay as they are.
func (s *Store) UpdateContact(ctx context.Context, c *model.Contact, version int) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Contact
		if err := tx.Take(&before, c.ID).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		after := *c
		after.Agency, after.Organisation = nil, nil
		after.Ref, after.AgencyID, after.OrganisationID, after.Demo = before.Ref, before.AgencyID, before.OrganisationID, before.Demo
		after.CreatedAt = before.CreatedAt
		if err := after.Validate(); err != nil {
			return err
		}
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		if err := saveVersioned(tx, &after, version); err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityContact, Action: model.ChangeUpdated}, &before, &after, nil)
		return err
	})
}

// HandOverContact gives the role of contact id, read at version, to next
// from next.ActiveFrom (a day): the previous contact's term ends the day
// before, and stays in the history; next gets the same agency and role.
// Both writes enter the record of changes in one transaction. A field
// error names next's fields, "active_from" when the day is not after the
// previous contact began.
func (s *Store) HandOverContact(ctx context.Context, id uint, version int, next *model.Contact) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Contact
		if err := tx.Take(&before, id).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		fe := model.FieldErrors{}
		next.ID, next.Ref, next.AgencyID, next.OrganisationID, next.Role = 0, "", before.AgencyID, before.OrganisationID, before.Role
		next.ActiveTo, next.Demo = model.Date{}, false
		after := before
		switch {
		case next.ActiveFrom.IsZero() || next.ActiveFrom.MonthOnly():
			fe.Add("active_from", "is required")
		case !before.ActiveFrom.IsZero() && !next.ActiveFrom.First(time.UTC).After(before.ActiveFrom.Last(time.UTC)):
			fe.Add("active_from", "must be after the previous contact began")
		case !before.ActiveTo.IsZero() && before.ActiveTo.Last(time.UTC).Before(next.ActiveFrom.First(time.UTC)):
			// The term had already ended: it stays as it was.
		default:
			after.ActiveTo = model.DayOf(next.ActiveFrom.First(time.UTC).AddDate(0, 0, -1))
		}
		if len(fe) > 0 {
			probe := *next
			probe.Ref = "-" // made when it is saved
			return validated(&probe, fe)
		}
		if len(diffFields(&before, &after)) > 0 {
			if err := saveVersioned(tx, &after, version); err != nil {
				return err
			}
			if _, err := s.recordWrite(ctx, tx, written{Entity: model.EntityContact, Action: model.ChangeUpdated}, &before, &after, nil); err != nil {
				return err
			}
		}
		return s.createContact(ctx, tx, next)
	})
}

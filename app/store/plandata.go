package store

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// The administrator's writes of the plan data (plans, themes, commitments,
// milestones) share what is here: the messages of what only the database
// can check, the look-up of agencies and organisations by code, and the
// versioned update that catches a form sent from a stale page. Each write
// is one transaction that also enters the change in the record of changes
// (recordWrite). Nothing is ever deleted: the record is public and historical.

// Messages of the checks only the database can make, which a form names
// in the visitor's language.
const (
	MsgTaken               = "is already used"
	MsgUnknownAgency       = "is not a known agency"
	MsgUnknownOrganisation = "is not a known organisation"
	MsgUnknownTheme        = "is not a theme of the commitment's plan"
	MsgUnknownParent       = "is not a top-level milestone of the same commitment"
	MsgParentHasChildren   = "a milestone with milestones of its own cannot have a parent"
)

// AgencyChoices returns every agency, by code: what a form offers to choose from.
func (s *Store) AgencyChoices(ctx context.Context) ([]model.Agency, error) {
	var as []model.Agency
	err := s.db.WithContext(ctx).Order("code").Find(&as).Error
	return as, err
}

// OrganisationChoices returns every civil-society organisation, by code.
func (s *Store) OrganisationChoices(ctx context.Context) ([]model.Organisation, error) {
	var os []model.Organisation
	err := s.db.WithContext(ctx).Order("code").Find(&os).Error
	return os, err
}

// FindRecordChanges returns the newest limit entries of the record of
// changes about one record, newest first: what someone else changed while
// a form was open.
func (s *Store) FindRecordChanges(ctx context.Context, entity model.Entity, id uint, limit int) ([]model.Change, error) {
	var cs []model.Change
	err := s.db.WithContext(ctx).Where("entity = ? AND entity_id = ?", entity, id).
		Order("at DESC, id DESC").Limit(limit).Find(&cs).Error
	return cs, err
}

// idsByCode looks up the records of table with the given codes, in tx.
// A code no record has is noted in fe under field with msg; blanks and
// repeats are left out.
func idsByCode(tx *gorm.DB, table string, codes []string, fe model.FieldErrors, field, msg string) ([]uint, error) {
	var want []string
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(want, c) {
			want = append(want, c)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	var rows []struct {
		ID   uint
		Code string
	}
	if err := tx.Table(table).Select("id", "code").Where("code IN ?", want).Find(&rows).Error; err != nil {
		return nil, err
	}
	byCode := make(map[string]uint, len(rows))
	for _, r := range rows {
		byCode[r.Code] = r.ID
	}
	ids := make([]uint, 0, len(want))
	for _, c := range want {
		id, ok := byCode[c]
		if !ok {
			fe.Add(field, msg)
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// agencyByCode is idsByCode for one agency; nil for no code.
func agencyByCode(tx *gorm.DB, code string, fe model.FieldErrors, field string) (*uint, error) {
	ids, err := idsByCode(tx, "agencies", []string{code}, fe, field, MsgUnknownAgency)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return &ids[0], nil
}

// checkTaken notes in fe that field's value is already another record's:
// where names the value (and its scope), id is the record's own (0 when new).
func checkTaken(tx *gorm.DB, m any, fe model.FieldErrors, field string, id uint, where string, args ...any) error {
	var n int64
	if err := tx.Model(m).Where(where, args...).Where("id <> ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		fe.Add(field, MsgTaken)
	}
	return nil
}

// mergeErrors adds to fe the field errors of err (a Validate); other
// errors are returned.
func mergeErrors(fe model.FieldErrors, err error) error {
	if err == nil {
		return nil
	}
	v, ok := err.(model.FieldErrors)
	if !ok {
		return err
	}
	for field, msg := range v {
		fe.Add(field, msg)
	}
	return nil
}

// updateVersioned writes cols of row id of m's table if the row is still at
// version, counting the change; a row someone else changed meanwhile is
// left as it is and ErrConflict returned.
func (s *Store) updateVersioned(tx *gorm.DB, m any, id uint, version int, cols map[string]any) error {
	cols["version"] = version + 1
	cols["updated_at"] = s.now().UTC()
	res := tx.Model(m).Where("id = ? AND version = ?", id, version).Updates(cols)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	return nil
}

package store

import (
	"reflect"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// The writes of agencies, organisations, contacts and accounts by a
// person share two checks: that the form was made from the version still
// stored (optimistic locking), and that a code is not another record's.

// saveVersioned writes the columns of rec, a row read at version (every
// column, or only those named), and counts one more version. A row someone
// else changed in between is ErrConflict and nothing is written.
func saveVersioned(tx *gorm.DB, rec any, version int, columns ...string) error {
	reflect.ValueOf(rec).Elem().FieldByName("Version").SetInt(int64(version + 1))
	q := tx.Model(rec)
	if len(columns) > 0 {
		q = q.Select(append(columns, "version", "updated_at"))
	} else {
		q = q.Select("*").Omit(clause.Associations, "ID", "CreatedAt")
	}
	res := q.Where("version = ?", version).Updates(rec)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	return nil
}

// checkUnique adds a field error when another row of model m than id has
// value in column.
func checkUnique(tx *gorm.DB, fe model.FieldErrors, m any, column, field, value string, id uint) error {
	var n int64
	if err := tx.Model(m).Where(column+" = ? AND id <> ?", value, id).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		fe.Add(field, "is already taken")
	}
	return nil
}

// checkExists adds a field error when id, if set, names no row of model m.
func checkExists(tx *gorm.DB, fe model.FieldErrors, m any, field string, id *uint) error {
	if id == nil {
		return nil
	}
	var n int64
	if err := tx.Model(m).Where("id = ?", *id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		fe.Add(field, "is not known")
	}
	return nil
}

// validated merges a record's own validation with the checks against the
// database: all field errors at once, or nil.
func validated(rec interface{ Validate() error }, fe model.FieldErrors) error {
	if err := rec.Validate(); err != nil {
		own, ok := err.(model.FieldErrors)
		if !ok {
			return err
		}
		for f, msg := range own {
			fe.Add(f, msg)
		}
	}
	return fe.Err()
}

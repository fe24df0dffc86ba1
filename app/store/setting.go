package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// Setting returns the value of an administrators' setting; "" when it is
// not set.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var st model.Setting
	err := s.db.WithContext(ctx).Where("name = ?", name).Limit(1).Find(&st).Error
	return st.Value, err
}

// SetSetting sets a setting; "" removes it, back to the default.
func (s *Store) SetSetting(ctx context.Context, name, value string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if value == "" {
			return tx.Where("name = ?", name).Delete(&model.Setting{}).Error
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).
			Create(&model.Setting{Name: name, Value: value, UpdatedAt: s.now().UTC()}).Error
	})
}

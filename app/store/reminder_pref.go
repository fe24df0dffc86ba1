package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindOptOuts returns the kinds of reminders each user turned off.
func (s *Store) FindOptOuts(ctx context.Context) (map[uint]map[model.ReminderKind]bool, error) {
	var rows []model.ReminderOptOut
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[uint]map[model.ReminderKind]bool{}
	for _, r := range rows {
		if out[r.UserID] == nil {
			out[r.UserID] = map[model.ReminderKind]bool{}
		}
		out[r.UserID][r.Kind] = true
	}
	return out, nil
}

// SetReminderPreferences sets a user's language and the kinds of reminders
// they receive (every other kind is turned off), in one transaction.
func (s *Store) SetReminderPreferences(ctx context.Context, userID uint, lang string, receive []model.ReminderKind) error {
	u := model.User{Language: lang}
	if lang != "" && !slices.Contains(model.Languages, lang) {
		return model.FieldErrors{"language": "is not one of zh-TW, en"}
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&model.User{}).Where("id = ?", userID).Updates(map[string]any{"language": u.Lang(), "updated_at": s.now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return model.ErrNotFound
		}
		if err := tx.Where("user_id = ?", userID).Delete(&model.ReminderOptOut{}).Error; err != nil {
			return err
		}
		for _, k := range model.ReminderKinds {
			if slices.Contains(receive, k) {
				continue
			}
			if err := tx.Create(&model.ReminderOptOut{UserID: userID, Kind: k}).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// OptOut turns one kind of reminder off for a user (an unsubscribe link);
// turning off a kind already off changes nothing.
func (s *Store) OptOut(ctx context.Context, userID uint, kind model.ReminderKind) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&model.ReminderOptOut{UserID: userID, Kind: kind}).Error
}

// FindReminderUsers returns every account that is not disabled, with its
// agency: the people reminders may reach.
func (s *Store) FindReminderUsers(ctx context.Context) ([]model.User, error) {
	var out []model.User
	err := s.db.WithContext(ctx).Where("disabled = ?", false).Order("id").Find(&out).Error
	return out, err
}

package store

import (
	"context"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindThemeByID returns one theme.
func (s *Store) FindThemeByID(ctx context.Context, id uint) (*model.Theme, error) {
	var t model.Theme
	if err := s.db.WithContext(ctx).Take(&t, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

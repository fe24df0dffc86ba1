package store

import (
	"context"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// ListWebhooks returns every webhook with its agency, the committee's first.
func (s *Store) ListWebhooks(ctx context.Context) ([]model.Webhook, error) {
	var out []model.Webhook
	err := s.db.WithContext(ctx).Preload("Agency").Order("agency_id IS NOT NULL, agency_id, id").Find(&out).Error
	return out, err
}

// CreateWebhook saves a new webhook.
func (s *Store) CreateWebhook(ctx context.Context, w *model.Webhook) error {
	w.URL = strings.TrimSpace(w.URL)
	if err := w.Validate(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Create(w).Error
}

// DeleteWebhook removes a webhook; messages already queued for it stay in
// the outbox.
func (s *Store) DeleteWebhook(ctx context.Context, id uint) error {
	res := s.db.WithContext(ctx).Delete(&model.Webhook{}, id)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return nil
}

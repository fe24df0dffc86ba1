package store

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// apiTokenPrefix starts every API token, so that one pasted in the wrong
// place is recognised (and secret scanners can find it).
const apiTokenPrefix = "ogpt_"

// apiTokenTouch is how stale a token's last-used time may get before a
// use writes it again: one write per token a minute at most, not one per request.
const apiTokenTouch = time.Minute

// CreateAPIToken issues a token and returns it: the only time it is
// seen, since only its SHA-256 is stored.
func (s *Store) CreateAPIToken(ctx context.Context, t *model.APIToken) (string, error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	token := apiTokenPrefix + rand.Text()
	t.TokenHash, t.Hint = hashToken(token), token[:len(apiTokenPrefix)+4]
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = s.now().UTC(), nil, nil
	if err := s.db.WithContext(ctx).Create(t).Error; err != nil {
		return "", err
	}
	return token, nil
}

// FindAPIToken returns the token's record, with its agency, whether or
// not it is revoked, and notes that it was used now. An unknown token is
// not found.
func (s *Store) FindAPIToken(ctx context.Context, token string) (*model.APIToken, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	var t model.APIToken
	if err := s.db.WithContext(ctx).Preload("Agency").Where("token_hash = ?", hashToken(token)).Take(&t).Error; err != nil {
		return nil, notFound(err)
	}
	now := s.now().UTC()
	if !t.Revoked() && (t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= apiTokenTouch) {
		if err := s.db.WithContext(ctx).Model(&model.APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return nil, err
		}
		t.LastUsedAt = &now
	}
	return &t, nil
}

// ListAPITokens returns every token, the newest first, with its agency and
// who issued it.
func (s *Store) ListAPITokens(ctx context.Context) ([]model.APIToken, error) {
	var ts []model.APIToken
	err := s.db.WithContext(ctx).Preload("Agency").Preload("CreatedBy").Order("created_at DESC, id DESC").Find(&ts).Error
	return ts, err
}

// RevokeAPIToken stops a token from working; revoking it again changes nothing.
func (s *Store) RevokeAPIToken(ctx context.Context, id uint) error {
	var t model.APIToken
	if err := s.db.WithContext(ctx).Take(&t, id).Error; err != nil {
		return notFound(err)
	}
	if t.Revoked() {
		return nil
	}
	return s.db.WithContext(ctx).Model(&model.APIToken{}).Where("id = ?", id).Update("revoked_at", s.now().UTC()).Error
}

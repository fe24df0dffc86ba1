package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// serverSecret is a key the tracker keeps for itself (server_secrets).
type serverSecret struct {
	Name      string `gorm:"primaryKey"`
	Value     []byte
	CreatedAt time.Time
}

// ServerSecret returns the 32 random bytes kept under name, creating them
// the first time any instance asks: the first to store them wins, and all
// read the same.
func (s *Store) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	db := s.db.WithContext(ctx)
	fresh := serverSecret{Name: name, Value: make([]byte, 32)}
	rand.Read(fresh.Value) // never fails (crypto/rand)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
		return nil, fmt.Errorf("store server secret %s: %w", name, err)
	}
	var kept serverSecret
	if err := db.Where("name = ?", name).Take(&kept).Error; err != nil {
		return nil, fmt.Errorf("read server secret %s: %w", name, err)
	}
	return kept.Value, nil
}

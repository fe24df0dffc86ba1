// Package storetest gives tests of any package a migrated store on a fresh
// database of their own, and a clock they control. The database is an
// SQLite file, or, when OGPTRACKER_TEST_POSTGRES names a PostgreSQL
// server, a new database there (see package testdb).
package storetest

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// Open returns a store on a new database of t's own, migrated, stamped by
// now, logging to t and closed when t ends.
func Open(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "ogptracker.db")
	if testdb.OnPostgres() {
		url = migrated.Copy(t) // migrating anew takes longer than copying
	}
	s, err := store.Open(url, store.Options{Now: now, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close test store: %v", err)
		}
	})
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test store: %v", err)
	}
	return s
}

// migrated is an empty database at the current schema.
var migrated = NewTemplate("migrated", func(ctx context.Context, st *store.Store) error { return nil })

// Clock is a fake clock for Options.Now: it stands still until moved.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

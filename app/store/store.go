// Package store is the only package that talks to the database. It opens
// SQLite (the embedded default) or PostgreSQL with the settings production
// needs, applies the recorded migrations, and offers one method per
// question the tracker asks, with the same answers on either engine
// (dialect.go holds what differs).
package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ogptracker/ogptracker/app/model"
)

// Store holds the database handle and the clock every write is stamped with.
type Store struct {
	db      *gorm.DB
	dialect dialect
	now     func() time.Time
	memo    *memo // answers kept while the database is unchanged; nil within a transaction
}

// Options tune Open; the zero value is right for production.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock; tests fake it
	// ChangesSeenWithin is how soon a change written by another process
	// or instance is seen (DefaultChangesSeenWithin when zero; below zero,
	// at once, at the cost of a query per public request). This store's
	// own writes are seen at once.
	ChangesSeenWithin time.Duration
}

// ErrUnsupportedDatabase is returned for a DATABASE_URL the tracker cannot open yet.
var ErrUnsupportedDatabase = errors.New("unsupported database")

// Open connects to databaseURL: "sqlite:PATH" (the file and its folder are
// created when missing) or a PostgreSQL URL, "postgres://…" or
// "postgresql://…", of a database that exists. It does not migrate; call
// Migrate.
func Open(databaseURL string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var dialector gorm.Dialector
	prepareStmt := true
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("%w: %q names no file (use sqlite:data/ogptracker.db)", ErrUnsupportedDatabase, databaseURL)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		// WAL lets pages read while an import writes; foreign keys are off by
		// default in SQLite; the busy timeout and immediate transactions make
		// concurrent writers wait their turn instead of failing.
		dsn := "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL"
		dialector = sqlite.Open(dsn)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		// pgx reads the URL as it is (host, port, sslmode, search_path…).
		dialector, prepareStmt = postgres.New(postgres.Config{DSN: databaseURL}), false
	default:
		scheme, _, _ := strings.Cut(databaseURL, ":") // never echo the rest: it may hold a password
		return nil, fmt.Errorf("%w: %q (use sqlite:PATH or postgres://…)", ErrUnsupportedDatabase, scheme)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger: logger.NewSlogLogger(opts.Logger, logger.Config{
			SlowThreshold:             500 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		}),
		NowFunc: func() time.Time { return opts.Now().UTC() },
		// On SQLite, statements are prepared once and kept. pgx keeps
		// PostgreSQL's prepared statements itself, and gorm's copies of
		// them would fail once a migration changed a table they read.
		PrepareStmt: prepareStmt,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	d := dialectOf(db)
	if err := d.register(db); err != nil {
		sqlDB.Close()
		return nil, err
	}
	m := &memo{within: max(0, cmp.Or(opts.ChangesSeenWithin, DefaultChangesSeenWithin))}
	if err := noteWrites(db, m); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &Store{db: db, dialect: d, now: opts.Now, memo: m}, nil
}

// Redacted is databaseURL fit for a log: a PostgreSQL URL's password
// is shown as "xxxxx".
func Redacted(databaseURL string) string {
	if strings.HasPrefix(databaseURL, "sqlite:") {
		return databaseURL
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		scheme, _, _ := strings.Cut(databaseURL, ":")
		return scheme + ":…"
	}
	return u.Redacted()
}

// write runs fn in one transaction as the one writer (dialect.writeTurn):
// committed when fn returns nil, rolled back when it returns an error.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.dialect.writeTurn(tx); err != nil {
			return err
		}
		return fn(tx)
	})
	if s.memo != nil {
		s.memo.wrote() // committed or not: a read of the count costs little
	}
	return err
}

// noteWrites makes every statement that may change the database count as
// a write of this store's (memo.wrote) once it has run: one outside a
// transaction is committed by then, and a transaction's count again when
// it commits (write).
func noteWrites(db *gorm.DB, m *memo) error {
	note := func(*gorm.DB) { m.wrote() }
	cb := db.Callback()
	return errors.Join(
		cb.Create().After("gorm:commit_or_rollback_transaction").Register("ogptracker:note_write", note),
		cb.Update().After("gorm:commit_or_rollback_transaction").Register("ogptracker:note_write", note),
		cb.Delete().After("gorm:commit_or_rollback_transaction").Register("ogptracker:note_write", note),
		cb.Raw().After("gorm:raw").Register("ogptracker:note_write", note),
	)
}

// Transaction runs fn with a store whose every method works in one
// transaction: committed when fn returns nil, rolled back, all of it,
// when it returns an error. The methods' own transactions become savepoints
// within it. fn must not use s meanwhile: there is one writer at a time,
// and s would wait for the transaction it is called from.
func (s *Store) Transaction(ctx context.Context, fn func(tx *Store) error) error {
	return s.write(ctx, func(db *gorm.DB) error {
		// No memo: it would keep answers read before they are committed.
		return fn(&Store{db: db, dialect: s.dialect, now: s.now})
	})
}

// AsOf returns a store on s's transaction whose writes, and their record
// of changes, are stamped at: a record loaded from its history (a source
// dated 2021-10-29) carries the dates of its sources, not the day it was
// loaded. Only within Transaction.
func (s *Store) AsOf(at time.Time) *Store {
	at = at.UTC()
	clock := func() time.Time { return at }
	return &Store{db: s.db.Session(&gorm.Session{NowFunc: clock}), dialect: s.dialect, now: clock}
}

// Close releases the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	var memoErr error
	if s.memo != nil {
		memoErr = s.memo.close()
	}
	return errors.Join(memoErr, sqlDB.Close())
}

// Ping checks that the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Engine names the database engine: "sqlite" or "postgresql".
func (s *Store) Engine() string {
	if s.dialect.postgres {
		return "postgresql"
	}
	return "sqlite"
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Counts is how many records of each kind the tracker holds.
type Counts struct {
	Plans, Themes, Commitments, Milestones, Agencies, Organisations, Contacts int64
}

// Count returns the number of records of each kind.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	db := s.db.WithContext(ctx)
	for _, q := range []struct {
		m   any
		out *int64
	}{
		{&model.Plan{}, &c.Plans}, {&model.Theme{}, &c.Themes}, {&model.Commitment{}, &c.Commitments},
		{&model.Milestone{}, &c.Milestones}, {&model.Agency{}, &c.Agencies},
		{&model.Organisation{}, &c.Organisations}, {&model.Contact{}, &c.Contacts},
	} {
		if err := db.Model(q.m).Count(q.out).Error; err != nil {
			return c, err
		}
	}
	return c, nil
}

// notFound turns GORM's record-not-found into model.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return model.ErrNotFound
	}
	return err
}

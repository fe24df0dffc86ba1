package store_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// start is when every test's clock starts: 2022-01-01 09:00 in Taipei.
var start = time.Date(2022, 1, 1, 1, 0, 0, 0, time.UTC)

// TestMain hashes passwords at bcrypt's lowest cost: the tests make and
// sign in to accounts by the dozen, and what they check is the same.
func TestMain(m *testing.M) {
	model.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// openTestStore returns a migrated store on a fresh SQLite file and the
// fake clock it is stamped with.
func openTestStore(t *testing.T) (*store.Store, *storetest.Clock) {
	t.Helper()
	clock := storetest.NewClock(start)
	return storetest.Open(t, clock.Now), clock
}

func TestOpenRefusesOtherDatabases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url     string
		wantMsg string
	}{
		{"mysql://tracker:secret@localhost/ogptracker", "use sqlite:PATH or postgres://"},
		{"data/ogptracker.db", "use sqlite:PATH"},
		{"sqlite:", "names no file"},
		{"", "use sqlite:PATH"},
	}
	for _, tt := range tests {
		s, err := store.Open(tt.url, store.Options{})
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", tt.url)
			continue
		}
		if !errors.Is(err, store.ErrUnsupportedDatabase) {
			t.Errorf("Open(%q): %v, want ErrUnsupportedDatabase", tt.url, err)
		}
		if !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("Open(%q): %q does not say %q", tt.url, err, tt.wantMsg)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q): the error shows the password: %q", tt.url, err)
		}
	}
}

func TestOpenPostgresWithoutAServerHidesThePassword(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"postgres://tracker:secret@127.0.0.1:1/ogptracker", "postgresql://tracker:secret@127.0.0.1:1/ogptracker"} {
		s, err := store.Open(url, store.Options{Logger: slog.New(slog.DiscardHandler)})
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded without a server", url)
			continue
		}
		if errors.Is(err, store.ErrUnsupportedDatabase) {
			t.Errorf("Open(%q): %v, want it tried", url, err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q): the error shows the password: %q", url, err)
		}
	}
}

func TestOpenCreatesTheFileAndItsFolder(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"sqlite:", "sqlite://"} {
		path := filepath.Join(t.TempDir(), "new", "folder", "ogptracker.db")
		s, err := store.Open(prefix+path, store.Options{})
		if err != nil {
			t.Fatalf("Open(%q): %v", prefix+path, err)
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Errorf("%s: ping: %v", prefix, err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: no database file: %v", prefix, err)
		}
		s.Close()
	}
}

func TestOpenSetsSQLiteForProduction(t *testing.T) {
	t.Parallel()
	testdb.SkipOnPostgres(t, "PostgreSQL has no such settings")
	s, _ := openTestStore(t)
	db := s.DBForTest()
	tests := []struct {
		pragma, want string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
		{"synchronous", "1"}, // NORMAL
	}
	for _, tt := range tests {
		var got string
		if err := db.Raw("PRAGMA " + tt.pragma).Row().Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
	// Foreign keys are enforced, not just switched on.
	err := db.Exec(`INSERT INTO milestones (commitment_id, ref, position, title, status, weight) VALUES (999, '1', 1, '{}', 'not-started', 1)`).Error
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("a milestone of a missing commitment was stored (err %v)", err)
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t, "ogptracker.db")
	s, err := store.Open(url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Migrate(ctx); err != nil || n != store.MigrationCount() {
		t.Fatalf("first Migrate: applied %d, %v; want %d", n, err, store.MigrationCount())
	}
	if n, err := s.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second Migrate: applied %d, %v; want 0", n, err)
	}
	if c, err := s.Count(ctx); err != nil || c != (store.Counts{}) {
		t.Errorf("a fresh database holds %+v, %v; want nothing", c, err)
	}
	s.Close()

	// Reopening the same database finds it up to date.
	s, err = store.Open(url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("Migrate after reopening: applied %d, %v; want 0", n, err)
	}
}

// TestMigrationsMatchTheModel catches the live model drifting from the
// migrations: every model of package model has its table, every column
// GORM would read or write exists, and every table is some model's.
func TestMigrationsMatchTheModel(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	db := s.DBForTest()
	listed := map[string]bool{}
	for _, m := range store.LiveModels {
		listed[reflect.TypeOf(m).Elem().Name()] = true
	}
	for _, name := range storedModels(t) {
		if !listed[name] {
			t.Errorf("model.%s has a primary key but is not in store.LiveModels: the schema is not checked against it", name)
		}
	}
	checked := map[string]bool{}
	tables := map[string]bool{"schema_migrations": true}
	for _, m := range store.LiveModels {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			t.Fatalf("parse %T: %v", m, err)
		}
		tables[stmt.Schema.Table] = true
		if !db.Migrator().HasTable(stmt.Schema.Table) {
			t.Errorf("%T: no table %s", m, stmt.Schema.Table)
			continue
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName == "" {
				continue // an association, not a column
			}
			checked[stmt.Schema.Table+"."+f.DBName] = true
			if !db.Migrator().HasColumn(stmt.Schema.Table, f.DBName) {
				t.Errorf("%T.%s: no column %s.%s in the migrated schema", m, f.Name, stmt.Schema.Table, f.DBName)
			}
		}
		for _, rel := range stmt.Schema.Relationships.Relations {
			if rel.JoinTable == nil {
				continue
			}
			tables[rel.JoinTable.Table] = true
			for _, f := range rel.JoinTable.Fields {
				if f.DBName == "" {
					continue
				}
				checked[rel.JoinTable.Table+"."+f.DBName] = true
				if !db.Migrator().HasColumn(rel.JoinTable.Table, f.DBName) {
					t.Errorf("%T.%s: no column %s.%s in the migrated schema", m, rel.Name, rel.JoinTable.Table, f.DBName)
				}
			}
		}
	}
	migrated, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range migrated {
		if !tables[table] && !strings.HasPrefix(table, "sqlite_") && !store.InternalTable(table) { // the engine's or the store's own
			t.Errorf("table %s is no listed model's: list its model in store.LiveModels", table)
		}
	}
	// The test must look at the columns it is meant to.
	for _, col := range []string{"commitments.irm_did_it_open_government", "commitments.irm_completion_midterm",
		"commitment_agencies.agency_id", "commitment_organisations.role", "milestones.parent_id", "contacts.demo",
		"milestones.evidence", "changes.fields", "changes.user_id", "progress_reports.proposals",
		"report_reviews.co_lead", "reminder_opt_outs.kind", "api_tokens.id", "users.version"} {
		if !checked[col] {
			t.Errorf("column %s was not checked", col)
		}
	}
}

// storedModels names the structs of package model that have a primary
// key, read from its source: the models a table is made for.
func storedModels(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("../model/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("the source of package model: %v", err)
	}
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			for _, field := range st.Fields.List {
				if field.Tag != nil && strings.Contains(field.Tag.Value, "primaryKey") {
					names = append(names, ts.Name.Name)
					break
				}
			}
			return false
		})
	}
	if len(names) < 20 {
		t.Fatalf("found only %d models in package model's source: %v", len(names), names)
	}
	return names
}

// Writes made through Transaction's store are committed together, or
// none of them when fn fails, their records of changes included.
func TestTransactionCommitsAllOrNothing(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ds := demoDataset(t)
	failed := errors.New("a later step failed")
	err := s.Transaction(ctx, func(tx *store.Store) error {
		if _, err := tx.ImportDataset(ctx, ds, nil); err != nil {
			return err
		}
		if c, err := tx.Count(ctx); err != nil || c.Plans != 1 {
			t.Errorf("within the transaction: %+v, %v; want the plan imported", c, err)
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Transaction: %v, want fn's error", err)
	}
	if c, err := s.Count(ctx); err != nil || c != (store.Counts{}) {
		t.Errorf("after the failure: %+v, %v; want nothing", c, err)
	}
	if _, total, err := s.FindChanges(ctx, store.ChangeFilter{}); err != nil || total != 0 {
		t.Errorf("after the failure, %d changes recorded, %v; want none", total, err)
	}
	if err := s.Transaction(ctx, func(tx *store.Store) error { _, err := tx.ImportDataset(ctx, ds, nil); return err }); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Count(ctx); err != nil || c.Plans != 1 || c.Commitments != 19 {
		t.Errorf("after a commit: %+v, %v; want the demo plan", c, err)
	}
}

func TestRedactedHidesThePassword(t *testing.T) {
	t.Parallel()
	for url, want := range map[string]string{
		"sqlite:data/ogptracker.db":                      "sqlite:data/ogptracker.db",
		"postgres://tracker:secret@db:5432/ogptracker":   "postgres://tracker:xxxxx@db:5432/ogptracker",
		"postgresql://tracker@db/ogptracker?sslmode=off": "postgresql://tracker@db/ogptracker?sslmode=off",
	} {
		if got := store.Redacted(url); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", url, got, want)
		}
	}
}

// A NUL byte, which no stored text holds, finds nothing on every engine
// rather than failing (PostgreSQL refuses it in a parameter).
func TestANULByteFindsNothing(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := context.Background()
	if _, err := s.FindAgencyByCode(ctx, "CEC\x00"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("FindAgencyByCode with a NUL: %v, want ErrNotFound", err)
	}
	if cs, n, err := s.FindCommitments(ctx, store.CommitmentFilter{Query: "選舉\x00"}); err != nil || len(cs) != 0 || n != 0 {
		t.Errorf("a search with a NUL: %v, %d, %v; want nothing", cs, n, err)
	}
}

package storetest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// Template is a database made once per test binary and copied for each
// test that asks, which is the same as making it anew and many times
// quicker: an SQLite file copied, or a PostgreSQL database created with
// it as its template.
type Template struct {
	name string
	fill func(ctx context.Context, st *store.Store) error

	once sync.Once
	url  string // "sqlite:PATH" or a PostgreSQL URL
	err  error
}

// NewTemplate returns a template, named name in messages, that is a
// migrated database which fill then fills; it is made at the first copy,
// stamped by the clock that copy is given.
func NewTemplate(name string, fill func(ctx context.Context, st *store.Store) error) *Template {
	return &Template{name: name, fill: fill}
}

// make makes the template, stamped by now.
func (tp *Template) make(now func() time.Time) {
	var url string
	if testdb.OnPostgres() {
		url, tp.err = testdb.CreateKept()
	} else {
		var dir string
		dir, tp.err = os.MkdirTemp("", "ogptracker-test-"+tp.name)
		url = "sqlite:" + filepath.Join(dir, tp.name+".db")
	}
	if tp.err != nil {
		return
	}
	st, err := store.Open(url, store.Options{Now: now})
	if err != nil {
		tp.err = err
		return
	}
	ctx := context.Background()
	if _, err = st.Migrate(ctx); err == nil {
		err = tp.fill(ctx, st)
	}
	// Closed before copying: SQLite moves its write-ahead log into the
	// file, and PostgreSQL copies no database that has a connection.
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	tp.url, tp.err = url, err
}

// Copy returns the DATABASE_URL of a new database of t's own holding what
// the template holds, removed when t ends.
func (tp *Template) Copy(t testing.TB) string {
	return tp.CopyAt(t, time.Now)
}

// CopyAt is Copy with the template, when it is made now, stamped by now.
func (tp *Template) CopyAt(t testing.TB, now func() time.Time) string {
	t.Helper()
	tp.once.Do(func() { tp.make(now) })
	if tp.err != nil {
		t.Fatalf("the %s database of the tests: %v", tp.name, tp.err)
	}
	if testdb.OnPostgres() {
		return testdb.Create(t, tp.url)
	}
	path := filepath.Join(t.TempDir(), tp.name+".db")
	b, err := os.ReadFile(strings.TrimPrefix(tp.url, "sqlite:"))
	if err == nil {
		err = os.WriteFile(path, b, 0o600)
	}
	if err != nil {
		t.Fatalf("copy the %s database: %v", tp.name, err)
	}
	return "sqlite:" + path
}

// Remove removes the template, if it was made, when the tests that copy it
// have all run (from TestMain).
func (tp *Template) Remove() error {
	if tp.url == "" {
		return nil
	}
	if testdb.OnPostgres() {
		return testdb.DropKept(tp.url)
	}
	return os.RemoveAll(filepath.Dir(strings.TrimPrefix(tp.url, "sqlite:")))
}

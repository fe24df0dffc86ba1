package testdb

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"
)

// A test's database is dropped when the test ends, even with a connection
// to it left open, as a store a test forgot to close would leave one.
func TestADatabaseIsDroppedWithAConnectionLeftOpen(t *testing.T) {
	var name string
	t.Run("test", func(t *testing.T) {
		u := NewPostgresURL(t)
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(parsed.Path, "/")
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE t (id int)"); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() || t.Skipped() || name == "" {
		return
	}
	db, err := admin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil || n != 0 {
		t.Errorf("database %s: %d left (%v)", name, n, err)
	}
}

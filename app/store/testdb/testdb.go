// Package testdb gives tests a database of their own on the engine the
// tests run on: an SQLite file, or, when OGPTRACKER_TEST_POSTGRES names a
// PostgreSQL server, a new database there. It knows nothing of the store,
// so that the store's own tests can use it too.
package testdb

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of database/sql
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" driver
)

// PostgresEnv names the variable holding the address of a PostgreSQL
// database (postgres://… or host=… dbname=…) on which the tests' user may
// CREATE DATABASE. When it is set, every test gets a database of its own
// on that server, created for it and dropped when it ends; when it is not,
// an SQLite file in its temporary folder.
const PostgresEnv = "OGPTRACKER_TEST_POSTGRES"

// OnPostgres reports whether the tests run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(PostgresEnv) != "" }

// SkipOnPostgres skips a test that is about SQLite alone, saying why.
func SkipOnPostgres(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() {
		t.Skip("SQLite only: " + why)
	}
}

// NewURL returns the DATABASE_URL of a new, empty database of t's own,
// neither opened nor migrated: a file in t's temporary folder named name,
// or a new PostgreSQL database dropped when t ends.
func NewURL(t testing.TB, name string) string {
	t.Helper()
	if !OnPostgres() {
		return "sqlite:" + filepath.Join(t.TempDir(), name)
	}
	return Create(t, "")
}

// The tests' databases on PostgreSQL are named ogpt_test_<unix time>_<pid>_<n>,
// so that those left by a test binary that died are found and dropped by
// a later one, an hour later.
var (
	server struct {
		once sync.Once
		db   *sql.DB
		err  error
	}
	serial atomic.Int64
)

// admin is the connection to the server's database named in PostgresEnv.
func admin() (*sql.DB, error) {
	server.once.Do(func() {
		server.db, server.err = sql.Open("pgx", os.Getenv(PostgresEnv))
		if server.err == nil {
			server.err = server.db.Ping()
		}
		if server.err == nil {
			sweep(server.db)
		}
	})
	return server.db, server.err
}

// sweep drops the tests' databases left for more than an hour.
func sweep(db *sql.DB) {
	rows, err := db.Query(`SELECT datname FROM pg_database WHERE datname LIKE 'ogpt\_test\_%'`)
	if err != nil {
		return
	}
	var old []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) < 3 {
			continue
		}
		if made, err := strconv.ParseInt(parts[2], 10, 64); err == nil && time.Since(time.Unix(made, 0)) > time.Hour {
			old = append(old, name)
		}
	}
	rows.Close()
	for _, name := range old {
		drop(db, name)
	}
}

// drop drops database name. FORCE: a store the test left open must not
// keep the database. But FORCE refuses to end an autovacuum worker, which
// is not the tests' user's, so the drop is tried again once it is done.
func drop(db *sql.DB, name string) error {
	var err error
	for range 50 {
		_, err = db.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" { // insufficient_privilege
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func newDatabaseName() string {
	return fmt.Sprintf("ogpt_test_%d_%d_%d", time.Now().Unix(), os.Getpid(), serial.Add(1))
}

// CreateKept creates an empty PostgreSQL database kept for the test
// binary's life, such as a template for Create, and returns its URL.
func CreateKept() (string, error) {
	db, err := admin()
	if err != nil {
		return "", fmt.Errorf("%s: %w", PostgresEnv, err)
	}
	name := newDatabaseName()
	if _, err := db.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
		return "", err
	}
	return databaseURL(os.Getenv(PostgresEnv), name)
}

// Create creates a PostgreSQL database for t, a copy of the database at
// the URL template when it is given, dropped when t ends, and returns its URL.
func Create(t testing.TB, template string) string {
	t.Helper()
	db, err := admin()
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	name := newDatabaseName()
	stmt := `CREATE DATABASE "` + name + `"`
	if template != "" {
		u, err := url.Parse(template)
		if err != nil {
			t.Fatal(err)
		}
		stmt += ` TEMPLATE "` + strings.TrimPrefix(u.Path, "/") + `"`
	}
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("create a database for the test: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(db, name); err != nil {
			t.Errorf("drop the test's database: %v", err)
		}
	})
	u, err := databaseURL(os.Getenv(PostgresEnv), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// databaseURL is the URL of database name on the server of base, a URL
// (postgres://…) or keywords and values (host=/tmp/pgsock port=5432 …).
func databaseURL(base, name string) (string, error) {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("%s: %w", PostgresEnv, err)
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	u := &url.URL{Scheme: "postgres", Host: "", Path: "/" + name}
	q := url.Values{}
	for _, kv := range strings.Fields(base) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return "", fmt.Errorf("%s: %q is neither a URL nor key=value pairs", PostgresEnv, kv)
		}
		v = strings.Trim(v, "'")
		switch k {
		case "dbname":
		case "user":
			if u.User == nil {
				u.User = url.User(v)
			} else if p, ok := u.User.Password(); ok {
				u.User = url.UserPassword(v, p)
			}
		case "password":
			name := ""
			if u.User != nil {
				name = u.User.Username()
			}
			u.User = url.UserPassword(name, v)
		default:
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// SQL opens the database at databaseURL directly, to see what the tracker
// stores; it is closed when t ends.
func SQL(t testing.TB, databaseURL string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", databaseURL
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		driver, dsn = "sqlite3", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DropKept drops a database made by CreateKept.
func DropKept(databaseURL string) error {
	db, err := admin()
	if err != nil {
		return err
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return err
	}
	return drop(db, strings.TrimPrefix(u.Path, "/"))
}

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"
)

// The tracker runs on SQLite and on PostgreSQL with the same behaviour.
// Most of its SQL is written once, in what both engines read alike; where
// they differ, both versions stand side by side below, chosen by the one
// dialect a store is opened with. Nothing else in the package asks which
// engine it is on.

// dialect is the engine a store talks to.
type dialect struct {
	postgres bool
}

// dialectOf is the dialect of db's engine.
func dialectOf(db *gorm.DB) dialect {
	return dialect{postgres: db.Dialector.Name() == "postgres"}
}

// register adds to db what the engine needs before any query.
//
// PostgreSQL's text holds no NUL byte and refuses a parameter with one,
// where SQLite compares it as any other character. Nothing stored holds
// one (model's text rule refuses it), so a read asked for a NUL, such as a
// code typed with one, must find nothing, not fail: on PostgreSQL the
// parameters of reads have U+FFFD in its place, which matches the same
// (nothing) on every stored text the rule lets in.
func (d dialect) register(db *gorm.DB) error {
	if !d.postgres {
		return nil
	}
	if err := db.Callback().Query().Before("gorm:query").Register("ogptracker:no_nul", readWithoutNUL); err != nil {
		return err
	}
	return db.Callback().Row().Before("gorm:row").Register("ogptracker:no_nul", readWithoutNUL)
}

func readWithoutNUL(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	callbacks.BuildQuerySQL(db) // the query callback builds nothing once the SQL is there
	for i, v := range db.Statement.Vars {
		if _, ok := v.(driver.Valuer); ok || v == nil {
			continue
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String && strings.ContainsRune(rv.String(), 0) {
			db.Statement.Vars[i] = strings.ReplaceAll(rv.String(), "\x00", "\uFFFD")
		}
	}
}

// concat is an aggregate joining the texts of expr, row by row, with single
// spaces (NULL for no rows).
func (d dialect) concat(expr string) string {
	if d.postgres {
		return "string_agg(" + expr + ", ' ')"
	}
	return "group_concat(" + expr + ", ' ')"
}

// idList is an aggregate packing the ids of an integer column for
// eachID (NULL for no rows): on PostgreSQL four bytes each, big-endian
// (int4send; ids, like the lists' own (packedText.id), fit in 32 bits),
// which pgx hands over as they are, with nothing to parse; on SQLite their
// texts between spaces.
func (d dialect) idList(column string) string {
	if d.postgres {
		return "string_agg(int4send(CAST(" + column + " AS integer)), ''::bytea)"
	}
	return "group_concat(" + column + ", ' ')"
}

// eachID calls fn with each id of a list idList packed.
func (d dialect) eachID(list []byte, fn func(id uint)) error {
	if d.postgres {
		if len(list)%4 != 0 {
			return fmt.Errorf("a list of ids of %d bytes", len(list))
		}
		for i := 0; i < len(list); i += 4 {
			fn(uint(binary.BigEndian.Uint32(list[i:])))
		}
		return nil
	}
	p := packedText{rest: string(list)}
	for !p.end() {
		id := p.id()
		if p.err == nil {
			fn(id)
		}
	}
	return p.err
}

// printfVerb matches the verbs format writes with: %d, %s, %!.17g.
var printfVerb = regexp.MustCompile(`%[!.0-9]*[dsg]`)

// format is an SQL expression writing args into format, whose verbs are
// SQLite's printf verbs (%d, %s, %!.17g). PostgreSQL's format has only %s,
// which writes numbers as their own text output: integers the same, and
// doubles in the shortest form that reads back exactly, as %!.17g does.
func (d dialect) format(format, args string) string {
	if d.postgres {
		return "format(" + printfVerb.ReplaceAllString(format, "%s") + ", " + args + ")"
	}
	return "printf(" + format + ", " + args + ")"
}

// millis is an SQL expression reading a timestamp column as milliseconds
// since 1970, 0 for NULL. SQLite stores times as text, PostgreSQL as
// timestamptz.
func (d dialect) millis(column string) string {
	if d.postgres {
		return "coalesce(CAST(round(extract(epoch FROM " + column + ") * 1000) AS bigint), 0)"
	}
	return "coalesce(CAST(round(unixepoch(" + column + ", 'subsec') * 1000) AS INTEGER), 0)"
}

// jsonItems is a table, named alias, of the items of the JSON array held
// as text in column (model.Strings), in a column named value; none for
// NULL or "".
func (d dialect) jsonItems(column, alias string) string {
	if d.postgres {
		return "json_array_elements_text(CAST(nullif(" + column + ", '') AS json)) AS " + alias
	}
	return "json_each(nullif(" + column + ", '')) AS " + alias
}

// jsonTexts is a table, named alias, of the values of the JSON object held
// as text in column (the languages of a model.Text), in a column named
// value; none for NULL or "".
func (d dialect) jsonTexts(column, alias string) string {
	if d.postgres {
		return "json_each_text(CAST(nullif(" + column + ", '') AS json)) AS " + alias
	}
	return "json_each(nullif(" + column + ", '')) AS " + alias
}

// jsonIDs is a subquery of the ids in the JSON array given as the named
// parameter param ("[1,2]").
func (d dialect) jsonIDs(param string) string {
	if d.postgres {
		return "SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(@" + param + " AS json))"
	}
	return "SELECT value FROM json_each(@" + param + ")"
}

// jsonValues is a subquery of the texts in the JSON array given as the
// named parameter param ('["a","b"]').
func (d dialect) jsonValues(param string) string {
	if d.postgres {
		return "SELECT value FROM json_array_elements_text(CAST(@" + param + " AS json))"
	}
	return "SELECT value FROM json_each(@" + param + ")"
}

// withoutRowID ends the CREATE TABLE of a table read only by its primary
// key: SQLite then keeps its rows in the key's order alone rather than in
// a table and an index; PostgreSQL has one way only.
func (d dialect) withoutRowID() string {
	if d.postgres {
		return ""
	}
	return " WITHOUT ROWID"
}

// indexedBy is SQLite's word that a table be read through the named index,
// after the table's name in a FROM clause: its planner looks rows up by
// their id in the table itself even when an index holds all a query reads
// of them. PostgreSQL's planner weighs its indexes itself.
func (d dialect) indexedBy(index string) string {
	if d.postgres {
		return ""
	}
	return " INDEXED BY " + index
}

// textMatch is the SQL condition that column contains word, in any case
// for letters that have case forms, given as the named parameter @p, with
// the value of that parameter. Chinese has no case, and matches as written.
func (d dialect) textMatch(word string) (match func(column string) string, pattern string) {
	if !foldsBeyondASCII(word) {
		// LIKE ignores the case of ASCII letters on SQLite, ILIKE on
		// PostgreSQL; either is all a word of such letters needs.
		op := "LIKE"
		if d.postgres {
			op = "ILIKE"
		}
		return func(column string) string { return column + " " + op + ` @p ESCAPE '\'` }, likePattern(word)
	}
	// A letter with other case forms beyond ASCII ("ö"): each letter is
	// the class of its case forms, which neither engine's LIKE knows and
	// PostgreSQL's ILIKE knows only as far as the database's locale does.
	if d.postgres {
		return func(column string) string { return column + " ~ @p" }, casePattern(word, "", "", regexp.QuoteMeta)
	}
	return func(column string) string { return column + " GLOB @p" }, casePattern(word, "*", "*", func(s string) string {
		if s == "*" || s == "?" || s == "[" {
			return "[" + s + "]" // GLOB's own wildcards stand for themselves
		}
		return s
	})
}

// casePattern is a pattern for text containing word in any case, between
// prefix and suffix: each letter becomes the class of its case forms
// ("Öl" → "[öÖ][lL]"), and every other character is quoted by quote.
func casePattern(word, prefix, suffix string, quote func(string) string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range word {
		if unicode.SimpleFold(r) == r {
			b.WriteString(quote(string(r)))
			continue
		}
		b.WriteByte('[')
		for f := r; ; {
			b.WriteRune(f)
			if f = unicode.SimpleFold(f); f == r {
				break
			}
		}
		b.WriteByte(']')
	}
	b.WriteString(suffix)
	return b.String()
}

// writeTurn makes the transaction tx the one writer until it ends, as
// SQLite's transactions, which begin immediate, are: a version read and
// then checked cannot change before the write, and two writers never wait
// on each other's rows. On PostgreSQL it takes the lock of the row of
// data_version (see below), which every write takes anyway. Taking the
// lock changes nothing: a transaction that ends up writing nothing (a
// reminder pass with nothing due, every minute) leaves the count, and so
// every kept page, as it was.
func (d dialect) writeTurn(tx *gorm.DB) error {
	if !d.postgres {
		return nil
	}
	return tx.Exec("SELECT version FROM " + dataVersionTable + " WHERE id = 1 FOR UPDATE").Error
}

// skipLocked makes q lock the rows it reads, passing over those another
// transaction holds, so that two senders never claim the same message on
// PostgreSQL. gorm's SQLite dialect leaves the clause out: one claim runs
// at a time there anyway.
func skipLocked(q *gorm.DB) *gorm.DB {
	return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
}

// isUniqueViolation reports whether err is a write refused by a unique
// index, on either engine.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		return liteErr.ExtendedCode == sqlite3.ErrConstraintUnique || liteErr.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// dbTime scans a time that a query computed, such as MAX(at): PostgreSQL
// gives a time, SQLite the text it stores (not the column's type).
type dbTime struct{ time.Time }

// Value makes dbTime a column type to gorm, which reads no other structs.
func (t dbTime) Value() (driver.Value, error) { return t.Time, nil }

func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v.UTC()
		return nil
	case []byte:
		src = string(v)
	}
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999Z07:00"} {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p
			return nil
		}
	}
	return fmt.Errorf("store: %q is not a time", s)
}

// internalTable reports whether the engine or the store keeps table for
// itself rather than for the tracker's records: SQLite's counter of ids,
// data_version (see memo) and the tables of the search index (search.go), which a copy
// rebuilds rather than copies.
func internalTable(table string) bool {
	return table == "sqlite_sequence" || table == dataVersionTable || table == searchGramsTable || table == searchTermsTable ||
		table == searchTermCommitmentsTable
}

// The schedule memo (memo.go) keeps answers while the database is
// unchanged, and asks the engine, once a request, whether it changed.
//
// SQLite counts commits itself: PRAGMA data_version moves whenever another
// connection commits, read on a connection of the memo's own that never
// writes.
//
// PostgreSQL has no such counter, and several instances of the tracker may
// share one database, so the count is kept in the database: a one-row
// table, data_version, that a statement-level trigger on every table
// bumps within the writing transaction. The bump becomes visible exactly
// when the change does, at commit, so an answer read before a change is
// never kept past it, whichever instance made it (a sequence would not
// do: it moves before the commit, and a memo could keep the old answer
// under the new number). The trigger fires before the statement, so a
// writing transaction takes the row's lock before any other row's, and
// holds it until it ends: writers take turns, as SQLite's one writer does,
// and cannot deadlock on it. The triggers are installed by Migrate on
// every table it finds, so a table added by a later migration has one too.

// importJobsTable keeps the imports of the browser. Its rows are no
// page's data, and the progress of an import is written to it while the
// import's transaction holds the writer's turn: no trigger bumps the
// count of changes for it, which would make that write wait its turn.
const importJobsTable = "import_jobs"

// dataVersionTable is the one-row table of the count of changes on PostgreSQL.
const dataVersionTable = "data_version"

// dataVersion reads the count of changes on PostgreSQL, one cheap query,
// straight from the pool as SQLite's is read from the memo's connection:
// on neither engine is it one of a page's queries (OnQuery), which it
// would be only when the last read is old enough to read again.
func (d dialect) dataVersion(ctx context.Context, db *gorm.DB) (int64, error) {
	pool, err := db.DB()
	if err != nil {
		return 0, err
	}
	var v int64
	err = pool.QueryRowContext(ctx, "SELECT version FROM "+dataVersionTable+" WHERE id = 1").Scan(&v)
	return v, err
}

// installDataVersion creates, on PostgreSQL, the data_version table and
// its trigger on every table that lacks one; it does nothing on SQLite.
func (d dialect) installDataVersion(ctx context.Context, db *gorm.DB) error {
	if !d.postgres {
		return nil
	}
	db = db.WithContext(ctx)
	for _, stmt := range []string{
		"CREATE TABLE IF NOT EXISTS " + dataVersionTable + " (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
		"INSERT INTO " + dataVersionTable + " (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
		`CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN UPDATE ` + dataVersionTable + ` SET version = version + 1 WHERE id = 1; RETURN NULL; END $$`,
	} {
		if err := db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("data version: %w", err)
		}
	}
	var missing []string
	err := db.Raw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND c.relname NOT IN (?, ?)
		AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'bump_data_version')
		ORDER BY c.relname`, dataVersionTable, importJobsTable).Scan(&missing).Error
	if err != nil {
		return fmt.Errorf("data version: %w", err)
	}
	for _, table := range missing {
		err := db.Exec(`CREATE TRIGGER bump_data_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ` +
			db.Statement.Quote(table) + ` FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()`).Error
		if err != nil {
			return fmt.Errorf("data version of %s: %w", table, err)
		}
	}
	return nil
}

// Leadership (leader.go) is an advisory lock of a PostgreSQL session,
// keyed by a positive bigint: pg_locks shows such a key split in two 32-bit
// halves, classid and objid, with objsubid 1.

// tryLead takes the lock on conn's session unless another session holds it.
func (d dialect) tryLead(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var took bool
	err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&took)
	return took, err
}

// stillLeads reports whether conn's session still holds the lock: the
// query fails if the session is gone.
func (d dialect) stillLeads(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var held bool
	err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND pid = pg_backend_pid() AND granted AND objsubid = 1
		AND classid::bigint * 4294967296 + objid::bigint = $1)`, key).Scan(&held)
	return held, err
}

// stopLeading gives the lock up on conn's session.
func (d dialect) stopLeading(ctx context.Context, conn *sql.Conn, key int64) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
	return err
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/ogptracker/ogptracker/app/model"
)

// LiveModels lists every model the tracker stores, each once: the tables a
// copy moves, and what the migrations must have built the tables of.
// TestMigrationsMatchTheModel reads package model's source for the structs
// with a primary key and fails when one is missing here, so a new model
// cannot be forgotten, by the schema's check or by a copy.
var LiveModels = []any{
	&model.Agency{}, &model.Organisation{}, &model.Plan{}, &model.Theme{}, &model.Commitment{},
	&model.CommitmentOrganisation{}, &model.Milestone{}, &model.Contact{}, &model.Change{},
	&model.User{}, &model.Session{}, &model.SignInFailure{}, &model.OneTimeLink{},
	&model.ReportingPeriod{}, &model.ProgressReport{}, &model.Review{}, &model.CompletionAssessment{},
	&model.OutboxMessage{}, &model.OutboxAttempt{}, &model.ReminderOptOut{}, &model.Webhook{}, &model.Meeting{},
	&model.AgendaItem{}, &model.Attendee{}, &model.MeetingDocument{}, &model.FollowUp{}, &model.FollowUpNote{},
	&model.Transcript{}, &model.Speech{}, &model.Holiday{},
	&model.Question{}, &model.QuestionEntry{}, &model.QuestionVote{},
	&model.APIToken{}, &model.ImportJob{}, &serverSecret{}, &model.Follower{}, &model.Follow{}, &model.Setting{},
}

// ErrTargetNotEmpty is returned by CopyTo for a target that holds data.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// TableCount is how many rows one table holds.
type TableCount struct {
	Table string
	Rows  int64
}

// trackerTable is one table of the tracker as a copy sees it.
type trackerTable struct {
	name     string
	schema   *schema.Schema // the model's; nil for a join table, copied column by column
	selfRefs []string       // columns naming another row of the same table
	needs    []string       // tables whose rows its rows name
	keys     []string       // primary key columns, the order rows are copied in
}

// trackerTables lists every table of the tracker (join tables included,
// schema_migrations not), each after the tables its rows refer to, so that
// rows can be inserted table by table with foreign keys checked.
func trackerTables(db *gorm.DB) ([]trackerTable, error) {
	byName := map[string]*trackerTable{}
	var names []string
	add := func(t *trackerTable) *trackerTable {
		if old, ok := byName[t.name]; ok {
			return old
		}
		byName[t.name] = t
		names = append(names, t.name)
		return t
	}
	for _, m := range LiveModels {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return nil, fmt.Errorf("read the model %T: %w", m, err)
		}
		sch := stmt.Schema
		t := add(&trackerTable{name: sch.Table, schema: sch})
		t.schema = sch
		for _, f := range sch.PrimaryFields {
			t.keys = append(t.keys, f.DBName)
		}
		for _, name := range slices.Sorted(maps.Keys(sch.Relationships.Relations)) { // in a set order
			rel := sch.Relationships.Relations[name]
			switch {
			case rel.JoinTable != nil:
				jt := add(&trackerTable{name: rel.JoinTable.Table})
				jt.needs = append(jt.needs, sch.Table, rel.FieldSchema.Table)
				jt.keys = nil
				for _, f := range rel.JoinTable.PrimaryFields {
					jt.keys = append(jt.keys, f.DBName)
				}
			case rel.Type == schema.BelongsTo && rel.FieldSchema.Table == sch.Table:
				for _, ref := range rel.References {
					t.selfRefs = append(t.selfRefs, ref.ForeignKey.DBName)
				}
			case rel.Type == schema.BelongsTo:
				t.needs = append(t.needs, rel.FieldSchema.Table)
			case rel.FieldSchema.Table != sch.Table: // has one, has many: the other table's rows name this one's
				other := add(&trackerTable{name: rel.FieldSchema.Table})
				other.needs = append(other.needs, sch.Table)
			}
		}
	}
	// Order: each table after those it needs, otherwise as listed.
	var out []trackerTable
	done := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, name := range names {
			t := byName[name]
			if done[name] || slices.ContainsFunc(t.needs, func(n string) bool { return n != name && !done[n] }) {
				continue
			}
			done[name] = true
			slices.Sort(t.selfRefs)
			t.selfRefs = slices.Compact(t.selfRefs)
			out = append(out, *t)
			progress = true
		}
		if !progress {
			return nil, fmt.Errorf("the models' tables refer to each other in a circle; copy cannot order them")
		}
	}
	return out, nil
}

// TableCounts counts the rows of every table of the tracker, in the order a
// copy moves them; a table not yet made counts none.
func (s *Store) TableCounts(ctx context.Context) ([]TableCount, error) {
	tables, err := trackerTables(s.db)
	if err != nil {
		return nil, err
	}
	return countTables(s.db.WithContext(ctx), tables)
}

func countTables(db *gorm.DB, tables []trackerTable) ([]TableCount, error) {
	out := make([]TableCount, 0, len(tables))
	for _, t := range tables {
		var n int64
		if db.Migrator().HasTable(t.name) {
			if err := db.Table(t.name).Count(&n).Error; err != nil {
				return nil, fmt.Errorf("count %s: %w", t.name, err)
			}
		}
		out = append(out, TableCount{Table: t.name, Rows: n})
	}
	return out, nil
}

// refuseData returns ErrTargetNotEmpty naming what db holds, or nil.
func refuseData(db *gorm.DB, tables []trackerTable) error {
	counts, err := countTables(db, tables)
	if err != nil {
		return err
	}
	var held []string
	for _, c := range counts {
		if c.Rows > 0 {
			held = append(held, fmt.Sprintf("%s %d", c.Table, c.Rows))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: it holds %s; nothing was copied", ErrTargetNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// CopyTo copies the whole tracker, every table, into target: an empty
// database (ErrTargetNotEmpty, naming what it holds, otherwise) that it
// first migrates. Rows keep their ids; on PostgreSQL each table's id
// sequence is then set past the highest id. The source is read in one
// transaction, the target written in one: either all is copied or nothing.
// Before committing, every table's row count is compared, and on the same
// engine each table's Fingerprint; a difference rolls the copy back.
// It returns the rows copied per table.
func (s *Store) CopyTo(ctx context.Context, target *Store) ([]TableCount, error) {
	tables, err := trackerTables(s.db)
	if err != nil {
		return nil, err
	}
	// Refuse before migrating, so that a target in use is left as it was.
	if err := refuseData(target.db.WithContext(ctx), tables); err != nil {
		return nil, err
	}
	if _, err := target.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	var copied []TableCount
	var opts []*sql.TxOptions
	if s.db.Dialector.Name() == "postgres" {
		// One snapshot of the source, however long the copy takes.
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	err = s.db.WithContext(ctx).Transaction(func(src *gorm.DB) error {
		return target.db.WithContext(ctx).Transaction(func(dst *gorm.DB) error {
			if err := refuseData(dst, tables); err != nil {
				return err
			}
			for _, t := range tables {
				if err := copyTable(ctx, src, dst, t); err != nil {
					return fmt.Errorf("copy %s: %w", t.name, err)
				}
			}
			if dst.Dialector.Name() == "postgres" {
				if err := setSequences(dst, tables); err != nil {
					return err
				}
			}
			if err := indexAllCommitments(dst); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			var err error
			copied, err = verifyCopy(ctx, src, dst, tables)
			return err
		})
	}, opts...)
	if err != nil {
		return nil, err
	}
	return copied, nil
}

// copyTable inserts every row of table t of src into dst, in the order of
// its primary key. A row naming a row of its own table not yet copied is
// inserted without that reference, which is set once all rows are in.
func copyTable(ctx context.Context, src, dst *gorm.DB, t trackerTable) error {
	cols, err := src.Migrator().ColumnTypes(t.name)
	if err != nil {
		return err
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name())
	}
	var fields map[string]*schema.Field
	if t.schema != nil {
		fields = map[string]*schema.Field{}
		for _, name := range names {
			f := t.schema.LookUpField(name)
			if f == nil || f.DBName != name {
				return fmt.Errorf("column %s is not in the model of this version of the tracker", name)
			}
			fields[name] = f
		}
	}
	q := src.Table(t.name)
	for _, k := range t.keys {
		q = q.Order(src.Statement.Quote(k))
	}
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()

	batchSize := max(1, 4000/len(names))
	batch := make([]map[string]any, 0, batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := dst.Table(t.name).Create(&batch).Error
		batch = batch[:0]
		return err
	}
	type reference struct {
		id     any
		column string
		value  any
	}
	seen := map[string]bool{} // ids copied so far, for tables that refer to themselves
	var later []reference     // references to rows copied after theirs, set at the end
	for rows.Next() {
		row := map[string]any{}
		if t.schema != nil {
			v := reflect.New(t.schema.ModelType)
			if err := src.ScanRows(rows, v.Interface()); err != nil {
				return err
			}
			for name, f := range fields {
				value, _ := f.ValueOf(ctx, v.Elem())
				row[name] = inUTC(value)
			}
		} else {
			values := make([]any, len(names))
			ptrs := make([]any, len(names))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, name := range names {
				if b, ok := values[i].([]byte); ok {
					values[i] = string(b)
				}
				row[name] = inUTC(values[i])
			}
		}
		if len(t.selfRefs) > 0 {
			id := idString(row["id"])
			for _, col := range t.selfRefs {
				if ref := idString(row[col]); ref != "" && !seen[ref] {
					later = append(later, reference{row["id"], col, row[col]})
					row[col] = nil
				}
			}
			seen[id] = true
		}
		batch = append(batch, row)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	for _, ref := range later {
		if err := dst.Table(t.name).Where("id = ?", ref.id).Update(ref.column, ref.value).Error; err != nil {
			return err
		}
	}
	return nil
}

// inUTC is v, but a time in UTC, as the tracker stores times: PostgreSQL's
// driver reads them in the machine's time zone, which SQLite would keep.
func inUTC(v any) any {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case *time.Time:
		if t != nil {
			return t.UTC()
		}
	}
	return v
}

// idString prints an id, as a model or a driver gives it, "" for none.
func idString(v any) string {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return ""
	}
	return fmt.Sprint(rv.Interface())
}

// setSequences moves each table's id sequence past its highest id, so that
// the next row PostgreSQL numbers does not take a copied row's id.
func setSequences(dst *gorm.DB, tables []trackerTable) error {
	for _, t := range tables {
		if t.schema == nil || t.schema.PrioritizedPrimaryField == nil || !t.schema.PrioritizedPrimaryField.AutoIncrement {
			continue
		}
		id := t.schema.PrioritizedPrimaryField.DBName
		table := dst.Statement.Quote(t.name)
		err := dst.Exec(fmt.Sprintf("SELECT setval(pg_get_serial_sequence(?, ?), (SELECT COALESCE(MAX(%s), 0) FROM %s) + 1, false)",
			dst.Statement.Quote(id), table), table, id).Error
		if err != nil {
			return fmt.Errorf("set the id sequence of %s: %w", t.name, err)
		}
	}
	return nil
}

// verifyCopy compares every table's row count in src and dst and, when
// both are the same engine, their Fingerprints (on different engines the
// same value may be printed differently).
func verifyCopy(ctx context.Context, src, dst *gorm.DB, tables []trackerTable) ([]TableCount, error) {
	from, err := countTables(src, tables)
	if err != nil {
		return nil, err
	}
	to, err := countTables(dst, tables)
	if err != nil {
		return nil, err
	}
	for i := range from {
		if from[i] != to[i] {
			return nil, fmt.Errorf("the copy of %s holds %d rows, the source %d; nothing was copied", to[i].Table, to[i].Rows, from[i].Rows)
		}
	}
	if src.Dialector.Name() != dst.Dialector.Name() {
		return from, nil
	}
	a, err := (&Store{db: src}).Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		return nil, err
	}
	b, err := (&Store{db: dst}).Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		return nil, err
	}
	for _, t := range tables { // the engine's own tables, counters and such, are no part of the tracker
		if table := t.name; a[table] != b[table] {
			return nil, fmt.Errorf("the copy of %s differs from the source (%s, the source %s); nothing was copied", table, b[table], a[table])
		}
	}
	return from, nil
}

package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Fingerprint digests what each table holds, but those named in except:
// two fingerprints differ exactly when a row was added, removed or
// changed. Tests of refused requests compare one taken before with one
// taken after, so that a refusal is shown to change nothing anywhere, not
// only in the record of changes. Tables the engine or the store keep for
// themselves (internalTable) are left out. The rows are read in no set order and
// digested as a sorted list, and each value as fingerprintValue writes it, so
// that a tracker copied to another engine has the fingerprint it had.
func (s *Store) Fingerprint(ctx context.Context, except ...string) (map[string]string, error) {
	tables, err := s.db.Migrator().GetTables()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(tables))
	for _, table := range tables {
		if slices.Contains(except, table) || internalTable(table) {
			continue
		}
		rows, err := s.db.WithContext(ctx).Table(table).Rows()
		if err != nil {
			return nil, fmt.Errorf("fingerprint %s: %w", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return nil, err
		}
		var digests []string
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			h := sha256.New()
			for i, v := range values {
				fmt.Fprintf(h, "%s=%v\x00", cols[i], fingerprintValue(v))
			}
			digests = append(digests, hex.EncodeToString(h.Sum(nil)))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		slices.Sort(digests)
		sum := sha256.Sum256([]byte(strings.Join(digests, "\n")))
		out[table] = fmt.Sprintf("%d rows %x", len(digests), sum[:8])
	}
	return out, nil
}

// fingerprintValue is a value as a driver reads it, written the same way on
// every engine: a time as its instant in UTC, whatever zone the driver reads
// it in; a boolean as the 1 or 0 SQLite stores (its columns read back as
// integers, PostgreSQL's as booleans); bytes as the text they hold.
func fingerprintValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case bool:
		if v {
			return int64(1)
		}
		return int64(0)
	case []byte:
		return string(v)
	}
	return v
}

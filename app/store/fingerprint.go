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
// digested as a sorted list, the same on every engine.
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
				if t, ok := v.(time.Time); ok { // the instant, whatever zone the driver reads it in
					v = t.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(h, "%s=%v\x00", cols[i], v)
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

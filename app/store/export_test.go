package store

import (
	"gorm.io/gorm"
)

// DBForTest lets the tests of package store_test look at the database
// directly: settings, schema, timestamps.
func (s *Store) DBForTest() *gorm.DB { return s.db }

// InternalTable reports whether the engine or the store keeps a table for
// itself (SQLite's sqlite_sequence, data_version on PostgreSQL).
var InternalTable = internalTable

// SearchWithoutIndex makes searches match every commitment, as before the
// index, while off is true.
func SearchWithoutIndex(off bool) { searchIndexOff.Store(off) }

// IndexSearchForTest fills the search index anew, within tx, for
// commitments a test wrote directly.
func IndexSearchForTest(tx *gorm.DB) error { return indexAllCommitments(tx) }

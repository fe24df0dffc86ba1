package store

import (
	"gorm.io/gorm"
)

// DBForTest lets the tests of package store_test look at the database
// directly: settings, schema, timestamps.
func (s *Store) DBForTest() *gorm.DB { return s.db }

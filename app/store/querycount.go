package store

import (
	"fmt"
	"sync/atomic"

	"gorm.io/gorm"
)

var onQueryID atomic.Int64

// OnQuery calls fn after every statement the store sends to the database:
// each query (a preload is a query of its own), raw query and write. It is
// meant for tests that count the queries a page costs. Register it before
// the store is used concurrently; it cannot be removed.
func (s *Store) OnQuery(fn func()) error {
	name := fmt.Sprintf("ogptracker:on_query_%d", onQueryID.Add(1))
	after := func(*gorm.DB) { fn() }
	cb := s.db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register(name, after),
		cb.Row().After("gorm:row").Register(name, after),
		cb.Raw().After("gorm:raw").Register(name, after),
		cb.Create().After("gorm:create").Register(name, after),
		cb.Update().After("gorm:update").Register(name, after),
		cb.Delete().After("gorm:delete").Register(name, after),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

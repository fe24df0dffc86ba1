package store

import (
	"context"
	"errors"
	"os"
)

// ErrNoFileBackup is returned by BackupTo on PostgreSQL, whose copies are
// the database server's (pg_dump).
var ErrNoFileBackup = errors.New("the database is PostgreSQL: back it up with pg_dump")

// BackupTo writes a consistent copy of the SQLite database to path, which
// must not exist: VACUUM INTO reads one snapshot, while the tracker goes
// on reading and writing, and the copy is compact.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.dialect.postgres {
		return ErrNoFileBackup
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"sync"
)

// ErrNotLeader is the answer of a Leadership another instance holds.
var ErrNotLeader = errors.New("another instance of the tracker leads")

// Leadership decides which of the tracker's instances on one database does
// a duty only one may do at a time, such as the reminder passes and their
// sending: gocron asks IsLeader before each run (it is a gocron.Elector).
//
// On PostgreSQL the leader is the instance whose database session holds
// an advisory lock named after the duty. The lock goes with the session:
// when the leader stops, dies or loses the database, its session ends and
// the next instance to ask leads, with no lease to wait out. On SQLite the
// database is one file on one machine: every instance leads, and the
// outbox's claims keep two senders apart all the same.
type Leadership struct {
	s    *Store
	key  int64
	mu   sync.Mutex
	conn *sql.Conn // the session holding the lock, while this instance leads
}

// Leadership returns the leadership of the duty named name; it is taken
// at the first IsLeader and held until Close.
func (s *Store) Leadership(name string) *Leadership {
	h := fnv.New64a()
	h.Write([]byte("ogptracker:" + name))
	return &Leadership{s: s, key: int64(h.Sum64() >> 2)} // positive: see dialect.stillLeads
}

// IsLeader returns nil when this instance leads (taking the lead when no
// instance holds it) and ErrNotLeader when another does.
func (l *Leadership) IsLeader(ctx context.Context) error {
	if !l.s.dialect.postgres {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		held, err := l.s.dialect.stillLeads(ctx, l.conn, l.key)
		if err == nil && held {
			return nil
		}
		// The session ended (the database restarted, the connection broke):
		// the lock went with it, and another instance may hold it now.
		l.conn.Close()
		l.conn = nil
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	sqlDB, err := l.s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	took, err := l.s.dialect.tryLead(ctx, conn, l.key)
	if err != nil || !took {
		conn.Close()
		if err != nil {
			return err
		}
		return ErrNotLeader
	}
	l.conn = conn
	return nil
}

// Leading reports whether this instance led when last asked, without asking
// the database again.
func (l *Leadership) Leading() bool {
	if !l.s.dialect.postgres {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn != nil
}

// Close gives the lead up, so that another instance takes it at once.
func (l *Leadership) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	err := l.s.dialect.stopLeading(context.Background(), l.conn, l.key)
	// Closing returns the connection to the pool; the unlock above keeps the
	// session it stays in from holding the lock.
	err = errors.Join(err, l.conn.Close())
	l.conn = nil
	return err
}

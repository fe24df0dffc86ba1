package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/driver/sqlite"
)

// memo keeps answers that cost more than a page may take, such as the
// schedules of 25,000 milestones, while the database stays unchanged.
// Whether it changed is a count of changes that moves whenever a
// transaction commits a change, of this process or another (an import
// from the command line, another instance of the tracker on the same
// PostgreSQL database); dialect.go says how each engine counts.
//
// On SQLite it is data_version, which does not count a connection's own
// commits, and each connection counts from its own start, so it is read on
// one connection that never writes, kept for the store's life: when that
// connection fails, everything kept is let go with it. On PostgreSQL it is
// the data_version table, read on any connection of the pool.
//
// Reading the count costs a query, on every public request; so a count
// read stands for every caller for a short while (Options.ChangesSeenWithin):
// another instance's change is seen within it, and this store's own
// writes make the next caller read it again at once (wrote).
//
// A request that is cancelled while it asks never costs the others what
// is kept, and one load at a time runs per key and version: the callers
// that come meanwhile wait for it and share its answer (12 requests each
// loading 100,000 milestones at once took seconds and gigabytes).
type memo struct {
	mu      sync.Mutex
	db      *sql.DB   // opened on first use
	conn    *sql.Conn // the one connection data_version is read on
	read    *sql.Stmt // PRAGMA data_version, prepared once on conn
	version int64
	values  map[string]any
	loading map[string]*memoLoad // the loads under way for version, by key

	within time.Duration               // how long a count read stands; 0: not at all
	last   atomic.Pointer[versionRead] // the latest count read
	writes atomic.Int64                // this store's commits, counted after each
}

// versionRead is a count of changes as read, with this store's writes
// counted before the read began, and when it began (the machine's own
// clock, never the tracker's: tests stop that one).
type versionRead struct {
	version int64
	writes  int64
	at      time.Time
}

// DefaultChangesSeenWithin is how long a read of the count of changes
// stands: a change made by another process or instance is seen within it.
const DefaultChangesSeenWithin = 50 * time.Millisecond

// recent is the count last read while it still stands: read less than
// m.within ago, and no write of this store since.
func (m *memo) recent() (int64, bool) {
	r := m.last.Load()
	if r == nil || r.writes != m.writes.Load() || time.Since(r.at) >= m.within {
		return 0, false
	}
	return r.version, true
}

// wrote counts a commit of this store's: the next caller reads the count
// again, and so sees the change at once.
func (m *memo) wrote() { m.writes.Add(1) }

// versionTimeout bounds the read of the count of changes, which runs
// without the request's cancellation; it takes well under a millisecond.
const versionTimeout = 5 * time.Second

// remembered returns the answer kept under key while the database is
// unchanged, or load's answer, which it keeps. A kept answer is shared by
// every caller: they must not modify it. load runs without the caller's
// cancellation, since other callers may be waiting for it; a caller that
// gives up stops waiting, and the answer is kept for the next.
func (s *Store) remembered(ctx context.Context, key string, load func(ctx context.Context) (any, error)) (any, error) {
	vs, err := s.rememberedEach(ctx, []string{key}, func(ctx context.Context, _ []string) (map[string]any, error) {
		v, err := load(ctx)
		return map[string]any{key: v}, err
	})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// rememberedEach is remembered for several keys at once, answering in
// keys' order: those not kept nor being loaded are loaded together by one
// call of load, given them, whose answers (nil for a key it leaves out)
// are kept each under its own key; those another caller is loading are
// waited for. So a page over many plans loads what is missing of them in
// one query, and a later page over one of them finds it kept.
func (s *Store) rememberedEach(ctx context.Context, keys []string, load func(ctx context.Context, keys []string) (map[string]any, error)) ([]any, error) {
	out := make([]any, len(keys))
	m := s.memo
	if m == nil { // within a transaction
		loaded, err := load(ctx, keys)
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			out[i] = loaded[k]
		}
		return out, nil
	}
	m.mu.Lock()
	version, err := m.dataVersion(ctx, s)
	if err != nil {
		m.mu.Unlock()
		return nil, err
	}
	if version != m.version || m.values == nil {
		m.version, m.values, m.loading = version, map[string]any{}, map[string]*memoLoad{}
	}
	// A load keeps its answers only while its keys are still its own in
	// m.loading: a change committed meanwhile, seen at the next call,
	// starts afresh, so an answer is never kept past a change, and a
	// caller that saw a newer version never waits for an older load.
	var mine *memoLoad
	var missing []string
	waiting := make([]*memoLoad, len(keys))
	for i, k := range keys {
		if v, ok := m.values[k]; ok {
			out[i] = v
			continue
		}
		if l, ok := m.loading[k]; ok {
			waiting[i] = l
			continue
		}
		if mine == nil {
			mine = &memoLoad{done: make(chan struct{})}
		}
		missing = append(missing, k)
		m.loading[k], waiting[i] = mine, mine
	}
	m.mu.Unlock()
	if mine != nil {
		go func() {
			defer close(mine.done)
			mine.values, mine.err = load(context.WithoutCancel(ctx), missing)
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, k := range missing {
				if m.loading[k] == mine {
					delete(m.loading, k)
					if mine.err == nil {
						m.values[k] = mine.values[k]
					}
				}
			}
		}()
	}
	for i, l := range waiting {
		if l == nil {
			continue
		}
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if l.err != nil {
			return nil, l.err
		}
		out[i] = l.values[keys[i]]
	}
	return out, nil
}

// rememberedByPlan is rememberedEach for answers kept plan by plan under
// what+" of plan "+id: load reads those of the plans given, keyed by plan
// (a plan it leaves out has none, and that is kept too). It answers the
// plans that have one.
func rememberedByPlan[T any](s *Store, ctx context.Context, what string, planIDs []uint, load func(ctx context.Context, planIDs []uint) (map[uint]T, error)) (map[uint]T, error) {
	var keys []string
	planOf := map[string]uint{}
	named := map[uint]bool{} // callers name a plan once for each of its many commitments or milestones
	for _, id := range planIDs {
		if !named[id] {
			named[id] = true
			k := what + " of plan " + strconv.FormatUint(uint64(id), 10)
			planOf[k] = id
			keys = append(keys, k)
		}
	}
	out := make(map[uint]T, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	vs, err := s.rememberedEach(ctx, keys, func(ctx context.Context, missing []string) (map[string]any, error) {
		ids := make([]uint, len(missing))
		for i, k := range missing {
			ids[i] = planOf[k]
		}
		byPlan, err := load(ctx, ids)
		if err != nil {
			return nil, err
		}
		loaded := make(map[string]any, len(missing))
		for _, k := range missing {
			if v, ok := byPlan[planOf[k]]; ok {
				loaded[k] = v
			}
		}
		return loaded, nil
	})
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if v, ok := vs[i].(T); ok {
			out[planOf[k]] = v
		}
	}
	return out, nil
}

// memoLoad is a load under way of answers to keep: callers that ask
// meanwhile for one of its keys wait for it (done) and share its answers.
type memoLoad struct {
	done   chan struct{}
	values map[string]any // read once done is closed
	err    error
}

// dataVersion is the count of changes, read again unless a read stands
// (recent); m.mu is held. It reads without
// ctx's cancellation: a request cancelled meanwhile must not let go of
// the connection, and with it of everything kept, as a failed connection
// does.
func (m *memo) dataVersion(ctx context.Context, s *Store) (int64, error) {
	if v, ok := m.recent(); ok {
		return v, nil
	}
	began := versionRead{writes: m.writes.Load(), at: time.Now()}
	v, err := m.readVersion(ctx, s)
	if err == nil && m.within > 0 {
		began.version = v
		m.last.Store(&began)
	}
	return v, err
}

// readVersion reads the count of changes from the database; m.mu is held.
func (m *memo) readVersion(ctx context.Context, s *Store) (int64, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), versionTimeout)
	defer cancel()
	if s.dialect.postgres {
		return s.dialect.dataVersion(ctx, s.db)
	}
	if m.conn == nil {
		d, ok := s.db.Dialector.(*sqlite.Dialector)
		if !ok {
			return 0, errors.New("memo: not an SQLite database")
		}
		db, err := sql.Open(cmp.Or(d.DriverName, sqlite.DriverName), d.DSN)
		if err != nil {
			return 0, err
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			db.Close()
			return 0, err
		}
		// Prepared once: every public request asks, and preparing took as
		// long as the reading.
		read, err := conn.PrepareContext(ctx, "PRAGMA data_version")
		if err != nil {
			conn.Close()
			db.Close()
			return 0, err
		}
		m.db, m.conn, m.read, m.values, m.loading = db, conn, read, nil, nil
	}
	var v int64
	if err := m.read.QueryRowContext(ctx).Scan(&v); err != nil {
		if ctx.Err() == nil { // the connection failed, not the wait
			m.release()
		}
		return 0, err
	}
	return v, nil
}

// release closes the connection and forgets every answer; m.mu is held.
func (m *memo) release() error {
	if m.conn == nil {
		return nil
	}
	m.read.Close()
	m.conn.Close()
	err := m.db.Close()
	m.db, m.conn, m.read, m.values, m.loading = nil, nil, nil, nil, nil
	m.last.Store(nil)
	return err
}

// close releases the memo's connection.
func (m *memo) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.release()
}

// DataVersion is the count of changes pages are kept under: it moves
// whenever a transaction commits a change, of this process or another
// (seen within Options.ChangesSeenWithin; this store's own at once).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	if v, ok := s.memo.recent(); ok {
		return v, nil
	}
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	return s.memo.dataVersion(ctx, s)
}

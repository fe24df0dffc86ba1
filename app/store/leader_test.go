package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// Two instances of the tracker on one PostgreSQL database: one leads, the
// other stands by, and takes the lead as soon as the leader gives it up or
// its session ends, however it ends.
func TestOneInstanceLeadsAndAnotherTakesOverWhenItStops(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewURL(t, "lead.db")
	open := func() *store.Store {
		st, err := store.Open(url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b := open(), open()
	la, lb := a.Leadership("reminders"), b.Leadership("reminders")
	if err := la.IsLeader(ctx); err != nil {
		t.Fatalf("the first to ask does not lead: %v", err)
	}
	if !testdb.OnPostgres() {
		// One file on one machine: every instance leads; the outbox's claims
		// keep their senders apart.
		if err := lb.IsLeader(ctx); err != nil {
			t.Fatalf("on SQLite every instance leads: %v", err)
		}
		return
	}
	if err := lb.IsLeader(ctx); !errors.Is(err, store.ErrNotLeader) {
		t.Fatalf("a second instance leads too: %v", err)
	}
	if err := la.IsLeader(ctx); err != nil || !la.Leading() || lb.Leading() {
		t.Fatalf("the leader lost the lead by asking again: %v, leading %v/%v", err, la.Leading(), lb.Leading())
	}
	// Another duty has a leader of its own.
	if err := b.Leadership("digest").IsLeader(ctx); err != nil {
		t.Fatalf("another duty: %v", err)
	}

	// The leader stops: the other leads at once.
	if err := la.Close(); err != nil {
		t.Fatal(err)
	}
	if err := lb.IsLeader(ctx); err != nil {
		t.Fatalf("after the leader stopped, the other does not lead: %v", err)
	}
	if err := la.IsLeader(ctx); !errors.Is(err, store.ErrNotLeader) {
		t.Fatalf("the stopped leader leads again beside the new one: %v", err)
	}

	// The new leader's session ends without a word (a crash, a network
	// cut): the database drops its lock, and the first asks again.
	db := testdb.SQL(t, url)
	if _, err := db.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	// The database ends the session in its own time; the other instance
	// asks again at its next run, as gocron does each minute.
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err = la.IsLeader(ctx); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("after the leader's session ended, the other does not lead: %v", err)
	}
	if err := lb.IsLeader(ctx); !errors.Is(err, store.ErrNotLeader) || lb.Leading() {
		t.Fatalf("the leader whose session ended still leads: %v", err)
	}
}

package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// memoStore is a migrated store of t's own, with its memo.
func memoStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(testdb.NewURL(t, "memo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// A request cancelled while it asks for a kept answer lets go of nothing:
// the next request finds the answer kept.
func TestMemoKeepsAnswersWhenARequestIsCancelled(t *testing.T) {
	t.Parallel()
	s := memoStore(t)
	var loads atomic.Int32
	load := func(context.Context) (any, error) { loads.Add(1); return "schedules", nil }
	if _, err := s.remembered(context.Background(), "k", load); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		s.remembered(cancelled, "k", load) // kept or refused, either will do
	}
	v, err := s.remembered(context.Background(), "k", load)
	if err != nil || v != "schedules" || loads.Load() != 1 {
		t.Errorf("after cancelled requests: %v, %v, %d loads; want the kept answer, 1 load", v, err, loads.Load())
	}
}

// Requests asking at once for an answer not kept yet wait for one load
// and share its answer.
func TestMemoLoadsOnceForConcurrentRequests(t *testing.T) {
	t.Parallel()
	s := memoStore(t)
	const n = 12
	var loads, asking atomic.Int32
	load := func(context.Context) (any, error) {
		loads.Add(1)
		for asking.Load() < n { // until every request has asked
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		return "schedules", nil
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			asking.Add(1)
			if v, err := s.remembered(context.Background(), "k", load); err != nil || v != "schedules" {
				t.Errorf("remembered: %v, %v", v, err)
			}
		})
	}
	wg.Wait()
	if got := loads.Load(); got != 1 {
		t.Errorf("%d concurrent requests loaded %d times; want 1", n, got)
	}
}

// A request that gives up while a load runs stops waiting at once; the
// load goes on for the others, and its answer is kept.
func TestMemoLoadOutlivesTheRequestThatStartedIt(t *testing.T) {
	t.Parallel()
	s := memoStore(t)
	release, started := make(chan struct{}), make(chan struct{})
	var loads atomic.Int32
	var uncancelled atomic.Value
	load := func(ctx context.Context) (any, error) {
		if loads.Add(1) == 1 {
			close(started)
		}
		<-release
		uncancelled.Store(ctx.Err() == nil)
		return "schedules", nil
	}
	first, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := s.remembered(first, "k", load)
		gaveUp <- err
	}()
	<-started
	waiter := make(chan any, 1)
	go func() {
		v, _ := s.remembered(context.Background(), "k", load)
		waiter <- v
	}()
	cancel()
	select {
	case err := <-gaveUp:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled request: %v; want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled request still waits for the load")
	}
	close(release)
	if v := <-waiter; v != "schedules" {
		t.Errorf("the waiting request got %v", v)
	}
	if ok, _ := uncancelled.Load().(bool); !ok {
		t.Error("the load was cancelled with the request that started it")
	}
	if v, err := s.remembered(context.Background(), "k", load); v != "schedules" || err != nil || loads.Load() != 1 {
		t.Errorf("afterwards: %v, %v, %d loads; want the kept answer, 1 load", v, err, loads.Load())
	}
}

// A load of several keys at once keeps each under its own key; a request
// asking meanwhile for one of them waits for that load rather than
// starting another, and only what is missing is loaded next time.
func TestMemoLoadsSeveralKeysOnce(t *testing.T) {
	t.Parallel()
	s := memoStore(t)
	release, started := make(chan struct{}), make(chan struct{})
	var asked [][]string
	var mu sync.Mutex
	load := func(ctx context.Context, keys []string) (map[string]any, error) {
		mu.Lock()
		asked = append(asked, keys)
		first := len(asked) == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
		out := map[string]any{}
		for _, k := range keys {
			out[k] = "schedules of " + k
		}
		return out, nil
	}
	both := make(chan []any, 1)
	go func() {
		vs, err := s.rememberedEach(context.Background(), []string{"a", "b"}, load)
		if err != nil {
			t.Error(err)
		}
		both <- vs
	}()
	<-started
	one := make(chan any, 1)
	go func() {
		v, err := s.remembered(context.Background(), "b", func(ctx context.Context) (any, error) {
			vs, err := load(ctx, []string{"b"})
			return vs["b"], err
		})
		if err != nil {
			t.Error(err)
		}
		one <- v
	}()
	time.Sleep(20 * time.Millisecond) // for it to ask
	close(release)
	if vs := <-both; len(vs) != 2 || vs[0] != "schedules of a" || vs[1] != "schedules of b" {
		t.Errorf("a and b: %v", vs)
	}
	if v := <-one; v != "schedules of b" {
		t.Errorf("b alone: %v", v)
	}
	vs, err := s.rememberedEach(context.Background(), []string{"b", "c", "a"}, load)
	if err != nil || len(vs) != 3 || vs[0] != "schedules of b" || vs[1] != "schedules of c" || vs[2] != "schedules of a" {
		t.Errorf("b, c and a: %v, %v", vs, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := [][]string{{"a", "b"}, {"c"}}; !reflect.DeepEqual(asked, want) {
		t.Errorf("loaded %v; want %v", asked, want)
	}
}

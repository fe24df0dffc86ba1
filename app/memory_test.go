package app

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestServeManagesMemoryUnlessTheEnvironmentSays checks the policy serve
// sets for its process, and that an operator's GOMEMLIMIT or GOGC (which
// the runtime has read at start) is left as they set it.
func TestServeManagesMemoryUnlessTheEnvironmentSays(t *testing.T) {
	limit, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	})
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

	debug.SetMemoryLimit(math.MaxInt64)
	ManageMemory(env(nil))
	if got := debug.SetMemoryLimit(-1); got != DefaultMemoryLimit {
		t.Errorf("no GOMEMLIMIT: limit %d, want %d", got, DefaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("no GOGC: GC percent %d, want %d", got, serveGCPercent)
	}

	debug.SetMemoryLimit(1 << 30) // as the runtime does for GOMEMLIMIT=1GiB
	debug.SetGCPercent(50)        // and for GOGC=50
	ManageMemory(env(map[string]string{"GOMEMLIMIT": "1GiB", "GOGC": "50"}))
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("GOMEMLIMIT=1GiB: limit %d, want it left at %d", got, 1<<30)
	}
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GOGC=50: GC percent %d, want it left at 50", got)
	}
}

func TestThePageCacheTakesAQuarterOfTheMemoryLimit(t *testing.T) {
	for _, c := range []struct{ limit, want int64 }{
		{DefaultMemoryLimit, 25 << 20},
		{1 << 30, 256 << 20},
		{math.MaxInt64, 0}, // no limit: the page cache's own default
	} {
		if got := PageCacheFor(c.limit); got != c.want {
			t.Errorf("PageCacheFor(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
}

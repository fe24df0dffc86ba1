package app

import (
	"math"
	"runtime/debug"
)

// DefaultMemoryLimit is the soft limit on the Go runtime's memory that
// serve sets when GOMEMLIMIT does not say otherwise. With the executable's
// own pages (about 40 MB resident) it keeps the process near 150 MB.
const DefaultMemoryLimit = 100 << 20

// serveGCPercent is GOGC for serve unless the environment sets it.
const serveGCPercent = 400

// ManageMemory sets how the server's memory is collected, for the whole
// process, unless the Go runtime's own variables already say: a soft limit
// (GOMEMLIMIT, DefaultMemoryLimit by default) and a collection when the
// heap reaches five times what is live (GOGC=400) or nears the limit,
// whichever comes first.
//
// What is live is mostly the parsed templates and catalogs (about 20 MB),
// which every collection scans again. At Go's default GOGC=100 a crowd on
// kept pages made garbage enough for five collections a second, each
// slowing every answer for a twentieth of a second. The limit, not the
// percentage, is what bounds memory: the page cache takes a quarter of it
// (PageCacheFor).
func ManageMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}

// PageCacheFor is the memory the public page cache may take under the
// process's memory limit: a quarter of it, so that kept pages never crowd
// out the work of rendering. Without a limit (in tests, or GOMEMLIMIT=off)
// it is 0, the page cache's own default.
func PageCacheFor(limit int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return 0
	}
	return limit / 4
}

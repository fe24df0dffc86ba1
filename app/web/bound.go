package web

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/semaphore"
)

// errBusy answers an expensive request that found no room in the bound.
var errBusy = errors.New("too many expensive requests at once")

// HeavyLimit bounds the expensive requests served at once: the lists of
// commitments and milestones (pages and API), the exports and the feeds,
// which judge every commitment of a plan, or of all plans, on each call.
// At most InFlight are served at once; one more waits up to Wait for a
// place, then is answered 503 with Retry-After. The zero values are
// DefaultHeavyLimit's.
type HeavyLimit struct {
	InFlight int
	Wait     time.Duration
}

// DefaultHeavyLimit keeps two expensive requests per processor busy, which
// is enough to use every processor while one waits on the database, and
// leaves the database's connections and the processors' time to the cheap
// pages (a commitment, a plan, the home page), which are never bounded.
func DefaultHeavyLimit() HeavyLimit {
	return HeavyLimit{InFlight: 2 * runtime.GOMAXPROCS(0), Wait: time.Second}
}

type heavyBound struct {
	sem  *semaphore.Weighted
	wait time.Duration
}

func newHeavyBound(l HeavyLimit) *heavyBound {
	d := DefaultHeavyLimit()
	if l.InFlight <= 0 {
		l.InFlight = d.InFlight
	}
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	return &heavyBound{sem: semaphore.NewWeighted(int64(l.InFlight)), wait: l.Wait}
}

// heavy serves an expensive request within the bound (HeavyLimit), or
// answers 503 with Retry-After when no place frees within the wait, so
// that an overload costs the excess requests a second rather than costing
// every request its time-out. x/sync/semaphore gives the wait with a
// deadline and in arrival order, which a plain channel does not.
func (s *Server) heavy(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.bound.wait)
	err := s.bound.sem.Acquire(ctx, 1)
	cancel()
	if err != nil {
		if c.Request.Context().Err() != nil {
			c.AbortWithStatus(statusClientClosed) // the client went away while waiting
			return
		}
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(s.bound.wait.Seconds()))))
		s.fail(c, errBusy)
		c.Abort()
		return
	}
	defer s.bound.sem.Release(1)
	c.Next()
}

package web

import (
	"log/slog"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/work"
)

// myWorkPage is a signed-in person's work queue: what is theirs to do,
// each item linked to the form that clears it. Sign-in lands here.
type myWorkPage struct {
	Page
	Q *work.Queue
}

func (s *Server) myWork(c *gin.Context) {
	sess, _ := signedIn(c) // the route is for signed-in people only
	q, err := work.For(c.Request.Context(), s.store, sess.User, s.now(), s.location, work.DefaultHorizon)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(workCountKey, q.Count()) // the header's count is this page's
	s.render(c, 200, "me/index", myWorkPage{Page: s.page(c), Q: q})
}

// workCountKey keeps a request's work count, worked out once.
const workCountKey = "ogptracker.work_count"

// workCount is how many items are on u's queue, for the header of every
// page u sees, kept while the data and the day stay the same (a queue reads
// every milestone of the plans in force). A failure costs the count, not
// the page.
func (s *Server) workCount(c *gin.Context, u *model.User) int {
	if n, ok := c.Get(workCountKey); ok {
		return n.(int)
	}
	ctx := c.Request.Context()
	now := s.now()
	key := workCountsKey{day: model.DayOf(now)}
	var err error
	if key.version, err = s.store.DataVersion(ctx); err == nil {
		if n, ok := s.workCounts.get(key, u.ID); ok {
			c.Set(workCountKey, n)
			return n
		}
	}
	n := 0
	q, err := work.For(ctx, s.store, u, now, s.location, work.DefaultHorizon)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "work count", slog.String("request_id", c.GetString(requestIDKey)), slog.String("err", err.Error()))
	} else {
		n = q.Count()
		s.workCounts.put(key, u.ID, n)
	}
	c.Set(workCountKey, n)
	return n
}

// workCounts keeps the header's counts of one data version and day, by
// person: a change, or the next day, lets them all go.
type workCounts struct {
	mu  sync.Mutex
	key workCountsKey
	n   map[uint]int
}

type workCountsKey struct {
	version int64
	day     model.Date
}

func (w *workCounts) get(key workCountsKey, user uint) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, ok := w.n[user]
	return n, ok && w.key == key
}

func (w *workCounts) put(key workCountsKey, user uint, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.key != key || w.n == nil {
		w.key, w.n = key, map[uint]int{}
	}
	w.n[user] = n
}

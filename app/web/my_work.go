package web

import (
	"log/slog"

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
// page u sees. A failure costs the count, not the page.
func (s *Server) workCount(c *gin.Context, u *model.User) int {
	if n, ok := c.Get(workCountKey); ok {
		return n.(int)
	}
	n := 0
	q, err := work.For(c.Request.Context(), s.store, u, s.now(), s.location, work.DefaultHorizon)
	if err != nil {
		s.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "work count", slog.String("request_id", c.GetString(requestIDKey)), slog.String("err", err.Error()))
	} else {
		n = q.Count()
	}
	c.Set(workCountKey, n)
	return n
}

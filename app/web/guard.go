package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// A permission is who may call a group of routes (a rule of model) and
// how the 403 page of those it refuses is headed. routes.go names one for
// every group, so that it alone answers "who may open this?".
type permission struct {
	may     func(*model.User) bool
	refused string // message id of the 403 page's heading; its text is refused+".text"
}

var (
	// signedInPeople: anyone with an account. Pages that change a record
	// also ask the record's own rule, through permit.
	signedInPeople  = permission{may: (*model.User).IsActive, refused: "admin.error.forbidden"}
	administrators  = permission{may: (*model.User).MayAdminister, refused: "admin.error.forbidden"}
	planManagers    = permission{may: (*model.User).MayManagePlans, refused: "admin.error.forbidden"}
	periodManagers  = permission{may: (*model.User).MayManagePeriods, refused: "period.error.forbidden"}
	peopleManagers  = permission{may: (*model.User).MayManagePeople, refused: "people.error.forbidden"}
	reminderManager = permission{may: (*model.User).MayManageReminders, refused: "reminders.forbidden"}
)

// require lets through only the visitors p allows. The public is sent to
// sign in and back (see signInAgain); the others get p's 403 page. Pages
// behind a permission are personal or carry a form token: no cache keeps them.
func (s *Server) require(p permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(noStoreKey, true)
		u := visitor(c)
		if u == nil {
			signInAgain(c)
			c.Abort()
			return
		}
		if !p.may(u) {
			s.refuse(c, p.refused)
			c.Abort()
			return
		}
		c.Next()
	}
}

// permit checks a rule about one record (model.User.MayChangeMilestone,
// MayDraftReport…) for a route of a signed-in group: when allowed is false
// it has answered with the 403 page headed refused.
func (s *Server) permit(c *gin.Context, allowed bool, refused string) bool {
	if !allowed {
		s.refuse(c, refused)
	}
	return allowed
}

// refuse answers 403 with the page headed refused.
func (s *Server) refuse(c *gin.Context, refused string) {
	c.Set(noStoreKey, true)
	s.render(c, http.StatusForbidden, "error", errorPage{Page: s.page(c), Heading: refused, Message: refused + ".text"})
}

// signInAgain sends the public to sign in, then back: to the page asked
// for, or, for a form sent (a session that ended while it was open), to the
// page of the form when the browser names it, else to the home page.
func signInAgain(c *gin.Context) {
	next := "/"
	switch {
	case c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead:
		next = c.Request.URL.RequestURI()
	case c.Request.Referer() != "":
		if ref, err := url.Parse(c.Request.Referer()); err == nil && ref.Host == c.Request.Host && safeNext(ref.RequestURI()) != "" {
			next = ref.RequestURI()
		}
	}
	c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(next))
}

// visitor is the signed-in person, or nil for the public.
func visitor(c *gin.Context) *model.User {
	if sess, ok := signedIn(c); ok {
		return sess.User
	}
	return nil
}

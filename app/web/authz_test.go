package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/store"
)

// The authorization table: every route that changes anything, asked by
// every kind of visitor, with a valid form token and a well-formed form,
// so that only the server's rules stand between the request and the
// change. A refused request must change nothing. A second pass sends the
// same forms without their token: refused for everybody.

// authzRoles are the kinds of visitor, in the order of writeCase.want.
var authzRoles = []struct{ name, email string }{
	{"anonymous", ""},
	{"liaison of another agency", "liaison@moe.example.org"},
	{"committee member", "member@committee.example.org"},
	{"liaison of the owning agency", "liaison@cec.example.org"},
	{"administrator", "admin@secretariat.example.org"},
}

// Expected answers. toSignIn is the redirect of the public to the
// sign-in page; done is the redirect after a write that was allowed.
const (
	toSignIn  = -303
	done      = http.StatusSeeOther
	forbidden = http.StatusForbidden
)

// writeCase is one route of the table. The subject of the route (a
// milestone, a report…) is the editSite's commitment 2-1, led by the
// Central Election Commission, or something of it.
type writeCase struct {
	route string                     // as the router names it: "POST /milestones/:id"
	path  func(*editSite) string     // the request's path
	form  func(*editSite) url.Values // a valid form, read afresh before each request
	want  [5]int                     // the answer to each role, in authzRoles order
}

var writeCases = []writeCase{
	{
		route: "POST /milestones/:id",
		path:  (*editSite).updatePath,
		form: func(s *editSite) url.Values {
			m := s.milestone()
			status := "in-progress"
			if string(m.Status) == status {
				status = "delayed"
			}
			return url.Values{"status": {status}, "version": {strconv.Itoa(m.Version)}}
		},
		want: [...]int{toSignIn, forbidden, forbidden, done, done},
	},
}

// openWrites are the routes that change something yet are open to
// everybody, with the reason.
var openWrites = map[string]string{
	"POST /signin":                "anyone may try to sign in (throttled)",
	"POST /signout":               "signing out ends only the visitor's own session",
	"POST /password/forgot":       "anyone may ask for a reset link; it goes to the account's address only",
	"POST /password/reset/:token": "the one-time link itself is the authorization",
}

func TestEveryWriteRouteIsInTheAuthorizationTable(t *testing.T) {
	site := newEditSite(t)
	var missing []string
	for _, r := range site.routes() {
		method := r[:strings.Index(r, " ")]
		if method == http.MethodGet || method == http.MethodHead {
			continue
		}
		if _, open := openWrites[r]; open {
			continue
		}
		if !slices.ContainsFunc(writeCases, func(w writeCase) bool { return w.route == r }) {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes that change something but are not in the authorization table: %s", strings.Join(missing, ", "))
	}
}

func TestEveryWriteRouteAnswersEachRoleAsTheTableSays(t *testing.T) {
	for _, wc := range writeCases {
		t.Run(wc.route, func(t *testing.T) {
			t.Parallel()
			site := newEditSite(t)
			for i, role := range authzRoles {
				b := site.as(role.email)
				path := wc.path(site)
				form := wc.form(site)
				form.Set("csrf_token", b.formToken())
				before := site.recorded()
				res, page := b.do(strings.Fields(wc.route)[0], path, form)
				got := res.StatusCode
				if got == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					got = toSignIn
				}
				if got != wc.want[i] {
					t.Errorf("%s: %s %s: %d (to %q), want %d\n%.600s", role.name, wc.route, path, res.StatusCode,
						res.Header.Get("Location"), wc.want[i], page)
				}
				if got != done && site.recorded() != before {
					t.Errorf("%s: %s was refused (%d) yet the record of changes grew", role.name, wc.route, got)
				}
			}
		})
	}
}

func TestEveryWriteRouteRefusesAFormWithoutItsToken(t *testing.T) {
	for _, wc := range writeCases {
		t.Run(wc.route, func(t *testing.T) {
			t.Parallel()
			site := newEditSite(t)
			for _, role := range authzRoles[1:] {
				b := site.as(role.email)
				before := site.recorded()
				for _, token := range []string{"", "forged"} {
					form := wc.form(site)
					if token != "" {
						form.Set("csrf_token", token)
					}
					res, _ := b.do(strings.Fields(wc.route)[0], wc.path(site), form)
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s: %s with token %q: %d, want 403", role.name, wc.route, token, res.StatusCode)
					}
				}
				if site.recorded() != before {
					t.Errorf("%s: %s without a token changed the record", role.name, wc.route)
				}
			}
		})
	}
}

// recorded is how many changes the whole record holds.
func (s *editSite) recorded() int64 {
	s.t.Helper()
	_, total, err := s.st.FindChanges(s.t.Context(), store.ChangeFilter{Limit: 1})
	if err != nil {
		s.t.Fatal(err)
	}
	return total
}

// routes lists the server's routes as "METHOD /path".
func (s *editSite) routes() []string {
	var out []string
	for _, r := range s.server.Routes() {
		out = append(out, fmt.Sprintf("%s %s", r.Method, r.Path))
	}
	return out
}

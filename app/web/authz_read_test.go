package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// The pages of the authorization table: every page that is not for the
// public, asked by every kind of visitor. A page that loses its guard shows
// what it holds (accounts, the outbox, drafts) to someone it must not, and
// a row here fails.

// readCase is one page of the table.
type readCase struct {
	route string                  // as the router names it: "GET /admin/users/:id"
	setup func(*authzSite)        // writes what the page needs, if anything
	path  func(*authzSite) string // the request's path
	want  [5]int                  // the answer to each role, in authzRoles order
}

// publicReads are the pages and files anyone may read.
var publicReads = []string{
	"GET /", "GET /plans", "GET /plans/:id", "GET /commitments", "GET /commitments/:id", "GET /commitments/:id/evidence",
	"GET /changes/:id", "GET /themes/:id", "GET /agencies/:id", "GET /milestones", "GET /about", "GET /api",
	"GET /reports/:id", // a draft answers 404 to all but its agency's liaisons: TestADraftIsSeenOnlyByTheLeadAgencysLiaisons
	"GET /signin", "GET /password/forgot", "GET /password/reset/:token", "GET /unsubscribe/:token",
	"GET /api/openapi.json", "GET /api/v1/plans", "GET /api/v1/plans/:id", "GET /api/v1/commitments", "GET /api/v1/commitments/:id",
	"GET /api/v1/commitments/:id/evidence", "GET /api/v1/agencies", "GET /api/v1/milestones", "GET /api/v1/milestones/:id",
	"GET /api/v1/questions", "GET /api/v1/questions/:id",
	"GET /export/:file", "GET /feed.atom", "GET /calendar.ics", "GET /healthz", "GET /static/*file",
	// Questions from the public: anyone reads and asks (question_test.go).
	"GET /commitments/:id/questions/new", "GET /plans/:id/questions/new", "GET /questions/:id", "GET /questions/:id/confirm/:token",
}

var readCases = []readCase{
	{route: "GET /milestones/:id/edit", path: func(s *authzSite) string { return s.editPath() },
		want: [...]int{toSignIn, forbidden, forbidden, http.StatusOK, http.StatusOK}},
	{route: "GET /commitments/:id/reports/new", path: func(s *authzSite) string {
		return fmt.Sprintf("%s/reports/new?period=%d", s.commitmentPath(), s.period.ID)
	}, want: [...]int{toSignIn, forbidden, forbidden, http.StatusOK, forbidden}},
	{route: "GET /reports/:id/edit", setup: draftBy(false), path: func(s *authzSite) string { return s.report + "/edit" },
		want: [...]int{toSignIn, notFound, notFound, http.StatusOK, notFound}},
	{route: "GET /account/reminders", path: fixedPath("/account/reminders"),
		want: [...]int{toSignIn, http.StatusOK, http.StatusOK, http.StatusOK, http.StatusOK}},
	{route: "GET /reports/:id/submit", setup: draftBy(false), path: func(s *authzSite) string { return s.report + "/submit" },
		want: [...]int{toSignIn, notFound, notFound, http.StatusOK, notFound}},
	{route: "GET /me", path: fixedPath("/me"),
		want: [...]int{toSignIn, http.StatusOK, http.StatusOK, http.StatusOK, http.StatusOK}},
}

func fixedPath(path string) func(*authzSite) string { return func(*authzSite) string { return path } }

// adminPage is a page of the administration: administrators only.
func adminPage(route string, path func(*authzSite) string) readCase {
	return readCase{route: route, path: path, want: [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusOK}}
}

func init() {
	id := func(format string, of func(*authzSite) uint) func(*authzSite) string {
		return func(s *authzSite) string { return fmt.Sprintf(format, of(s)) }
	}
	cec := func(s *authzSite) uint {
		a, err := s.st.FindAgencyByCode(s.t.Context(), "CEC")
		if err != nil {
			s.t.Fatal(err)
		}
		return a.ID
	}
	contact := func(s *authzSite) uint {
		cs, err := s.st.FindContactsOfAgency(s.t.Context(), cec(s))
		if err != nil || len(cs) == 0 {
			s.t.Fatalf("the demo plan has no CEC contact: %v", err)
		}
		return cs[0].ID
	}
	org := func(s *authzSite) uint {
		o, err := s.st.FindOrganisationByCode(s.t.Context(), "DEMO-CIVICTECH")
		if err != nil {
			s.t.Fatal(err)
		}
		return o.ID
	}
	for _, route := range []string{"/admin", "/admin/tokens", "/admin/plans", "/admin/plans/new", "/admin/themes",
		"/admin/themes/new", "/admin/commitments", "/admin/commitments/new", "/admin/milestones", "/admin/periods",
		"/admin/periods/new", "/admin/agencies", "/admin/agencies/new", "/admin/organisations", "/admin/organisations/new",
		"/admin/users", "/admin/users/new", "/admin/outbox", "/admin/webhooks", "/admin/import", "/admin/export/tracker.json"} {
		readCases = append(readCases, adminPage("GET "+route, fixedPath(route)))
	}
	readCases = append(readCases,
		adminPage("GET /admin/plans/:id/edit", id("/admin/plans/%d/edit", func(s *authzSite) uint { return s.period.PlanID })),
		adminPage("GET /admin/themes/:id/edit", id("/admin/themes/%d/edit", func(s *authzSite) uint { return *s.c().ThemeID })),
		adminPage("GET /admin/commitments/:id/edit", id("/admin/commitments/%d/edit", func(s *authzSite) uint { return s.commitmentID })),
		adminPage("GET /admin/milestones/new", id("/admin/milestones/new?commitment=%d", func(s *authzSite) uint { return s.commitmentID })),
		adminPage("GET /admin/milestones/:id/edit", id("/admin/milestones/%d/edit", func(s *authzSite) uint { return s.m.ID })),
		adminPage("GET /admin/periods/:id/edit", id("/admin/periods/%d/edit", func(s *authzSite) uint { return s.period.ID })),
		adminPage("GET /admin/agencies/:id", id("/admin/agencies/%d", cec)),
		adminPage("GET /admin/agencies/:id/contacts/new", id("/admin/agencies/%d/contacts/new", cec)),
		adminPage("GET /admin/contacts/:id", id("/admin/contacts/%d", contact)),
		adminPage("GET /admin/contacts/:id/handover", id("/admin/contacts/%d/handover", contact)),
		adminPage("GET /admin/organisations/:id", id("/admin/organisations/%d", org)),
		adminPage("GET /admin/users/:id", id("/admin/users/%d", func(s *authzSite) uint { return s.userNow("liaison@moe.example.org").ID })),
		readCase{route: "GET /admin/import/:id", setup: previewedImport, path: func(s *authzSite) string { return s.job },
			want: [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusOK}},
	)
	// A copy of the database file is SQLite's; on PostgreSQL there is none.
	backup := adminPage("GET /admin/backup/ogptracker.db", fixedPath("/admin/backup/ogptracker.db"))
	if testdb.OnPostgres() {
		backup.want[4] = http.StatusNotFound
	}
	readCases = append(readCases, backup)
}

func TestEveryRouteIsInTheAuthorizationTable(t *testing.T) {
	site := newEditSite(t)
	var missing []string
	for _, r := range site.routes() {
		if _, open := openWrites[r]; open {
			continue
		}
		r = strings.Replace(r, "HEAD ", "GET ", 1)
		read := slices.Contains(publicReads, r) || slices.ContainsFunc(readCases, func(rc readCase) bool { return rc.route == r })
		written := slices.ContainsFunc(writeCases, func(wc writeCase) bool { return wc.route == r })
		if !read && !written {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes in no row of the authorization table (authz_test.go, authz_read_test.go): %s", strings.Join(missing, ", "))
	}
}

func TestEveryPageAnswersEachRoleAsTheTableSays(t *testing.T) {
	for _, rc := range readCases {
		t.Run(rc.route, func(t *testing.T) {
			t.Parallel()
			site := newAuthzSite(t, writeCase{setup: rc.setup})
			for i, role := range authzRoles {
				b := site.as(role.email)
				path := rc.path(site)
				res, page := b.do("GET", path, nil)
				got := res.StatusCode
				if got == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					got = toSignIn
					if want := "/signin?next=" + url.QueryEscape(path); res.Header.Get("Location") != want {
						t.Errorf("%s: GET %s sends to %q, want %q", role.name, path, res.Header.Get("Location"), want)
					}
				}
				if got != rc.want[i] {
					t.Errorf("%s: GET %s: %d (to %q), want %d\n%.600s", role.name, path, res.StatusCode,
						res.Header.Get("Location"), rc.want[i], page)
				}
			}
		})
	}
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
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

// authzSite is the report site (commitment 2-1, led by the Central
// Election Commission, with the demo plan's reporting periods) with the
// report a row's setup wrote, if any.
type authzSite struct {
	*reportSite
	report string // the path of the report, "/reports/N"
	token  string // the path of an API token, "/admin/tokens/N"
	review string // the path of a dissent's answer, "/reviews/N/answer"
	job    string // the path of the administrator's import, "/admin/import/N"
	// question is the path of a question on 2-1 from the public, "/questions/N".
	question string
}

// previewedImport is an import of the administrator waiting for their
// confirmation: an empty dataset, previewed.
func previewedImport(s *authzSite) {
	ctx := s.t.Context()
	content := []byte(`{"format": "ogptracker/1", "agencies": [], "organisations": [], "contacts": [], "plans": []}`)
	j := &model.ImportJob{UserID: s.userNow("admin@secretariat.example.org").ID, FileName: "empty.json", Content: content}
	if err := s.st.CreateImportJob(ctx, j); err != nil {
		s.t.Fatal(err)
	}
	pv, err := s.st.PreviewImport(ctx, &model.Dataset{}, nil)
	if err == nil {
		err = s.st.FinishImportPreview(ctx, j.ID, pv, nil, nil)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.job = fmt.Sprintf("/admin/import/%d", j.ID)
}

// asked is a question from the public on 2-1, which the Central Election
// Commission answers.
func asked(s *authzSite) {
	q := &model.Question{CommitmentID: &s.commitmentID, Kind: model.AskQuestion, Text: "何時上線？", Lang: "zh-TW", Channel: model.ChannelOnline}
	if err := s.st.AskQuestion(s.t.Context(), q, "", "", nil); err != nil {
		s.t.Fatal(err)
	}
	s.question = fmt.Sprintf("/questions/%d", q.ID)
}

// writeCase is one route of the table. The subject of the route (a
// milestone, a report…) is commitment 2-1 or something of it.
type writeCase struct {
	route string                      // as the router names it: "POST /milestones/:id"
	setup func(*authzSite)            // writes what the route needs, if anything
	path  func(*authzSite) string     // the request's path
	form  func(*authzSite) url.Values // a valid form, read afresh before each request
	want  [5]int                      // the answer to each role, in authzRoles order
}

// Answers that refuse without redirecting: a draft is not found by those
// who may not see it.
const notFound = http.StatusNotFound

// draftBy writes a draft report of 2-1 as the Central Election
// Commission's liaison; submitted, when submit is set.
func draftBy(submit bool) func(*authzSite) {
	return func(s *authzSite) {
		b := s.as("liaison@cec.example.org")
		action := "save"
		if submit {
			action = "submit"
		}
		s.report = s.draft(b, s.draftForm(b, action))
	}
}

// dissented is a submitted report a committee member dissents from.
func dissented(s *authzSite) {
	draftBy(true)(s)
	b := s.as("member@committee.example.org")
	if res, _ := b.do("POST", s.report+"/reviews", url.Values{"csrf_token": {b.formToken()}, "verdict": {"dissent"}, "reasons": {"與事實不符。"}}); res.StatusCode != done {
		s.t.Fatalf("dissent: %d", res.StatusCode)
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(s.report, "/reports/"))
	reviews, err := s.st.FindReviews(s.t.Context(), []uint{uint(id)})
	if err != nil || len(reviews[uint(id)]) != 1 {
		s.t.Fatalf("the dissent: %v %v", reviews, err)
	}
	s.review = fmt.Sprintf("/reviews/%d/answer", reviews[uint(id)][0].ID)
}

// reportForm is the liaison's report form without its token.
func reportForm(s *authzSite) url.Values {
	form := s.draftForm(s.visitor(), "save")
	form.Del("csrf_token")
	if s.report != "" {
		id, _ := strconv.Atoi(strings.TrimPrefix(s.report, "/reports/"))
		if r, err := s.st.FindReportByID(s.t.Context(), uint(id)); err == nil {
			form.Set("revision", strconv.Itoa(r.Revision))
		}
	}
	return form
}

func periodForm(s *authzSite) url.Values {
	return url.Values{"plan": {fmt.Sprint(s.period.PlanID)}, "name.zh-TW": {"2025 上半年"}, "name.en": {"2025 H1"},
		"starts_on": {"2025-01-01"}, "ends_on": {"2025-06-30"}}
}

var writeCases = []writeCase{
	// Anyone asks and follows up, without an account, within the limits
	// per address; the form token is needed all the same.
	{route: "POST /commitments/:id/questions", path: func(s *authzSite) string { return s.commitmentPath() + "/questions" },
		form: func(*authzSite) url.Values {
			return url.Values{"kind": {"question"}, "lang": {"zh-TW"}, "text": {"何時完成？"}}
		},
		want: [...]int{done, done, done, done, done}},
	{route: "POST /plans/:id/questions", path: func(s *authzSite) string { return fmt.Sprintf("/plans/%d/questions", s.period.PlanID) },
		form: func(*authzSite) url.Values {
			return url.Values{"kind": {"suggestion"}, "lang": {"zh-TW"}, "text": {"請公開會議紀錄。"}}
		},
		want: [...]int{done, done, done, done, done}},
	{route: "POST /questions/:id/follow-ups", setup: asked, path: func(s *authzSite) string { return s.question + "/follow-ups" },
		form: func(*authzSite) url.Values { return url.Values{"body": {"請說明進度。"}} },
		want: [...]int{done, done, done, done, done}},
	// Only the owning agency's liaisons answer (MayAnswerQuestion); only
	// administrators hide (MayHideQuestion).
	{route: "POST /questions/:id/answer", setup: asked, path: func(s *authzSite) string { return s.question + "/answer" },
		form: func(*authzSite) url.Values {
			return url.Values{"disposition": {"adopted"}, "body": {"將於六月上線。"}, "reasons": {"已列入計畫。"}}
		},
		want: [...]int{toSignIn, forbidden, forbidden, done, forbidden}},
	{route: "POST /questions/:id/hide", setup: asked, path: func(s *authzSite) string { return s.question + "/hide" },
		form: func(*authzSite) url.Values { return url.Values{"reason": {"off-topic"}} },
		want: [...]int{toSignIn, forbidden, forbidden, forbidden, done}},
	{
		route: "POST /milestones/:id",
		path:  func(s *authzSite) string { return s.updatePath() },
		form: func(s *authzSite) url.Values {
			m := s.milestone()
			status := "in-progress"
			if string(m.Status) == status {
				status = "delayed"
			}
			return url.Values{"status": {status}, "version": {strconv.Itoa(m.Version)}}
		},
		want: [...]int{toSignIn, forbidden, forbidden, done, done},
	},
	{
		route: "POST /commitments/:id/reports",
		path:  func(s *authzSite) string { return s.commitmentPath() + "/reports" },
		form:  reportForm,
		want:  [...]int{toSignIn, forbidden, forbidden, done, forbidden},
	},
	{
		route: "POST /reports/:id",
		setup: draftBy(false),
		path:  func(s *authzSite) string { return s.report },
		form:  reportForm,
		want:  [...]int{toSignIn, notFound, notFound, done, notFound},
	},
	{
		route: "POST /reports/:id/submit",
		setup: draftBy(false),
		path:  func(s *authzSite) string { return s.report + "/submit" },
		form: func(s *authzSite) url.Values {
			return url.Values{"revision": {reportForm(s).Get("revision")}}
		},
		// The administrator comes after the liaison submitted it: public
		// by then, the report is seen, and its submission refused.
		want: [...]int{toSignIn, notFound, notFound, done, forbidden},
	},
	{
		route: "POST /reviews/:id/answer",
		setup: dissented,
		path:  func(s *authzSite) string { return s.review },
		form: func(*authzSite) url.Values {
			return url.Values{"answer": {"系統已於 12 月 15 日上線，附測試報告。"}}
		},
		want: [...]int{toSignIn, forbidden, forbidden, done, forbidden},
	},
	{
		route: "POST /reports/:id/reviews",
		setup: draftBy(true),
		path:  func(s *authzSite) string { return s.report + "/reviews" },
		form: func(*authzSite) url.Values {
			return url.Values{"verdict": {"dissent"}, "reasons": {"系統上線日期與會議紀錄不符。"}}
		},
		want: [...]int{toSignIn, forbidden, done, forbidden, forbidden},
	},
	{
		route: "POST /commitments/:id/assessments",
		path:  func(s *authzSite) string { return s.commitmentPath() + "/assessments" },
		form: func(s *authzSite) url.Values {
			return url.Values{"period": {fmt.Sprint(s.period.ID)}, "completion": {"limited"}, "note": {"進度有限。"}}
		},
		want: [...]int{toSignIn, forbidden, done, forbidden, forbidden},
	},
	{
		route: "POST /admin/periods",
		path:  func(*authzSite) string { return "/admin/periods" },
		form:  periodForm,
		want:  [...]int{toSignIn, forbidden, forbidden, forbidden, done},
	},
	{
		route: "POST /admin/periods/:id",
		path:  func(s *authzSite) string { return fmt.Sprintf("/admin/periods/%d", s.period.ID) },
		form:  periodForm,
		want:  [...]int{toSignIn, forbidden, forbidden, forbidden, done},
	},
	{
		route: "POST /admin/tokens",
		path:  func(*authzSite) string { return "/admin/tokens" },
		form: func(s *authzSite) url.Values {
			cec, _ := s.st.FindAgencyByCode(s.t.Context(), "CEC")
			return url.Values{"name": {"cec-pms"}, "agency": {fmt.Sprint(cec.ID)}, "scopes": {"milestones:write"}}
		},
		// The new token is shown on the answer, once: no redirect.
		want: [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusOK},
	},
	{
		route: "POST /admin/tokens/:id/revoke",
		setup: issueToken,
		path:  func(s *authzSite) string { return s.token + "/revoke" },
		form:  func(*authzSite) url.Values { return url.Values{} },
		want:  [...]int{toSignIn, forbidden, forbidden, forbidden, done},
	},
	// The write API reads API tokens only (api_write_test.go tests them by
	// agency and scope): a browser's session, form token and all, never
	// authorises a write through it.
	{
		route: "PATCH /api/v1/milestones/:id",
		path:  func(s *authzSite) string { return fmt.Sprintf("/api/v1/milestones/%d", s.m.ID) },
		form: func(s *authzSite) url.Values {
			return url.Values{"status": {"in-progress"}, "version": {strconv.Itoa(s.milestone().Version)}}
		},
		want: [...]int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized},
	},
	{
		route: "POST /api/v1/reports",
		path:  func(*authzSite) string { return "/api/v1/reports" },
		form:  reportForm,
		want:  [...]int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized},
	},
}

// issueToken issues an API token of the Central Election Commission.
func issueToken(s *authzSite) {
	cec, err := s.st.FindAgencyByCode(s.t.Context(), "CEC")
	if err != nil {
		s.t.Fatal(err)
	}
	t := &model.APIToken{Name: "cec-pms", AgencyID: cec.ID, Scopes: model.Strings{"milestones:write"}}
	if _, err := s.st.CreateAPIToken(s.t.Context(), t); err != nil {
		s.t.Fatal(err)
	}
	s.token = fmt.Sprintf("/admin/tokens/%d", t.ID)
}

// adminRow is a route of the administration's plan data: administrators only.
func adminRow(route string, path func(*authzSite) string, form func(*authzSite) url.Values) writeCase {
	return writeCase{route: route, path: path, form: form, want: [...]int{toSignIn, forbidden, forbidden, forbidden, done}}
}

// shownLink is a write whose success, for the administrator, is a page:
// an invitation's link shown to pass on, without mail settings.
func shownLink(wc writeCase) writeCase {
	wc.want[len(wc.want)-1] = http.StatusOK
	return wc
}

// adminEdit is the administrator's edit form of the record at path, as the
// edit page fills it in, with one field changed.
func adminEdit(path, field, value string) func(*authzSite) url.Values {
	return func(s *authzSite) url.Values {
		_, page := s.as(adminEmail).do("GET", path+"/edit", nil)
		v := formOf(page)
		v.Del("csrf_token")
		v.Set(field, value)
		return v
	}
}

func init() {
	fixed := func(path string) func(*authzSite) string { return func(*authzSite) string { return path } }
	plan := func(s *authzSite) string { return fmt.Sprintf("/admin/plans/%d", s.period.PlanID) }
	theme := func(s *authzSite) string { return fmt.Sprintf("/admin/themes/%d", *s.c().ThemeID) }
	commitment := func(s *authzSite) string { return fmt.Sprintf("/admin/commitments/%d", s.commitmentID) }
	milestone := func(s *authzSite) string { return fmt.Sprintf("/admin/milestones/%d", s.m.ID) }
	writeCases = append(writeCases,
		adminRow("POST /admin/plans", fixed("/admin/plans"), func(*authzSite) url.Values {
			return url.Values{"ref": {"TWN-9"}, "title.zh-TW": {"第九期行動方案"}, "jurisdiction.zh-TW": {"臺灣"}, "jurisdiction_code": {"TWN"}, "status": {"co-creation"}}
		}),
		adminRow("POST /admin/plans/:id", plan, func(s *authzSite) url.Values {
			return adminEdit(plan(s), "title.en", "A plan renamed")(s)
		}),
		adminRow("POST /admin/themes", fixed("/admin/themes"), func(s *authzSite) url.Values {
			return url.Values{"plan_id": {fmt.Sprint(s.period.PlanID)}, "number": {"9"}, "name.zh-TW": {"新主軸"}}
		}),
		adminRow("POST /admin/themes/:id", theme, func(s *authzSite) url.Values {
			return adminEdit(theme(s), "name.en", "A theme renamed")(s)
		}),
		adminRow("POST /admin/commitments", fixed("/admin/commitments"), func(s *authzSite) url.Values {
			return url.Values{"plan_id": {fmt.Sprint(s.period.PlanID)}, "ref": {"TWN-1/9-9"}, "code": {"9-9"}, "title.zh-TW": {"新承諾"}}
		}),
		adminRow("POST /admin/commitments/:id", commitment, func(s *authzSite) url.Values {
			return adminEdit(commitment(s), "title.en", "A commitment renamed")(s)
		}),
		adminRow("POST /admin/milestones", fixed("/admin/milestones"), func(s *authzSite) url.Values {
			return url.Values{"commitment_id": {fmt.Sprint(s.commitmentID)}, "ref": {"9"}, "title.zh-TW": {"新里程碑"}, "weight": {"1"}}
		}),
		adminRow("POST /admin/milestones/:id", milestone, func(s *authzSite) url.Values {
			return adminEdit(milestone(s), "due", "2022-06")(s)
		}),
	)
}

// The people of the plan: agencies, their contacts, organisations and
// accounts, administrators only. The Central Election Commission, its demo
// liaison contact, the demo civil-society organisation and the Ministry of
// Education's liaison (who, asked last by the administrator, is disabled
// only after asking their own question) are the records changed.
func init() {
	cec := func(s *authzSite) *model.Agency {
		a, err := s.st.FindAgencyByCode(s.t.Context(), "CEC")
		if err != nil {
			s.t.Fatal(err)
		}
		return a
	}
	contact := func(s *authzSite) *model.Contact {
		cs, err := s.st.FindContactsOfAgency(s.t.Context(), cec(s).ID)
		if err != nil {
			s.t.Fatal(err)
		}
		for i := range cs {
			if cs[i].Ref == "demo-cec-liaison" {
				return &cs[i]
			}
		}
		s.t.Fatal("the demo plan has no CEC liaison")
		return nil
	}
	org := func(s *authzSite) *model.Organisation {
		o, err := s.st.FindOrganisationByCode(s.t.Context(), "DEMO-CIVICTECH")
		if err != nil {
			s.t.Fatal(err)
		}
		return o
	}
	moe := func(s *authzSite) *model.User { return s.userNow("liaison@moe.example.org") }
	path := func(format string, id func(*authzSite) uint) func(*authzSite) string {
		if id == nil {
			return func(*authzSite) string { return format }
		}
		return func(s *authzSite) string { return fmt.Sprintf(format, id(s)) }
	}
	form := func(pairs ...string) func(*authzSite) url.Values {
		return func(*authzSite) url.Values {
			v := url.Values{}
			for i := 0; i < len(pairs); i += 2 {
				v.Set(pairs[i], pairs[i+1])
			}
			return v
		}
	}
	versioned := func(f func(*authzSite) url.Values, version func(*authzSite) int) func(*authzSite) url.Values {
		return func(s *authzSite) url.Values {
			v := f(s)
			v.Set("version", fmt.Sprint(version(s)))
			return v
		}
	}
	cecID := func(s *authzSite) uint { return cec(s).ID }
	contactID := func(s *authzSite) uint { return contact(s).ID }
	orgID := func(s *authzSite) uint { return org(s).ID }
	moeID := func(s *authzSite) uint { return moe(s).ID }
	writeCases = append(writeCases,
		adminRow("POST /admin/agencies", path("/admin/agencies", nil), form("code", "NEW", "name.zh-TW", "新機關")),
		adminRow("POST /admin/agencies/:id", path("/admin/agencies/%d", cecID),
			versioned(form("code", "CEC", "name.zh-TW", "中央選舉委員會（改名）"), func(s *authzSite) int { return cec(s).Version })),
		adminRow("POST /admin/agencies/:id/contacts", path("/admin/agencies/%d/contacts", cecID), form("name", "新聯絡人", "role", "deputy")),
		adminRow("POST /admin/contacts/:id", path("/admin/contacts/%d", contactID),
			versioned(form("name", "改名", "role", "liaison"), func(s *authzSite) int { return contact(s).Version })),
		adminRow("POST /admin/contacts/:id/handover", path("/admin/contacts/%d/handover", contactID),
			versioned(form("name", "接任者", "active_from", "2022-01-10"), func(s *authzSite) int { return contact(s).Version })),
		adminRow("POST /admin/organisations", path("/admin/organisations", nil), form("code", "NEW-ORG", "name.zh-TW", "新團體")),
		adminRow("POST /admin/organisations/:id", path("/admin/organisations/%d", orgID), func(s *authzSite) url.Values {
			return url.Values{"code": {org(s).Code}, "name.zh-TW": {"改名"}, "version": {fmt.Sprint(org(s).Version)}}
		}),
		// Without mail settings an invitation answers with its link on the page (200).
		shownLink(adminRow("POST /admin/users", path("/admin/users", nil), form("email", "new@example.org", "name", "新人", "role", "committee"))),
		adminRow("POST /admin/users/:id", path("/admin/users/%d", moeID), func(s *authzSite) url.Values {
			u := moe(s)
			return url.Values{"name": {"改名"}, "role": {"liaison"}, "agency": {fmt.Sprint(*u.AgencyID)}, "version": {fmt.Sprint(u.Version)}}
		}),
		adminRow("POST /admin/users/:id/disable", path("/admin/users/%d/disable", moeID),
			versioned(form(), func(s *authzSite) int { return moe(s).Version })),
		adminRow("POST /admin/users/:id/enable", path("/admin/users/%d/enable", moeID),
			versioned(form(), func(s *authzSite) int { return moe(s).Version })),
		// A form without its file: the administrator's answer is the form again, 422.
		writeCase{route: "POST /admin/import", path: path("/admin/import", nil), form: form(),
			want: [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusUnprocessableEntity}},
		writeCase{route: "POST /admin/import/:id/apply", setup: previewedImport, path: func(s *authzSite) string { return s.job + "/apply" },
			form: form(), want: [...]int{toSignIn, forbidden, forbidden, forbidden, done}},
		shownLink(adminRow("POST /admin/users/:id/invite", path("/admin/users/%d/invite", moeID), form())),
	)
}

// userNow is the account of email as stored now.
func (s *authzSite) userNow(email string) *model.User {
	s.t.Helper()
	u, err := s.st.FindUserByEmail(s.t.Context(), email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// c is commitment 2-1 as stored now.
func (s *authzSite) c() *model.Commitment {
	s.t.Helper()
	c, err := s.st.FindCommitmentByID(s.t.Context(), s.commitmentID)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// newAuthzSite is the site a row of the table runs on, set up for it.
func newAuthzSite(t *testing.T, wc writeCase) *authzSite {
	t.Helper()
	s := &authzSite{reportSite: newReportSite(t)}
	if wc.setup != nil {
		wc.setup(s)
	}
	return s
}

// openWrites are the routes that change something yet are open to
// everybody, with the reason.
var openWrites = map[string]string{
	"POST /signin":                "anyone may try to sign in (throttled)",
	"POST /signout":               "signing out ends only the visitor's own session",
	"POST /password/forgot":       "anyone may ask for a reset link; it goes to the account's address only",
	"POST /password/reset/:token": "the one-time link itself is the authorization",
	"OPTIONS /api/*path":          "the CORS preflight of the read API answers headers only",
	// Questions from the public (question_test.go shows each refusal).
	"POST /questions/:id/vote":           "anyone adds their voice, once per browser, a few per address",
	"POST /questions/:id/confirm/:token": "the link mailed to the asker is the authorization",
}

func TestEveryWriteRouteAnswersEachRoleAsTheTableSays(t *testing.T) {
	for _, wc := range writeCases {
		t.Run(wc.route, func(t *testing.T) {
			t.Parallel()
			site := newAuthzSite(t, wc)
			for i, role := range authzRoles {
				b := site.as(role.email)
				path := wc.path(site)
				form := wc.form(site)
				form.Set("csrf_token", b.formToken())
				before := site.state()
				res, page := b.do(strings.Fields(wc.route)[0], path, form)
				got := res.StatusCode
				if got == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					got = toSignIn
				}
				if got != wc.want[i] {
					t.Errorf("%s: %s %s: %d (to %q), want %d\n%.600s", role.name, wc.route, path, res.StatusCode,
						res.Header.Get("Location"), wc.want[i], page)
				}
				if got != done && got != http.StatusOK {
					site.unchangedSince(before, fmt.Sprintf("%s: %s refused (%d)", role.name, wc.route, got))
				}
			}
		})
	}
}

func TestEveryWriteRouteRefusesAFormWithoutItsToken(t *testing.T) {
	for _, wc := range writeCases {
		t.Run(wc.route, func(t *testing.T) {
			t.Parallel()
			site := newAuthzSite(t, wc)
			for _, role := range authzRoles[1:] {
				b := site.as(role.email)
				path := wc.path(site) // some write what they lead to
				before := site.state()
				for _, token := range []string{"", "forged"} {
					form := wc.form(site)
					if token != "" {
						form.Set("csrf_token", token)
					}
					res, _ := b.do(strings.Fields(wc.route)[0], path, form)
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s: %s with token %q: %d, want 403", role.name, wc.route, token, res.StatusCode)
					}
				}
				site.unchangedSince(before, fmt.Sprintf("%s: %s without a token", role.name, wc.route))
			}
		})
	}
}

// state is what every table holds but the sessions and the failed
// sign-ins, which visitors of the table add by signing in (and SQLite's
// count of the ids they took).
func (s *editSite) state() map[string]string {
	s.t.Helper()
	fp, err := s.st.Fingerprint(s.t.Context(), "sessions", "sign_in_failures", "sqlite_sequence")
	if err != nil {
		s.t.Fatal(err)
	}
	return fp
}

// unchangedSince fails the test, naming what, for every table whose rows
// differ from before.
func (s *editSite) unchangedSince(before map[string]string, what string) {
	s.t.Helper()
	for table, was := range s.state() {
		if before[table] != was {
			s.t.Errorf("%s, yet %s changed: %s → %s", what, table, before[table], was)
		}
	}
}

// routes lists the server's routes as "METHOD /path".
func (s *editSite) routes() []string {
	var out []string
	for _, r := range s.server.Routes() {
		out = append(out, fmt.Sprintf("%s %s", r.Method, r.Path))
	}
	return out
}

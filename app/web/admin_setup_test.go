package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// The routes of the outbox's run and test message and of the home plan's
// choice in the authorization table (authz_test.go).
func init() {
	adminOnly := [...]int{toSignIn, forbidden, forbidden, forbidden, done}
	writeCases = append(writeCases,
		writeCase{
			route: "POST /admin/outbox/run",
			path:  func(*authzSite) string { return "/admin/outbox/run" },
			form:  func(*authzSite) url.Values { return url.Values{} },
			want:  adminOnly,
		},
		writeCase{
			// Without mail settings the test message is refused (422), and
			// only an administrator is told so.
			route: "POST /admin/outbox/test-mail",
			path:  func(*authzSite) string { return "/admin/outbox/test-mail" },
			form:  func(*authzSite) url.Values { return url.Values{"to": {"me@example.org"}} },
			want:  [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusUnprocessableEntity},
		},
		writeCase{
			route: "POST /admin/plans/home",
			path:  func(*authzSite) string { return "/admin/plans/home" },
			form:  func(s *authzSite) url.Values { return url.Values{"home_plan": {fmt.Sprint(s.period.PlanID)}} },
			want:  adminOnly,
		},
	)
}

// planGaps is the checklist's part on one plan, from its heading on.
func planGaps(t *testing.T, page, ref string) string {
	t.Helper()
	checklist := section(t, page, `<h2 id="checklist">`, "</section>")
	i := strings.Index(checklist, "("+ref+")")
	if i < 0 {
		t.Fatalf("the checklist does not name plan %s:\n%s", ref, checklist)
	}
	rest := checklist[i:]
	if j := strings.Index(rest[1:], "<h3>"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

// follow gets where a form's answer redirects, as the browser does.
func follow(t *testing.T, b *visitor, res *http.Response) string {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("want a redirect, got %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	sep := "?"
	if strings.Contains(loc, "?") {
		sep = "&"
	}
	loc, _, _ = strings.Cut(loc, "#")
	_, page := b.do("GET", loc+sep+"lang=en", nil)
	return page
}

// A fresh plan: each save says "saved" and offers the next step; the
// checklist of /admin names what the plan lacks, each gap linking to where
// it is fixed, and clears as the gaps are fixed, down to "nothing missing".
func TestTheSetupGuidesAFreshPlanToNothingMissing(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "test"})
	demo := site.plan
	demo.Status = model.PlanEnded
	if err := site.st.UpdatePlan(ctx, demo.ID, demo.Version, demo); err != nil {
		t.Fatal(err)
	}
	_, page := admin.do("GET", "/admin?lang=en", nil)
	wantIn(t, "no plan in force", section(t, page, `<h2 id="checklist">`, "</section>"), "Nothing missing")

	// The plan: the jurisdiction code is explained and offered from those known.
	_, page = admin.do("GET", "/admin/plans/new?lang=en", nil)
	wantIn(t, "the plan form", page, "ISO 3166-1 alpha-3", `list="f-jurisdiction_code-list"`, `<option value="TWN">Taiwan</option>`)
	form := formOf(page)
	for k, v := range map[string]string{"ref": "TWN-2", "title.en": "Second plan", "jurisdiction.en": "Taiwan", "jurisdiction_code": "twn",
		"jurisdiction_level": "national", "start": "2021-09", "end": "2025-08", "status": "implementation"} {
		form.Set(k, v)
	}
	res, _ := admin.send("/admin/plans", form)
	page = follow(t, admin, res)
	plan, err := site.st.FindPlanByRef(context.Background(), "TWN-2")
	if err != nil || plan.JurisdictionCode != "TWN" {
		t.Fatalf("the plan: %+v, %v", plan, err)
	}
	wantIn(t, "after saving the plan", page, "Saved.", fmt.Sprintf(`<a href="/admin/themes/new?plan=%d">Next step: add the plan&#39;s themes</a>`, plan.ID))
	_, page = admin.do("GET", "/admin?lang=en", nil)
	gaps := planGaps(t, page, "TWN-2")
	wantIn(t, "a fresh plan", gaps, fmt.Sprintf(`href="/admin/themes/new?plan=%d">No themes`, plan.ID),
		fmt.Sprintf(`href="/admin/commitments/new?plan=%d">No commitments`, plan.ID), fmt.Sprintf(`href="/admin/periods/new?plan=%d">No reporting periods`, plan.ID))
	wantNotIn(t, "a fresh plan", page, "Nothing missing")

	// A theme.
	_, page = admin.do("GET", fmt.Sprintf("/admin/themes/new?plan=%d", plan.ID), nil)
	form = formOf(page)
	form.Set("name.en", "Open data")
	page = follow(t, admin, must303(t, admin, "/admin/themes", form))
	wantIn(t, "after saving a theme", page, "Saved.", fmt.Sprintf(`href="/admin/commitments/new?plan=%d">Next step: add the plan&#39;s commitments`, plan.ID))
	_, page = admin.do("GET", "/admin?lang=en", nil)
	wantNotIn(t, "with a theme", planGaps(t, page, "TWN-2"), "No themes")

	// A commitment without a lead agency.
	_, page = admin.do("GET", fmt.Sprintf("/admin/commitments/new?plan=%d", plan.ID), nil)
	form = formOf(page)
	form.Set("ref", "TWN-2/1-1")
	form.Set("code", "1-1")
	form.Set("title.en", "Open budgets")
	page = follow(t, admin, must303(t, admin, "/admin/commitments", form))
	wantIn(t, "after saving a commitment", page, fmt.Sprintf(`href="/admin/milestones?plan=%d">Next step: add the commitments&#39; milestones`, plan.ID))
	cs, _ := site.st.FindPlanGaps(context.Background(), *plan)
	if len(cs.NoLead) != 1 {
		t.Fatalf("gaps: %+v", cs)
	}
	commitment := cs.NoLead[0]
	_, page = admin.do("GET", "/admin?lang=en", nil)
	gaps = planGaps(t, page, "TWN-2")
	wantIn(t, "a commitment without a lead", gaps, "1 commitment has no lead agency:", fmt.Sprintf(`href="/admin/commitments/%d/edit">1-1 Open budgets`, commitment.ID))
	wantNotIn(t, "a commitment without a lead", gaps, "No commitments")

	// Its lead: an agency with no liaison's account.
	ndc, err := site.st.FindAgencyByCode(context.Background(), "NDC")
	if err != nil {
		t.Fatal(err)
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/commitments/%d/edit", commitment.ID), nil)
	form = formOf(page)
	form.Set("lead_agency", "NDC")
	must303(t, admin, fmt.Sprintf("/admin/commitments/%d", commitment.ID), form)
	_, page = admin.do("GET", "/admin?lang=en", nil)
	gaps = planGaps(t, page, "TWN-2")
	wantIn(t, "an agency without a liaison", gaps, "1 agency has no liaison with an account",
		fmt.Sprintf(`href="/admin/users/new?role=liaison&amp;agency=%d">NDC`, ndc.ID))
	wantNotIn(t, "with a lead", gaps, "no lead agency")

	// Its liaison, invited from the checklist's link: the form comes filled in.
	_, page = admin.do("GET", fmt.Sprintf("/admin/users/new?role=liaison&agency=%d", ndc.ID), nil)
	form = formOf(page)
	if form.Get("role") != "liaison" || form.Get("agency") != fmt.Sprint(ndc.ID) {
		t.Fatalf("the invitation form is not filled in: %v", form)
	}
	form.Set("email", "liaison@ndc.example.org")
	form.Set("name", "國發會聯絡人")
	if res, _ := admin.send("/admin/users", form); res.StatusCode != http.StatusOK {
		t.Fatalf("invite the liaison: %d", res.StatusCode)
	}
	_, page = admin.do("GET", "/admin?lang=en", nil)
	wantNotIn(t, "with a liaison", planGaps(t, page, "TWN-2"), "no liaison")

	// A milestone without a due date, then with one.
	_, page = admin.do("GET", fmt.Sprintf("/admin/milestones/new?commitment=%d", commitment.ID), nil)
	form = formOf(page)
	form.Set("ref", "1")
	form.Set("title.en", "Budget data published")
	page = follow(t, admin, must303(t, admin, "/admin/milestones", form))
	wantIn(t, "after saving a milestone", page, fmt.Sprintf(`href="/admin/periods/new?plan=%d">Next step: set the reporting periods`, plan.ID))
	cs, _ = site.st.FindPlanGaps(context.Background(), *plan)
	if len(cs.NoDue) != 1 {
		t.Fatalf("gaps: %+v", cs)
	}
	_, page = admin.do("GET", "/admin?lang=en", nil)
	wantIn(t, "a milestone without a due date", planGaps(t, page, "TWN-2"), "1 milestone has no due date:",
		fmt.Sprintf(`href="/admin/milestones/%d/edit">1-1/1 Budget data published`, cs.NoDue[0].ID))
	_, page = admin.do("GET", fmt.Sprintf("/admin/milestones/%d/edit", cs.NoDue[0].ID), nil)
	form = formOf(page)
	form.Set("due", "2022-06")
	must303(t, admin, fmt.Sprintf("/admin/milestones/%d", cs.NoDue[0].ID), form)
	_, page = admin.do("GET", "/admin?lang=en", nil)
	wantNotIn(t, "with a due date", planGaps(t, page, "TWN-2"), "no due date")

	// A reporting period: nothing is missing any more.
	page = follow(t, admin, must303(t, admin, "/admin/periods", url.Values{"plan": {fmt.Sprint(plan.ID)}, "name.zh-TW": {"2022 上半年"},
		"name.en": {"First half of 2022"}, "starts_on": {"2022-01-01"}, "ends_on": {"2022-06-30"}}))
	wantIn(t, "after saving a period", page, "Saved.", `href="/admin/agencies">Next step: check the agencies and their liaisons`)
	_, page = admin.do("GET", "/admin?lang=en", nil)
	checklist := section(t, page, `<h2 id="checklist">`, "</section>")
	wantIn(t, "a plan set up", checklist, "Nothing missing: every plan in force has")
	wantNotIn(t, "a plan set up", checklist, "TWN-2", "No ")
	_, page = admin.do("GET", "/admin?lang=zh-TW", nil)
	wantIn(t, "a plan set up, in Chinese", page, "沒有缺漏")
}

// must303 sends a form and wants it saved (303).
func must303(t *testing.T, b *visitor, path string, form url.Values) *http.Response {
	t.Helper()
	res, page := b.send(path, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d\n%.2000s", path, res.StatusCode, section(t, page, "<main", "</main>"))
	}
	return res
}

// The jurisdiction code is checked with a clear message, and the form
// keeps what was typed; nothing is saved.
func TestThePlanFormExplainsAndChecksTheJurisdictionCode(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	for _, tc := range []struct{ code, level, want string }{
		{"", "national", "This is required."},
		{"TAIWAN", "national", "three-letter ISO 3166-1 alpha-3 code"},
		{"T W", "local", "OGP&#39;s code of the local member"},
	} {
		before := site.state()
		res, page := admin.send("/admin/plans?lang=en", url.Values{"ref": {"X-1"}, "title.en": {"A plan"}, "jurisdiction.en": {"Somewhere"},
			"jurisdiction_code": {tc.code}, "jurisdiction_level": {tc.level}, "status": {"co-creation"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) || !strings.Contains(page, `value="`+tc.code+`"`) ||
			!strings.Contains(page, `id="f-jurisdiction_code-error"`) {
			t.Errorf("code %q: %d, want 422 saying %q", tc.code, res.StatusCode, tc.want)
		}
		site.unchangedSince(before, "a refused jurisdiction code")
	}
	res, _ := admin.send("/admin/plans", url.Values{"ref": {"ARG-BA-1"}, "title.en": {"Buenos Aires"}, "jurisdiction.en": {"Buenos Aires"},
		"jurisdiction_code": {"arg-ba"}, "jurisdiction_level": {"local"}, "status": {"co-creation"}})
	if p, err := site.st.FindPlanByRef(context.Background(), "ARG-BA-1"); res.StatusCode != http.StatusSeeOther || err != nil || p.JurisdictionCode != "ARG-BA" {
		t.Errorf("a local member's code: %d, %+v", res.StatusCode, p)
	}
}

// With an ended plan and a newer plan in force of the same member, the
// home page and the plan switcher take the newer, whatever the numbers;
// an administrator's choice overrides it, and a choice not in the list is
// refused.
func TestTheHomePlanIsTheMembersNewestInForceUnlessChosen(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "test"})
	old := site.plan
	old.Status = model.PlanEnded
	if err := site.st.UpdatePlan(ctx, old.ID, old.Version, old); err != nil {
		t.Fatal(err)
	}
	// Typed without a number, as an administrator may: the number must not decide.
	next := &model.Plan{Ref: "TWN-NEXT", Jurisdiction: old.Jurisdiction, JurisdictionCode: "TWN", Title: model.T("en", "The next plan", "zh-TW", "下一期方案"),
		Start: model.MustDate("2021-09"), End: model.MustDate("2025-08"), Status: model.PlanImplementation}
	if err := site.st.CreatePlan(ctx, next); err != nil {
		t.Fatal(err)
	}
	home := func() string {
		t.Helper()
		_, page := site.visitor().do("GET", "/?lang=en", nil)
		return page
	}
	page := home()
	wantIn(t, "the default home", page, "<h1>The next plan</h1>")
	switcher := section(t, page, `<nav class="switcher"`, "</nav>")
	if n := strings.Count(switcher, "latest plan"); n != 1 || !strings.Contains(section(t, switcher, "The next plan", "</li>"), "latest plan") {
		t.Errorf("the switcher marks %d latest plans, want the next plan alone:\n%s", n, switcher)
	}

	_, page = admin.do("GET", "/admin/plans?lang=en", nil)
	wantIn(t, "the plans page", page, "Automatic: the member&#39;s newest plan in force", "on the home page")
	before := site.state()
	res, page := admin.send("/admin/plans/home?lang=en", url.Values{"home_plan": {"999999"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Choose one of the plans in the list.") {
		t.Errorf("an unknown plan: %d", res.StatusCode)
	}
	site.unchangedSince(before, "a refused home plan")

	res, _ = admin.send("/admin/plans/home", url.Values{"home_plan": {fmt.Sprint(old.ID)}})
	page = follow(t, admin, res)
	wantIn(t, "after choosing", page, "Saved: the home page shows the plan chosen.", fmt.Sprintf(`<option value="%d" selected>`, old.ID))
	page = home()
	wantIn(t, "the chosen home", page, "<h1>Taiwan Open Government National Action Plan (2021–2024)</h1>")
	if got := section(t, section(t, page, `<nav class="switcher"`, "</nav>"), "Taiwan Open Government National Action Plan", "</li>"); !strings.Contains(got, "latest plan") {
		t.Errorf("the chosen plan is not the member's current one in the switcher: %s", got)
	}

	must303(t, admin, "/admin/plans/home", url.Values{"home_plan": {""}})
	wantIn(t, "back to the default", home(), "<h1>The next plan</h1>")
}

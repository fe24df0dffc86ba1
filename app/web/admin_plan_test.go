package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

const (
	adminEmail     = "admin@secretariat.example.org"
	committeeEmail = "member@committee.example.org"
	liaisonEmail   = "liaison@cec.example.org"
)

// adminSite is the demo plan with the accounts of editSite, and the
// records the administrator's forms change.
type adminSite struct {
	*editSite
	plan  *model.Plan
	theme *model.Theme
}

func newAdminSite(t *testing.T) *adminSite {
	t.Helper()
	site := &adminSite{editSite: newEditSite(t)}
	ctx := context.Background()
	var err error
	if site.plan, err = site.st.FindHomePlan(ctx); err != nil {
		t.Fatal(err)
	}
	themes, err := site.st.FindThemes(ctx, site.plan.ID)
	if err != nil || len(themes) == 0 {
		t.Fatalf("the demo plan has no themes: %v", err)
	}
	site.theme = &themes[0]
	return site
}

// send posts a form with the visitor's form token, as the browser would.
func (b *visitor) send(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf_token", b.formToken())
	return b.do("POST", path, form)
}

// formOf reads the fields of the form on a page as a browser would send
// them: inputs, text areas, chosen options and checked boxes.
func formOf(page string) url.Values {
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input [^>]*>`).FindAllString(page, -1) {
		name, value := attr(m, "name"), attr(m, "value")
		if name == "" || attr(m, "type") == "checkbox" && !strings.Contains(m, " checked") {
			continue
		}
		v.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*>(.*?)</textarea>`).FindAllStringSubmatch(page, -1) {
		v.Add(attr(m[0], "name"), unescape(m[1]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select [^>]*>.*?</select>`).FindAllString(page, -1) {
		name := attr(m, "name")
		for _, o := range regexp.MustCompile(`<option [^>]*selected[^>]*>`).FindAllString(m, -1) {
			v.Add(name, attr(o, "value"))
		}
	}
	return v
}

func attr(tag, name string) string {
	m := regexp.MustCompile(` ` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return unescape(m[1])
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

// allChanges counts the whole record of changes.
func (s *adminSite) allChanges() int {
	s.t.Helper()
	cs, _, err := s.st.FindChanges(context.Background(), store.ChangeFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	return len(cs)
}

// adminWrite is one write route of the plan data with a form that is
// valid for it, and where the administrator is sent after it.
type adminWrite struct {
	path string
	form func(s *adminSite) url.Values
}

func adminWrites(s *adminSite) []adminWrite {
	id := func(n uint) string { return strconv.FormatUint(uint64(n), 10) }
	return []adminWrite{
		{"/admin/plans", func(*adminSite) url.Values {
			return url.Values{"ref": {"TWN-9"}, "title.zh-TW": {"第九期行動方案"}, "jurisdiction.zh-TW": {"臺灣"}, "jurisdiction_code": {"TWN"}, "status": {"co-creation"}}
		}},
		{"/admin/plans/" + id(s.plan.ID), func(s *adminSite) url.Values {
			_, page := s.as(adminEmail).do("GET", fmt.Sprintf("/admin/plans/%d/edit", s.plan.ID), nil)
			v := formOf(page)
			v.Set("title.en", v.Get("title.en")+" (revised)")
			return v
		}},
		{"/admin/themes", func(s *adminSite) url.Values {
			return url.Values{"plan_id": {id(s.plan.ID)}, "number": {"9"}, "name.zh-TW": {"新主軸"}}
		}},
		{"/admin/themes/" + id(s.theme.ID), func(s *adminSite) url.Values {
			_, page := s.as(adminEmail).do("GET", fmt.Sprintf("/admin/themes/%d/edit", s.theme.ID), nil)
			v := formOf(page)
			v.Set("name.en", "A theme renamed")
			return v
		}},
		{"/admin/commitments", func(s *adminSite) url.Values {
			return url.Values{"plan_id": {id(s.plan.ID)}, "ref": {"TWN-1/9-9"}, "code": {"9-9"}, "title.zh-TW": {"新承諾"}}
		}},
		{"/admin/commitments/" + id(s.commitmentID), func(s *adminSite) url.Values {
			_, page := s.as(adminEmail).do("GET", fmt.Sprintf("/admin/commitments/%d/edit", s.commitmentID), nil)
			v := formOf(page)
			v.Set("title.en", "A commitment renamed")
			return v
		}},
		{"/admin/milestones", func(s *adminSite) url.Values {
			return url.Values{"commitment_id": {id(s.commitmentID)}, "ref": {"9"}, "title.zh-TW": {"新里程碑"}, "weight": {"1"}}
		}},
		{"/admin/milestones/" + id(s.m.ID), func(s *adminSite) url.Values {
			_, page := s.as(adminEmail).do("GET", fmt.Sprintf("/admin/milestones/%d/edit", s.m.ID), nil)
			v := formOf(page)
			v.Set("due", "2022-06")
			return v
		}},
	}
}

func TestOnlyAdministratorsMayChangeThePlanData(t *testing.T) {
	site := newAdminSite(t)
	pages := []string{"/admin", "/admin/plans", "/admin/plans/new", fmt.Sprintf("/admin/plans/%d/edit", site.plan.ID),
		"/admin/themes", "/admin/themes/new", fmt.Sprintf("/admin/themes/%d/edit", site.theme.ID),
		"/admin/commitments", "/admin/commitments/new", fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID),
		"/admin/milestones", fmt.Sprintf("/admin/milestones?commitment=%d", site.commitmentID),
		fmt.Sprintf("/admin/milestones/new?commitment=%d", site.commitmentID), fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID)}
	for _, who := range []string{"", committeeEmail, liaisonEmail, "liaison@dcs.example.org"} {
		b := site.as(who)
		for _, path := range pages {
			res, page := b.do("GET", path, nil)
			switch {
			case who == "" && (res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next="+url.QueryEscape(path)):
				t.Errorf("the public: GET %s: %d to %q, want the sign-in page", path, res.StatusCode, res.Header.Get("Location"))
			case who != "" && (res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>僅限管理者</h1>")):
				t.Errorf("%s: GET %s: %d, want the 403 page", who, path, res.StatusCode)
			}
		}
		for _, w := range adminWrites(site) {
			records, counts := site.allChanges(), site.counts()
			res, page := b.send(w.path, w.form(site))
			switch {
			case who == "" && (res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=")):
				t.Errorf("the public: POST %s: %d to %q, want the sign-in page", w.path, res.StatusCode, res.Header.Get("Location"))
			case who != "" && (res.StatusCode != http.StatusForbidden || !strings.Contains(page, "僅限管理者")):
				t.Errorf("%s: POST %s: %d, want 403", who, w.path, res.StatusCode)
			}
			if site.allChanges() != records || site.counts() != counts {
				t.Errorf("%q: POST %s changed the records", who, w.path)
			}
		}
		if _, page := b.do("GET", "/", nil); strings.Contains(page, `href="/admin"`) {
			t.Errorf("%q is offered the administration", who)
		}
		if _, page := b.do("GET", fmt.Sprintf("/commitments/%d", site.commitmentID), nil); strings.Contains(page, "/admin/commitments/") {
			t.Errorf("%q is offered to edit the commitment", who)
		}
	}

	admin := site.as(adminEmail)
	for _, path := range pages {
		if res, _ := admin.do("GET", path, nil); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("administrator: GET %s: %d %q", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for _, w := range adminWrites(site) {
		records := site.allChanges()
		res, page := admin.send(w.path, w.form(site))
		if res.StatusCode != http.StatusSeeOther || site.allChanges() != records+1 {
			t.Errorf("administrator: POST %s: %d, %d changes recorded\n%.3000s", w.path, res.StatusCode, site.allChanges()-records, page)
		}
	}
	_, home := admin.do("GET", "/", nil)
	if !strings.Contains(home, `<a href="/admin">管理</a>`) {
		t.Error("the administrator is not offered the administration")
	}
	_, index := admin.do("GET", "/admin?lang=en", nil)
	for _, section := range []string{`<a href="/admin/plans">Action plans</a>`, `<a href="/admin/themes">Themes</a>`,
		`<a href="/admin/commitments">Commitments</a>`, `<a href="/admin/milestones">Milestones</a>`} {
		if !strings.Contains(index, section) {
			t.Errorf("the administration's index lacks %s", section)
		}
	}
}

// counts is how many records of each kind the database holds.
func (s *adminSite) counts() store.Counts {
	s.t.Helper()
	c, err := s.st.Count(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

func TestTheAdministratorCreatesAndEditsAPlanAndATheme(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)

	res, page := admin.do("GET", "/admin/plans/new", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "<h1>新增行動方案</h1>") || !strings.Contains(page, "此處不刪除任何資料") {
		t.Fatalf("new plan: %d\n%s", res.StatusCode, page)
	}
	form := formOf(page)
	form.Set("ref", "TWN-2")
	form.Set("title.zh-TW", "第二期開放政府國家行動方案")
	form.Set("title.en", "Second Open Government National Action Plan")
	form.Set("jurisdiction.zh-TW", "臺灣")
	form.Set("jurisdiction_code", "TWN")
	form.Set("jurisdiction_level", "national")
	form.Set("number", "2")
	form.Set("start", "2025-01")
	form.Set("end", "2028-12-31")
	res, _ = admin.send("/admin/plans", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/plans#plan-") {
		t.Fatalf("create plan: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	p, err := site.st.FindPlanByRef(context.Background(), "TWN-2")
	if err != nil || p.Title["en"] != "Second Open Government National Action Plan" || p.Start != model.MustDate("2025-01") ||
		p.Number != 2 || p.Status != model.PlanCoCreation || p.Version != 1 {
		t.Fatalf("stored plan: %+v, %v", p, err)
	}
	site.clock.Advance(time.Minute)
	if _, page := site.visitor().do("GET", fmt.Sprintf("/plans/%d", p.ID), nil); !strings.Contains(page, "第二期開放政府國家行動方案") {
		t.Error("the public page does not show the new plan")
	}

	// Edit: the stage moves on, the English title is cleared, a language
	// the form does not show (from an import) is kept.
	if err := site.st.UpdatePlan(model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "plans.json"}), p.ID, p.Version, &model.Plan{Ref: p.Ref, Jurisdiction: p.Jurisdiction,
		JurisdictionCode: p.JurisdictionCode, JurisdictionLevel: p.JurisdictionLevel, Number: 2,
		Title: model.Text{"zh-TW": p.Title["zh-TW"], "en": p.Title["en"], "es": "Segundo plan"}, Start: p.Start, End: p.End, Status: p.Status}); err != nil {
		t.Fatal(err)
	}
	site.clock.Advance(time.Minute)
	_, page = admin.do("GET", fmt.Sprintf("/admin/plans/%d/edit", p.ID), nil)
	form = formOf(page)
	if form.Get("version") != "2" || form.Get("title.en") != "Second Open Government National Action Plan" || form.Get("start") != "2025-01" {
		t.Fatalf("the edit form does not hold the plan: %v", form)
	}
	form.Set("status", "implementation")
	form.Set("title.en", "")
	res, _ = admin.send(fmt.Sprintf("/admin/plans/%d", p.ID), form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update plan: %d", res.StatusCode)
	}
	p, _ = site.st.FindPlanByID(context.Background(), p.ID)
	if p.Status != model.PlanImplementation || p.Title["en"] != "" || p.Title["es"] != "Segundo plan" || p.Version != 3 {
		t.Errorf("updated plan: %+v, title %q", p, p.Title)
	}
	cs, _, _ := site.st.FindChanges(context.Background(), store.ChangeFilter{PlanID: p.ID})
	admin1 := site.users[adminEmail]
	if len(cs) != 3 || cs[0].Door != model.DoorWeb || cs[0].Actor != "李秘書" || cs[0].UserID == nil || *cs[0].UserID != admin1.ID ||
		cs[0].Entity != model.EntityPlan || string(cs[0].Fields["status"].After) != `"implementation"` || cs[2].Action != model.ChangeCreated {
		t.Errorf("the plan's record of changes: %+v", cs)
	}

	// A theme of the new plan.
	_, page = admin.do("GET", fmt.Sprintf("/admin/themes/new?plan=%d", p.ID), nil)
	form = formOf(page)
	if form.Get("number") != "1" || form.Get("plan_id") != strconv.Itoa(int(p.ID)) {
		t.Fatalf("new theme form: %v", form)
	}
	form.Set("name.zh-TW", "開放資料")
	form.Set("name.en", "Open data")
	res, _ = admin.send("/admin/themes", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create theme: %d", res.StatusCode)
	}
	themes, _ := site.st.FindThemes(context.Background(), p.ID)
	if len(themes) != 1 || themes[0].Name["en"] != "Open data" || themes[0].Number != 1 {
		t.Fatalf("themes: %+v", themes)
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/themes?plan=%d", p.ID), nil)
	if !strings.Contains(page, fmt.Sprintf(`href="/admin/themes/%d/edit"`, themes[0].ID)) || !strings.Contains(page, "開放資料") {
		t.Error("the list of themes does not offer the new theme")
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/themes/%d/edit", themes[0].ID), nil)
	form = formOf(page)
	form.Set("name.en", "Open data and transparency")
	res, _ = admin.send(fmt.Sprintf("/admin/themes/%d", themes[0].ID), form)
	if th, _ := site.st.FindThemeByID(context.Background(), themes[0].ID); res.StatusCode != http.StatusSeeOther || th.Name["en"] != "Open data and transparency" || th.Version != 2 {
		t.Errorf("update theme: %d, stored %+v", res.StatusCode, th)
	}
	// The same form again changes nothing and records nothing.
	records := site.allChanges()
	if res, _ = admin.send(fmt.Sprintf("/admin/themes/%d", themes[0].ID), formOf(func() string {
		_, page := admin.do("GET", fmt.Sprintf("/admin/themes/%d/edit", themes[0].ID), nil)
		return page
	}())); res.StatusCode != http.StatusSeeOther || site.allChanges() != records {
		t.Errorf("an unchanged theme: %d, %d changes recorded", res.StatusCode, site.allChanges()-records)
	}
}

func TestTheAdministratorsChangesShowInTheCommitmentsHistory(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)

	_, page := admin.do("GET", commitment, nil)
	edit := fmt.Sprintf(`<a href="/admin/commitments/%d/edit">編輯（管理者）</a>`, site.commitmentID)
	if !strings.Contains(page, edit) {
		t.Fatal("the administrator is not offered to edit the commitment")
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID), nil)
	form := formOf(page)
	if form.Get("lead_agency") != "CEC" || strings.Join(form["supporting_agencies"], ",") != "EY-DCS" ||
		strings.Join(form["co_leads"], ",") != "DEMO-CIVICTECH" || form.Get("version") != "1" {
		t.Fatalf("the edit form does not hold the commitment: %v", form)
	}
	form["supporting_agencies"] = []string{"EY-DCS", "MOE"}
	form["partners"] = []string{"DEMO-OPENDATA"}
	form.Set("end", "2024-06")
	form["values"] = []string{"civic-participation", "technology-and-innovation"}
	form.Set("irm.completion", "withdrawn")
	res, _ := admin.send(fmt.Sprintf("/admin/commitments/%d", site.commitmentID), form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != commitment {
		t.Fatalf("update commitment: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	c, err := site.st.FindCommitmentByID(context.Background(), site.commitmentID)
	if err != nil || len(c.SupportingAgencies) != 2 || len(c.Organisations) != 2 || c.End != model.MustDate("2024-06") || c.Version != 2 ||
		c.IRM.Completion != model.CompletionWithdrawn {
		t.Fatalf("stored commitment: %+v", c)
	}
	ch := site.changes()[0]
	if ch.Entity != model.EntityCommitment || ch.Actor != "李秘書" || ch.Fields["supporting_agencies"].After == nil ||
		ch.Fields["partners"].After == nil || ch.Fields["co_leads"].After != nil || ch.Fields["end"].After == nil {
		t.Errorf("record of changes: %+v", ch)
	}
	for lang, want := range map[string][]string{
		"zh-TW": {"由李秘書（秘書處管理者）於網站修改", "協辦機關", "教育部", "夥伴公民團體", "示範開放資料聯盟（示範）"},
		"en":    {"Changed on the web by 李秘書, secretariat administrator", "Supporting agencies", "Civil-society partners", "Demo Open Data Alliance (demo)", "IRM: completion (end of term)", "Withdrawn"},
	} {
		_, page := site.visitor().do("GET", commitment+"?lang="+lang, nil)
		history := section(t, page, `id="history"`, "</ol>")
		for _, w := range want {
			if !strings.Contains(history, w) {
				t.Errorf("%s: the commitment's history lacks %q:\n%s", lang, w, history)
			}
		}
	}

	// A milestone added, then moved under another and given to an agency.
	_, page = admin.do("GET", fmt.Sprintf("/admin/milestones/new?commitment=%d", site.commitmentID), nil)
	form = formOf(page)
	form.Set("ref", "4.1")
	form.Set("title.zh-TW", "系統壓力測試")
	form.Set("title.en", "Load test of the system")
	form.Set("due", "2021-11")
	res, _ = admin.send("/admin/milestones", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != commitment {
		t.Fatalf("create milestone: %d", res.StatusCode)
	}
	ms, _ := site.st.FindMilestones(context.Background(), []uint{site.commitmentID})
	added := ms[site.commitmentID][len(ms[site.commitmentID])-1]
	if added.Ref != "4.1" || added.Status != model.MilestoneNotStarted || added.Weight != 1 || added.Position != len(ms[site.commitmentID]) {
		t.Fatalf("added milestone: %+v", added)
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/milestones/%d/edit", added.ID), nil)
	form = formOf(page)
	form.Set("parent", strconv.Itoa(int(site.m.ID)))
	form.Set("agency", "EY-DCS")
	form.Set("weight", "0.5")
	res, _ = admin.send(fmt.Sprintf("/admin/milestones/%d", added.ID), form)
	m, _ := site.st.FindMilestoneByID(context.Background(), added.ID)
	if res.StatusCode != http.StatusSeeOther || m.ParentID == nil || *m.ParentID != site.m.ID || m.Agency == nil || m.Agency.Code != "EY-DCS" || m.Weight != 0.5 || m.Version != 2 {
		t.Fatalf("update milestone: %d, stored %+v", res.StatusCode, m)
	}
	_, page = site.visitor().do("GET", commitment+"?lang=en", nil)
	history := section(t, page, `id="history"`, "</ol>")
	for _, w := range []string{"Milestone 4.1 added", "Milestone 4.1 updated", "Parent milestone", "Responsible agency", "Weight"} {
		if !strings.Contains(history, w) {
			t.Errorf("the commitment's history lacks %q:\n%s", w, history)
		}
	}

	// A new commitment, with its agencies.
	_, page = admin.do("GET", fmt.Sprintf("/admin/commitments/new?plan=%d", site.plan.ID), nil)
	form = formOf(page)
	form.Set("ref", "TWN-1/5-9")
	form.Set("code", "5-9")
	form.Set("theme", strconv.Itoa(int(site.theme.ID)))
	form.Set("title.zh-TW", "開放國會資料")
	form.Set("lead_agency", "MOE")
	form["co_leads"] = []string{"DEMO-OPENDATA"}
	form.Set("policy_areas", "Open Parliaments\nOpen Data\n")
	res, _ = admin.send("/admin/commitments", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create commitment: %d", res.StatusCode)
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(res.Header.Get("Location"), "/commitments/"))
	c, err = site.st.FindCommitmentByID(context.Background(), uint(id))
	if err != nil || c.LeadAgency == nil || c.LeadAgency.Code != "MOE" || c.ThemeID == nil || *c.ThemeID != site.theme.ID ||
		len(c.Organisations) != 1 || c.Organisations[0].Role != model.RoleCoLead || strings.Join(c.PolicyAreas, "|") != "Open Parliaments|Open Data" {
		t.Fatalf("created commitment: %+v %v", c, err)
	}
	_, page = site.visitor().do("GET", fmt.Sprintf("/commitments/%d", id), nil)
	if !strings.Contains(page, "Commitment created") && !strings.Contains(page, "新增承諾事項") && !strings.Contains(section(t, page, `id="history"`, "</ol>"), "由李秘書（秘書處管理者）於網站修改") {
		t.Errorf("the new commitment's history does not name the administrator")
	}
	cs, _, _ := site.st.FindChanges(context.Background(), store.ChangeFilter{CommitmentID: uint(id)})
	if len(cs) != 1 || cs[0].Action != model.ChangeCreated || cs[0].Fields["co_leads"].After == nil || cs[0].Fields["lead_agency"].After == nil {
		t.Errorf("the new commitment's record: %+v", cs)
	}
}

func TestBadPlanDataIsRefusedAndKept(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	tooLong := strings.Repeat("長", 1001)
	huge := strings.Repeat("a", 10_000_000) // 10 MB, within what a form may carry
	commitmentForm := func() url.Values {
		_, page := admin.do("GET", fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID), nil)
		return formOf(page)
	}
	for _, tc := range []struct {
		name, path string
		form       func() url.Values
		field      string // whose value must come back as typed
		want       []string
	}{
		{"an end before the start", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Set("start", "2022-03-01")
			v.Set("end", "2021-12")
			return v
		}, "end", []string{"結束日期早於開始日期。"}},
		{"an unknown lead agency", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Set("lead_agency", "NOPE")
			return v
		}, "", []string{"追蹤系統中沒有這個機關"}},
		{"an unknown supporting agency", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Add("supporting_agencies", "NOPE")
			return v
		}, "", []string{"追蹤系統中沒有這個機關"}},
		{"a title too long", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Set("title.en", tooLong)
			return v
		}, "title.en", []string{"內容過長：最多 1000 個字元。"}},
		{"a title of 10 MB", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Set("title.zh-TW", huge)
			return v
		}, "", []string{"內容過長：最多 1000 個字元。"}},
		{"no title", fmt.Sprintf("/admin/commitments/%d", site.commitmentID), func() url.Values {
			v := commitmentForm()
			v.Set("title.zh-TW", " ")
			v.Set("title.en", "")
			return v
		}, "", []string{"此欄為必填。"}},
		{"a date that is none", fmt.Sprintf("/admin/milestones/%d", site.m.ID), func() url.Values {
			_, page := admin.do("GET", fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID), nil)
			v := formOf(page)
			v.Set("due", "next spring")
			v.Set("ref", "") // shown with the date's error, at once
			return v
		}, "due", []string{"這不是有效的日期", "此欄為必填。"}},
		{"a weight of nothing", fmt.Sprintf("/admin/milestones/%d", site.m.ID), func() url.Values {
			_, page := admin.do("GET", fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID), nil)
			v := formOf(page)
			v.Set("weight", "0")
			return v
		}, "weight", []string{"必須大於 0。"}},
		{"a plan without its required fields", "/admin/plans", func() url.Values {
			return url.Values{"ref": {""}, "status": {"co-creation"}, "start": {"2024-01"}, "end": {"2023-12"}}
		}, "start", []string{"此欄為必填。", "結束日期早於開始日期。"}},
		{"a plan identifier already used", "/admin/plans", func() url.Values {
			return url.Values{"ref": {site.plan.Ref}, "title.en": {"Again"}, "jurisdiction.en": {"Taiwan"}, "jurisdiction_code": {"TWN"}, "status": {"ended"}}
		}, "title.en", []string{"已有其他資料使用這個值"}},
		{"a theme number already used", "/admin/themes", func() url.Values {
			return url.Values{"plan_id": {strconv.Itoa(int(site.plan.ID))}, "number": {strconv.Itoa(site.theme.Number)}, "name.en": {"Twice"}}
		}, "name.en", []string{"已有其他資料使用這個值"}},
		{"a milestone under a child", "/admin/milestones", func() url.Values {
			return url.Values{"commitment_id": {strconv.Itoa(int(site.commitmentID))}, "ref": {"9"}, "title.en": {"Deep"}, "weight": {"1"}, "parent": {"999999"}}
		}, "title.en", []string{"上層里程碑必須是同一承諾事項的第一層里程碑。"}},
	} {
		records, counts := site.allChanges(), site.counts()
		form := tc.form()
		res, page := admin.send(tc.path, form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tc.name, res.StatusCode)
			continue
		}
		for _, w := range append(tc.want, "尚未儲存任何內容。") {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page does not say %q", tc.name, w)
			}
		}
		if !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("%s: no field is marked", tc.name)
		}
		if tc.field != "" && formOf(page).Get(tc.field) != form.Get(tc.field) {
			t.Errorf("%s: %s is not kept as typed: %.100q", tc.name, tc.field, formOf(page).Get(tc.field))
		}
		if site.allChanges() != records || site.counts() != counts {
			t.Errorf("%s: something was written", tc.name)
		}
	}
	if c, _ := site.st.FindCommitmentByID(context.Background(), site.commitmentID); c.Version != 1 || c.LeadAgency.Code != "CEC" {
		t.Errorf("refused forms changed the commitment: %+v", c)
	}
}

func TestTheSecondOfTwoAdministratorsIsShownTheFirstsChange(t *testing.T) {
	site := newAdminSite(t)
	ctx := context.Background()
	u := &model.User{Email: "second@secretariat.example.org", Name: "周秘書", Role: model.RoleAdmin}
	if err := u.SetPassword(testPassword); err != nil {
		t.Fatal(err)
	}
	if err := site.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	first, second := site.as(adminEmail), site.as(u.Email)
	path := fmt.Sprintf("/admin/commitments/%d", site.commitmentID)
	_, firstPage := first.do("GET", path+"/edit", nil)
	_, secondPage := second.do("GET", path+"/edit?lang=en", nil)

	firstForm := formOf(firstPage)
	firstForm.Set("title.en", "Online petitions for national referendums")
	firstForm["supporting_agencies"] = nil
	if res, _ := first.send(path, firstForm); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	site.clock.Advance(time.Minute)
	secondForm := formOf(secondPage)
	secondForm.Set("objective.en", "Every referendum petition can be signed online.")
	res, page := second.send(path+"?lang=en", secondForm)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second edit of the same version: %d, want 409", res.StatusCode)
	}
	conflict := section(t, page, `id="admin-conflict"`, "</div>")
	for _, w := range []string{"Someone else changed this record", "李秘書", "Online petitions for national referendums", "Supporting agencies"} {
		if !strings.Contains(conflict, w) {
			t.Errorf("the conflict does not show %q:\n%s", w, conflict)
		}
	}
	kept := formOf(page)
	if kept.Get("objective.en") != "Every referendum petition can be signed online." || kept.Get("version") != "2" {
		t.Errorf("what the second typed is lost, or the version is not the new one: %v", kept)
	}
	c, _ := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if c.Title["en"] != "Online petitions for national referendums" || c.Objective["en"] == "Every referendum petition can be signed online." || len(site.changes()) != 1 {
		t.Errorf("the first change was overwritten: %+v", c)
	}
	// Sent again knowingly, from the page that showed the conflict, it is saved.
	if res, _ := second.send(path, kept); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resent after the conflict: %d", res.StatusCode)
	}
	c, _ = site.st.FindCommitmentByID(ctx, site.commitmentID)
	if c.Objective["en"] != "Every referendum petition can be signed online." || c.Version != 3 || len(site.changes()) != 2 {
		t.Errorf("the resent form: %+v", c)
	}

	// Plans, themes and milestones are caught the same way.
	for _, p := range []struct{ edit, post string }{
		{fmt.Sprintf("/admin/plans/%d/edit", site.plan.ID), fmt.Sprintf("/admin/plans/%d", site.plan.ID)},
		{fmt.Sprintf("/admin/themes/%d/edit", site.theme.ID), fmt.Sprintf("/admin/themes/%d", site.theme.ID)},
		{fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID), fmt.Sprintf("/admin/milestones/%d", site.m.ID)},
	} {
		_, a := first.do("GET", p.edit, nil)
		_, b := second.do("GET", p.edit, nil)
		fa, fb := formOf(a), formOf(b)
		for _, f := range []url.Values{fa, fb} {
			for k := range f {
				if strings.HasSuffix(k, ".en") {
					f.Set(k, f.Get(k)+" (revised)")
					break
				}
			}
		}
		fb.Set("title.zh-TW", "另一個標題")
		fb.Set("name.zh-TW", "另一個名稱")
		if res, _ := first.send(p.post, fa); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: first: %d", p.post, res.StatusCode)
		}
		res, page := second.send(p.post, fb)
		if res.StatusCode != http.StatusConflict || !strings.Contains(page, "Someone else changed this record") || !strings.Contains(page, "(revised)") {
			t.Errorf("%s: second: %d, want 409 with the first change\n%s", p.post, res.StatusCode, page)
		}
	}
}

func TestTheAdministrationSpeaksBothLanguages(t *testing.T) {
	site := newAdminSite(t)
	admin := site.as(adminEmail)
	for _, tc := range []struct {
		path string
		zh   []string
		en   []string
	}{
		{"/admin/plans/new", []string{"<h1>新增行動方案</h1>", `<label for="f-ref">識別碼`, "<legend>標題", `<label for="f-status">階段`, "共創中"},
			[]string{"<h1>New action plan</h1>", `<label for="f-ref">Identifier`, "<legend>Title", `<label for="f-status">Stage`, "Co-creation"}},
		{fmt.Sprintf("/admin/commitments/%d/edit", site.commitmentID),
			[]string{"<h1>編輯承諾事項 2-1</h1>", `<label for="f-lead_agency">主責機關`, `<label for="f-supporting_agencies">協辦機關`, "<legend>開放政府價值", "儲存", "此處不刪除任何資料"},
			[]string{"<h1>Edit commitment 2-1</h1>", `<label for="f-lead_agency">Lead agency`, `<label for="f-supporting_agencies">Supporting agencies`, "<legend>OGP values", "Save", "Records are never deleted here"}},
		{fmt.Sprintf("/admin/milestones/%d/edit", site.m.ID),
			[]string{"<h1>編輯里程碑 4</h1>", `<label for="f-due">到期`, `<label for="f-weight">權重`, `<label for="f-parent">上層里程碑`},
			[]string{"<h1>Edit milestone 4</h1>", `<label for="f-due">Due`, `<label for="f-weight">Weight`, `<label for="f-parent">Parent milestone`}},
		{fmt.Sprintf("/admin/themes?plan=%d", site.plan.ID), []string{"<h1>主軸</h1>", "新增主軸"}, []string{"<h1>Themes</h1>", "New theme"}},
	} {
		for lang, want := range map[string][]string{"zh-TW": tc.zh, "en": tc.en} {
			_, page := admin.do("GET", tc.path+map[bool]string{true: "&", false: "?"}[strings.Contains(tc.path, "?")]+"lang="+lang, nil)
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("%s in %s: no %q", tc.path, lang, w)
				}
			}
		}
	}
	_, page := site.as(committeeEmail).do("GET", "/admin/plans?lang=en", nil)
	if !strings.Contains(page, "<h1>Administrators only</h1>") {
		t.Error("the 403 page is not in English")
	}
}

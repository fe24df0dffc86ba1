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

// editSite is the demo plan with one account of each kind around
// commitment 2-1, which the Central Election Commission leads and the
// Department of Cyber Security supports.
type editSite struct {
	*accountSite
	commitmentID uint
	m            *model.Milestone // 2-1's milestone 4, "全國性公民投票案電子連署系統上線"
	imported     int              // changes recorded by the import of the demo plan
	users        map[string]*model.User
}

func newEditSite(t *testing.T) *editSite {
	t.Helper()
	site := &editSite{accountSite: newAccountSite(t, "http://example.test"), users: map[string]*model.User{}}
	ctx := context.Background()
	agency := func(code string) *uint {
		a, err := site.st.FindAgencyByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return &a.ID
	}
	for _, u := range []*model.User{
		{Email: "liaison@dcs.example.org", Name: "張協辦", Role: model.RoleLiaison, AgencyID: agency("EY-DCS")},
		{Email: "liaison@moe.example.org", Name: "王他機關", Role: model.RoleLiaison, AgencyID: agency("MOE")},
		{Email: "member@committee.example.org", Name: "陳委員", Role: model.RoleCommittee},
		{Email: "admin@secretariat.example.org", Name: "李秘書", Role: model.RoleAdmin},
	} {
		if err := u.SetPassword(testPassword); err != nil {
			t.Fatal(err)
		}
		if err := site.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, email := range []string{"liaison@cec.example.org", "liaison@dcs.example.org", "liaison@moe.example.org",
		"member@committee.example.org", "admin@secretariat.example.org"} {
		u, err := site.st.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		site.users[email] = u
	}
	_, home := site.visitor().do("GET", "/", nil)
	i := strings.Index(home, "全國性公民投票案電子連署")
	link := home[strings.LastIndex(home[:i], `href="/commitments/`)+len(`href="/commitments/`):]
	id, err := strconv.Atoi(link[:strings.Index(link, `"`)])
	if err != nil {
		t.Fatal(err)
	}
	site.commitmentID = uint(id)
	ms, err := site.st.FindMilestones(ctx, []uint{site.commitmentID})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ms[site.commitmentID] {
		if m := ms[site.commitmentID][i]; m.Ref == "4" {
			site.m = &m
		}
	}
	if site.m == nil || site.m.Title["zh-TW"] != "全國性公民投票案電子連署系統上線" || site.m.Status != model.MilestoneNotStarted {
		t.Fatalf("the demo plan's milestone 2-1/4 is not as the tests expect: %+v", site.m)
	}
	site.imported = len(site.changes())
	site.clock.Advance(time.Hour) // changes on the web come after the import
	return site
}

// milestone reads the milestone as stored now.
func (s *editSite) milestone() *model.Milestone {
	s.t.Helper()
	m, err := s.st.FindMilestoneByID(context.Background(), s.m.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

// changes returns the commitment's record of changes since the import, newest first.
func (s *editSite) changes() []model.Change {
	s.t.Helper()
	cs, _, err := s.st.FindChanges(context.Background(), store.ChangeFilter{CommitmentID: s.commitmentID, DraftSaves: true})
	if err != nil {
		s.t.Fatal(err)
	}
	return cs[:len(cs)-s.imported]
}

// as returns a visitor signed in with email, or an anonymous one for "".
func (s *editSite) as(email string) *visitor {
	s.t.Helper()
	b := s.visitor()
	if email != "" {
		if res, _ := b.signIn(email, testPassword); res.StatusCode != http.StatusSeeOther {
			s.t.Fatalf("%s could not sign in: %d", email, res.StatusCode)
		}
	}
	return b
}

func (s *editSite) editPath() string   { return fmt.Sprintf("/milestones/%d/edit", s.m.ID) }
func (s *editSite) updatePath() string { return fmt.Sprintf("/milestones/%d", s.m.ID) }

var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

// formToken is the visitor's form token, read from a page as a browser would.
func (b *visitor) formToken() string {
	b.t.Helper()
	_, page := b.do("GET", "/signin", nil) // every visitor is shown a form there
	return b.token(page)
}

func TestMilestoneStatusCanBeChangedOnlyByThoseAllowed(t *testing.T) {
	site := newEditSite(t)
	signIn := "/signin?next=" + url.QueryEscape(site.editPath())
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)
	for _, tc := range []struct {
		role, email string
		get         int
		post        int
		to          string // where an answer 303 leads
	}{
		{"anonymous", "", http.StatusSeeOther, http.StatusSeeOther, signIn},
		{"liaison of the lead agency", "liaison@cec.example.org", http.StatusOK, http.StatusSeeOther, commitment},
		{"liaison of a supporting agency", "liaison@dcs.example.org", http.StatusOK, http.StatusSeeOther, commitment},
		{"liaison of another agency", "liaison@moe.example.org", http.StatusForbidden, http.StatusForbidden, ""},
		{"committee member", "member@committee.example.org", http.StatusForbidden, http.StatusForbidden, ""},
		{"administrator", "admin@secretariat.example.org", http.StatusOK, http.StatusSeeOther, commitment},
	} {
		b := site.as(tc.email)
		res, page := b.do("GET", site.editPath(), nil)
		if res.StatusCode != tc.get || tc.get == http.StatusSeeOther && res.Header.Get("Location") != tc.to {
			t.Errorf("%s: GET edit: %d to %q, want %d", tc.role, res.StatusCode, res.Header.Get("Location"), tc.get)
		}
		if tc.get == http.StatusForbidden && !strings.Contains(page, "<h1>您無權修改這個里程碑</h1>") {
			t.Errorf("%s: GET edit: not the 403 page:\n%s", tc.role, page)
		}
		if tc.get == http.StatusOK && !strings.Contains(page, `<label for="edit-status">`) {
			t.Errorf("%s: GET edit: no form", tc.role)
		}

		// The POST is crafted directly, with a valid form token and the
		// current version: only the rule stands between it and the change.
		// Sent from the edit page: a visitor whose session ended meanwhile
		// signs in and comes back to it.
		b.from = site.editPath()
		before, records := site.milestone(), len(site.changes())
		status := model.MilestoneInProgress
		if before.Status == status {
			status = model.MilestoneDelayed
		}
		res, page = b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.formToken()},
			"status": {string(status)}, "version": {strconv.Itoa(before.Version)}})
		if res.StatusCode != tc.post || tc.post == http.StatusSeeOther && res.Header.Get("Location") != tc.to {
			t.Errorf("%s: POST: %d to %q, want %d to %q", tc.role, res.StatusCode, res.Header.Get("Location"), tc.post, tc.to)
		}
		after := site.milestone()
		changed := after.Status == status && after.Version == before.Version+1 && len(site.changes()) == records+1
		unchanged := after.Status == before.Status && after.Version == before.Version && len(site.changes()) == records
		if allowed := tc.post == http.StatusSeeOther && tc.email != ""; allowed && !changed || !allowed && !unchanged {
			t.Errorf("%s: POST: the milestone went from %s v%d to %s v%d", tc.role, before.Status, before.Version, after.Status, after.Version)
		}
		if tc.post == http.StatusForbidden && !strings.Contains(page, "您無權修改這個里程碑") {
			t.Errorf("%s: POST: not the 403 page", tc.role)
		}
	}
}

func TestAMilestoneChangeWithoutTheFormTokenIsRefused(t *testing.T) {
	site := newEditSite(t)
	b := site.as("liaison@cec.example.org")
	for _, token := range []string{"", "forged"} {
		form := url.Values{"status": {"delayed"}, "version": {strconv.Itoa(site.m.Version)}}
		if token != "" {
			form.Set("csrf_token", token)
		}
		res, page := b.do("POST", site.updatePath(), form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>表單已失效</h1>") {
			t.Errorf("token %q: %d", token, res.StatusCode)
		}
	}
	if m := site.milestone(); m.Status != model.MilestoneNotStarted || m.Version != site.m.Version || len(site.changes()) != 0 {
		t.Errorf("a refused form changed the milestone: %s v%d", m.Status, m.Version)
	}
}

func TestAMilestoneChangeShowsOnTheCommitmentThePlanAndTheRecord(t *testing.T) {
	site := newEditSite(t)
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)
	b := site.as("liaison@cec.example.org")

	// Only those allowed are offered the link.
	link := `href="` + site.editPath() + `"`
	for _, email := range []string{"", "liaison@moe.example.org", "member@committee.example.org"} {
		if _, page := site.as(email).do("GET", commitment, nil); strings.Contains(page, link) {
			t.Errorf("%q is offered a change they may not make", email)
		}
	}
	_, page := b.do("GET", commitment, nil)
	if !strings.Contains(page, link) || !strings.Contains(page, "里程碑 4 的狀態") {
		t.Fatal("the lead agency's liaison is not offered the update link")
	}
	_, plan := b.do("GET", "/plans/1", nil) // remembered until the database changes
	if !strings.Contains(plan, `<dt>整體進度</dt><dd><progress max="100" value="0"`) {
		t.Fatalf("the plan does not start at 0%%:\n%s", section(t, plan, "<dl class=\"facts\">", "</dl>"))
	}

	res, form := b.do("GET", site.editPath(), nil)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(form, "<h1>更新里程碑 4</h1>") || !strings.Contains(form, `<label for="edit-completed-on">完成日期</label>`) {
		t.Fatalf("edit page: %d %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), form)
	}
	version := versionInput.FindStringSubmatch(form)[1]
	res, _ = b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.token(form)}, "version": {version},
		"status": {"completed"}, "completed_on": {"2021-12-15"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != commitment {
		t.Fatalf("update: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	_, page = site.visitor().do("GET", commitment, nil)
	row := section(t, section(t, page, `<table class="milestones">`, "</table>"), "全國性公民投票案電子連署系統上線", "</tr>")
	if !strings.Contains(row, "已完成") || !strings.Contains(row, "2021年12月15日") {
		t.Errorf("the commitment page does not show the change:\n%s", row)
	}
	if !strings.Contains(page, "由林聯絡（CEC 機關聯絡人）於網站修改") {
		t.Errorf("the commitment's history does not name who changed it, with role and agency:\n%s", section(t, page, "id=\"history", "</section>"))
	}
	_, plan = site.visitor().do("GET", "/plans/1", nil)
	if strings.Contains(plan, `<dt>整體進度</dt><dd><progress max="100" value="0"`) {
		t.Error("the plan page still shows its progress from before the change")
	}

	c := site.changes()[0]
	liaison := site.users["liaison@cec.example.org"]
	if c.Door != model.DoorWeb || c.UserID == nil || *c.UserID != liaison.ID || c.Entity != model.EntityMilestone ||
		c.EntityID != site.m.ID || string(c.Fields["status"].Before) != `"not-started"` || string(c.Fields["status"].After) != `"completed"` ||
		string(c.Fields["completed_on"].After) != `"2021-12-15"` || c.Fields["completed_on"].Before != nil {
		t.Errorf("record of changes: %+v", c)
	}
}

func TestBadMilestoneInputIsRefusedAndKept(t *testing.T) {
	site := newEditSite(t)
	b := site.as("liaison@cec.example.org")
	for _, tc := range []struct {
		status, completedOn, want string
	}{
		{"completed", "", "已完成的里程碑須填寫完成日期。"},
		{"completed", "2021-12-21", "完成日期不能晚於今天。"},       // the clock says 20 December 2021
		{"completed", "2020-12-31", "完成日期不能早於里程碑的開始日期。"}, // it starts in January 2021
		{"completed", "yesterday", "這不是有效的日期"},
		{"finished", "", "請從清單中選擇一種狀態。"},
	} {
		res, page := b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.formToken()},
			"version": {strconv.Itoa(site.m.Version)}, "status": {tc.status}, "completed_on": {tc.completedOn}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) {
			t.Errorf("%s %q: %d, want 422 with %q", tc.status, tc.completedOn, res.StatusCode, tc.want)
		}
		if !strings.Contains(page, `name="completed_on" type="date" value="`+tc.completedOn+`"`) {
			t.Errorf("%s %q: what was typed is lost", tc.status, tc.completedOn)
		}
	}
	if m := site.milestone(); m.Status != model.MilestoneNotStarted || m.Version != site.m.Version || len(site.changes()) != 0 {
		t.Errorf("bad input changed the milestone: %s v%d", m.Status, m.Version)
	}
	// Another status clears a completion date sent with it.
	res, _ := b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.formToken()},
		"version": {strconv.Itoa(site.m.Version)}, "status": {"in-progress"}, "completed_on": {"2021-12-01"}})
	if m := site.milestone(); res.StatusCode != http.StatusSeeOther || m.Status != model.MilestoneInProgress || !m.CompletedOn.IsZero() {
		t.Errorf("in progress with a date: %d, stored %s %v", res.StatusCode, m.Status, m.CompletedOn)
	}
}

func TestTheSecondOfTwoEditsOfOneVersionIsShownTheFirst(t *testing.T) {
	site := newEditSite(t)
	liaison, admin := site.as("liaison@cec.example.org"), site.as("admin@secretariat.example.org")
	_, liaisonForm := liaison.do("GET", site.editPath(), nil)
	_, adminForm := admin.do("GET", site.editPath(), nil)

	res, _ := liaison.do("POST", site.updatePath(), url.Values{"csrf_token": {liaison.token(liaisonForm)},
		"version": {versionInput.FindStringSubmatch(liaisonForm)[1]}, "status": {"completed"}, "completed_on": {"2021-12-15"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d", res.StatusCode)
	}
	res, page := admin.do("POST", site.updatePath(), url.Values{"csrf_token": {admin.token(adminForm)},
		"version": {versionInput.FindStringSubmatch(adminForm)[1]}, "status": {"delayed"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second edit of the same version: %d, want 409", res.StatusCode)
	}
	conflict := section(t, page, `id="edit-conflict"`, "</div>")
	if !strings.Contains(conflict, "已有其他人修改") || !strings.Contains(conflict, "已完成") || !strings.Contains(conflict, "2021年12月15日") {
		t.Errorf("the conflict does not show the other change:\n%s", conflict)
	}
	if !strings.Contains(page, `<option value="delayed" selected>`) {
		t.Error("the second editor's choice is lost")
	}
	if m := site.milestone(); m.Status != model.MilestoneCompleted || len(site.changes()) != 1 {
		t.Errorf("the first change was overwritten: %s", m.Status)
	}
	// Sent again knowingly, from the page that showed the conflict, it is saved.
	res, _ = admin.do("POST", site.updatePath(), url.Values{"csrf_token": {admin.token(page)},
		"version": {versionInput.FindStringSubmatch(page)[1]}, "status": {"delayed"}})
	if m := site.milestone(); res.StatusCode != http.StatusSeeOther || m.Status != model.MilestoneDelayed || !m.CompletedOn.IsZero() {
		t.Errorf("resent after the conflict: %d, stored %s", res.StatusCode, m.Status)
	}
}

// A liaison's update carries a progress note and evidence links, shown on
// the commitment's page; a bad link is refused with the rest kept.
func TestAMilestoneUpdateTakesANoteAndEvidence(t *testing.T) {
	site := newEditSite(t)
	b := site.as("liaison@cec.example.org")
	form := url.Values{"csrf_token": {b.formToken()}, "version": {fmt.Sprint(site.m.Version)}, "status": {"in-progress"},
		"note": {"系統測試中，預計 12 月底上線。"}, "evidence_title": {"測試報告", "壞連結"}, "evidence_url": {"https://www.cec.gov.tw/test.pdf", "javascript:alert(1)"}}
	res, page := b.do("POST", site.updatePath()+"?lang=en", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="javascript:alert(1)"`) ||
		!strings.Contains(page, "系統測試中") {
		t.Fatalf("a bad link: %d, want 422 with what was typed\n%.2000s", res.StatusCode, page)
	}
	if m := site.milestone(); m.Note != "" || m.Status != site.m.Status {
		t.Fatalf("a refused update changed the milestone: %+v", m)
	}
	form["evidence_title"], form["evidence_url"] = []string{"測試報告", ""}, []string{"https://www.cec.gov.tw/test.pdf", ""}
	if res, _ := b.do("POST", site.updatePath(), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	m := site.milestone()
	if m.Note != "系統測試中，預計 12 月底上線。" || len(m.Evidence) != 1 || m.Evidence[0].URL != "https://www.cec.gov.tw/test.pdf" {
		t.Errorf("stored: note %q, evidence %+v", m.Note, m.Evidence)
	}
	_, page = site.visitor().do("GET", fmt.Sprintf("/commitments/%d", m.CommitmentID), nil)
	if !strings.Contains(page, `<p class="milestone-note">系統測試中，預計 12 月底上線。</p>`) || !strings.Contains(page, "https://www.cec.gov.tw/test.pdf") {
		t.Error("the commitment page lacks the note or the link")
	}
	// The edit form starts from them.
	if _, form := b.do("GET", site.editPath(), nil); !strings.Contains(form, "系統測試中") || !strings.Contains(form, `value="https://www.cec.gov.tw/test.pdf"`) {
		t.Error("the edit form does not start from the note and links")
	}
}

func TestTheMilestoneFormOffersThePlansOwnScale(t *testing.T) {
	site := newEditSite(t)
	// The demo plan, imported again with a scale of its own.
	ctx := context.Background()
	c, err := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := site.st.ExportDataset(ctx, store.ExportOptions{PlanID: c.PlanID, Private: true})
	if err != nil {
		t.Fatal(err)
	}
	ds.Plans[0].StatusScale = model.StatusScale{
		{Key: "not-started", Label: model.T("en", "Not started"), Status: model.MilestoneNotStarted},
		{Key: "limited", Label: model.T("en", "Limited progress"), Status: model.MilestoneInProgress},
		{Key: "substantial", Label: model.T("en", "Substantial progress"), Status: model.MilestoneInProgress},
		{Key: "complete", Label: model.T("en", "Complete"), Status: model.MilestoneCompleted},
	}
	if _, err := site.st.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	site.m = site.milestone()
	b := site.as("liaison@cec.example.org")
	_, page := b.do("GET", site.editPath()+"?lang=en", nil)
	for _, want := range []string{`<option value="not-started" selected>Not started (Not started)</option>`,
		`<option value="substantial">Substantial progress (In progress)</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q in\n%s", want, page[strings.Index(page, "<select"):][:600])
		}
	}
	if strings.Contains(page, `<option value="delayed"`) {
		t.Error("the form offers the tracker's statuses beside the plan's")
	}
	// A word that is no status at all is refused and kept out.
	res, _ := b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.formToken()},
		"version": {strconv.Itoa(site.m.Version)}, "status": {"halfway"}})
	if m := site.milestone(); res.StatusCode != http.StatusUnprocessableEntity || m.Version != site.m.Version {
		t.Errorf("halfway: %d, stored v%d", res.StatusCode, m.Version)
	}
	res, _ = b.do("POST", site.updatePath(), url.Values{"csrf_token": {b.formToken()},
		"version": {strconv.Itoa(site.m.Version)}, "status": {"substantial"}})
	m := site.milestone()
	if res.StatusCode != http.StatusSeeOther || m.Status != model.MilestoneInProgress || m.StatusKey != "substantial" {
		t.Fatalf("substantial: %d, stored %s / %q", res.StatusCode, m.Status, m.StatusKey)
	}
	_, page = b.do("GET", fmt.Sprintf("/commitments/%d?lang=en", site.commitmentID), nil)
	if !strings.Contains(page, "Substantial progress") {
		t.Error("the commitment page does not show the plan's word")
	}
}

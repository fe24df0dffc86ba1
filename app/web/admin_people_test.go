package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// peopleSite is the demo plan with one account of each kind (see
// newEditSite) and the ids the administrator's pages are tested on.
type peopleSite struct {
	*editSite
	cec, ndc *model.Agency
	org      *model.Organisation
	contact  *model.Contact // the CEC's liaison in the demo plan
}

func newPeopleSite(t *testing.T) *peopleSite {
	t.Helper()
	s := &peopleSite{editSite: newEditSite(t)}
	ctx := context.Background()
	var err error
	if s.cec, err = s.st.FindAgencyByCode(ctx, "CEC"); err != nil {
		t.Fatal(err)
	}
	if s.ndc, err = s.st.FindAgencyByCode(ctx, "NDC"); err != nil {
		t.Fatal(err)
	}
	if s.org, err = s.st.FindOrganisationByCode(ctx, "DEMO-CIVICTECH"); err != nil {
		t.Fatal(err)
	}
	cs, err := s.st.FindContactsOfAgency(ctx, s.cec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		if cs[i].Ref == "demo-cec-liaison" {
			s.contact = &cs[i]
		}
	}
	if s.contact == nil {
		t.Fatal("the demo plan has no CEC liaison")
	}
	return s
}

// lastChanges is the n changes recorded last, the latest first.
func (s *peopleSite) lastChanges(n int) []model.Change {
	s.t.Helper()
	cs, _ := s.allChanges()
	slices.SortFunc(cs, func(a, b model.Change) int { return int(b.ID) - int(a.ID) })
	return cs[:min(n, len(cs))]
}

// allChanges is the whole record of changes, newest first, and how many.
func (s *peopleSite) allChanges() ([]model.Change, int64) {
	s.t.Helper()
	cs, total, err := s.st.FindChanges(context.Background(), store.ChangeFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	return cs, total
}

func (s *peopleSite) user(email string) *model.User {
	s.t.Helper()
	u, err := s.st.FindUserByEmail(context.Background(), email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// post sends a form with the visitor's form token.
func (b *visitor) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.formToken())
	return b.do("POST", path, form)
}

// peopleWrite is one write route of the administrator's pages, with a
// form that an administrator would have accepted.
type peopleWrite struct {
	path    string
	form    url.Values
	next    string     // where the public is sent to sign in
	version func() int // the record's version now, for the form; nil when it has none
}

// formNow is the write's form with the record's version as it is now.
func (w peopleWrite) formNow() url.Values {
	form := url.Values{}
	for k, v := range w.form {
		form[k] = v
	}
	if w.version != nil {
		form.Set("version", fmt.Sprint(w.version()))
	}
	return form
}

func (s *peopleSite) writes() []peopleWrite {
	v := func(pairs ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(pairs); i += 2 {
			out.Set(pairs[i], pairs[i+1])
		}
		return out
	}
	liaison := s.user("liaison@moe.example.org")
	ctx := context.Background()
	agency := func() int { a, _ := s.st.FindAgencyByID(ctx, s.cec.ID); return a.Version }
	contact := func() int { c, _ := s.st.FindContactByID(ctx, s.contact.ID); return c.Version }
	organisation := func() int { o, _ := s.st.FindOrganisationByID(ctx, s.org.ID); return o.Version }
	account := func() int { return s.user("liaison@moe.example.org").Version }
	return []peopleWrite{
		{"/admin/agencies", v("code", "NEW", "name.zh-TW", "新機關"), "/admin/agencies", nil},
		{fmt.Sprintf("/admin/agencies/%d", s.cec.ID), v("code", "CEC", "name.zh-TW", "改名", "version", "1"), fmt.Sprintf("/admin/agencies/%d", s.cec.ID), agency},
		{fmt.Sprintf("/admin/agencies/%d/contacts", s.cec.ID), v("name", "新聯絡人", "role", "deputy"), fmt.Sprintf("/admin/agencies/%d", s.cec.ID), nil},
		{fmt.Sprintf("/admin/contacts/%d", s.contact.ID), v("name", "改名", "role", "liaison", "version", "1"), fmt.Sprintf("/admin/contacts/%d", s.contact.ID), contact},
		{fmt.Sprintf("/admin/contacts/%d/handover", s.contact.ID), v("name", "接任者", "active_from", "2022-01-10", "version", "1"), fmt.Sprintf("/admin/contacts/%d", s.contact.ID), contact},
		{"/admin/organisations", v("code", "NEW-ORG", "name.zh-TW", "新團體"), "/admin/organisations", nil},
		{fmt.Sprintf("/admin/organisations/%d", s.org.ID), v("code", s.org.Code, "name.zh-TW", "改名", "version", "1"), fmt.Sprintf("/admin/organisations/%d", s.org.ID), organisation},
		{"/admin/users", v("email", "new@example.org", "name", "新人", "role", "committee"), "/admin/users", nil},
		{fmt.Sprintf("/admin/users/%d", liaison.ID), v("name", "改名", "role", "liaison", "agency", fmt.Sprint(*liaison.AgencyID), "version", "1"), fmt.Sprintf("/admin/users/%d", liaison.ID), account},
		{fmt.Sprintf("/admin/users/%d/disable", liaison.ID), v("version", "1"), fmt.Sprintf("/admin/users/%d", liaison.ID), account},
		{fmt.Sprintf("/admin/users/%d/enable", liaison.ID), v("version", "1"), fmt.Sprintf("/admin/users/%d", liaison.ID), account},
		{fmt.Sprintf("/admin/users/%d/invite", liaison.ID), nil, fmt.Sprintf("/admin/users/%d", liaison.ID), nil},
	}
}

// Every page and every write of the administrator's pages refuses the
// committee and liaisons (403, nothing changed) and sends the public to
// sign in; the administrator gets each page.
func TestPeoplePagesAreForAdministratorsOnly(t *testing.T) {
	site := newPeopleSite(t)
	liaison := site.user("liaison@moe.example.org")
	pages := []string{"/admin/agencies", "/admin/agencies/new", fmt.Sprintf("/admin/agencies/%d", site.cec.ID),
		fmt.Sprintf("/admin/agencies/%d/contacts/new", site.cec.ID), fmt.Sprintf("/admin/contacts/%d", site.contact.ID),
		fmt.Sprintf("/admin/contacts/%d/handover", site.contact.ID), "/admin/organisations", "/admin/organisations/new",
		fmt.Sprintf("/admin/organisations/%d", site.org.ID), "/admin/users", "/admin/users/new", fmt.Sprintf("/admin/users/%d", liaison.ID)}
	for _, who := range []string{"", "member@committee.example.org", "liaison@cec.example.org"} {
		b := site.as(who)
		for _, path := range pages {
			res, page := b.do("GET", path, nil)
			switch {
			case who == "" && (res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next="+url.QueryEscape(path)):
				t.Errorf("the public: GET %s: %d to %q, want the sign-in page", path, res.StatusCode, res.Header.Get("Location"))
			case who != "" && (res.StatusCode != http.StatusForbidden || !strings.Contains(page, "<h1>只有管理者可以管理人員資料</h1>")):
				t.Errorf("%s: GET %s: %d, want the 403 page", who, path, res.StatusCode)
			}
		}
		for _, w := range site.writes() {
			_, before := site.allChanges()
			b.from = w.next // the page of the form, which a browser names as the Referer
			res, page := b.post(w.path, w.formNow())
			switch {
			case who == "" && (res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next="+url.QueryEscape(w.next)):
				t.Errorf("the public: POST %s: %d to %q, want the sign-in page", w.path, res.StatusCode, res.Header.Get("Location"))
			case who != "" && (res.StatusCode != http.StatusForbidden || !strings.Contains(page, "只有管理者可以管理人員資料")):
				t.Errorf("%s: POST %s: %d, want 403", who, w.path, res.StatusCode)
			}
			if _, after := site.allChanges(); after != before {
				t.Errorf("%s: POST %s changed something", who, w.path)
			}
		}
	}
	if u := site.user("liaison@moe.example.org"); u.Name != "王他機關" || u.Disabled || u.Version != 1 {
		t.Errorf("refused writes changed the liaison: %+v", u)
	}
	admin := site.as(adminEmail)
	for _, path := range pages {
		if res, page := admin.do("GET", path, nil); res.StatusCode != http.StatusOK || !strings.Contains(page, `name="csrf_token"`) && !strings.Contains(page, "<table") {
			t.Errorf("the administrator: GET %s: %d", path, res.StatusCode)
		}
	}
	// And the administrator's writes all go through, each entered in the record of changes.
	for _, w := range site.writes() {
		_, before := site.allChanges()
		res, page := admin.post(w.path, w.formNow())
		// Without mail settings an invitation answers with its link on the page.
		shownLink := res.StatusCode == http.StatusOK && (w.path == "/admin/users" || strings.HasSuffix(w.path, "/invite")) &&
			inviteLink.MatchString(page)
		if res.StatusCode != http.StatusSeeOther && !shownLink {
			t.Errorf("the administrator: POST %s: %d\n%s", w.path, res.StatusCode, section(t, page, "<main", "</main>"))
			continue
		}
		if _, after := site.allChanges(); after == before && !strings.HasSuffix(w.path, "/invite") {
			t.Errorf("the administrator: POST %s entered nothing in the record of changes", w.path)
		}
	}
}

// An agency is added and changed; a code already taken, an unknown parent
// and a name of 10 MB are refused with the form as typed, and nothing changes.
func TestAnAdministratorAddsAndChangesAnAgency(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	res, _ := admin.post("/admin/agencies", url.Values{"code": {"OGP-TEST"}, "name.zh-TW": {"測試機關"}, "name.en": {"Test Agency"},
		"level": {"central"}, "parent": {fmt.Sprint(site.ndc.ID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	a, err := site.st.FindAgencyByCode(context.Background(), "OGP-TEST")
	if err != nil || a.Name["en"] != "Test Agency" || a.Level != model.AgencyCentral || a.ParentID == nil || *a.ParentID != site.ndc.ID || a.Version != 1 {
		t.Fatalf("stored: %+v, %v", a, err)
	}
	cs := site.lastChanges(1)
	if c := cs[0]; c.Entity != model.EntityAgency || c.Action != model.ChangeCreated || c.Actor != "李秘書" || c.Door != model.DoorWeb || c.Ref != "OGP-TEST" {
		t.Errorf("record of the creation: %+v", c)
	}
	_, list := admin.do("GET", "/admin/agencies", nil)
	wantIn(t, "agency list", list, fmt.Sprintf(`<a href="/admin/agencies/%d">OGP-TEST</a>`, a.ID), "測試機關")

	edit := fmt.Sprintf("/admin/agencies/%d", a.ID)
	_, total := site.allChanges()
	for _, tc := range []struct {
		what, field, value, message string
	}{
		{"a code already taken", "code", "NDC", "已被使用"},
		{"an unknown parent", "parent", "999999", "查無此項"},
		{"a parent that is not a number", "parent", "NDC", "查無此項"},
		// As large as a form may be (10 MB, net/http's limit), less the other fields.
		{"a name of 10 MB", "name.zh-TW", strings.Repeat("x", 10<<20-4096), "內容過長：最多 2000 個字元"},
		{"no name", "name.zh-TW", "", "請填寫此欄"},
	} {
		form := url.Values{"code": {"OGP-TEST"}, "name.zh-TW": {"測試機關"}, "name.en": {""}, "level": {"central"}, "version": {"1"}}
		form.Set(tc.field, tc.value)
		res, page := admin.post(edit, form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.message) {
			t.Errorf("%s: %d, want 422 saying %q", tc.what, res.StatusCode, tc.message)
		}
		if len(tc.value) < 100 && !strings.Contains(page, `value="`+tc.value+`"`) && tc.field != "parent" {
			t.Errorf("%s: the value typed is lost", tc.what)
		}
		if tc.field == "code" && !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("%s: the field is not marked", tc.what)
		}
	}
	if b, err := site.st.FindAgencyByCode(context.Background(), "OGP-TEST"); err != nil || b.Version != 1 || b.Name["en"] != "Test Agency" {
		t.Errorf("refused forms changed the agency: %+v", b)
	}
	if _, after := site.allChanges(); after != total {
		t.Errorf("refused forms entered %d changes", after-total)
	}
	// A code already taken is refused at creation too.
	if res, page := admin.post("/admin/agencies", url.Values{"code": {"CEC"}, "name.zh-TW": {"重複"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "已被使用") || !strings.Contains(page, `value="重複"`) {
		t.Errorf("a new agency with a taken code: %d", res.StatusCode)
	}

	res, _ = admin.post(edit, url.Values{"code": {"OGP-TEST"}, "name.zh-TW": {"測試機關二"}, "name.en": {"Test Agency"}, "level": {"central"}, "version": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != edit+"?saved=1" {
		t.Fatalf("change: %d to %s", res.StatusCode, res.Header.Get("Location"))
	}
	cs = site.lastChanges(1)
	if c := cs[0]; c.Entity != model.EntityAgency || c.Action != model.ChangeUpdated || c.Fields["parent"].Before == nil || c.Fields["parent"].After != nil || c.Fields["name"].After == nil {
		t.Errorf("record of the change: %+v", c)
	}
	_, page := admin.do("GET", edit+"?saved=1&lang=en", nil)
	wantIn(t, "agency page in English", page, "Saved.", `value="測試機關二"`, `name="version" value="2"`)
}

// Two administrators change one agency: the second gets 409 with the
// first one's values, keeps what they typed, and saves knowingly.
func TestTheSecondOfTwoChangesOfAnAgencyIsShownTheFirst(t *testing.T) {
	site := newPeopleSite(t)
	one, two := site.as(adminEmail), site.as(adminEmail)
	edit := fmt.Sprintf("/admin/agencies/%d", site.cec.ID)
	form := func(name string) url.Values {
		return url.Values{"code": {"CEC"}, "name.zh-TW": {name}, "name.en": {site.cec.Name["en"]}, "short_name.zh-TW": {site.cec.ShortName["zh-TW"]},
			"short_name.en": {site.cec.ShortName["en"]}, "jurisdiction_code": {site.cec.JurisdictionCode}, "level": {string(site.cec.Level)},
			"parent": {idOf(site.cec.ParentID)}, "version": {"1"}}
	}
	if res, _ := one.post(edit, form("第一位的名稱")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", res.StatusCode)
	}
	res, page := two.post(edit, form("第二位的名稱"))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second: %d, want 409", res.StatusCode)
	}
	conflict := section(t, page, `id="people-conflict"`, "</div>")
	wantIn(t, "conflict", conflict, "已有其他人修改", "名稱（中文）", "第一位的名稱")
	wantIn(t, "form after the conflict", page, `value="第二位的名稱"`, `name="version" value="2"`)
	if a, _ := site.st.FindAgencyByID(context.Background(), site.cec.ID); a.Name["zh-TW"] != "第一位的名稱" {
		t.Errorf("the first change was overwritten: %v", a.Name)
	}
	again := form("第二位的名稱")
	again.Set("version", "2")
	if res, _ := two.post(edit, again); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sent again: %d", res.StatusCode)
	}
}

func idOf(id *uint) string {
	if id == nil {
		return ""
	}
	return fmt.Sprint(*id)
}

// Organisations: added, a bad web address and a code taken refused,
// and a stale form answered 409.
func TestAnAdministratorManagesOrganisations(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	res, _ := admin.post("/admin/organisations", url.Values{"code": {"G0V"}, "name.zh-TW": {"零時政府"}, "name.en": {"g0v"}, "url": {"https://g0v.tw"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	o, err := site.st.FindOrganisationByCode(context.Background(), "G0V")
	if err != nil || o.URL != "https://g0v.tw" {
		t.Fatalf("stored: %+v, %v", o, err)
	}
	_, list := admin.do("GET", "/admin/organisations", nil)
	wantIn(t, "organisation list", list, "零時政府", "https://g0v.tw")
	for _, tc := range []struct{ field, value, message string }{
		{"url", "javascript:alert(1)", "這不是網址"},
		{"code", "DEMO-CIVICTECH", "已被使用"},
		{"name.zh-TW", strings.Repeat("x", 501), "最多 500 個字元"},
	} {
		form := url.Values{"code": {"G0V"}, "name.zh-TW": {"零時政府"}, "url": {"https://g0v.tw"}, "version": {"1"}}
		form.Set(tc.field, tc.value)
		res, page := admin.post(fmt.Sprintf("/admin/organisations/%d", o.ID), form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.message) {
			t.Errorf("%s=%q: %d, want 422 saying %q", tc.field, tc.value, res.StatusCode, tc.message)
		}
	}
	path := fmt.Sprintf("/admin/organisations/%d", o.ID)
	res, page := admin.post(path+"?lang=en", url.Values{"code": {"G0V"}, "name.zh-TW": {"零時政府"}, "url": {"ftp://g0v.tw"}, "version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad address, in English: %d", res.StatusCode)
	}
	wantIn(t, "a bad address, in English", page, "Nothing has been saved.", "Not a web address: it must begin with https:// or http://.", `value="ftp://g0v.tw"`)
	if res, _ := admin.post(path, url.Values{"code": {"G0V"}, "name.zh-TW": {"零時政府"}, "url": {"https://g0v.tw/intl"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	res, page = admin.post(path, url.Values{"code": {"G0V"}, "name.zh-TW": {"零時政府"}, "url": {"https://example.org"}, "version": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "https://g0v.tw/intl") || !strings.Contains(page, `value="https://example.org"`) {
		t.Errorf("a stale form: %d", res.StatusCode)
	}
}

// A handover ends the previous liaison's term the day before: the public
// agency page shows them up to that day and the new liaison from it, and
// the administrator's page lists both.
func TestAHandoverKeepsThePreviousContactInTheHistory(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	handover := fmt.Sprintf("/admin/contacts/%d/handover", site.contact.ID)
	_, form := admin.do("GET", handover, nil)
	wantIn(t, "handover form", form, "交接", `name="active_from" type="date"`)

	// Refused: no day, a day before the previous term began, a bad email.
	for _, tc := range []struct{ from, email, message string }{
		{"", "", "請填寫此欄"},
		{"2020-12-31", "", "接任日期必須晚於前任者的到任日期"},
		{"2022-01-10", "not an address", "這不是有效的電子郵件地址"},
	} {
		res, page := admin.post(handover, url.Values{"name": {"新任聯絡人"}, "active_from": {tc.from}, "email": {tc.email}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.message) || !strings.Contains(page, `value="新任聯絡人"`) {
			t.Errorf("handover from %q: %d, want 422 saying %q", tc.from, res.StatusCode, tc.message)
		}
	}
	res, _ := admin.post(handover, url.Values{"name": {"新任聯絡人"}, "active_from": {"2022-01-10"}, "email": {"new.liaison@cec.example.org"},
		"public": {"on"}, "version": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("handover: %d", res.StatusCode)
	}
	old, err := site.st.FindContactByID(context.Background(), site.contact.ID)
	if err != nil || old.ActiveTo.String() != "2022-01-09" || old.Version != 2 {
		t.Errorf("the previous contact: %+v, %v", old, err)
	}
	cs := site.lastChanges(2)
	if len(cs) < 2 || cs[1].Entity != model.EntityContact || cs[1].Action != model.ChangeUpdated || cs[0].Action != model.ChangeCreated || cs[0].Ref != "cec-liaison" {
		t.Errorf("the handover's record: %+v", cs[:2])
	}

	public := site.visitor()
	_, before := public.do("GET", fmt.Sprintf("/agencies/%d?asof=2022-01-09", site.cec.ID), nil)
	contacts := section(t, before, "開放政府聯絡窗口", "</main>")
	wantIn(t, "CEC contacts on 9 January 2022", contacts, "中央選舉委員會示範聯絡人")
	wantNotIn(t, "CEC contacts on 9 January 2022", contacts, "新任聯絡人")
	_, after := public.do("GET", fmt.Sprintf("/agencies/%d?asof=2022-01-10", site.cec.ID), nil)
	contacts = section(t, after, "開放政府聯絡窗口", "</main>")
	wantIn(t, "CEC contacts on 10 January 2022", contacts, "新任聯絡人", "new.liaison@cec.example.org")
	wantNotIn(t, "CEC contacts on 10 January 2022", contacts, "中央選舉委員會示範聯絡人")

	site.clock.Advance(40 * 24 * time.Hour) // past the handover: the administrator's page says who is in the role
	admin = site.as(adminEmail)             // signed in again, a week having passed
	_, page := admin.do("GET", fmt.Sprintf("/admin/agencies/%d", site.cec.ID), nil)
	history := section(t, page, `id="contacts"`, "</table>")
	wantIn(t, "CEC's contacts, present and past", history, "新任聯絡人", "中央選舉委員會示範聯絡人", "2022年1月9日", "已卸任", "在職")

	// A second handover of the same, now stale, form is a conflict.
	res, page = admin.post(handover, url.Values{"name": {"又一位"}, "active_from": {"2022-02-01"}, "version": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "已有其他人修改") || !strings.Contains(page, `value="又一位"`) {
		t.Errorf("a stale handover: %d", res.StatusCode)
	}
}

// A contact is added to an agency and corrected; a bad date is refused.
func TestAnAdministratorAddsAndEditsAContact(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	res, _ := admin.post(fmt.Sprintf("/admin/agencies/%d/contacts", site.ndc.ID), url.Values{"name": {"國發會新代理人"}, "role": {"deputy"},
		"email": {"deputy2@ndc.example.org"}, "active_from": {"2021-06"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	cs, err := site.st.FindContactsOfAgency(context.Background(), site.ndc.ID)
	var added *model.Contact
	for i := range cs {
		if cs[i].Name == "國發會新代理人" {
			added = &cs[i]
		}
	}
	if err != nil || added == nil || added.Ref != "ndc-deputy" || added.Public || added.ActiveFrom.String() != "2021-06" {
		t.Fatalf("stored: %+v, %v", added, err)
	}
	path := fmt.Sprintf("/admin/contacts/%d", added.ID)
	for _, tc := range []struct{ field, value, message string }{
		{"active_to", "yesterday", "日期格式不正確"},
		{"active_to", "2021-01-01", "結束日期早於開始日期"},
		{"role", "boss", "請從清單中選擇"},
		{"name", strings.Repeat("名", 201), "最多 200 個字元"},
	} {
		form := url.Values{"name": {"國發會新代理人"}, "role": {"deputy"}, "active_from": {"2021-06"}, "version": {"1"}}
		form.Set(tc.field, tc.value)
		if res, page := admin.post(path, form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.message) {
			t.Errorf("%s=%q: %d, want 422 saying %q", tc.field, tc.value, res.StatusCode, tc.message)
		}
	}
	if res, _ := admin.post(path, url.Values{"name": {"國發會代理人"}, "role": {"deputy"}, "active_from": {"2021-06"}, "public": {"on"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if c, _ := site.st.FindContactByID(context.Background(), added.ID); c.Name != "國發會代理人" || !c.Public || c.Email != "" || c.Version != 2 {
		t.Errorf("edited: %+v", c)
	}
}

// inviteLink finds the invitation link a page shows to be passed on.
var inviteLink = regexp.MustCompile(`id="invite-link"[^>]* value="([^"]+)"`)

// An account is made with an invitation the person uses to choose a
// password; a taken or bad email, an unknown agency and a role's wrong
// choices are refused.
func TestAnAdministratorInvitesAPerson(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	for _, tc := range []struct {
		what    string
		form    url.Values
		message string
	}{
		{"a taken email", url.Values{"email": {"Liaison@CEC.example.org"}, "name": {"重複"}, "role": {"committee"}}, "已被使用"},
		{"a bad email", url.Values{"email": {"not-an-email"}, "name": {"某人"}, "role": {"committee"}}, "這不是有效的電子郵件地址"},
		{"an unknown agency", url.Values{"email": {"x@example.org"}, "name": {"某人"}, "role": {"liaison"}, "agency": {"999999"}}, "查無此項"},
		{"a liaison without an agency", url.Values{"email": {"x@example.org"}, "name": {"某人"}, "role": {"liaison"}}, "機關聯絡人須隸屬一個機關"},
		{"an unknown role", url.Values{"email": {"x@example.org"}, "name": {"某人"}, "role": {"root"}}, "請從清單中選擇"},
		{"a name of 201 characters", url.Values{"email": {"x@example.org"}, "name": {strings.Repeat("名", 201)}, "role": {"committee"}}, "最多 200 個字元"},
	} {
		_, total := site.allChanges()
		res, page := admin.post("/admin/users", tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.message) {
			t.Errorf("%s: %d, want 422 saying %q", tc.what, res.StatusCode, tc.message)
		}
		if _, after := site.allChanges(); after != total {
			t.Errorf("%s: something was recorded", tc.what)
		}
	}
	if n, _ := site.st.CountUsers(context.Background()); n != 5 {
		t.Errorf("refused forms made accounts: %d", n)
	}

	// Without mail settings the link is shown to pass on, never said to be sent.
	res, shown := admin.post("/admin/users", url.Values{"email": {"Chair@Committee.example.org"}, "name": {"黃主席"}, "role": {"committee"},
		"organisation": {fmt.Sprint(site.org.ID)}, "chair": {"on"}, "agency": {fmt.Sprint(site.cec.ID)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	wantIn(t, "the invitation not sent", shown, "邀請未寄出", "未設定郵件伺服器（SMTP_URL）", "chair@committee.example.org", "有效至 2021年12月27日")
	wantNotIn(t, "the invitation not sent", shown, "已寄送", "寄出邀請")
	u := site.user("chair@committee.example.org")
	if u.Role != model.RoleCommittee || !u.Chair || u.OrganisationID == nil || *u.OrganisationID != site.org.ID || u.AgencyID != nil {
		t.Errorf("stored: %+v", u)
	}
	m := inviteLink.FindStringSubmatch(shown)
	if m == nil || !strings.HasPrefix(m[1], "http://example.test/password/reset/") {
		t.Fatalf("no invitation link on the page:\n%s", shown)
	}
	if strings.Contains(site.logs.String(), m[1]) {
		t.Error("the invitation link is written to the log")
	}
	_, list := admin.do("GET", "/admin/users", nil)
	wantIn(t, "account list", list, "黃主席", "chair@committee.example.org", "委員 · 主席", "DEMO-CIVICTECH", "林聯絡", "機關聯絡人")
	wantNotIn(t, "account list", list, "$2a$")

	person := site.visitor()
	_, page := person.do("GET", strings.TrimPrefix(m[1], "http://example.test"), nil)
	if !strings.Contains(page, "黃主席") {
		t.Fatalf("the invitation page does not welcome the person:\n%s", page)
	}
	res, _ = person.do("POST", strings.TrimPrefix(m[1], "http://example.test"), url.Values{"password": {"the chair's own password"},
		"confirm": {"the chair's own password"}, "csrf_token": {person.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d", res.StatusCode)
	}
	if res, _ := person.signIn("chair@committee.example.org", "the chair's own password"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in with it: %d", res.StatusCode)
	}

	// The record of changes names the account, never its email or password.
	cs, _ := site.allChanges()
	var created *model.Change
	for i := range cs {
		if cs[i].Entity == model.EntityUser && cs[i].EntityID == u.ID && cs[i].Action == model.ChangeCreated {
			created = &cs[i]
		}
	}
	if created == nil {
		t.Fatal("the account's creation is not recorded")
	}
	for name := range created.Fields {
		if name == "email" || name == "password_hash" || name == "version" {
			t.Errorf("the record of changes keeps %s", name)
		}
	}
	_, change := site.visitor().do("GET", fmt.Sprintf("/changes/%d", created.ID), nil)
	wantIn(t, "the account's change page", change, "建立 黃主席 的帳號", "委員", "擔任委員會主席", "公民科技")
	wantNotIn(t, "the account's change page", change, "chair@committee.example.org", "$2a$", "password")

	// A new invitation can be made from the account's page, shown again.
	res, page = admin.post(fmt.Sprintf("/admin/users/%d/invite", u.ID), nil)
	if res.StatusCode != http.StatusOK || inviteLink.FindStringSubmatch(page) == nil {
		t.Errorf("new invitation: %d", res.StatusCode)
	}
	wantNotIn(t, "after a new invitation", page, "已寄送")
}

// With mail settings the invitation is mailed, in the administrator's language.
func TestWithMailSettingsTheInvitationIsMailed(t *testing.T) {
	site := newPeopleSite(t)
	var to, subject, body string
	site.mail = func(_ context.Context, t, s, b string) error { to, subject, body = t, s, b; return nil }
	site.stop()
	site.start()
	admin := site.as(adminEmail)
	_, forbidden := site.as("member@committee.example.org").do("GET", "/admin/users?lang=en", nil)
	wantIn(t, "the 403 page in English", forbidden, "Only administrators manage people")
	res, _ := admin.post("/admin/users?lang=en", url.Values{"email": {"new@example.org"}, "name": {"New Person"}, "role": {"admin"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	if to != "new@example.org" || subject != "Your account on the OGP commitment tracker" || !strings.Contains(body, "Hello New Person") ||
		!strings.Contains(body, "http://example.test/password/reset/") || !strings.Contains(body, "within 7 days") {
		t.Errorf("mail to %q: %q\n%s", to, subject, body)
	}
}

// Changing a person's role and affiliation; disabling signs them out
// everywhere and enabling lets them in again; an administrator cannot
// disable or demote themself; a stale form is a conflict.
func TestAnAdministratorChangesAndDisablesAccounts(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	member := site.as("member@committee.example.org")
	u := site.user("member@committee.example.org")
	path := fmt.Sprintf("/admin/users/%d", u.ID)

	res, _ := admin.post(path, url.Values{"name": {"陳委員"}, "role": {"liaison"}, "agency": {fmt.Sprint(site.ndc.ID)}, "version": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("make a liaison: %d", res.StatusCode)
	}
	if u = site.user("member@committee.example.org"); u.Role != model.RoleLiaison || u.AgencyID == nil || *u.AgencyID != site.ndc.ID || u.Version != 2 {
		t.Errorf("stored: %+v", u)
	}
	cs := site.lastChanges(1)
	if c := cs[0]; c.Entity != model.EntityUser || c.Fields["role"].After == nil || c.Fields["agency"].After == nil || len(c.Fields) != 2 {
		t.Errorf("record of the change: %+v", c)
	}

	if res, _ := member.do("GET", "/", nil); res.StatusCode != http.StatusOK {
		t.Fatal("the member is not signed in")
	}
	res, _ = admin.post(path+"/disable", url.Values{"version": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if _, page := member.do("GET", "/", nil); strings.Contains(page, "陳委員") || !strings.Contains(page, `href="/signin"`) {
		t.Error("the disabled person is still signed in")
	}
	if res, _ := site.visitor().signIn("member@committee.example.org", testPassword); res.StatusCode == http.StatusSeeOther {
		t.Error("the disabled person can sign in")
	}
	_, list := admin.do("GET", "/admin/users", nil)
	wantIn(t, "account list", list, "已停用")
	res, _ = admin.post(path+"/enable", url.Values{"version": {"3"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.StatusCode)
	}
	if res, _ := site.visitor().signIn("member@committee.example.org", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Error("the enabled person cannot sign in")
	}

	// A stale form: 409, with the other change shown and the typed values kept.
	res, page := admin.post(path, url.Values{"name": {"陳大委員"}, "role": {"liaison"}, "agency": {fmt.Sprint(site.ndc.ID)}, "version": {"2"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(section(t, page, `id="people-conflict"`, "</div>"), "<dd>陳委員</dd>") ||
		!strings.Contains(page, `value="陳大委員"`) {
		t.Errorf("a stale form: %d", res.StatusCode)
	}
	if u = site.user("member@committee.example.org"); u.Name != "陳委員" {
		t.Errorf("the stale form changed the name: %s", u.Name)
	}

	// The administrator's own account.
	me := site.user(adminEmail)
	self := fmt.Sprintf("/admin/users/%d", me.ID)
	res, page = admin.post(self+"/disable", url.Values{"version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "您不能停用自己的帳號") {
		t.Errorf("disable themself: %d", res.StatusCode)
	}
	res, page = admin.post(self, url.Values{"name": {"李秘書"}, "role": {"committee"}, "version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "您不能取消自己的管理者角色") || !strings.Contains(page, `<option value="committee" selected>`) {
		t.Errorf("demote themself: %d", res.StatusCode)
	}
	if me = site.user(adminEmail); me.Disabled || me.Role != model.RoleAdmin || me.Version != 1 {
		t.Errorf("the administrator's account changed: %+v", me)
	}
	if res, _ := admin.post(self, url.Values{"name": {"李秘書長"}, "role": {"admin"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("rename themself: %d", res.StatusCode)
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// ask fills in the form to ask on path (a commitment's or a plan's) and
// sends it, with the given fields over the defaults.
func (b *visitor) ask(base string, fields url.Values) (*http.Response, string) {
	b.t.Helper()
	_, page := b.do("GET", base+"/questions/new", nil)
	form := url.Values{"kind": {"question"}, "lang": {"en"}, "text": {"When will the e-petition system open?"}, "csrf_token": {b.token(page)}}
	for k, v := range fields {
		form[k] = v
	}
	return b.do("POST", base+"/questions", form)
}

var questionPath = regexp.MustCompile(`^/questions/(\d+)$`)

// questionID is the question a redirect after asking leads to.
func questionID(t *testing.T, res *http.Response) uint {
	t.Helper()
	m := questionPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("asking answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	var id uint
	fmt.Sscan(m[1], &id)
	return id
}

func (s *editSite) questions() []model.Question {
	s.t.Helper()
	qs, err := s.st.FindQuestions(context.Background(), store.QuestionFilter{CommitmentID: s.commitmentID})
	if err != nil {
		s.t.Fatal(err)
	}
	return qs
}

// A question asked is on the commitment's page at once, though anonymous
// visitors share a kept copy of it: the write changes the data version.
// The page itself keeps no form, so that it stays shared.
func TestAQuestionAskedShowsAtOnceOnTheKeptCommitmentPage(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	reader := site.visitor()
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	for range 2 { // the second is served from the page cache
		res, page := reader.do("GET", path, nil)
		if res.StatusCode != 200 || !strings.Contains(page, `href="`+path+`/questions/new"`) || strings.Contains(page, "csrf_token") {
			t.Fatalf("commitment page: %d, ask link %v, form token %v", res.StatusCode, strings.Contains(page, "/questions/new"), strings.Contains(page, "csrf_token"))
		}
	}
	asker := site.visitor()
	id := questionID(t, func() *http.Response { r, _ := asker.ask(path, url.Values{"name": {"Mei"}}); return r }())
	_, page := reader.do("GET", path, nil)
	if !strings.Contains(page, fmt.Sprintf(`href="/questions/%d"`, id)) || !strings.Contains(page, "When will the e-petition system open?") {
		t.Errorf("the commitment page does not show the new question")
	}
	_, page = reader.do("GET", fmt.Sprintf("/questions/%d?lang=en", id), nil)
	for _, want := range []string{"When will the e-petition system open?", "Mei", "14 days left", "1 person wants to know", "I want to know too"} {
		if !strings.Contains(page, want) {
			t.Errorf("the question page lacks %q", want)
		}
	}
}

// A burst of questions from one address: the sixth within the hour is
// refused with 429, a message saying when to try again, and the text
// kept; nothing more is stored.
func TestABurstOfQuestionsFromOneAddressIsRefusedWith429(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	for i := range 5 {
		b := site.visitor() // new browsers, one address
		questionID(t, func() *http.Response {
			r, _ := b.ask(path, url.Values{"text": {fmt.Sprintf("Question %d about the schedule?", i)}})
			return r
		}())
	}
	res, page := site.visitor().ask(path, url.Values{"text": {"One more question, please?"}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the sixth question: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(page, "One more question, please?") || !strings.Contains(page, "60 分鐘") {
		t.Errorf("the refusal does not keep the text or say when to try again:\n%.3000s", page)
	}
	if n := len(site.questions()); n != 5 {
		t.Errorf("%d questions stored, want 5", n)
	}
}

// Bad questions are refused with 422 and field messages that keep what
// was typed, and nothing is stored: a script, too many links, a text too
// long, the honeypot filled, a bad address.
func TestBadQuestionsAreRefusedWith422AndNothingIsStored(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	for _, tc := range []struct {
		name   string
		fields url.Values
		want   string
	}{
		{"script", url.Values{"text": {`Hello <script>alert("x")</script>`}}, "code that could run"},
		{"script in name", url.Values{"name": {`<script src=//evil>`}}, "code that could run"},
		{"event handler", url.Values{"text": {`<img src=x onerror=alert(1)>`}}, "code that could run"},
		{"links", url.Values{"text": {"see https://a.example https://b.example https://c.example https://d.example"}}, "too many links"},
		{"too long", url.Values{"text": {strings.Repeat("長", model.MaxQuestionText+1)}}, "too long"},
		{"empty", url.Values{"text": {"  "}}, "fill this in"},
		{"honeypot", url.Values{"website": {"http://spam.example"}}, "programs do"},
		{"address", url.Values{"email": {"not an address"}}, "not an email address"},
		{"kind", url.Values{"kind": {"rant"}}, "listed options"},
	} {
		b := site.visitor()
		b.do("GET", "/about?lang=en", nil) // the messages in English
		res, page := b.ask(path, tc.fields)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) || !strings.Contains(page, `aria-invalid="true"`) && tc.name != "honeypot" {
			t.Errorf("%s: %d, want 422 saying %q:\n%s", tc.name, res.StatusCode, tc.want, page[strings.Index(page, "<main"):])
		}
	}
	// Read the messages in English.
	b := site.visitor()
	b.do("GET", "/about?lang=en", nil)
	res, page := b.ask(path, url.Values{"text": {`Hello <script>alert("x")</script>`}})
	if res.StatusCode != 422 || !strings.Contains(page, "code that could run") || !strings.Contains(page, `Hello &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
		t.Errorf("a script: %d, no message or the text not kept:\n%.3000s", res.StatusCode, page)
	}
	if strings.Contains(page, `<script>alert`) {
		t.Error("the refused script is echoed raw")
	}
	if n := len(site.questions()); n != 0 {
		t.Errorf("%d questions stored after refusals, want 0", n)
	}
}

// A hidden question leaves a public placeholder with the reason and the
// date; it still counts; the text is gone from the pages.
func TestAHiddenQuestionShowsItsPlaceholderAndReason(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	res, _ := site.visitor().ask(path, url.Values{"text": {"My neighbour's ID number is A123456789, ask him."}})
	id := questionID(t, res)
	qpath := fmt.Sprintf("/questions/%d", id)

	// Not an administrator: refused, nothing hidden.
	liaison := site.visitor()
	liaison.signIn("liaison@cec.example.org", testPassword)
	_, page := liaison.do("GET", qpath, nil)
	if res, _ := liaison.do("POST", qpath+"/hide", url.Values{"reason": {"personal-data"}, "csrf_token": {liaison.token(page)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a liaison hiding: %d, want 403", res.StatusCode)
	}
	admin := site.visitor()
	admin.signIn("admin@secretariat.example.org", testPassword)
	_, page = admin.do("GET", qpath+"?lang=en", nil)
	if res, page := admin.do("POST", qpath+"/hide", url.Values{"reason": {"because"}, "csrf_token": {admin.token(page)}}); res.StatusCode != 422 || !strings.Contains(page, "listed options") {
		t.Errorf("an unlisted reason: %d", res.StatusCode)
	}
	if q := site.questions()[0]; q.Hidden() {
		t.Fatal("a refused hide hid the question")
	}
	res, _ = admin.do("POST", qpath+"/hide", url.Values{"reason": {"personal-data"}, "note": {"It named a person."}, "csrf_token": {admin.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hiding: %d", res.StatusCode)
	}
	public := site.visitor()
	_, page = public.do("GET", qpath+"?lang=en", nil)
	for _, want := range []string{"hidden by an administrator", "contains personal data", "It named a person.", "Nothing is removed quietly"} {
		if !strings.Contains(page, want) {
			t.Errorf("the placeholder lacks %q", want)
		}
	}
	if strings.Contains(page, "A123456789") {
		t.Error("the hidden text is still shown")
	}
	_, page = public.do("GET", path+"?lang=en", nil)
	if !strings.Contains(page, "1 question") || !strings.Contains(page, "1 hidden, with the reason shown") || !strings.Contains(page, "contains personal data") || strings.Contains(page, "A123456789") {
		t.Errorf("the commitment page does not count the hidden question or shows its text")
	}
}

// "I want to know too": once per browser; the count shown.
func TestAVoteCountsOncePerBrowser(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	res, _ := site.visitor().ask(fmt.Sprintf("/commitments/%d", site.commitmentID), nil)
	qpath := fmt.Sprintf("/questions/%d", questionID(t, res))
	b := site.visitor()
	for range 2 {
		_, page := b.do("GET", qpath, nil)
		m := csrfInput.FindStringSubmatch(page)
		token := ""
		if m != nil {
			token = m[1]
		}
		if res, _ := b.do("POST", qpath+"/vote", url.Values{"csrf_token": {token}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("vote: %d", res.StatusCode)
		}
	}
	if q := site.questions()[0]; q.Votes != 2 {
		t.Errorf("votes = %d, want 2 (the asker's and one visitor's)", q.Votes)
	}
	_, page := b.do("GET", qpath+"?lang=en", nil)
	if !strings.Contains(page, "2 people want to know") || !strings.Contains(page, "You added your voice") {
		t.Errorf("the page does not show the count or the vote")
	}
}

// Offline voices: staff record a question received at a meeting, by phone
// or on paper, marked with its channel, its clock started on the day it
// was received; the public may not claim a channel.
func TestStaffRecordAQuestionReceivedOffline(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	offline := url.Values{"channel": {"phone"}, "received_on": {"2021-12-15"}, "name": {"Mr Chen (by phone)"}}

	if res, _ := site.visitor().ask(path, offline); res.StatusCode != http.StatusForbidden {
		t.Errorf("the public recording an offline question: %d, want 403", res.StatusCode)
	}
	moe := site.visitor() // a liaison of an agency that does not lead 2-1
	moe.signIn("liaison@moe.example.org", testPassword)
	if res, _ := moe.ask(path, offline); res.StatusCode != http.StatusForbidden {
		t.Errorf("another agency's liaison recording: %d, want 403", res.StatusCode)
	}
	liaison := site.visitor()
	liaison.signIn("liaison@cec.example.org", testPassword)
	_, form := liaison.do("GET", path+"/questions/new?lang=en", nil)
	if !strings.Contains(form, `name="received_on"`) || !strings.Contains(form, "by phone") {
		t.Error("the lead agency's liaison is not offered the offline fields")
	}
	if res, page := liaison.ask(path, url.Values{"channel": {"phone"}, "received_on": {"2099-01-01"}}); res.StatusCode != 422 || !strings.Contains(page, "in the future") {
		t.Errorf("a date received in the future: %d", res.StatusCode)
	}
	res, _ := liaison.ask(path, offline)
	id := questionID(t, res)
	q, err := site.st.FindQuestionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if q.Channel != model.ChannelPhone || q.RecordedByID == nil || *q.RecordedByID != site.users["liaison@cec.example.org"].ID ||
		q.ReceivedAt.In(taipei).Format("2006-01-02 15:04") != "2021-12-15 00:00" || !q.ClockFrom.Equal(q.ReceivedAt) {
		t.Errorf("recorded: channel %s by %v received %v clock from %v", q.Channel, q.RecordedByID, q.ReceivedAt.In(taipei), q.ClockFrom)
	}
	_, page := site.visitor().do("GET", fmt.Sprintf("/questions/%d?lang=en", id), nil)
	if !strings.Contains(page, "by phone") || !strings.Contains(page, "recorded on the asker&#39;s behalf") || !strings.Contains(page, "9 days left") {
		t.Errorf("the public page does not show the channel or the clock from the day received")
	}
}

// The read API gives questions and their answers; never an asker's
// address, nor the text of a hidden question.
func TestTheAPIGivesQuestionsButNoAddressNorHiddenText(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	path := fmt.Sprintf("/commitments/%d", site.commitmentID)
	res, _ := site.visitor().ask(path, url.Values{"email": {"private.person@example.org"}, "name": {"Mei"}})
	asked := questionID(t, res)
	res, _ = site.visitor().ask(path, url.Values{"text": {"Call 0912-345-678 for cheap loans"}})
	hidden := questionID(t, res)
	ctx := model.NewContextWithActor(context.Background(), site.users["admin@secretariat.example.org"].ActorThrough(model.DoorWeb))
	if err := site.st.HideQuestion(ctx, hidden, model.HideAbuse, nil, ""); err != nil {
		t.Fatal(err)
	}
	b := site.visitor()
	_, list := b.do("GET", "/api/v1/questions", nil)
	_, one := b.do("GET", fmt.Sprintf("/api/v1/questions/%d", asked), nil)
	_, gone := b.do("GET", fmt.Sprintf("/api/v1/questions/%d", hidden), nil)
	for _, body := range []string{list, one, gone} {
		if strings.Contains(body, "private.person") || strings.Contains(body, "0912-345-678") {
			t.Errorf("the API leaks an address or a hidden text:\n%s", body)
		}
	}
	res, csvFile := b.do("GET", "/export/questions.csv", nil)
	if res.StatusCode != 200 || !strings.HasPrefix(csvFile, "\ufeffid,kind,status") || !strings.Contains(csvFile, ",abuse,") ||
		strings.Contains(csvFile, "private.person") || strings.Contains(csvFile, "0912-345-678") || !strings.Contains(csvFile, "Mei") {
		t.Errorf("questions.csv: %d\n%s", res.StatusCode, csvFile)
	}
	if !strings.Contains(list, `"total":2`) || !strings.Contains(one, `"name":"Mei"`) || !strings.Contains(gone, `"reason":"abuse"`) || !strings.Contains(gone, `"text":null`) {
		t.Errorf("the API answers:\n%s\n%s\n%s", list, one, gone)
	}
}

// The Atom feed of a commitment carries its questions and their answers
// among its changes, newest first; its evidence pack prints them.
func TestTheFeedAndTheEvidencePackCarryQuestionsAndAnswers(t *testing.T) {
	t.Parallel()
	site := newEditSite(t)
	res, _ := site.visitor().ask(fmt.Sprintf("/commitments/%d", site.commitmentID), url.Values{"text": {"Will the code be open source?"}})
	id := questionID(t, res)
	site.clock.Advance(time.Hour)
	liaison := model.NewContextWithActor(context.Background(), site.users["liaison@cec.example.org"].ActorThrough(model.DoorWeb))
	if err := site.st.AnswerQuestion(liaison, id, &model.QuestionEntry{Disposition: model.DispositionAdopted, Body: "Yes, on GitHub.", Reasons: "Public money, public code."}, nil); err != nil {
		t.Fatal(err)
	}
	_, feed := site.visitor().do("GET", fmt.Sprintf("/feed.atom?commitment=%d&lang=en", site.commitmentID), nil)
	answer := strings.Index(feed, "Answer · adopted")
	asked := strings.Index(feed, "Will the code be open source?")
	if answer < 0 || asked < 0 || answer > asked || !strings.Contains(feed, "Public money, public code.") {
		t.Errorf("the feed does not carry the question and its answer, newest first:\n%.3000s", feed)
	}
	if n := strings.Count(feed, "<entry>"); n > 50 {
		t.Errorf("the feed carries %d entries, more than 50", n)
	}
	// The evidence pack prints them too, with the days the answer took.
	_, pack := site.visitor().do("GET", fmt.Sprintf("/commitments/%d/evidence?lang=en", site.commitmentID), nil)
	for _, want := range []string{"Will the code be open source?", "Yes, on GitHub.", "Public money, public code.", "answered in 0 days", "100% within the promise"} {
		if !strings.Contains(pack, want) {
			t.Errorf("the evidence pack lacks %q", want)
		}
	}
}

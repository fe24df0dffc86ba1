package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
)

// workCount is the count of items the header shows on a page.
var workCount = regexp.MustCompile(`<a class="account-work" href="/me">My work \((\d+) items?\)</a>`)

func (b *visitor) myWork() (page string, count int) {
	b.t.Helper()
	res, page := b.do("GET", "/me?lang=en", nil)
	if res.StatusCode != 200 {
		b.t.Fatalf("GET /me: %d\n%.2000s", res.StatusCode, page)
	}
	m := workCount.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no work count in the header:\n%.2000s", page)
	}
	count, _ = strconv.Atoi(m[1])
	return page, count
}

// Signing in lands on My work; the public is sent to sign in first.
func TestSignInLandsOnMyWork(t *testing.T) {
	site := newReportSite(t)
	b := site.visitor()
	if res, _ := b.do("GET", "/me", nil); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("the public at /me: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
		t.Fatalf("sign-in: %d to %q, want /me", res.StatusCode, res.Header.Get("Location"))
	}
}

// A liaison finds their agency's late and coming milestones, each with its
// update form, and this period's report of each commitment the agency
// leads; submitting the report takes it off the count.
func TestALiaisonsWorkIsTheirAgencysMilestonesAndReports(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	page, before := liaison.myWork()
	report := fmt.Sprintf(`href="/commitments/%d/reports/new?period=%d">Start the report</a>`, site.commitmentID, site.period.ID)
	for _, want := range []string{"milestones due in the next 30 days", report, fmt.Sprintf(`href="/milestones/%d/edit">Update</a>`, site.m.ID), "Not started"} {
		if !strings.Contains(page, want) {
			t.Errorf("the liaison's work lacks %q", want)
		}
	}
	// Nothing of another agency's.
	other := site.as("liaison@moe.example.org")
	if page, _ := other.myWork(); strings.Contains(page, report) || strings.Contains(page, fmt.Sprintf(`/milestones/%d/edit`, site.m.ID)) {
		t.Error("another agency's liaison finds CEC's work on their queue")
	}

	// The same day's reminders told the liaison of nothing that is not on the queue.
	rem, err := remind.New(remind.Options{Store: site.st, Location: taipei})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := rem.Pass(context.Background(), day, true)
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range msgs {
		if m.Recipient != fmt.Sprintf("user:%d", site.users["liaison@cec.example.org"].ID) || !strings.HasPrefix(m.Subject, "milestone:") {
			continue
		}
		told++
		if id := strings.TrimPrefix(m.Subject, "milestone:"); !strings.Contains(page, `href="/milestones/`+id+`/edit"`) {
			t.Errorf("reminder %s of milestone %s is not on the liaison's queue", m.Rule, id)
		}
	}
	if told == 0 {
		t.Error("the reminders told the liaison of no milestone that day: the comparison proves nothing")
	}

	site.draft(liaison, site.draftForm(liaison, "submit"))
	page, after := liaison.myWork()
	if after != before-1 || !strings.Contains(page, "Awaiting review") || strings.Contains(page, report) {
		t.Errorf("after submitting, the count went from %d to %d, want one less, and the report awaiting review", before, after)
	}
	// The header says the same on every page.
	if _, p := liaison.do("GET", "/?lang=en", nil); !strings.Contains(p, fmt.Sprintf("My work (%d items)", after)) {
		t.Errorf("the home page's header does not count %d items", after)
	}
}

// A committee member finds the reports waiting for their review, those of
// commitments their organisation co-leads first, and clears one by
// reviewing it; the commitment then waits for its assessment.
func TestACommitteeMembersWorkIsReportsToReviewAndAssess(t *testing.T) {
	site := newReportSite(t)
	coLead := site.as(coLeadEmail)
	page, before := coLead.myWork()
	if before != 0 || !strings.Contains(page, "No submitted report is waiting for your review.") {
		t.Fatalf("before any report: %d items\n%s", before, page)
	}
	liaison := site.as("liaison@cec.example.org")
	path := site.draft(liaison, site.draftForm(liaison, "submit"))
	page, n := coLead.myWork()
	review := `href="` + path + `#review">Review</a>`
	if n != 2 || !strings.Contains(page, review) || !strings.Contains(page, "co-led by your organisation") ||
		!strings.Contains(page, fmt.Sprintf(`href="/commitments/%d#period-%d">Assess</a>`, site.commitmentID, site.period.ID)) {
		t.Fatalf("after the report: %d items, want the report to review and the commitment to assess\n%s", n, page)
	}
	res, _ := coLead.do("POST", path+"/reviews", url.Values{"csrf_token": {coLead.formToken()}, "verdict": {"dissent"}, "reasons": {"進度與事實不符"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dissent: %d", res.StatusCode)
	}
	if page, n := coLead.myWork(); n != 1 || strings.Contains(page, review) {
		t.Errorf("after reviewing: %d items, want 1 (the assessment), and the report no longer to review", n)
	}
	// Another member has yet to review it; the liaison sees it contested.
	if page, _ := site.as("member@committee.example.org").myWork(); !strings.Contains(page, review) {
		t.Error("another member does not find the report to review")
	}
	if page, _ := liaison.myWork(); !strings.Contains(page, "Contested") {
		t.Error("the liaison does not see the report contested")
	}
}

// An administrator finds the overdue milestones by agency and the accounts
// invited and not yet in use.
func TestAnAdministratorsWorkIsTheWholePlansFollowUp(t *testing.T) {
	site := newReportSite(t)
	admin := site.as("admin@secretariat.example.org")
	page, _ := admin.myWork()
	for _, want := range []string{"Overdue milestones:", "Every message was delivered or is on its way.", "Every invited person has chosen a password."} {
		if !strings.Contains(page, want) {
			t.Errorf("the administrator's work lacks %q", want)
		}
	}
	if strings.Contains(page, "Start the report") {
		t.Error("the administrator is offered a liaison's report")
	}
}

// A dissent waits on the reporting agency's queue until its liaison answers
// it; the answer is public beside the dissent, the report reads "answered",
// and the member who dissented sees it answered on theirs.
func TestTheAgencyAnswersADissentFromItsQueue(t *testing.T) {
	site := newReportSite(t)
	liaison := site.as("liaison@cec.example.org")
	path := site.draft(liaison, site.draftForm(liaison, "submit"))
	coLead := site.as(coLeadEmail)
	if res, _ := coLead.do("POST", path+"/reviews", url.Values{"csrf_token": {coLead.formToken()}, "verdict": {"dissent"}, "reasons": {"系統僅完成測試。"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dissent: %d", res.StatusCode)
	}
	reviews, err := site.st.FindReviews(context.Background(), []uint{site.reports()[0].ID})
	if err != nil || len(reviews) != 1 {
		t.Fatal(err)
	}
	dissent := reviews[site.reports()[0].ID][0]
	page, before := liaison.myWork()
	answerLink := fmt.Sprintf(`href="%s#answer-%d">Answer</a>`, path, dissent.ID)
	if !strings.Contains(page, "1 dissent waiting for your agency&#39;s answer") || !strings.Contains(page, answerLink) {
		t.Fatalf("the liaison's queue lacks the dissent:\n%s", page)
	}
	if page, _ := coLead.myWork(); !strings.Contains(page, "No answer yet") {
		t.Error("the member's queue does not show their dissent waiting")
	}

	// Refused: no answer, someone else's answer.
	answer := fmt.Sprintf("/reviews/%d/answer", dissent.ID)
	if res, page := liaison.do("POST", answer+"?lang=en", url.Values{"csrf_token": {liaison.formToken()}, "answer": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("an empty answer: %d", res.StatusCode)
	}
	for _, email := range []string{"liaison@moe.example.org", coLeadEmail} {
		b := site.as(email)
		if res, _ := b.do("POST", answer, url.Values{"csrf_token": {b.formToken()}, "answer": {"不是我們的報告"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s answers: %d, want 403", email, res.StatusCode)
		}
	}
	if v, _ := site.st.FindReviewByID(context.Background(), dissent.ID); v.Answered() {
		t.Fatal("a refused answer was recorded")
	}

	res, _ := liaison.do("POST", answer, url.Values{"csrf_token": {liaison.formToken()}, "answer": {"系統已於 **12 月 15 日**正式上線。"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", res.StatusCode)
	}
	if _, after := liaison.myWork(); after != before-1 {
		t.Errorf("after answering, the liaison's count went from %d to %d", before, after)
	}
	if page, _ := coLead.myWork(); !strings.Contains(page, "Answered: read it") {
		t.Error("the member's queue does not show the dissent answered")
	}
	_, public := site.visitor().do("GET", path+"?lang=en", nil)
	for _, want := range []string{"Dissent answered", "<strong>12 月 15 日</strong>正式上線", "Answer of Central Election Commission (林聯絡)"} {
		if !strings.Contains(public, want) {
			t.Errorf("the public report lacks %q", want)
		}
	}
	if !slices.ContainsFunc(site.changes(), func(c model.Change) bool {
		return c.Entity == model.EntityReview && c.Fields["answer"].After != nil
	}) {
		t.Error("the answer is not in the record of changes")
	}
}

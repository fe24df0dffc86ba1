package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

// Following by email in the authorization table: open to everyone, the
// link's token being the key where there is one.
func init() {
	publicReads = append(publicReads, "GET /follow", "GET /follow/confirm/:token", "GET /follow/stop/:token")
	openWrites["POST /follow"] = "anyone may ask to follow by email; only a confirmation link goes to the address, within a limit per address"
	openWrites["POST /follow/confirm/:token"] = "the confirmation link sent to the address is the authorization"
	openWrites["POST /follow/stop/:token"] = "the digest's token is the authorization (RFC 8058 one-click needs no session); it only stops follows of its address"
}

var followConfirmLink = regexp.MustCompile(`http://example\.test(/follow/confirm/[A-Z2-7]+)`)

// followSite is a tracker with its reminders and a real SMTP server.
type followSite struct {
	*accountSite
	smtp *mailtest.Server
	rem  *remind.Reminder
}

func newFollowSite(t *testing.T) *followSite {
	t.Helper()
	site := newAccountSite(t, "http://example.test")
	site.mailQueued = func() {} // mail settings: the links are mailed, not logged
	site.stop()
	site.start()
	srv := mailtest.Start(t)
	m, err := mail.New(srv.URL(), "tracker@example.test")
	if err != nil {
		t.Fatal(err)
	}
	rem, err := remind.New(remind.Options{Store: site.st, Mailer: m, Location: taipei, BaseURL: "http://example.test",
		Logger: slog.New(slog.NewTextHandler(&site.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &followSite{accountSite: site, smtp: srv, rem: rem}
}

// run is what the scheduler does at when: a pass, then a send.
func (s *followSite) run(when time.Time) []model.OutboxMessage {
	s.t.Helper()
	s.clock.Set(when)
	queued, err := s.rem.Pass(context.Background(), when, false)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.rem.Send(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return queued
}

// askToFollow sends the form of /follow?commitment=id as a visitor.
func (s *followSite) askToFollow(b *visitor, email, lang string, id int) (*http.Response, string) {
	s.t.Helper()
	_, page := b.do("GET", "/follow?commitment="+itoa(uint(id)), nil)
	return b.do("POST", "/follow", url.Values{"email": {email}, "language": {lang}, "target": {"commitment"},
		"target_id": {itoa(uint(id))}, "website": {""}, "csrf_token": {b.token(page)}})
}

func TestAFollowerConfirmsByLinkGetsTheWeeklyDigestOnceAndStopsInOneClick(t *testing.T) {
	s := newFollowSite(t)
	ctx := context.Background()
	const reader, other = "reader@example.org", "other@example.org"
	s.clock.Set(day.Add(time.Hour))
	b := s.visitor()
	if _, page := b.do("GET", "/commitments/6?lang=en", nil); !strings.Contains(page, `<a href="/follow?commitment=6">Follow by email</a>`) {
		t.Fatal("the commitment's page has no link to follow it by email")
	}
	_, page := b.do("GET", "/follow?commitment=6&lang=en", nil)
	for _, want := range []string{"<h1>Follow Commitment 2-1: ", `<option value="en" lang="en" selected>`, `name="website"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	res, _ := s.askToFollow(b, "Reader@Example.org", "en", 6)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/follow?commitment=6&sent=1" {
		t.Fatalf("follow: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, page := b.do("GET", "/follow?commitment=6&sent=1&lang=en", nil); !strings.Contains(page, "a message with a link to confirm is on its way") {
		t.Error("the page does not say the link was sent")
	}
	s.askToFollow(s.visitor(), other, "zh-TW", 6) // never confirmed
	if _, err := s.rem.SendAccountMail(ctx); err != nil {
		t.Fatal(err)
	}
	got := s.smtp.To(reader)
	if len(got) != 1 || !strings.Contains(got[0].Header("Subject"), "Confirm that you want to follow Commitment 2-1") {
		t.Fatalf("reader received %d messages, want the confirmation", len(got))
	}
	if got[0].Header("List-Unsubscribe") != "" {
		t.Error("the confirmation offers to unsubscribe from a list the address is not on")
	}
	m := followConfirmLink.FindStringSubmatch(got[0].Text())
	if m == nil {
		t.Fatalf("no link in the confirmation:\n%s", got[0].Text())
	}
	// Opening the link changes nothing (a mail scanner may open it); the button confirms.
	res, page = b.do("GET", m[1]+"?lang=en", nil)
	if res.StatusCode != 200 || !strings.Contains(page, "weekly digest of news about Commitment 2-1") {
		t.Fatalf("confirmation page: %d", res.StatusCode)
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Addresses != 0 || counts.Waiting != 2 {
		t.Errorf("after opening the link: %+v, want nothing confirmed and 2 waiting", counts)
	}
	res, _ = b.do("POST", m[1], url.Values{"csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/follow?commitment=6&confirmed=1" {
		t.Fatalf("confirm: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.do("POST", m[1], url.Values{"csrf_token": {b.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a spent link: %d", res.StatusCode)
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Addresses != 1 || counts.Commitments != 1 || counts.Waiting != 1 {
		t.Errorf("after confirming: %+v", counts)
	}

	// The week: a report on 2-1 and a milestone of 2-1 starting.
	s.clock.Set(time.Date(2021, 12, 21, 11, 0, 0, 0, taipei))
	period := s.reportingPeriod()
	rp := &model.ProgressReport{CommitmentID: 6, PeriodID: period.ID, Narrative: "Hearings held."}
	if err := s.st.SaveAndSubmitReport(ctx, rp, model.DayOf(s.clock.Now().In(taipei))); err != nil {
		t.Fatal(err)
	}
	s.clock.Set(time.Date(2021, 12, 22, 15, 30, 0, 0, taipei))
	s.startMilestone(6)

	monday := time.Date(2021, 12, 27, 9, 0, 0, 0, taipei)
	if q := s.run(monday); len(queuedTo(q, reader)) != 1 || len(queuedTo(q, other)) != 0 {
		t.Errorf("queued to the reader %v, to the unconfirmed address %v", queuedTo(q, reader), queuedTo(q, other))
	}
	got = s.smtp.To(reader)
	if len(got) != 2 {
		t.Fatalf("reader received %d messages, want the confirmation and a digest", len(got))
	}
	digest := got[1]
	for _, want := range []string{"Progress report submitted", "progress report for 2021 H2, submitted 21 Dec 2021 11:00",
		"Milestone status changed", "from Not started to In progress (22 Dec 2021 15:30)"} {
		if !strings.Contains(digest.Text(), want) {
			t.Errorf("the digest lacks %q:\n%s", want, digest.Text())
		}
	}
	if n := len(s.smtp.To(other)); n != 1 {
		t.Errorf("the unconfirmed address received %d messages, want only its confirmation", n)
	}
	// A second pass sends nothing more.
	before := len(s.smtp.Messages())
	if q := s.run(monday.Add(time.Minute)); len(q) != 0 || len(s.smtp.Messages()) != before {
		t.Errorf("a second pass queued %d and sent %d", len(q), len(s.smtp.Messages())-before)
	}

	// One click from the mail program: a POST without cookies nor form token.
	unsub := strings.Trim(digest.Header("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, "http://example.test/follow/stop/") || digest.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe %q", unsub)
	}
	path := strings.TrimPrefix(unsub, "http://example.test")
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	oneClick, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	oneClick.Body.Close()
	if oneClick.StatusCode != http.StatusOK {
		t.Fatalf("one-click: %d", oneClick.StatusCode)
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Addresses != 0 {
		t.Errorf("after one click: %+v", counts)
	}
	if _, page := b.do("GET", path+"?lang=en", nil); !strings.Contains(page, "This address follows nothing now") {
		t.Error("the digest's page does not say the address follows nothing")
	}
	// News the next week, and no digest.
	s.clock.Set(time.Date(2021, 12, 29, 10, 0, 0, 0, taipei))
	s.startMilestone(6)
	before = len(s.smtp.Messages())
	if q := s.run(monday.AddDate(0, 0, 7)); len(queuedTo(q, reader)) != 0 || len(s.smtp.To(reader)) != 2 {
		t.Errorf("after unsubscribing: queued %v, %d messages in all", queuedTo(q, reader), len(s.smtp.To(reader)))
	}
	// The administrators see counts, never the addresses.
	s.addUser(&model.User{Email: "admin@example.org", Name: "李秘書", Role: model.RoleAdmin})
	admin := s.signedIn("admin@example.org")
	if _, page := admin.do("GET", "/admin/outbox?lang=en", nil); strings.Contains(page, reader) || strings.Contains(page, other) ||
		!strings.Contains(page, "a follower (address not shown)") || !strings.Contains(page, "request(s) wait for confirmation") {
		t.Errorf("the outbox shows an address, or no counts:\n%s", page)
	}
}

// reportingPeriod adds the demo's periods and returns the one ending in December 2021.
func (s *followSite) reportingPeriod() *model.ReportingPeriod {
	s.t.Helper()
	ctx := context.Background()
	plan, err := s.st.FindPlanByID(ctx, 1)
	if err != nil {
		s.t.Fatal(err)
	}
	p := model.ReportingPeriod{PlanID: plan.ID, Name: model.T("en", "2021 H2"), StartsOn: model.MustDate("2021-07-01"), EndsOn: model.MustDate("2021-12-31")}
	if err := s.st.SavePeriod(ctx, &p); err != nil {
		s.t.Fatal(err)
	}
	return &p
}

// startMilestone moves the first milestone of a commitment not started
// yet to "in progress", as of the clock.
func (s *followSite) startMilestone(commitmentID uint) {
	s.t.Helper()
	ctx := context.Background()
	ms, err := s.st.FindMilestones(ctx, []uint{commitmentID})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, m := range model.Leaves(ms[commitmentID]) {
		if m.Status == model.MilestoneNotStarted {
			if _, err := s.st.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: model.MilestoneInProgress},
				model.DayOf(s.clock.Now().In(taipei))); err != nil {
				s.t.Fatal(err)
			}
			return
		}
	}
	s.t.Fatal("no milestone left to start")
}

func TestTheFollowFormRefusesBadInputBurstsAndPrograms(t *testing.T) {
	s := newFollowSite(t)
	ctx := context.Background()
	b := s.visitor()
	nothingStored := func(when string) {
		t.Helper()
		counts, err := s.st.CountFollows(ctx)
		msgs, _, err2 := s.st.FindOutbox(ctx, store.OutboxFilter{})
		if err != nil || err2 != nil || counts.Waiting+counts.Addresses != 0 || len(msgs) != 0 {
			t.Errorf("%s: %+v and %d messages stored (%v, %v)", when, counts, len(msgs), err, err2)
		}
	}
	// A malformed address: 422, the field's error, what was typed kept.
	res, page := s.askToFollow(b, "reader at example", "en", 6)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="reader at example"`) ||
		!strings.Contains(page, `aria-invalid="true" aria-describedby="follow-email-error"`) || !strings.Contains(page, "請輸入電子郵件地址") {
		t.Errorf("malformed address: %d\n%s", res.StatusCode, page)
	}
	nothingStored("a malformed address")
	// The hidden field filled in, as programs do: refused, nothing stored.
	_, page = b.do("GET", "/follow?commitment=6", nil)
	res, page = b.do("POST", "/follow", url.Values{"email": {"bot@example.org"}, "language": {"en"}, "target": {"commitment"},
		"target_id": {"6"}, "website": {"http://spam.example"}, "csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "表單未被接受") {
		t.Errorf("honeypot: %d", res.StatusCode)
	}
	nothingStored("the honeypot")
	// Unknown things to follow.
	for _, path := range []string{"/follow?commitment=9999", "/follow?plan=x", "/follow"} {
		if res, _ := b.do("GET", path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	// A burst for one address: five links, then 429 with a message.
	for i := range 5 {
		if res, _ := s.askToFollow(b, "target@example.org", "en", 1+i); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	res, page = s.askToFollow(b, "TARGET@example.org", "en", 7)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "過去一小時內已寄出多封確認連結") || res.Header.Get("Retry-After") == "" {
		t.Errorf("burst: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Waiting != 5 {
		t.Errorf("after the burst: %d waiting, want 5", counts.Waiting)
	}
	// An hour later the address may ask again.
	s.clock.Advance(time.Hour)
	if res, _ := s.askToFollow(b, "target@example.org", "en", 7); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an hour later: %d", res.StatusCode)
	}
	// One client asking for many addresses: ten requests at once in all
	// (eight so far), then 429, whatever the address.
	for i, email := range []string{"a@example.org", "b@example.org"} {
		if res, _ := s.askToFollow(b, email, "en", 6); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request %d of the client: %d", 9+i, res.StatusCode)
		}
	}
	res, page = s.askToFollow(b, "c@example.org", "en", 6)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "短時間內從您的網路送出了太多關注申請") || res.Header.Get("Retry-After") == "" {
		t.Errorf("the client's eleventh request: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if msgs, _, _ := s.st.FindOutbox(ctx, store.OutboxFilter{}); len(msgs) != 8 {
		t.Errorf("%d confirmation links queued, want 8 (5, 1 an hour later, 2 more addresses)", len(msgs))
	}
}

// queuedTo is the messages queued to an address.
func queuedTo(msgs []model.OutboxMessage, to string) []string {
	var out []string
	for _, m := range msgs {
		if m.To == to {
			out = append(out, m.Rule)
		}
	}
	return out
}

func TestAnAddressStopsFollowingOneThingOrEverythingFromItsPage(t *testing.T) {
	s := newFollowSite(t)
	ctx := context.Background()
	for _, target := range []struct {
		kind model.FollowTarget
		id   uint
	}{{model.FollowCommitment, 6}, {model.FollowPlan, 1}} {
		var token string
		if _, err := s.st.RequestFollow(ctx, model.FollowRequest{Email: "reader@example.org", Language: "en", Target: target.kind, TargetID: target.id},
			store.FollowLimits{LinkLifetime: time.Hour, PerWindow: 5, Window: time.Hour},
			func(tok string, _ *model.Follower) model.OutboxMessage {
				token = tok
				return model.OutboxMessage{Title: "Confirm", Text: tok}
			}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.st.ConfirmFollow(ctx, token); err != nil {
			t.Fatal(err)
		}
	}
	followers, err := s.st.FindActiveFollowers(ctx)
	if err != nil || len(followers) != 1 || len(followers[0].Follows) != 2 {
		t.Fatalf("followers: %+v %v", followers, err)
	}
	to := model.FollowerRecipient(followers[0].ID)
	if _, err := s.st.QueueMessages(ctx, []model.OutboxMessage{{Rule: remind.RuleFollowDigest, Subject: to, Recipient: to, Occurrence: "2021-W51",
		Kind: model.KindFollow, Channel: model.ChannelEmail, To: "reader@example.org", Lang: "en", Title: "Digest", Text: "…",
		UnsubscribeToken: "STOPTOKEN"}}); err != nil {
		t.Fatal(err)
	}
	b := s.visitor()
	_, page := b.do("GET", "/follow/stop/STOPTOKEN?lang=en", nil)
	for _, want := range []string{`<a href="/commitments/6">Commitment 2-1: `, `<a href="/plans/1">`, "Stop following everything"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "reader@example.org") {
		t.Error("the page shows the address: whoever holds a forwarded digest would learn it")
	}
	// A form without its token is refused; with it, one follow stops.
	if res, _ := b.do("POST", "/follow/stop/STOPTOKEN/x", url.Values{"follow": {"1"}}); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Errorf("a deeper path without a form token: %d", res.StatusCode)
	}
	commitmentFollow := followers[0].Follows[0].ID
	res, _ := b.do("POST", "/follow/stop/STOPTOKEN", url.Values{"follow": {itoa(commitmentFollow)}, "csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/follow/stop/STOPTOKEN?done=1" {
		t.Fatalf("stop one: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Commitments != 0 || counts.Plans != 1 {
		t.Errorf("after stopping the commitment: %+v", counts)
	}
	_, page = b.do("GET", "/follow/stop/STOPTOKEN?done=1&lang=en", nil)
	if strings.Contains(page, `href="/commitments/6"`) || !strings.Contains(page, "Done: your choice is saved.") {
		t.Error("the page still lists the commitment, or does not say it is done")
	}
	// Another address's follow cannot be stopped through this token.
	if res, _ := b.do("POST", "/follow/stop/STOPTOKEN", url.Values{"follow": {"9999"}, "csrf_token": {b.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown follow: %d", res.StatusCode)
	}
	res, _ = b.do("POST", "/follow/stop/STOPTOKEN", url.Values{"csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop all: %d", res.StatusCode)
	}
	if counts, _ := s.st.CountFollows(ctx); counts.Addresses != 0 {
		t.Errorf("after stopping everything: %+v", counts)
	}
	if res, _ := b.do("GET", "/follow/stop/UNKNOWN", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown token: %d", res.StatusCode)
	}
}

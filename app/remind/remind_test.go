package remind_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"golang.org/x/crypto/bcrypt"
)

var taipei, _ = time.LoadLocation("Asia/Taipei")

// TestMain hashes the demo people's passwords at bcrypt's lowest cost: the
// reminders never read them.
func TestMain(m *testing.M) {
	model.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// at is an instant of Taipei time.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, taipei)
	if err != nil {
		panic(err)
	}
	return t
}

// site is the demo plan, loaded on loadedOn, with people to remind and a
// real SMTP server.
type site struct {
	t     *testing.T
	clock *storetest.Clock
	st    *store.Store
	smtp  *mailtest.Server
	rem   *remind.Reminder
	users map[string]*model.User
}

const (
	cecZH     = "cec@example.org"       // CEC liaison, Chinese
	ndcEN     = "ndc@example.org"       // NDC liaison, English
	moiZH     = "moi@example.org"       // MOI liaison
	civicTech = "civictech@example.org" // committee member of DEMO-CIVICTECH, co-lead of 2-1
	openData  = "opendata@example.org"  // committee member of DEMO-OPENDATA
	chair     = "chair@example.org"
	admin     = "admin@example.org"
)

func newSite(t *testing.T, loadedOn time.Time) *site {
	t.Helper()
	s := &site{t: t, clock: storetest.NewClock(loadedOn), users: map[string]*model.User{}}
	s.st = storetest.Open(t, s.clock.Now)
	ctx := context.Background()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.ImportDataset(model.NewContextWithActor(ctx, demo.Actor), ds, nil); err != nil {
		t.Fatal(err)
	}
	c21, err := s.st.FindCommitmentByID(ctx, 6) // 2-1, co-led by DEMO-CIVICTECH
	if err != nil || c21.Code != "2-1" {
		t.Fatalf("commitment 2-1: %v %+v", err, c21)
	}
	c11, err := s.st.FindCommitmentByID(ctx, 1) // 1-1, co-led by DEMO-OPENDATA
	if err != nil || c11.Code != "1-1" {
		t.Fatalf("commitment 1-1: %v", err)
	}
	agency := func(code string) *uint {
		a, err := s.st.FindAgencyByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return &a.ID
	}
	org := func(c *model.Commitment) *uint { return &c.Organisations[0].OrganisationID }
	for _, u := range []*model.User{
		{Email: cecZH, Name: "林聯絡", Role: model.RoleLiaison, AgencyID: agency("CEC")},
		{Email: ndcEN, Name: "Nora NDC", Role: model.RoleLiaison, AgencyID: agency("NDC"), Language: "en"},
		{Email: moiZH, Name: "王內政", Role: model.RoleLiaison, AgencyID: agency("MOI")},
		{Email: civicTech, Name: "陳公民", Role: model.RoleCommittee, OrganisationID: org(c21)},
		{Email: openData, Name: "Olive Open", Role: model.RoleCommittee, OrganisationID: org(c11), Language: "en"},
		{Email: chair, Name: "張召集", Role: model.RoleCommittee, Chair: true},
		{Email: admin, Name: "李秘書", Role: model.RoleAdmin},
	} {
		if err := u.SetPassword("a long enough password"); err != nil {
			t.Fatal(err)
		}
		if err := s.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		s.users[u.Email] = u
	}
	s.smtp = mailtest.Start(t)
	m, err := mail.New(s.smtp.URL(), "tracker@ogp.example.org")
	if err != nil {
		t.Fatal(err)
	}
	s.rem, err = remind.New(remind.Options{Store: s.st, Mailer: m, Location: taipei, BaseURL: "https://ogp.example.org",
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run is what the scheduler does: a pass as of the clock, then a send.
func (s *site) run(when time.Time) ([]model.OutboxMessage, remind.SendResult) {
	s.t.Helper()
	s.clock.Set(when)
	queued, err := s.rem.Pass(context.Background(), when, false)
	if err != nil {
		s.t.Fatal(err)
	}
	res, err := s.rem.Send(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return queued, res
}

func rules(msgs []model.OutboxMessage, to string) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		if m.To == to {
			out[m.Rule]++
		}
	}
	return out
}

func TestDueMilestonesReachTheirLiaisonsOnceInTheirLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	queued, res := s.run(at("2021-12-20 09:00"))
	// CEC answers for the four milestones of 2-1 due in December 2021, NDC for one of 1-1, MOI for 4-1.
	if got := rules(queued, cecZH); got["milestone-due-14d"] != 4 || len(got) != 1 {
		t.Errorf("CEC liaison: queued %v, want 4 due-in-14-days reminders", got)
	}
	if got := len(s.smtp.To(cecZH)); got != 4 {
		t.Errorf("CEC liaison received %d messages, want 4", got)
	}
	if got := len(s.smtp.To(moiZH)); got != 1 {
		t.Errorf("MOI liaison received %d messages, want 1", got)
	}
	zh := s.smtp.To(cecZH)[0]
	if subj := zh.Header("Subject"); !strings.Contains(subj, "里程碑 2-1 #") || !strings.Contains(subj, "2021年12月 到期") {
		t.Errorf("Chinese subject = %q", subj)
	}
	en := s.smtp.To(ndcEN)
	if len(en) != 1 || !strings.Contains(en[0].Header("Subject"), "Milestone 1-1 #1 is due on Dec 2021") {
		t.Fatalf("English liaison received %d messages, first subject %q", len(en), firstSubject(en))
	}
	if !strings.Contains(en[0].Raw, "https://ogp.example.org/milestones/") || !strings.Contains(en[0].Raw, "text/html") {
		t.Errorf("message has no link to the milestone or no HTML part:\n%s", en[0].Raw)
	}
	unsub := en[0].Header("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<https://ogp.example.org/unsubscribe/") || en[0].Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe = %q, List-Unsubscribe-Post = %q", unsub, en[0].Header("List-Unsubscribe-Post"))
	}
	if res.Sent != len(queued) || res.Failed+res.Retrying != 0 {
		t.Errorf("send: %+v, queued %d", res, len(queued))
	}

	// The same pass again, and an hour later: nothing new.
	before := len(s.smtp.Messages())
	for _, when := range []time.Time{at("2021-12-20 09:00"), at("2021-12-20 10:00")} {
		if again, res := s.run(when); len(again) != 0 || res.Sent != 0 {
			t.Errorf("pass at %s queued %d and sent %d again", when, len(again), res.Sent)
		}
	}
	if n := len(s.smtp.Messages()); n != before {
		t.Errorf("server received %d more messages", n-before)
	}

	// Three days before the end of December: the next step of the ladder.
	queued, _ = s.run(at("2021-12-29 09:00"))
	if got := rules(queued, cecZH); got["milestone-due-3d"] != 4 {
		t.Errorf("CEC liaison on 29 December: %v, want 4 due-in-3-days reminders", got)
	}
}

func firstSubject(ms []mailtest.Message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[0].Header("Subject")
}

func TestOverdueMilestonesReachCoLeadsAndTheChairAfter30Days(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	queued, _ := s.run(at("2022-01-01 09:00"))
	if got := rules(queued, cecZH); got["milestone-overdue"] != 4 {
		t.Errorf("CEC liaison on 1 January: %v, want 4 overdue reminders", got)
	}
	if got := rules(queued, civicTech); len(got) != 0 {
		t.Errorf("co-lead heard of a milestone one day late: %v", got)
	}
	queued, _ = s.run(at("2022-01-31 09:00"))
	// DEMO-CIVICTECH co-leads 2-1, 2-2, 2-4 and 4-1 (10 milestones due in
	// December 2021), DEMO-OPENDATA 1-1 and 3-4 (2); the chair hears of all 12.
	for to, want := range map[string]int{cecZH: 4, civicTech: 10, openData: 2, chair: 12} {
		if got := rules(queued, to); got["milestone-overdue-30d"] != want {
			t.Errorf("%s after 30 days: %v, want %d escalated reminders", to, got, want)
		}
	}
	if got := s.smtp.To(chair); len(got) == 0 || !strings.Contains(got[0].Header("Subject"), "已逾期 30 天") {
		t.Errorf("chair's subject: %q", firstSubject(got))
	}
}

func TestStaleCommitmentsReachLiaisonsAndTheCommittee(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-09-01 10:00"))    // the plan's last update
	queued, _ := s.run(at("2021-11-30 12:00")) // 90 days later
	if got := rules(queued, civicTech); got["commitment-stale"] == 0 {
		t.Errorf("committee member: %v, want stale reminders", got)
	}
	if got := rules(queued, cecZH); got["commitment-stale"] != 1 {
		t.Errorf("CEC liaison: %v, want one stale reminder (2-1)", got)
	}
	if got := rules(queued, admin); got["commitment-stale"] != 0 {
		t.Errorf("administrator: %v, want none", got)
	}
}

func TestCommitteeDutiesReachAdministrators(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-03-01 10:00"))
	if err := s.st.RecordMeeting(context.Background(), model.MustDate("2021-05-10")); err != nil {
		t.Fatal(err)
	}
	// The plan's record was last updated on 1 March: six months later it is due.
	queued, _ := s.run(at("2021-11-10 09:00"))
	if got := rules(queued, admin); got["committee-meeting"] != 0 || got["public-record"] != 1 {
		t.Errorf("administrator on 10 November: %v, want a public-record reminder and no meeting yet", got)
	}
	queued, _ = s.run(at("2021-11-11 09:00"))
	if got := rules(queued, admin); got["committee-meeting"] != 1 || got["public-record"] != 0 {
		t.Errorf("administrator on 11 November: %v, want the meeting reminder only", got)
	}
	if got := rules(queued, cecZH); got["committee-meeting"]+got["public-record"] != 0 {
		t.Errorf("liaison received the committee's duties: %v", got)
	}
}

func TestWeeklyDigestOnMondayMorning(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-15 10:00"))
	queued, _ := s.run(at("2021-12-20 08:59"))
	if got := rules(queued, civicTech); got["weekly-digest"] != 0 {
		t.Errorf("digest before 09:00: %v", got)
	}
	queued, _ = s.run(at("2021-12-20 09:00"))
	for _, to := range []string{civicTech, openData, chair} {
		if got := rules(queued, to); got["weekly-digest"] != 1 {
			t.Errorf("%s: %v, want one digest", to, got)
		}
	}
	if got := rules(queued, cecZH); got["weekly-digest"] != 0 {
		t.Errorf("liaison received the digest: %v", got)
	}
	en := s.smtp.To(openData)
	var digest string
	for _, m := range en {
		if strings.Contains(m.Header("Subject"), "Weekly digest") {
			digest = m.Raw
		}
	}
	for _, want := range []string{"changes were recorded in the past week", "milestones are due in the next two weeks"} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest)
		}
	}
	// Tuesday: that week's digest is not queued late.
	s2 := newSite(t, at("2021-12-15 10:00"))
	queued, _ = s2.run(at("2021-12-21 10:00"))
	if got := rules(queued, civicTech); got["weekly-digest"] != 0 {
		t.Errorf("digest queued on Tuesday: %v", got)
	}
}

func TestPreferencesAndUnsubscribe(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	ctx := context.Background()
	if err := s.st.SetReminderPreferences(ctx, s.users[cecZH].ID, "en", []model.ReminderKind{model.KindOverdue}); err != nil {
		t.Fatal(err)
	}
	queued, _ := s.run(at("2021-12-20 09:00"))
	if got := rules(queued, cecZH); len(got) != 0 {
		t.Errorf("CEC liaison turned due reminders off but got %v", got)
	}
	queued, _ = s.run(at("2022-01-01 09:00"))
	if got := s.smtp.To(cecZH); len(got) != 4 || !strings.Contains(got[0].Header("Subject"), "is overdue") {
		t.Errorf("CEC liaison: %d overdue messages, subject %q, want 4 in English", len(got), firstSubject(got))
	}
	// The unsubscribe link of a message turns its kind off for its
	// recipient, as the link's page does (store.OptOut)...
	var overdue *model.OutboxMessage
	for i := range queued {
		if queued[i].To == cecZH {
			overdue = &queued[i]
		}
	}
	if overdue == nil {
		t.Fatal("no overdue message to the CEC liaison to unsubscribe from")
	}
	msg, u, err := s.st.FindMessageByUnsubscribeToken(ctx, overdue.UnsubscribeToken)
	if err != nil || u.ID != s.users[cecZH].ID || msg.Kind != model.KindOverdue {
		t.Fatalf("token: %v %+v", err, msg)
	}
	if err := s.st.OptOut(ctx, u.ID, msg.Kind); err != nil {
		t.Fatal(err)
	}
	// ...so the escalation a month later, of the same kind, reaches the
	// others it is for but not the liaison who unsubscribed.
	queued, _ = s.run(at("2022-02-01 09:00"))
	if got := rules(queued, cecZH); len(got) != 0 {
		t.Errorf("CEC liaison unsubscribed from overdue reminders but got %v", got)
	}
	if got := rules(queued, civicTech); got["milestone-overdue-30d"] == 0 {
		t.Errorf("the co-lead's escalation went too: %v (queued %d)", got, len(queued))
	}
	if got := s.smtp.To(cecZH); len(got) != 4 {
		t.Errorf("CEC liaison received %d messages in all, want the 4 before unsubscribing", len(got))
	}
}

func TestCrashMidPassAndMidSendLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	ctx := context.Background()
	when := at("2021-12-20 09:00")
	s.clock.Set(when)
	all, err := s.rem.Pass(ctx, when, true)
	if err != nil || len(all) < 6 {
		t.Fatalf("dry run: %d, %v", len(all), err)
	}
	// A pass that stopped half-way queued only some messages.
	if _, err := s.st.QueueMessages(ctx, all[:len(all)/2]); err != nil {
		t.Fatal(err)
	}
	// A sender claimed them and died before marking any.
	claimed, err := s.st.ClaimMessages(ctx, model.ChannelEmail, 100)
	if err != nil || len(claimed) != len(all)/2 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	// The restarted tracker's next pass queues the rest, and sends them.
	queued, res := s.run(when.Add(time.Minute))
	if len(queued) != len(all)-len(all)/2 || res.Sent != len(queued) {
		t.Errorf("after the crash: queued %d, sent %d; want %d", len(queued), res.Sent, len(all)-len(all)/2)
	}
	// The claimed ones wait for the lease, then go exactly once.
	_, res = s.run(when.Add(store.ClaimLease + 2*time.Minute))
	if res.Sent != len(all)/2 {
		t.Errorf("after the lease: sent %d, want %d", res.Sent, len(all)/2)
	}
	if got := len(s.smtp.Messages()); got != len(all) {
		t.Errorf("server received %d messages, want %d, each once", got, len(all))
	}
	_, res = s.run(when.Add(time.Hour))
	if res.Sent != 0 {
		t.Errorf("sent %d again", res.Sent)
	}
}

// A sender stopped mid-batch (SIGTERM) keeps what the server accepted
// marked sent and gives the rest back at once, not after the claim lease.
func TestASenderStoppedMidBatchGivesTheRestBack(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	when := at("2021-12-20 09:00")
	s.clock.Set(when)
	queued, err := s.rem.Pass(context.Background(), when, false)
	if err != nil || len(queued) < 6 {
		t.Fatalf("pass: %d, %v", len(queued), err)
	}
	ctx, stop := context.WithCancel(context.Background())
	s.smtp.OnAccept(func(n int) {
		if n == 3 {
			stop()
		}
	})
	if _, err := s.rem.Send(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("send: %v, want it stopped", err)
	}
	_, counts, err := s.st.FindOutbox(context.Background(), store.OutboxFilter{})
	if err != nil || counts[model.OutboxSent] != 3 || counts[model.OutboxPending] != int64(len(queued)-3) || counts[model.OutboxSending] != 0 {
		t.Errorf("outbox after the stop: %v %v; want 3 sent, %d pending", counts, err, len(queued)-3)
	}
	s.smtp.OnAccept(nil)
	if res, err := s.rem.Send(context.Background()); err != nil || res.Sent != len(queued)-3 || len(s.smtp.Messages()) != len(queued) {
		t.Errorf("next send: %+v %v; server has %d of %d", res, err, len(s.smtp.Messages()), len(queued))
	}
}

// A mail server so slow that a batch outlasts the claims' lease: no message
// goes out on a claim old enough for another sender (another instance,
// `ogptracker remind`) to take it; each is sent once all the same.
func TestASlowMailServerNeverSendsOnALapsedClaim(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	when := at("2021-12-20 09:00")
	s.clock.Set(when)
	queued, err := s.rem.Pass(context.Background(), when, false)
	if err != nil || len(queued) < 8 {
		t.Fatalf("pass: %d, %v", len(queued), err)
	}
	// Each message takes the server two minutes to accept.
	s.smtp.OnAccept(func(n int) {
		msgs, _, err := s.st.FindOutbox(context.Background(), store.OutboxFilter{Status: model.OutboxSending})
		if err != nil {
			t.Error(err)
		}
		for _, m := range msgs {
			if age := s.clock.Now().Sub(*m.ClaimedAt); age >= store.ClaimLease {
				t.Errorf("message %d accepted while message %d's claim is %s old, past the lease", n, m.ID, age)
				break
			}
		}
		s.clock.Advance(2 * time.Minute)
	})
	res, err := s.rem.Send(context.Background())
	s.smtp.OnAccept(nil)
	if err != nil || res.Sent != len(queued) || len(s.smtp.Messages()) != len(queued) {
		t.Errorf("send: %+v %v; server has %d of %d", res, err, len(s.smtp.Messages()), len(queued))
	}
}

// A mail server that goes away mid-batch leaves the rest of the batch to
// be tried again, not failed for good.
func TestAServerLostMidBatchLeavesTheRestToTryAgain(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	s.smtp.OnAccept(func(n int) {
		if n == 2 {
			s.smtp.Stop()
		}
	})
	queued, res := s.run(at("2021-12-20 09:00"))
	if res.Failed != 0 || res.Sent+res.Retrying != len(queued) || res.Sent > 2 {
		t.Fatalf("server lost after 2 messages: %+v of %d queued; want none failed for good", res, len(queued))
	}
	s.smtp.OnAccept(nil)
	s.smtp.Restart()
	_, res2 := s.run(at("2021-12-20 09:05"))
	if res2.Sent != res.Retrying || res2.Failed != 0 {
		t.Errorf("server back: %+v, want the %d left sent", res2, res.Retrying)
	}
}

func TestSMTPDownThenBackDeliversLate(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	ctx := context.Background()
	s.smtp.Stop()
	when := at("2021-12-20 09:00")
	queued, res := s.run(when)
	if res.Sent != 0 || res.Retrying != len(queued) {
		t.Fatalf("server down: %+v, queued %d", res, len(queued))
	}
	// Still down a minute later: a second attempt, then a wait of two minutes.
	_, res = s.run(when.Add(time.Minute))
	if res.Retrying != len(queued) {
		t.Fatalf("second attempt: %+v", res)
	}
	_, res = s.run(when.Add(2 * time.Minute))
	if res.Sent+res.Retrying != 0 {
		t.Errorf("tried again before the backoff: %+v", res)
	}
	msgs, counts, err := s.st.FindOutbox(ctx, store.OutboxFilter{})
	if err != nil || counts[model.OutboxPending] != int64(len(queued)) || msgs[0].Attempts != 2 || msgs[0].LastError == "" {
		t.Fatalf("outbox while down: %v %v %+v", err, counts, msgs[0])
	}
	s.smtp.Restart()
	_, res = s.run(when.Add(time.Hour))
	if res.Sent != len(queued) {
		t.Errorf("back up: %+v, want %d sent", res, len(queued))
	}
	attempts, err := s.st.FindOutboxAttempts(ctx, msgs[0].ID)
	if err != nil || len(attempts) != 3 || attempts[0].Error == "" || attempts[2].Error != "" {
		t.Errorf("attempts recorded: %v %+v", err, attempts)
	}
}

func TestOneBadAddressFailsAlone(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	s.smtp.Refuse(cecZH)
	queued, res := s.run(at("2021-12-20 09:00"))
	if res.Failed != 4 || res.Sent != len(queued)-4 {
		t.Errorf("send: %+v, queued %d; want the 4 messages to CEC failed and the rest sent", res, len(queued))
	}
	if len(s.smtp.To(ndcEN)) != 1 || len(s.smtp.To(moiZH)) != 1 {
		t.Errorf("good addresses did not receive their message")
	}
	_, counts, _ := s.st.FindOutbox(context.Background(), store.OutboxFilter{})
	if counts[model.OutboxFailed] != 4 {
		t.Errorf("failed in the outbox: %d, want 4", counts[model.OutboxFailed])
	}
}

func TestWebhooksReceiveWhatTheirAgencyReceives(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	var mu sync.Mutex
	var texts []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var v struct{ Text string }
		if err := json.Unmarshal(body, &v); err != nil || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		texts = append(texts, v.Text)
		mu.Unlock()
	}))
	defer hook.Close()
	cec, _ := s.st.FindAgencyByCode(context.Background(), "CEC")
	if err := s.st.CreateWebhook(context.Background(), &model.Webhook{AgencyID: &cec.ID, URL: hook.URL}); err != nil {
		t.Fatal(err)
	}
	_, res := s.run(at("2021-12-20 09:00"))
	mu.Lock()
	defer mu.Unlock()
	if len(texts) != 4 || !strings.Contains(texts[0], "2-1") || !strings.Contains(texts[0], "https://ogp.example.org/milestones/") {
		t.Errorf("webhook received %d messages: %q (send %+v)", len(texts), texts, res)
	}
}

func TestWithoutSMTPMessagesStayInTheOutbox(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	rem, err := remind.New(remind.Options{Store: s.st, Location: taipei, BaseURL: "http://localhost:8080"})
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Set(at("2021-12-20 09:00"))
	queued, err := rem.Pass(context.Background(), s.clock.Now(), false)
	if err != nil || len(queued) == 0 {
		t.Fatal(err, len(queued))
	}
	res, err := rem.Send(context.Background())
	if err != nil || res.Sent != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	_, counts, _ := s.st.FindOutbox(context.Background(), store.OutboxFilter{})
	if counts[model.OutboxPending] != int64(len(queued)) {
		t.Errorf("pending %d, want %d", counts[model.OutboxPending], len(queued))
	}
}

func TestPlansNotInForceRemindNobody(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2026-11-01 10:00"))
	queued, _ := s.run(at("2026-11-28 09:00"))
	if len(queued) != 0 {
		t.Errorf("a plan ended in 2024 queued %d reminders: %+v", len(queued), queued[0])
	}
}

// withPeriods adds the demo's reporting periods and returns the one ending
// on 31 December 2021.
func (s *site) withPeriods() *model.ReportingPeriod {
	s.t.Helper()
	ctx := context.Background()
	plan, err := s.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		s.t.Fatal(err)
	}
	var h2 model.ReportingPeriod
	for _, p := range demo.Periods() {
		p.PlanID = plan.ID
		if err := s.st.SavePeriod(ctx, &p); err != nil {
			s.t.Fatal(err)
		}
		if p.EndsOn == model.MustDate("2021-12-31") {
			h2 = p
		}
	}
	return &h2
}

// submit submits a report of commitment 2-1 (CEC) for period, as of the clock.
func (s *site) submit(period *model.ReportingPeriod) *model.ProgressReport {
	s.t.Helper()
	ctx := context.Background()
	r := &model.ProgressReport{CommitmentID: 6, PeriodID: period.ID, Narrative: "進行中。"}
	if err := s.st.SaveReportDraft(ctx, r); err != nil {
		s.t.Fatal(err)
	}
	if err := s.st.SubmitReport(ctx, r.ID, r.Revision, model.DayOf(s.clock.Now().In(taipei))); err != nil {
		s.t.Fatal(err)
	}
	return r
}

func TestReportsOwedBeforeAPeriodClosesReachTheLiaisons(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	period := s.withPeriods()
	s.submit(period) // CEC has reported 2-1, its only commitment
	queued, _ := s.run(at("2021-12-24 09:00"))
	if got := rules(queued, ndcEN); got["report-due-7d"] != 0 {
		t.Errorf("reminder more than 7 days before the period closes: %v", got)
	}
	queued, _ = s.run(at("2021-12-25 09:00"))
	if got := rules(queued, ndcEN); got["report-due-7d"] != 1 {
		t.Fatalf("NDC liaison: %v, want one reminder of the reports it owes", got)
	}
	if got := rules(queued, cecZH); got["report-due-7d"] != 0 {
		t.Errorf("CEC liaison, whose report is submitted: %v", got)
	}
	var text string
	for _, m := range s.smtp.To(ndcEN) {
		if strings.Contains(m.Header("Subject"), "Progress reports") {
			text = m.Raw
		}
	}
	if !strings.Contains(text, "1-1") || !strings.Contains(text, "/reports/new") {
		t.Errorf("the reminder does not list 1-1 with a link to report it:\n%s", text)
	}
	if again, _ := s.run(at("2021-12-26 09:00")); len(rules(again, ndcEN)) != 0 {
		t.Errorf("reminded again: %v", rules(again, ndcEN))
	}
}

func TestASubmittedReportWaitingForReviewReachesTheCoLeads(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	period := s.withPeriods()
	s.submit(period) // 2-1, co-led by DEMO-CIVICTECH
	queued, _ := s.run(at("2021-12-15 09:00"))
	if got := rules(queued, civicTech); got["report-unconfirmed-14d"] != 0 {
		t.Errorf("before 14 days: %v", got)
	}
	queued, _ = s.run(at("2021-12-15 11:00"))
	if got := rules(queued, civicTech); got["report-unconfirmed-14d"] != 1 {
		t.Errorf("co-lead after 14 days: %v, want one reminder", got)
	}
	for _, to := range []string{openData, chair, cecZH} {
		if got := rules(queued, to); got["report-unconfirmed-14d"] != 0 {
			t.Errorf("%s is not a co-lead of 2-1 but got %v", to, got)
		}
	}
	if got := s.smtp.To(civicTech); len(got) == 0 || !strings.Contains(got[len(got)-1].Header("Subject"), "進度報告已等候您確認 14 天") {
		t.Errorf("co-lead's subject: %q", got[len(got)-1].Header("Subject"))
	}

	// Once a co-lead has reviewed it, nobody is reminded.
	s2 := newSite(t, at("2021-12-01 10:00"))
	r := s2.submit(s2.withPeriods())
	if err := s2.st.ReviewReport(context.Background(), &model.Review{ReportID: r.ID, UserID: s2.users[civicTech].ID,
		Verdict: model.VerdictConfirm, CoLead: true}); err != nil {
		t.Fatal(err)
	}
	if queued, _ := s2.run(at("2021-12-16 09:00")); rules(queued, civicTech)["report-unconfirmed-14d"] != 0 {
		t.Errorf("reminded of a reviewed report")
	}
}

// Account mail goes out on its own, even where reminders are left to
// `ogptracker remind`: SendAccountMail sends it and nothing else.
func TestSendAccountMailSendsOnlyAccountMail(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	ctx := context.Background()
	when := at("2021-12-20 09:00")
	s.clock.Set(when)
	queued, err := s.rem.Pass(ctx, when, false)
	if err != nil || len(queued) == 0 {
		t.Fatalf("pass: %d %v", len(queued), err)
	}
	u := s.users[ndcEN]
	if _, err := s.st.CreateOneTimeLinkAndMail(ctx, u.ID, model.LinkPasswordReset, time.Hour, func(token string) model.OutboxMessage {
		return model.OutboxMessage{Rule: "password-reset", Subject: "user:1", Recipient: "user:1", Kind: model.KindAccount,
			Channel: model.ChannelEmail, UserID: &u.ID, To: u.Email, Lang: "en", Title: "Set a new password", Text: "Link: /password/reset/" + token}
	}); err != nil {
		t.Fatal(err)
	}
	res, err := s.rem.SendAccountMail(ctx)
	if err != nil || res.Sent != 1 || len(s.smtp.Messages()) != 1 || s.smtp.Messages()[0].Header("Subject") != "Set a new password" {
		t.Fatalf("account mail: %+v %v, server has %d", res, err, len(s.smtp.Messages()))
	}
	if res, err := s.rem.Send(ctx); err != nil || res.Sent != len(queued) {
		t.Errorf("reminders afterwards: %+v %v, want %d", res, err, len(queued))
	}
}

// A pass and a send that find nothing to do write nothing: the pages kept
// under the data version (the page cache, the schedules) stay kept, on
// every instance, however often the scheduler runs.
func TestAPassWithNothingToDoLeavesTheKeptPages(t *testing.T) {
	s := newSite(t, at("2022-03-01 10:00"))
	s.run(at("2022-03-01 10:00")) // queues and sends what is due that day
	ctx := context.Background()
	before, err := s.st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, minute := range []string{"10:01", "10:02", "10:03"} {
		if queued, res := s.run(at("2022-03-01 " + minute)); len(queued) != 0 || res.Sent != 0 {
			t.Fatalf("at %s: queued %d, sent %d: want nothing more that day", minute, len(queued), res.Sent)
		}
	}
	after, err := s.st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("data version moved from %d to %d over three idle minutes: every kept page was let go", before, after)
	}
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// addUser creates an account with the test password.
func (a *accountSite) addUser(u *model.User) *model.User {
	a.t.Helper()
	if err := u.SetPassword(testPassword); err != nil {
		a.t.Fatal(err)
	}
	if err := a.st.CreateUser(context.Background(), u); err != nil {
		a.t.Fatal(err)
	}
	return u
}

// signedIn returns a visitor signed in as email.
func (a *accountSite) signedIn(email string) *visitor {
	a.t.Helper()
	b := a.visitor()
	if res, _ := b.signIn(email, testPassword); res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("%s could not sign in: %d", email, res.StatusCode)
	}
	return b
}

func TestEveryoneChoosesTheirOwnReminders(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	if res, _ := site.visitor().do("GET", "/account/reminders", nil); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/signin?next=%2Faccount%2Freminders" {
		t.Fatalf("public: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	b := site.signedIn("liaison@cec.example.org")
	res, page := b.do("GET", "/account/reminders", nil)
	if res.StatusCode != 200 || !strings.Contains(page, "<h1>我的提醒</h1>") || !strings.Contains(page, `id="kind-due" name="kind" value="due" checked`) {
		t.Fatalf("preferences page: %d\n%.3000s", res.StatusCode, page)
	}
	if _, en := b.do("GET", "/account/reminders?lang=en", nil); !strings.Contains(en, "<h1>Your reminders</h1>") || !strings.Contains(en, "Every week, on Monday morning") {
		t.Errorf("English page:\n%.3000s", en)
	}
	// A bad language changes nothing.
	token := b.token(page)
	res, _ = b.do("POST", "/account/reminders", url.Values{"csrf_token": {token}, "kind": {"overdue"}, "digest": {"never"}, "language": {"de"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad language: %d, want 422", res.StatusCode)
	}
	res, _ = b.do("POST", "/account/reminders", url.Values{"csrf_token": {token}, "kind": {"overdue"}, "digest": {"never"}, "language": {"en"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	u, _ := site.st.FindUserByEmail(context.Background(), "liaison@cec.example.org")
	off, _ := site.st.FindOptOuts(context.Background())
	if u.Language != "en" || !off[u.ID][model.KindDue] || off[u.ID][model.KindOverdue] || !off[u.ID][model.KindDigest] {
		t.Errorf("saved: language %q, off %v", u.Language, off[u.ID])
	}
	if _, page := b.do("GET", "/account/reminders?saved=1", nil); !strings.Contains(page, `value="overdue" checked`) ||
		strings.Contains(page, `value="due" checked`) || !strings.Contains(page, `id="digest-never" name="digest" value="never" checked`) {
		t.Errorf("the page does not show the saved choices:\n%.4000s", page)
	}
	// Without the form token nothing is saved.
	if res, _ := b.do("POST", "/account/reminders", url.Values{"kind": {"due"}, "digest": {"weekly"}, "language": {"zh-TW"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("without the form token: %d, want 403", res.StatusCode)
	}
}

// queueFor puts one reminder for the user in the outbox and returns its unsubscribe token.
func (a *accountSite) queueFor(u *model.User, kind model.ReminderKind, token string) model.OutboxMessage {
	a.t.Helper()
	added, err := a.st.QueueMessages(context.Background(), []model.OutboxMessage{{Rule: "milestone-due-14d", Subject: "milestone:4",
		Recipient: "user:x", Occurrence: token, Kind: kind, Channel: model.ChannelEmail, UserID: &u.ID, To: u.Email, Lang: "zh-TW",
		Title: "里程碑 2-1 #1 將於 2021年12月 到期", Text: "…", UnsubscribeToken: token}})
	if err != nil || len(added) != 1 {
		a.t.Fatal(err)
	}
	return added[0]
}

func TestOneClickUnsubscribeWorksWithoutASession(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	ctx := context.Background()
	u, _ := site.st.FindUserByEmail(ctx, "liaison@cec.example.org")
	site.queueFor(u, model.KindDue, "TOKENDUE")
	site.queueFor(u, model.KindOverdue, "TOKENOVERDUE")

	// Opening the link (a person, or a mail scanner) only asks.
	b := site.visitor()
	res, page := b.do("GET", "/unsubscribe/TOKENDUE", nil)
	if res.StatusCode != 200 || !strings.Contains(page, "確定不再寄送「里程碑即將到期（到期前 14 天及 3 天）」給 liaison@cec.example.org？") {
		t.Fatalf("confirm page: %d\n%.3000s", res.StatusCode, page)
	}
	if off, _ := site.st.FindOptOuts(ctx); len(off[u.ID]) != 0 {
		t.Fatalf("GET unsubscribed: %v", off[u.ID])
	}
	// The confirm button.
	res, _ = b.do("POST", "/unsubscribe/TOKENDUE", url.Values{"csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if _, page := b.do("GET", res.Header.Get("Location"), nil); !strings.Contains(page, "已停止寄送") {
		t.Errorf("done page:\n%.2000s", page)
	}
	// A mail program's RFC 8058 one-click POST: no cookie, no form token.
	req, _ := http.NewRequest("POST", site.srv.URL+"/unsubscribe/TOKENOVERDUE", strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("one-click: %d, want 200", res.StatusCode)
	}
	off, _ := site.st.FindOptOuts(ctx)
	if !off[u.ID][model.KindDue] || !off[u.ID][model.KindOverdue] || off[u.ID][model.KindDigest] {
		t.Errorf("off after unsubscribing: %v", off[u.ID])
	}
	// An unknown token is a real 404 page; other routes still need the form token.
	if res, _ := site.visitor().do("POST", "/unsubscribe/NOPE", url.Values{"List-Unsubscribe": {"One-Click"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: %d", res.StatusCode)
	}
	if res, _ := site.visitor().do("POST", "/unsubscribe/TOKENDUE/more", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a deeper path without a form token: %d, want 403", res.StatusCode)
	}
}

func TestOnlyAdministratorsManageTheOutboxAndWebhooks(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	ctx := context.Background()
	site.addUser(&model.User{Email: "admin@example.org", Name: "李秘書", Role: model.RoleAdmin})
	site.addUser(&model.User{Email: "committee@example.org", Name: "陳委員", Role: model.RoleCommittee})
	u, _ := site.st.FindUserByEmail(ctx, "liaison@cec.example.org")
	msg := site.queueFor(u, model.KindDue, "T1")
	if err := site.st.MarkAttemptFailed(ctx, msg.ID, "550 no such mailbox", time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/outbox", "/admin/webhooks"} {
		if res, _ := site.visitor().do("GET", path, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("public %s: %d", path, res.StatusCode)
		}
		for _, email := range []string{"liaison@cec.example.org", "committee@example.org"} {
			b := site.signedIn(email)
			if res, page := b.do("GET", path, nil); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "僅限管理者") {
				t.Errorf("%s %s: %d", email, path, res.StatusCode)
			}
			if res, _ := b.do("POST", "/admin/webhooks", url.Values{"csrf_token": {b.formToken()}, "url": {"https://hooks.example.org/x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s adds a webhook: %d", email, res.StatusCode)
			}
		}
	}
	admin := site.signedIn("admin@example.org")
	res, page := admin.do("GET", "/admin/outbox?lang=en", nil)
	for _, want := range []string{"Outbox of reminders", "liaison@cec.example.org", "550 no such mailbox", "Failed (1)", "Retry now", "Reminders are not scheduled"} {
		if !strings.Contains(page, want) {
			t.Errorf("outbox page lacks %q (status %d)", want, res.StatusCode)
		}
	}
	res, _ = admin.do("POST", "/admin/outbox/"+itoa(msg.ID)+"/retry", url.Values{"csrf_token": {admin.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("retry: %d", res.StatusCode)
	}
	if _, counts, _ := site.st.FindOutbox(ctx, store.OutboxFilter{}); counts[model.OutboxPending] != 1 {
		t.Errorf("after retry: %v", counts)
	}
	// Meetings: a future day is refused and kept; a past one is recorded.
	res, page = admin.do("POST", "/admin/meetings", url.Values{"csrf_token": {admin.token(page)}, "held_on": {"2030-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="2030-01-01"`) {
		t.Errorf("future meeting: %d", res.StatusCode)
	}
	res, _ = admin.do("POST", "/admin/meetings", url.Values{"csrf_token": {admin.token(page)}, "held_on": {"2021-11-30"}})
	if d, _ := site.st.LastMeeting(ctx, model.MustDate("2021-12-31")); res.StatusCode != http.StatusSeeOther || d != model.MustDate("2021-11-30") {
		t.Errorf("meeting: %d, last %v", res.StatusCode, d)
	}
	// Webhooks.
	_, page = admin.do("GET", "/admin/webhooks", nil)
	res, page = admin.do("POST", "/admin/webhooks", url.Values{"csrf_token": {admin.token(page)}, "url": {"ftp://x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="ftp://x"`) {
		t.Errorf("bad webhook: %d", res.StatusCode)
	}
	res, _ = admin.do("POST", "/admin/webhooks", url.Values{"csrf_token": {admin.token(page)}, "url": {"https://hooks.example.org/committee"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add webhook: %d", res.StatusCode)
	}
	hooks, _ := site.st.ListWebhooks(ctx)
	if _, page = admin.do("GET", "/admin/webhooks", nil); len(hooks) != 1 || !strings.Contains(page, "https://hooks.example.org/committee") || !strings.Contains(page, "The committee") {
		t.Fatalf("webhooks: %v\n%.3000s", hooks, page)
	}
	res, _ = admin.do("POST", "/admin/webhooks/"+itoa(hooks[0].ID)+"/delete", url.Values{"csrf_token": {admin.token(page)}})
	if hooks, _ := site.st.ListWebhooks(ctx); res.StatusCode != http.StatusSeeOther || len(hooks) != 0 {
		t.Errorf("delete: %d, %d left", res.StatusCode, len(hooks))
	}
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }

package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

var resetLink = regexp.MustCompile(`link=http://example\.test(/password/reset/[A-Z2-7]+)`)

func TestAForgottenPasswordIsSetAgainThroughAOneTimeLink(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	signedIn := site.visitor()
	signedIn.signIn("liaison@cec.example.org", testPassword)

	_, page := b.do("GET", "/signin", nil)
	if !strings.Contains(page, `<a href="/password/forgot">忘記密碼？</a>`) {
		t.Error("the sign-in page has no link for a forgotten password")
	}
	_, page = b.do("GET", "/password/forgot", nil)
	ask := func(email string) (*http.Response, string) {
		return b.do("POST", "/password/forgot", url.Values{"email": {email}, "csrf_token": {b.token(page)}})
	}
	// An address without an account gets the same answer, and no link is made.
	res, _ := ask("nobody@cec.example.org")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password/forgot?sent=1" {
		t.Fatalf("unknown address: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if resetLink.MatchString(site.logs.String()) {
		t.Fatal("a link was made for an address without an account")
	}
	res, _ = ask("Liaison@CEC.example.org")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password/forgot?sent=1" {
		t.Fatalf("known address: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, sent := b.do("GET", "/password/forgot?sent=1", nil); !strings.Contains(sent, "連結僅能使用一次，並於 60 分鐘內有效") {
		t.Error("the page does not say the link was sent")
	}
	// Without mail settings the link is in the log, for the operator to pass on.
	m := resetLink.FindStringSubmatch(site.logs.String())
	if m == nil {
		t.Fatalf("no link in the log:\n%s", site.logs.String())
	}
	link := m[1]

	res, page = b.do("GET", link, nil)
	if res.StatusCode != 200 || !strings.Contains(page, "liaison@cec.example.org") || !strings.Contains(page, `<label for="reset-confirm">再次輸入新密碼</label>`) {
		t.Fatalf("link page: %d\n%s", res.StatusCode, page)
	}
	set := func(password, confirm string) (*http.Response, string) {
		return b.do("POST", link, url.Values{"password": {password}, "confirm": {confirm}, "csrf_token": {b.token(page)}})
	}
	if res, page := set("short", "short"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "密碼至少需要 12 個字元") {
		t.Errorf("short password: %d", res.StatusCode)
	}
	if res, page := set("the new long password", "the new long passw0rd"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "兩次輸入的密碼不一致") {
		t.Errorf("passwords that differ: %d", res.StatusCode)
	}
	res, _ = set("the new long password", "the new long password")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?reset=1" {
		t.Fatalf("new password: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, page := b.do("GET", "/signin?reset=1", nil); !strings.Contains(page, "密碼已設定，請以新密碼登入") {
		t.Error("the sign-in page does not say the password is set")
	}
	// The old password no longer works, the new one does, and the browser
	// signed in with the old one is signed out.
	if res, _ := b.signIn("liaison@cec.example.org", testPassword); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("old password: %d", res.StatusCode)
	}
	if res, _ := b.signIn("liaison@cec.example.org", "the new long password"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password: %d", res.StatusCode)
	}
	if _, home := signedIn.do("GET", "/", nil); strings.Contains(home, "林聯絡") {
		t.Error("a browser signed in with the old password is still signed in")
	}
	// The link works once.
	if res, page := b.do("GET", link+"?lang=en", nil); res.StatusCode != http.StatusNotFound || !strings.Contains(page, "<h1>This link no longer works</h1>") {
		t.Errorf("spent link: %d", res.StatusCode)
	}
}

func TestAResetLinkExpires(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	_, page := b.do("GET", "/password/forgot", nil)
	b.do("POST", "/password/forgot", url.Values{"email": {"liaison@cec.example.org"}, "csrf_token": {b.token(page)}})
	m := resetLink.FindStringSubmatch(site.logs.String())
	if m == nil {
		t.Fatal("no link in the log")
	}
	site.clock.Advance(time.Hour)
	if res, _ := b.do("GET", m[1], nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a link an hour old: %d, want 404", res.StatusCode)
	}
	if res, _ := b.do("POST", m[1], url.Values{"password": {"the new long password"}, "confirm": {"the new long password"}, "csrf_token": {b.token(page)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("setting a password through a link an hour old: %d, want 404", res.StatusCode)
	}
}

// With mail settings the link is queued in the outbox, in the visitor's
// language, and the sender is woken: the request itself sends nothing.
func TestWithMailSettingsTheLinkIsMailedInTheVisitorsLanguage(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	var kicks atomic.Int32
	site.mailQueued = func() { kicks.Add(1) }
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
	b := site.visitor()
	_, page := b.do("GET", "/password/forgot?lang=en", nil)
	b.do("POST", "/password/forgot", url.Values{"email": {"liaison@cec.example.org"}, "csrf_token": {b.token(page)}})
	if kicks.Load() != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("the sender was woken %d times and %d mails went during the request; want 1 and none", kicks.Load(), len(srv.Messages()))
	}
	res, err := rem.SendAccountMail(context.Background())
	if err != nil || res.Sent != 1 {
		t.Fatalf("sending account mail: %+v %v", res, err)
	}
	got := srv.To("liaison@cec.example.org")
	if len(got) != 1 {
		t.Fatalf("%d mails to the liaison", len(got))
	}
	body := got[0].Text()
	if subject := got[0].Header("Subject"); subject != "Set a new password for the OGP commitment tracker" ||
		!strings.Contains(body, "Hello 林聯絡,") || !strings.Contains(body, "within 60 minutes") {
		t.Errorf("mail %q:\n%s", subject, body)
	}
	if got[0].Header("List-Unsubscribe") != "" {
		t.Error("a password link offers to unsubscribe")
	}
	link := regexp.MustCompile(`http://example\.test(/password/reset/[A-Z2-7]+)`).FindStringSubmatch(body)
	if link == nil || strings.Contains(site.logs.String(), link[1]) {
		t.Fatalf("the mail has no link, or the link was also logged:\n%s", body)
	}
	// Once delivered, the outbox no longer holds the live link.
	var text string
	msgs, _, err := site.st.FindOutbox(context.Background(), store.OutboxFilter{})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %d", err, len(msgs))
	}
	claimed, err := site.st.ClaimMessages(context.Background(), model.ChannelEmail, 10)
	if err != nil || len(claimed) != 0 {
		t.Errorf("the sent link is claimable again: %d %v", len(claimed), err)
	}
	if err := testdb.SQL(t, site.url).QueryRow(fmt.Sprintf("SELECT text FROM outbox_messages WHERE id = %d", msgs[0].ID)).Scan(&text); err != nil || strings.Contains(text, link[1]) {
		t.Errorf("the outbox keeps the link after sending: %v %q", err, text)
	}
	if res, _ := b.do("GET", link[1], nil); res.StatusCode != 200 {
		t.Errorf("the mailed link: %d", res.StatusCode)
	}
}

func TestAnInvitationLinkWelcomesAndSetsTheFirstPassword(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	ctx := context.Background()
	u, err := site.st.FindUserByEmail(ctx, "liaison@cec.example.org")
	if err != nil {
		t.Fatal(err)
	}
	token, err := site.st.CreateOneTimeLink(ctx, u.ID, model.LinkInvitation, model.InvitationLifetime)
	if err != nil {
		t.Fatal(err)
	}
	b := site.visitor()
	res, page := b.do("GET", "/password/reset/"+token+"?lang=en", nil)
	if res.StatusCode != 200 || !strings.Contains(page, "<h1>Welcome: choose your password</h1>") || !strings.Contains(page, "Welcome, 林聯絡.") {
		t.Fatalf("invitation page: %d\n%s", res.StatusCode, page)
	}
	res, _ = b.do("POST", "/password/reset/"+token, url.Values{"password": {"my first long password"}, "confirm": {"my first long password"}, "csrf_token": {b.token(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first password: %d", res.StatusCode)
	}
	if res, _ := b.signIn("liaison@cec.example.org", "my first long password"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the chosen password: %d", res.StatusCode)
	}
}

// Anyone may send the form for any address: past a few links an hour the
// account gets no more, the answer stays the same, and an hour later it
// gets links again.
func TestResetLinksAreLimitedPerAccount(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	_, page := b.do("GET", "/password/forgot", nil)
	ask := func() {
		t.Helper()
		res, _ := b.do("POST", "/password/forgot", url.Values{"email": {"liaison@cec.example.org"}, "csrf_token": {b.token(page)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password/forgot?sent=1" {
			t.Fatalf("asking for a link: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	}
	links := func() int { return len(resetLink.FindAllString(site.logs.String(), -1)) }
	for range 5 {
		ask()
	}
	if n := links(); n != 3 {
		t.Errorf("5 requests within an hour made %d links, want 3", n)
	}
	site.clock.Advance(time.Hour + time.Minute)
	ask()
	if n := links(); n != 4 {
		t.Errorf("a request an hour later made %d links in all, want 4", n)
	}
}

// Setting a password through one link ends every other link of the account:
// an older link someone else kept cannot undo the change.
func TestUsingOneResetLinkEndsTheOthers(t *testing.T) {
	site := newAccountSite(t, "http://example.test")
	b := site.visitor()
	_, page := b.do("GET", "/password/forgot", nil)
	for range 3 {
		b.do("POST", "/password/forgot", url.Values{"email": {"liaison@cec.example.org"}, "csrf_token": {b.token(page)}})
	}
	links := resetLink.FindAllStringSubmatch(site.logs.String(), -1)
	if len(links) != 3 {
		t.Fatalf("%d links in the log, want 3", len(links))
	}
	set := func(link, password string) *http.Response {
		t.Helper()
		res, _ := b.do("POST", link, url.Values{"password": {password}, "confirm": {password}, "csrf_token": {b.token(page)}})
		return res
	}
	if res := set(links[0][1], "the first new password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first link: %d", res.StatusCode)
	}
	for i, m := range links[1:] {
		if res, page := b.do("GET", m[1]+"?lang=en", nil); res.StatusCode != http.StatusNotFound || !strings.Contains(page, "<h1>This link no longer works</h1>") {
			t.Errorf("link %d after the first was used: %d", i+2, res.StatusCode)
		}
		if res := set(m[1], "a password from an old link"); res.StatusCode != http.StatusNotFound {
			t.Errorf("setting a password through link %d: %d, want 404", i+2, res.StatusCode)
		}
	}
	if res, _ := b.signIn("liaison@cec.example.org", "the first new password"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the password the first link set no longer signs in: %d", res.StatusCode)
	}
	if res, _ := b.signIn("liaison@cec.example.org", "a password from an old link"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a password sent through an older link signs in: %d", res.StatusCode)
	}
}

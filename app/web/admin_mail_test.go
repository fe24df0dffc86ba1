package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
)

// withMailServer restarts the site with mail settings pointing at a real
// SMTP server on 127.0.0.1.
func withMailServer(t *testing.T, site *peopleSite) *mailtest.Server {
	t.Helper()
	srv := mailtest.Start(t)
	m, err := mail.New(srv.URL(), "tracker@example.test")
	if err != nil {
		t.Fatal(err)
	}
	site.mailer = m
	site.stop()
	site.start()
	return srv
}

// invitePerson makes an account through the form, as an administrator.
func invitePerson(t *testing.T, admin *visitor, email string) (*http.Response, string) {
	t.Helper()
	return admin.post("/admin/users?lang=en", url.Values{"email": {email}, "name": {"New Person"}, "role": {"committee"}})
}

// Without mail settings, or when the mail server refuses or cannot be
// reached, the invitation's link is shown to the administrator to pass
// on, and nothing says it was sent; with a working server it is mailed.
func TestAnInvitationIsNeverSaidSentWhenItWasNot(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	sentWords := []string{"has been sent", "invitation sent", "Invitation sent"}

	res, page := invitePerson(t, admin, "nomail@example.org")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("invite without mail settings: %d", res.StatusCode)
	}
	wantIn(t, "without mail settings", page, "The invitation was not sent: pass the link on yourself",
		"no mail settings (SMTP_URL)", "send it yourself to nomail@example.org", "It is shown only now")
	wantNotIn(t, "without mail settings", page, sentWords...)
	link := inviteLink.FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("no link on the page:\n%s", page)
	}
	if res, _ := site.visitor().do("GET", strings.TrimPrefix(link[1], "http://example.test"), nil); res.StatusCode != http.StatusOK {
		t.Errorf("the link shown does not work: %d", res.StatusCode)
	}

	srv := withMailServer(t, site)
	admin = site.as(adminEmail)
	srv.Refuse("refused@example.org")
	res, page = invitePerson(t, admin, "refused@example.org")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("invite refused by the mail server: %d", res.StatusCode)
	}
	wantIn(t, "refused by the mail server", page, "The mail server did not take the invitation to refused@example.org", "550", "no such mailbox")
	wantNotIn(t, "refused by the mail server", page, sentWords...)
	if inviteLink.FindStringSubmatch(page) == nil {
		t.Error("no link on the page when the server refused")
	}

	srv.Stop()
	res, page = invitePerson(t, admin, "down@example.org")
	if res.StatusCode != http.StatusOK || inviteLink.FindStringSubmatch(page) == nil {
		t.Fatalf("invite with the mail server down: %d", res.StatusCode)
	}
	wantIn(t, "mail server down", page, "The mail server did not take the invitation to down@example.org", "connection refused")
	wantNotIn(t, "mail server down", page, sentWords...)

	srv.Restart()
	res, _ = invitePerson(t, admin, "works@example.org")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite with a working mail server: %d", res.StatusCode)
	}
	_, page = admin.do("GET", res.Header.Get("Location")+"&lang=en", nil)
	wantIn(t, "mailed", page, "An invitation has been sent to works@example.org.")
	wantNotIn(t, "mailed", page, `id="invite-link"`)
	got := srv.To("works@example.org")
	if len(got) != 1 || !strings.Contains(got[0].Text(), "http://example.test/password/reset/") {
		t.Fatalf("mail received: %+v", got)
	}
}

// Pending invitations are listed with when they expire; a new link
// replaces the old one, which stops working.
func TestPendingInvitationsAndANewLinkThatReplacesTheOld(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	_, page := invitePerson(t, admin, "waiting@example.org")
	first := inviteLink.FindStringSubmatch(page)
	if first == nil {
		t.Fatal("no link")
	}
	_, list := admin.do("GET", "/admin/users?lang=en", nil)
	pending := section(t, list, `<h2 id="invitations">`, "</table>")
	wantIn(t, "pending invitations", pending, "waiting@example.org", "27 Dec 2021", "Make a new link")
	wantNotIn(t, "pending invitations", pending, "liaison@cec.example.org") // made without an invitation

	u := site.user("waiting@example.org")
	site.clock.Advance(8 * 24 * time.Hour) // past the link's 7 days
	admin = site.as(adminEmail)
	_, list = admin.do("GET", "/admin/users?lang=en", nil)
	wantIn(t, "an expired invitation", section(t, list, `<h2 id="invitations">`, "</table>"), "Expired on")

	res, page := admin.post(fmt.Sprintf("/admin/users/%d/invite?lang=en", u.ID), nil)
	second := inviteLink.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || second == nil || second[1] == first[1] {
		t.Fatalf("new link: %d", res.StatusCode)
	}
	person := site.visitor()
	if res, _ := person.do("GET", strings.TrimPrefix(first[1], "http://example.test"), nil); res.StatusCode == http.StatusOK {
		t.Error("the replaced link still works")
	}
	res, form := person.do("GET", strings.TrimPrefix(second[1], "http://example.test"), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the new link: %d", res.StatusCode)
	}
	res, _ = person.do("POST", strings.TrimPrefix(second[1], "http://example.test"), url.Values{"password": {"my own long password"},
		"confirm": {"my own long password"}, "csrf_token": {person.token(form)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d", res.StatusCode)
	}
	_, list = admin.do("GET", "/admin/users?lang=en", nil)
	wantNotIn(t, "after the invitation was used", section(t, list, `<h2 id="invitations">`, "</main>"), "waiting@example.org")
	wantIn(t, "after the invitation was used", list, "No invitation is waiting.")
}

// The test message says what the mail server answered: its reply when it
// took the message, its refusal otherwise; without mail settings the page
// says so and refuses the form.
func TestATestMessageSaysWhatTheMailServerAnswered(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	_, page := admin.do("GET", "/admin/outbox?lang=en", nil)
	wantIn(t, "without mail settings", page, "There are no mail settings (SMTP_URL): no email leaves the tracker.")
	res, page := admin.post("/admin/outbox/test-mail?lang=en", url.Values{"to": {"me@example.org"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "There are no mail settings: nothing can be sent.") {
		t.Errorf("test message without mail settings: %d", res.StatusCode)
	}

	srv := withMailServer(t, site)
	admin = site.as(adminEmail)
	_, page = admin.do("GET", "/admin/outbox?lang=en", nil)
	wantIn(t, "with mail settings", page, "Email goes through the mail server at "+srv.Addr, `value="`+adminEmail+`"`)
	res, page = admin.post("/admin/outbox/test-mail?lang=en", url.Values{"to": {"not an address"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Enter one email address") || !strings.Contains(page, `value="not an address"`) {
		t.Errorf("a bad address: %d", res.StatusCode)
	}
	if len(srv.Messages()) != 0 {
		t.Error("a refused form sent mail")
	}

	res, page = admin.post("/admin/outbox/test-mail?lang=en", url.Values{"to": {"me@example.org"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("test message: %d", res.StatusCode)
	}
	wantIn(t, "accepted", page, "The mail server accepted the test message to me@example.org. It answered:", "250")
	if got := srv.To("me@example.org"); len(got) != 1 || got[0].Header("Subject") != "Test message from the OGP commitment tracker" {
		t.Errorf("received: %+v", got)
	}

	srv.Refuse("nobody@example.org")
	_, page = admin.post("/admin/outbox/test-mail?lang=en", url.Values{"to": {"nobody@example.org"}})
	wantIn(t, "refused", page, "The test message to nobody@example.org was not sent. The mail server answered:", "550", "no such mailbox")
	wantNotIn(t, "refused", page, "accepted the test message")
}

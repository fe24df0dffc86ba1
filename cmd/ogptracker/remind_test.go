package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/mail/mailtest"
)

// The demo plan's milestones due at the end of December 2021 reach the demo
// liaisons of their agencies through a real SMTP server, once.
func TestRemindDeliversDecember2021MilestonesToDemoLiaisonsOnce(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	tr := newTracker(t)
	tr.env["SMTP_URL"] = srv.URL()
	tr.env["MAIL_FROM"] = "tracker@demo.example.org"
	tr.env["BASE_URL"] = "https://ogp.example.org"

	out := tr.mustRun("remind", "--at", "2021-12-20T09:00:00+08:00")
	want := map[string]int{ // milestones due in December 2021, by the liaison of their agency
		"cec.liaison@demo.example.org": 4, "moe.liaison@demo.example.org": 4, "ndc.liaison@demo.example.org": 1,
		"mol.liaison@demo.example.org": 1, "hac.liaison@demo.example.org": 1, "moi.liaison@demo.example.org": 1,
	}
	for to, n := range want {
		got := srv.To(to)
		if len(got) != n {
			t.Errorf("%s received %d messages, want %d", to, len(got), n)
			continue
		}
		if subj := got[0].Header("Subject"); !strings.Contains(subj, "2021年12月 到期") {
			t.Errorf("%s: subject %q", to, subj)
		}
		if !strings.Contains(got[0].Raw, "https://ogp.example.org/milestones/") {
			t.Errorf("%s: no link to the milestone", to)
		}
	}
	for _, line := range []string{"milestone-due-14d", "sent (email) cec.liaison@demo.example.org", "Sent "} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	delivered := len(srv.Messages())

	out = tr.mustRun("remind", "--at", "2021-12-20T09:00:00+08:00")
	if !strings.Contains(out, "Queued 0 reminders") || !strings.Contains(out, "Sent 0,") {
		t.Errorf("second run:\n%s", out)
	}
	if n := len(srv.Messages()); n != delivered {
		t.Errorf("second run delivered %d more messages", n-delivered)
	}

	// A dry run shows what is due and touches nothing.
	out = tr.mustRun("remind", "--at", "2021-12-29T09:00:00+08:00", "--dry-run")
	if !strings.Contains(out, "Would queue") || !strings.Contains(out, "milestone-due-3d") || len(srv.Messages()) != delivered {
		t.Errorf("dry run:\n%s", out)
	}
}

func TestRemindWithoutSMTPKeepsMailInTheOutbox(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	out := tr.mustRun("remind", "--at", "2021-12-20T09:00:00+08:00")
	if !strings.Contains(out, "Sent 0,") || !strings.Contains(out, "No SMTP_URL") {
		t.Errorf("output:\n%s", out)
	}
	if code, _, errs := tr.run("remind", "--at", "yesterday"); code != 1 || !strings.Contains(errs, "is not a time") {
		t.Errorf("bad --at: exit %d\n%s", code, errs)
	}
}

// With SMTP_URL set, the mails people wait for (a password link, an
// invitation) go out through the mail server at once.
func TestPasswordLinksAndInvitationsAreMailed(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	tr := newTracker(t)
	tr.env["SMTP_URL"] = srv.URL()
	tr.env["ADDR"] = "127.0.0.1:0"
	tr.env["REMINDERS"] = "off"
	tr.serveOnce(func(base string) {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Get(base + "/password/forgot")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
		if token == nil {
			t.Fatal("no form token")
		}
		res, err = client.PostForm(base+"/password/forgot", url.Values{"email": {"admin@demo.example.org"}, "csrf_token": {string(token[1])}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("forgot: %d", res.StatusCode)
		}
	})
	if got := srv.To("admin@demo.example.org"); len(got) != 1 || !strings.Contains(got[0].Raw, "/password/reset/") {
		t.Errorf("reset mail: %d messages", len(got))
	}
	out := tr.mustRunInput("", "user", "add", "--email", "new@example.org", "--name", "New Person", "--role", "committee", "--invite")
	if got := srv.To("new@example.org"); len(got) != 1 || !strings.Contains(got[0].Raw, "/password/reset/") || !strings.Contains(out, "mailed to new@example.org") {
		t.Errorf("invitation: %d messages\n%s", len(got), out)
	}
}

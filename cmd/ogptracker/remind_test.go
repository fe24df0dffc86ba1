package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
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
		// but those the sources record as completed before: 2-2's consultation (MOE, 2021-10-29) and
		// 4-1's transparency report (MOI, 2021-09-26).
		"cec.liaison@demo.example.org": 4, "moe.liaison@demo.example.org": 3, "ndc.liaison@demo.example.org": 1,
		"mol.liaison@demo.example.org": 1, "hac.liaison@demo.example.org": 1, "moi.liaison@demo.example.org": 0,
	}
	for to, n := range want {
		got := srv.To(to)
		if len(got) != n {
			t.Errorf("%s received %d messages, want %d", to, len(got), n)
			continue
		}
		if n == 0 {
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
// invitation) go out through the mail server at once: the link through the
// outbox, in the background, the invitation directly.
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
		// The link is queued and goes out in the background, at once.
		for deadline := time.Now().Add(10 * time.Second); len(srv.To("admin@demo.example.org")) == 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
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

// A sender killed (SIGKILL) while the mail server is accepting its messages
// one by one: the next run, once the claims of the killed one have lapsed,
// delivers the rest. Nothing is lost, and at most the one message the server
// had accepted without the sender hearing of it goes twice.
func TestRemindKilledMidSendLosesNothingAndDuplicatesAtMostOne(t *testing.T) {
	srv := mailtest.Start(t)
	// A busy server: each message is accepted 150 ms after its data arrived,
	// so the sender is still at work when it is killed.
	srv.Delay(150 * time.Millisecond)
	tr := newTracker(t)
	tr.env["SMTP_URL"] = srv.URL()
	tr.env["MAIL_FROM"] = "tracker@demo.example.org"
	t0, _ := time.Parse(time.RFC3339, "2021-12-20T09:00:00+08:00")
	const killAfter = 5

	first := tr.child(t0, "remind", "--at", "2021-12-20T09:00:00+08:00")
	var out bytes.Buffer
	first.Stdout, first.Stderr = &out, &out
	var proc atomic.Pointer[os.Process]
	// Killed as the server accepts the 5th message, before it answers: the
	// sender never learns of that acceptance, the worst moment.
	srv.OnAccept(func(n int) {
		if n == killAfter {
			if err := proc.Load().Kill(); err != nil {
				t.Errorf("kill: %v", err)
			}
		}
	})
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	proc.Store(first.Process)
	err := first.Wait()
	if ws, ok := first.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the first run was not killed (%v):\n%s", err, out.String())
	}
	srv.OnAccept(nil)
	st := tr.storeOf()
	msgs, counts, ferr := st.FindOutbox(context.Background(), store.OutboxFilter{})
	if ferr != nil || len(msgs) < 10 {
		t.Fatalf("outbox after the kill: %v, %d messages", ferr, len(msgs))
	}
	// Each message accepted and answered is marked sent at once.
	if counts[model.OutboxSent] < killAfter-1 {
		t.Errorf("after the kill %d messages are marked sent, want at least %d (counts %v)", counts[model.OutboxSent], killAfter-1, counts)
	}

	runAt := func(now time.Time) string {
		t.Helper()
		cmd := tr.child(now, "remind", "--at", "2021-12-20T09:00:00+08:00")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("remind at %s: %v\n%s", now, err, b)
		}
		return string(b)
	}
	// Five minutes later the killed sender's claims still hold: nothing goes.
	before := len(srv.Messages())
	runAt(t0.Add(5 * time.Minute))
	if n := len(srv.Messages()) - before; n != 0 {
		t.Errorf("a run within the claim lease delivered %d messages", n)
	}
	// Past the lease (10 minutes) the rest goes.
	runAt(t0.Add(store.ClaimLease + time.Minute))

	byID := map[string]int{}
	for _, m := range srv.Messages() {
		byID[m.Header("Message-Id")]++
	}
	duplicates := 0
	for _, m := range msgs {
		id := fmt.Sprintf("<outbox-%d@demo.example.org>", m.ID)
		switch n := byID[id]; {
		case n == 0:
			t.Errorf("message %d to %s was never delivered", m.ID, m.To)
		case n > 1:
			duplicates += n - 1
		}
	}
	t.Logf("%d messages queued, %d accepted when killed, %d delivered in all, %d duplicates",
		len(msgs), killAfter, len(srv.Messages()), duplicates)
	if duplicates > 1 || len(byID) != len(msgs) {
		t.Errorf("%d duplicate deliveries (%d distinct of %d messages), want at most 1", duplicates, len(byID), len(msgs))
	}
	if _, counts, _ := st.FindOutbox(context.Background(), store.OutboxFilter{}); counts[model.OutboxSent] != int64(len(msgs)) {
		t.Errorf("outbox at the end: %v, want all %d sent", counts, len(msgs))
	}
}

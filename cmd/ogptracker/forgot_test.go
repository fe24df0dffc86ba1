package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// "Forgot your password?" must not tell who has an account: with the mail
// server up or down, an address with an account and one without get the
// same status, page and (at the median) time, and the link still reaches
// the person once the server is back.
func TestForgotPasswordAnswersAlikeForEveryAddressWithTheMailServerUpOrDown(t *testing.T) {
	srv := mailtest.Start(t)
	// A real mail server takes its time (the issue measured 360 ms): here
	// each message is accepted 100 ms after its data arrived.
	srv.Delay(100 * time.Millisecond)
	tr := newTracker(t)
	tr.env["ADDR"] = "127.0.0.1:0"
	tr.env["REMINDERS"] = "off"
	tr.env["BASE_URL"] = "https://ogp.example.org"
	tr.serveOnce(func(string) {}) // the demo accounts
	const rounds = 20             // requests per address kind and server state
	// An account gets 3 links an hour: enough accounts that every request
	// for a known address makes a link and a mail.
	known := []string{"admin@demo.example.org", "committee@demo.example.org", "cec.liaison@demo.example.org",
		"ndc.liaison@demo.example.org", "moe.liaison@demo.example.org", "mol.liaison@demo.example.org",
		"hac.liaison@demo.example.org", "moi.liaison@demo.example.org"}
	for i := len(known); i*3 < 2*rounds; i++ {
		email := fmt.Sprintf("person%d@example.org", i)
		tr.mustRunInput("a long enough password\n", "user", "add", "--email", email, "--name", fmt.Sprintf("Person %d", i), "--role", "committee")
		known = append(known, email)
	}
	tr.env["SMTP_URL"] = srv.URL()
	tr.env["MAIL_FROM"] = "tracker@demo.example.org"

	type answer struct {
		status   int
		location string
		body     string
	}
	asked := map[string]int{}
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
		ask := func(email string) (answer, time.Duration) {
			start := time.Now()
			res, err := client.PostForm(base+"/password/forgot", url.Values{"email": {email}, "csrf_token": {string(token[1])}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			took := time.Since(start)
			a := answer{res.StatusCode, res.Header.Get("Location"), string(body)}
			if a.location != "" {
				res, err := client.Get(base + a.location)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				a.body += fmt.Sprintf("\n%d\n%s", res.StatusCode, body)
			}
			return a, took
		}
		next := 0
		measure := func(state string) {
			var withAccount, without []time.Duration
			var first answer
			for i := range rounds {
				// Alternated, so that whatever else the machine does weighs on both alike.
				a, took := ask(fmt.Sprintf("nobody%d@example.org", i))
				without = append(without, took)
				if i == 0 {
					first = a
				} else if a != first {
					t.Errorf("server %s: an unknown address was answered %d %q, the first %d %q", state, a.status, a.location, first.status, first.location)
				}
				email := known[next%len(known)]
				next++
				asked[email]++
				a, took = ask(email)
				withAccount = append(withAccount, took)
				if a != first {
					t.Errorf("server %s: %s (an account) was answered %d %q, an unknown address %d %q", state, email, a.status, a.location, first.status, first.location)
				}
			}
			if first.status != http.StatusSeeOther || first.location != "/password/forgot?sent=1" {
				t.Errorf("server %s: the answer is %d to %q, want 303 to the page saying a link was sent", state, first.status, first.location)
			}
			mk, mu := median(withAccount), median(without)
			t.Logf("server %s: median %v for an address with an account, %v without (%d requests each)", state, mk, mu, rounds)
			if d := (mk - mu).Abs(); d >= 50*time.Millisecond {
				t.Errorf("server %s: the medians differ by %v, want under 50ms", state, d)
			}
		}
		measure("up")
		srv.Stop()
		measure("down")
	})

	// Every request for an account made a link; the failures while the
	// server was down are in the outbox for the operator to see.
	st := tr.storeOf()
	ctx := context.Background()
	links := 0
	for email := range asked {
		u, err := st.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CountOneTimeLinks(ctx, u.ID, model.LinkPasswordReset, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		links += int(n)
	}
	if links != 2*rounds {
		t.Errorf("%d links made, want %d: the requests timed were not all the work of an account", links, 2*rounds)
	}
	msgs, _, err := st.FindOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(msgs, func(m model.OutboxMessage) bool { return m.Kind == model.KindAccount && m.LastError != "" }) {
		t.Error("no failed attempt to mail a link is recorded in the outbox")
	}

	// Back up: the next send (here `ogptracker remind`, past the first
	// retry) delivers every link.
	srv.Restart()
	srv.Delay(0)
	out, err := tr.child(time.Now().Add(10*time.Minute), "remind").CombinedOutput()
	if err != nil {
		t.Fatalf("remind: %v\n%s", err, out)
	}
	// The message in flight when the server went away may come twice (the
	// server kept it, the sender never heard): at most that one.
	extra := 0
	for email, n := range asked {
		got := slices.DeleteFunc(srv.To(email), func(m mailtest.Message) bool { // the demo's reminders are not the links
			return !strings.Contains(m.Raw, "/password/reset/")
		})
		if len(got) < n || !strings.Contains(got[0].Raw, "https://ogp.example.org/password/reset/") {
			t.Errorf("%s asked for %d links and received %d mails", email, n, len(got))
		}
		extra += len(got) - n
	}
	if extra > 1 {
		t.Errorf("%d mails more than links asked for, want at most 1", extra)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

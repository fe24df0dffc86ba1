package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// instance is one `ogptracker serve` process of several on one database.
type instance struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT

	mu  sync.Mutex
	out bytes.Buffer // what it printed and logged
}

var runningAt = regexp.MustCompile(`ogptracker is running at (http://127\.0\.0\.1:\d+)/`)

// startInstance starts `ogptracker serve` as a process of its own on the
// tracker's database, on a clock stopped at now, and waits until it answers.
// It is killed when the test ends, if it still runs.
func (tr *tracker) startInstance(now time.Time, env map[string]string) *instance {
	tr.t.Helper()
	cmd := tr.child(now, "serve")
	cmd.Env = append(cmd.Env, "ADDR=127.0.0.1:0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	in := &instance{t: tr.t, cmd: cmd}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tr.t.Fatal(err)
	}
	cmd.Stderr = writerFunc(in.write)
	if err := cmd.Start(); err != nil {
		tr.t.Fatal(err)
	}
	tr.t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if tr.t.Failed() {
			tr.t.Logf("instance %s:\n%s", in.base, in.output())
		}
	})
	started := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			in.write([]byte(sc.Text() + "\n"))
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
				started <- m[1]
			}
		}
	}()
	select {
	case in.base = <-started:
	case <-time.After(60 * time.Second):
		tr.t.Fatalf("the instance did not start:\n%s", in.output())
	}
	return in
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (in *instance) write(p []byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.out.Write(p)
}

func (in *instance) output() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.out.String()
}

// get returns the body of a page of this instance.
func (in *instance) get(path string) string {
	in.t.Helper()
	res, err := http.Get(in.base + path)
	if err != nil {
		in.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		in.t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, b)
	}
	return string(b)
}

// health is what the instance's /healthz says.
func (in *instance) health() (h struct{ Status, Database, Reminders string }) {
	in.t.Helper()
	if err := json.Unmarshal([]byte(in.get("/healthz")), &h); err != nil {
		in.t.Fatal(err)
	}
	return h
}

// waitForOutbox waits until every email in the outbox is sent and the mail
// server has had a moment to receive any late duplicate.
func waitForOutbox(t *testing.T, st *store.Store, srv *mailtest.Server, within time.Duration) []model.OutboxMessage {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		msgs, counts, err := st.FindOutbox(context.Background(), store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) > 0 && counts[model.OutboxSent] == int64(len(msgs)) {
			time.Sleep(time.Second)
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the outbox still has %v of %d messages unsent, the mail server %d messages",
				within, counts, len(msgs), len(srv.Messages()))
		}
	}
}

// deliveries counts how often the mail server received each outbox message.
func deliveries(t *testing.T, srv *mailtest.Server, msgs []model.OutboxMessage) (missing, duplicates int) {
	t.Helper()
	byID := map[string]int{}
	for _, m := range srv.Messages() {
		byID[m.Header("Message-Id")]++
	}
	for _, m := range msgs {
		switch n := byID[fmt.Sprintf("<outbox-%d@demo.example.org>", m.ID)]; {
		case n == 0:
			missing++
			t.Errorf("message %d to %s was never delivered", m.ID, m.To)
		case n > 1:
			duplicates += n - 1
		}
	}
	return missing, duplicates
}

// Two instances behind one address, on one database: a write through one is
// on the other's next page, and the reminders that fall due go out once,
// from one of them, to a real mail server.
func TestTwoInstancesShowEachOthersWritesAndSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	tr := newTracker(t)
	tr.env["ADDR"], tr.env["REMINDERS"] = "127.0.0.1:0", "off"
	tr.serveOnce(func(string) {}) // the demo plan, loaded once
	ctx := context.Background()
	st := tr.storeOf()

	// Both start at once, when the demo's December 2021 milestones are due.
	due, _ := time.Parse(time.RFC3339, "2021-12-20T09:00:00+08:00")
	env := map[string]string{"SMTP_URL": srv.URL(), "MAIL_FROM": "tracker@demo.example.org", "REMINDERS": "on", "DEMO": "0"}
	var a, b *instance
	var wg sync.WaitGroup
	wg.Go(func() { a = tr.startInstance(due, env) })
	wg.Go(func() { b = tr.startInstance(due, env) })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	msgs := waitForOutbox(t, st, srv, 60*time.Second)
	missing, duplicates := deliveries(t, srv, msgs)
	t.Logf("%d reminders queued, %d delivered, %d duplicates", len(msgs), len(srv.Messages()), duplicates)
	if len(msgs) < 10 || missing > 0 || duplicates > 0 {
		t.Errorf("%d reminders, %d missing, %d sent twice: want each sent exactly once", len(msgs), missing, duplicates)
	}
	ha, hb := a.health(), b.health()
	engine := map[bool]string{false: "sqlite", true: "postgresql"}[testdb.OnPostgres()]
	if ha.Status != "ok" || ha.Database != engine || hb.Database != engine {
		t.Errorf("healthz: %+v, %+v, want status ok on %s", ha, hb, engine)
	}
	if testdb.OnPostgres() {
		// One leads, the other stands by.
		if roles := ha.Reminders + " / " + hb.Reminders; roles != "sending / standing by" && roles != "standing by / sending" {
			t.Errorf("reminders: %s, want one sending and one standing by", roles)
		}
	}

	// An agency's script marks a milestone completed through one instance.
	var id, version, commitment int
	var agency uint
	err := testdb.SQL(t, tr.env["DATABASE_URL"]).QueryRowContext(ctx, `SELECT m.id, m.version, m.commitment_id, COALESCE(m.agency_id, c.lead_agency_id)
		FROM milestones m JOIN commitments c ON c.id = m.commitment_id
		WHERE m.status <> 'completed' AND COALESCE(m.agency_id, c.lead_agency_id) IS NOT NULL ORDER BY m.id LIMIT 1`).Scan(&id, &version, &commitment, &agency)
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.CreateAPIToken(ctx, &model.APIToken{Name: "progress script", AgencyID: agency, Scopes: model.Strings{string(model.ScopeMilestonesWrite)}})
	if err != nil {
		t.Fatal(err)
	}
	// The public page of its commitment, as the other instance serves it
	// (and keeps what it reads for it) before the write.
	page, completed := fmt.Sprintf("/commitments/%d?lang=en", commitment), "17 Dec 2021"
	if strings.Contains(b.get(page), completed) {
		t.Fatalf("%s shows %s before the write", page, completed)
	}
	b.get("/?lang=en")
	req, _ := http.NewRequest(http.MethodPatch, fmt.Sprintf("%s/api/v1/milestones/%d", a.base, id), strings.NewReader(fmt.Sprintf(`{"status":"completed","completed_on":"2021-12-17","version":%d}`, version)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("PATCH through the first instance: %d %s", res.StatusCode, body)
	}
	patched := time.Now()
	var seen time.Duration
	for {
		if strings.Contains(b.get(page), completed) {
			seen = time.Since(patched)
			break
		}
		if time.Since(patched) > 5*time.Second {
			t.Fatal("the other instance never showed the change")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the other instance showed the change %s after the write", seen.Round(time.Millisecond))
	if seen > time.Second {
		t.Errorf("the other instance showed the change after %s, want within a second", seen)
	}
}

// The instance sending the reminders dies mid-send (SIGKILL, as the mail
// server accepts a message, before it answers): the other, standing by,
// takes the lead at its next minute and sends the rest, those the dead one
// had claimed included once their lease has lapsed. Nothing is lost, and
// at most the message accepted unanswered goes twice.
func TestWhenTheSendingInstanceDiesTheOtherSendsTheRest(t *testing.T) {
	if !testdb.OnPostgres() {
		t.Skip("several instances on one database is a PostgreSQL deployment; set " + testdb.PostgresEnv + " to run it")
	}
	t.Parallel()
	srv := mailtest.Start(t)
	tr := newTracker(t)
	tr.env["ADDR"], tr.env["REMINDERS"] = "127.0.0.1:0", "off"
	tr.serveOnce(func(string) {})
	st := tr.storeOf()
	due, _ := time.Parse(time.RFC3339, "2021-12-20T09:00:00+08:00")
	env := map[string]string{"SMTP_URL": srv.URL(), "MAIL_FROM": "tracker@demo.example.org", "REMINDERS": "on", "DEMO": "0"}

	const killAfter = 5
	standingBy := make(chan struct{})
	var first atomic.Pointer[instance]
	srv.OnAccept(func(n int) {
		switch n {
		case 1: // the first instance is sending: hold it until the second stands by
			<-standingBy
		case killAfter:
			if err := first.Load().cmd.Process.Kill(); err != nil {
				t.Errorf("kill: %v", err)
			}
		}
	})
	first.Store(tr.startInstance(due, env))
	// The second's clock is past the claims' lease, as it will be in life
	// by the time the first's claims lapse.
	second := tr.startInstance(due.Add(store.ClaimLease+time.Minute), env)
	if h := second.health(); h.Reminders != "standing by" {
		t.Errorf("the second instance, while the first sends: reminders %q", h.Reminders)
	}
	close(standingBy)
	first.Load().cmd.Wait()

	msgs := waitForOutbox(t, st, srv, 2*time.Minute)
	srv.OnAccept(nil)
	missing, duplicates := deliveries(t, srv, msgs)
	t.Logf("%d reminders queued, %d accepted when the first was killed, %d delivered in all, %d duplicates",
		len(msgs), killAfter, len(srv.Messages()), duplicates)
	if missing > 0 || duplicates > 1 {
		t.Errorf("%d reminders, %d missing, %d sent twice: want none missing and at most one twice", len(msgs), missing, duplicates)
	}
	if h := second.health(); h.Reminders != "sending" {
		t.Errorf("the second instance, after the first died: reminders %q", h.Reminders)
	}
	if !strings.Contains(second.output(), "this instance now sends the reminders") {
		t.Errorf("the second instance's log does not say it took over:\n%s", second.output())
	}
}

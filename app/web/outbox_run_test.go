package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/web"
)

// The outbox's rows, as a fingerprint: what a preview must not change.
func outboxState(t *testing.T, st *store.Store) string {
	t.Helper()
	fp, err := st.Fingerprint(context.Background(), "sessions", "sign_in_failures", "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	return fp["outbox_messages"] + "|" + fp["outbox_attempts"]
}

func outboxCount(t *testing.T, st *store.Store) int64 {
	t.Helper()
	_, counts, err := st.FindOutbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// What would be sent on a day is shown and changes nothing; a pass run
// from the page queues each message once: run twice, it queues nothing more.
func TestTheOutboxPreviewsADayAndRunsAPassOnce(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	before := outboxState(t, site.st)

	res, page := admin.do("GET", "/admin/outbox?lang=en&on=2021-12-20", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d", res.StatusCode)
	}
	preview := section(t, page, `<h3 id="preview-result">`, "</table>")
	m := regexp.MustCompile(`(\d+) reminders would be queued by a check at`).FindStringSubmatch(preview)
	if m == nil || m[1] == "0" {
		t.Fatalf("the preview lists nothing:\n%s", preview)
	}
	wantIn(t, "the preview", preview, "liaison@cec.example.org", "milestone-due-", "email")
	wantIn(t, "the page", page, "No email is sent: there are no mail settings (SMTP_URL) and no webhooks.",
		"Run the check now", `value="2021-12-20"`)
	if after := outboxState(t, site.st); after != before || outboxCount(t, site.st) != 0 {
		t.Fatalf("the preview changed the outbox")
	}

	// A day after every plan has ended: nothing to send, and why.
	_, page = admin.do("GET", "/admin/outbox?lang=en&on=2030-01-07", nil)
	wantIn(t, "a day with no plan in force", section(t, page, `<h3 id="preview-result">`, "</div>"),
		"0 reminders would be queued", "Nothing can be sent: no plan is in force")

	// A day that is not one: 422, the day as typed, nothing changed.
	res, page = admin.do("GET", "/admin/outbox?lang=en&on=20-13-45", nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Enter a day, such as") || !strings.Contains(page, `value="20-13-45"`) {
		t.Errorf("a bad day: %d", res.StatusCode)
	}

	res, _ = admin.post("/admin/outbox/run", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	if !strings.Contains(loc, "queued="+m[1]+"&") {
		t.Errorf("the run queued other than the preview showed (%s): %s", m[1], loc)
	}
	queued := outboxCount(t, site.st)
	if queued == 0 {
		t.Fatal("the run queued nothing")
	}
	_, page = admin.do("GET", loc+"&lang=en", nil)
	wantIn(t, "after the run", page, "Check run: "+m[1]+" new reminder(s) queued, 0 message(s) sent.")

	res, _ = admin.post("/admin/outbox/run", url.Values{})
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "queued=0&") {
		t.Errorf("the second run queued again: %s", loc)
	}
	if n := outboxCount(t, site.st); n != queued {
		t.Errorf("the second run changed the outbox: %d messages, was %d", n, queued)
	}
}

// When every account has turned reminders off, the page says so.
func TestTheOutboxSaysPlainlyWhyNothingCanBeSent(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	ctx := context.Background()
	users, err := site.st.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := site.st.SetReminderPreferences(ctx, u.ID, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	_, page := admin.do("GET", "/admin/outbox", nil)
	wantIn(t, "everyone opted out", section(t, page, `<h2 id="ready-title">`, "</section>"),
		"無法寄出任何提醒：全部 5 個帳號都已關閉所有提醒。", "不會寄出任何電子郵件")
	_, page = admin.do("GET", "/admin/outbox?lang=en", nil)
	wantIn(t, "everyone opted out", page, "Nothing can be sent: all 5 accounts have turned every reminder off.")
}

// The scheduled jobs are named in the page's language, with their next run.
func TestTheOutboxNamesTheScheduledJobs(t *testing.T) {
	site := newPeopleSite(t)
	site.nextRuns = func() []web.ScheduledRun {
		return []web.ScheduledRun{{ID: remind.JobSend, Name: "reminders: send", Next: day.Add(time.Minute)},
			{ID: remind.JobPass, Name: "reminders: pass", Next: day.Add(time.Hour)},
			{ID: remind.JobDigest, Name: "reminders: weekly digest", Next: day.Add(7 * 24 * time.Hour)}}
	}
	site.stop()
	site.start()
	admin := site.as(adminEmail)
	_, page := admin.do("GET", "/admin/outbox?lang=en", nil)
	wantIn(t, "the jobs in English", section(t, page, `<ul class="reminders-runs">`, "</ul>"),
		"<strong>Sending</strong>", "every minute", "<strong>Reminder check</strong>", "<strong>Weekly digest</strong>", "next run", "20 Dec 2021")
	_, page = admin.do("GET", "/admin/outbox?lang=zh-TW", nil)
	runs := section(t, page, `<ul class="reminders-runs">`, "</ul>")
	wantIn(t, "the jobs in Chinese", runs, "<strong>寄送</strong>", "<strong>提醒檢查</strong>", "<strong>每週摘要</strong>", "下次執行")
	wantNotIn(t, "the jobs in Chinese", runs, "reminders: pass")
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app"
	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/web"
)

// TestEveryExportIsTheSameOnSQLiteAndPostgreSQL loads the same data into
// a real SQLite file and a real PostgreSQL database, as an operator would
// (the demo plan as serve loads it, then OGP's commitment data through the
// import command), and downloads from each every file the tracker offers:
// the operator's JSON export, each plan's JSON, the commitments and
// milestones CSVs, the Atom feed, the calendar and the API's lists. A
// reader must get the same bytes whichever engine the tracker runs on.
// The PostgreSQL database is set up as most servers are, unlike the
// tests' cluster: it sorts text by a language's rules and keeps its clock
// in a zone of its own. Without OGPTRACKER_TEST_POSTGRES the SQLite half
// runs and the comparison is skipped, as the other tests that need a
// PostgreSQL server are (CI's SQLite run goes without one on purpose;
// its PostgreSQL run compares).
func TestEveryExportIsTheSameOnSQLiteAndPostgreSQL(t *testing.T) {
	t.Parallel()
	// Just after midnight in Taipei, on the 15th there and the 14th in UTC:
	// a date read in the wrong zone shows.
	now := time.Date(2026, 3, 14, 16, 30, 0, 0, time.UTC)
	sqlite := exportsOn(t, "sqlite:"+filepath.Join(t.TempDir(), "data", "ogptracker.db"), now)

	// Non-trivial: OGP's commitments, the demo's milestones, the plans' own files.
	for _, want := range []struct{ file, text string }{
		{"export.json", `"ref": "KG0017"`},
		{"export.json", "Transparency of the financing elections (referendums)"},
		{"commitments-all.csv", "KG0017,AP_KGZ01,"},
		{"milestones-all.csv", "Completed On"},
		{"calendar-first.ics", "BEGIN:VEVENT"}, // the home plan, the second, has no milestone public
		{"feed.atom", "<entry>"},
	} {
		if !strings.Contains(string(sqlite[want.file]), want.text) {
			t.Errorf("SQLite's %s does not hold %q", want.file, want.text)
		}
	}
	if n := len(sqlite["export.json"]); n < 1_000_000 {
		t.Errorf("SQLite's export.json is only %d bytes", n)
	}
	if lines := bytes.Count(sqlite["milestones-all.csv"], []byte("\n")); lines < 30 {
		t.Errorf("SQLite's milestones-all.csv has %d lines", lines)
	}

	if !testdb.OnPostgres() {
		t.Skip("the PostgreSQL half: set " + testdb.PostgresEnv + " to a postgres:// URL (see README, Tests) to compare the engines")
	}
	// A server as most are set up, unlike the tests' cluster: its text
	// sorts by a language's rules (en-US), not by code point, and its
	// clock is in another zone than the plan's and the process's. The
	// tracker's order, instants and days must depend on neither.
	u, err := url.Parse(testdb.CreateCollated(t, "en-US"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("timezone", "Pacific/Kiritimati")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%2F", "/") // as gorm reads it, unescaped
	pgURL := u.String()
	var zone, order string
	err = testdb.SQL(t, pgURL).QueryRow(`SELECT current_setting('TimeZone'), string_agg(x, ' ' ORDER BY x) FROM (VALUES ('a'), ('B')) v(x)`).Scan(&zone, &order)
	if err != nil || zone != "Pacific/Kiritimati" || order != "a B" {
		t.Fatalf("the PostgreSQL database is in zone %q and sorts %q (%v), not as asked", zone, order, err)
	}
	postgres := exportsOn(t, pgURL, now)
	if len(postgres) != len(sqlite) {
		t.Errorf("PostgreSQL gave %d files, SQLite %d", len(postgres), len(sqlite))
	}
	for name, want := range sqlite {
		got, ok := postgres[name]
		switch {
		case !ok:
			t.Errorf("%s: not downloaded from PostgreSQL", name)
		case !bytes.Equal(got, want):
			t.Errorf("%s differs between the engines (%d bytes on SQLite, %d on PostgreSQL):\n%s", name, len(want), len(got), firstDifference(want, got))
		}
	}
}

// exportsOn loads the demo plan and OGP's commitment data into the empty
// database at databaseURL, on a clock stopped at now, and returns every
// download, by file name.
func exportsOn(t *testing.T, databaseURL string, now time.Time) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	settings := map[string]string{"DATABASE_URL": databaseURL, "TZ": "Asia/Taipei", "BASE_URL": "https://tracker.example"}
	var stderr bytes.Buffer
	cli := func(args ...string) {
		t.Helper()
		var out bytes.Buffer
		e := env{stdout: &out, stderr: &stderr, getenv: func(k string) string { return settings[k] }, now: func() time.Time { return now }}
		if code := run(ctx, args, e); code != 0 {
			t.Fatalf("ogptracker %s on %s: exit %d\n%s", strings.Join(args, " "), store.Redacted(databaseURL), code, stderr.String())
		}
	}
	loc, err := time.LoadLocation(settings["TZ"])
	if err != nil {
		t.Fatal(err)
	}
	// The demo plan, as serve loads it into an empty database.
	a, err := app.Open(ctx, config.Config{DatabaseURL: databaseURL, Location: loc, BaseURL: settings["BASE_URL"]},
		slog.New(slog.DiscardHandler), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	cli("import", ogpCSV)
	files := map[string][]byte{}
	cli("export", "-o", filepath.Join(dir, "export.json"))
	b, err := os.ReadFile(filepath.Join(dir, "export.json"))
	if err != nil {
		t.Fatal(err)
	}
	files["export.json"] = b

	st, err := store.Open(databaseURL, store.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := web.New(web.Options{Store: st, Logger: slog.New(slog.DiscardHandler), Location: loc, BaseURL: settings["BASE_URL"],
		RateLimit: web.RateLimit{Rate: 1e9, Burst: 1e9}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(name, path string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("%s on %s: status %d\n%.500s", path, store.Redacted(databaseURL), rec.Code, rec.Body.String())
		}
		files[name] = rec.Body.Bytes()
	}
	get("commitments-all.csv", "/export/commitments.csv?plan=all")
	get("milestones-all.csv", "/export/milestones.csv?plan=all")
	get("commitments.csv", "/export/commitments.csv")
	get("milestones.csv", "/export/milestones.csv")
	counts, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= int(counts.Plans); id++ {
		get(fmt.Sprintf("plan-%d.json", id), fmt.Sprintf("/export/plan-%d.json", id))
	}
	for _, lang := range []string{"en", "zh-TW"} {
		get("feed-"+lang+".atom", "/feed.atom?lang="+lang)
		get("calendar-"+lang+".ics", "/calendar.ics?lang="+lang)
	}
	get("feed.atom", "/feed.atom")
	get("calendar.ics", "/calendar.ics")
	get("calendar-first.ics", "/calendar.ics?plan=1")
	get("api-plans.json", "/api/v1/plans")
	get("api-agencies.json", "/api/v1/agencies")
	for _, q := range []string{"plan=all", "plan=all&page=3", "plan=all&sort=-progress", "plan=all&sort=title&lang=zh-TW"} {
		get("api-commitments?"+q, "/api/v1/commitments?"+q)
	}
	get("api-milestones", "/api/v1/milestones")
	get("api-milestones-overdue", "/api/v1/milestones?due_before=2026-03-15")
	return files
}

// firstDifference shows where a and b part, a few lines either side.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	start := max(0, bytes.LastIndexByte(a[:i], '\n')-300)
	show := func(x []byte) string {
		end := min(len(x), i+300)
		if start > end {
			return ""
		}
		return string(x[start:end])
	}
	var w strings.Builder
	fmt.Fprintf(&w, "at byte %d\n--- SQLite\n%s\n--- PostgreSQL\n%s", i, show(a), show(b))
	return w.String()
}

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// ogpCSV is OGP's commitment data: 558 commitments of 75 members.
const ogpCSV = "../../app/transfer/testdata/open_parliament_0703.csv"

// tracker runs command lines against one database, as an operator would.
type tracker struct {
	t   *testing.T
	env map[string]string
	dir string
}

func newTracker(t *testing.T) *tracker {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "data", "t.db")
	if testdb.OnPostgres() {
		url = testdb.NewURL(t, "t.db")
	}
	return &tracker{t: t, dir: dir, env: map[string]string{"DATABASE_URL": url}}
}

func (tr *tracker) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(k string) string { return tr.env[k] }})
	return code, out.String(), errb.String()
}

func (tr *tracker) mustRun(args ...string) string {
	tr.t.Helper()
	code, out, errs := tr.run(args...)
	if code != 0 {
		tr.t.Fatalf("ogptracker %v: exit %d\n%s", args, code, errs)
	}
	return out
}

func TestHelpListsSubcommandsAndEachHasItsOwn(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	out := tr.mustRun("--help")
	for _, sc := range []string{"serve", "migrate", "import", "export", "copy"} {
		if !strings.Contains(out, sc) {
			t.Errorf("--help does not list %s", sc)
		}
		code, _, errs := tr.run(sc, "--help")
		if code != 0 || !strings.Contains(errs, "Usage: ogptracker "+sc) || !strings.Contains(errs, "-database-url") {
			t.Errorf("%s --help: exit %d\n%s", sc, code, errs)
		}
	}
	if code, _, errs := tr.run("frobnicate"); code != 2 || !strings.Contains(errs, `unknown subcommand "frobnicate"`) {
		t.Errorf("unknown subcommand: exit %d\n%s", code, errs)
	}
	if code, _, errs := tr.run("import"); code != 2 || !strings.Contains(errs, "expected [--dry-run] FILE") {
		t.Errorf("import without a file: exit %d\n%s", code, errs)
	}
}

func TestAPostgresServerThatDoesNotAnswerIsNamedWithoutItsPassword(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.env["DATABASE_URL"] = "postgres://u:secretpw@127.0.0.1:1/ogp"
	code, out, errs := tr.run("migrate")
	if code != 1 || !strings.Contains(errs, "127.0.0.1") || strings.Contains(out+errs, "secretpw") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

func TestImportOGPDataTwiceChangesNothingTheSecondTime(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	out := tr.mustRun("import", ogpCSV)
	if !strings.Contains(out, "214 plans, 558 commitments of 75 members") ||
		!strings.Contains(out, "now holds 214 plans, 558 commitments") {
		t.Fatalf("first import:\n%s", out)
	}
	out = tr.mustRun("import", ogpCSV)
	if !strings.Contains(out, "0 records created, 0 updated") || !strings.Contains(out, "now holds 214 plans, 558 commitments, 0 milestones, 802 agencies (was 214, 558, 0, 802)") {
		t.Fatalf("second import:\n%s", out)
	}
}

func TestACorruptedFileIsRefusedWithRowAndColumnAndChangesNothing(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.mustRun("import", ogpCSV)
	before := tr.mustRun("export")

	data, err := os.ReadFile(ogpCSV)
	if err != nil {
		t.Fatal(err)
	}
	// Change the title of the first row (kept valid) and break a date far below it:
	// the whole file must be refused, the first row's change included.
	s := strings.Replace(string(data), "Parliamentary Monitoring", "Parliamentary Monitoring (edited)", 1)
	s = strings.Replace(s, "12/31/2022", "31/31/2022", 1)
	broken := filepath.Join(tr.dir, "broken.csv")
	if err := os.WriteFile(broken, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := tr.run("import", broken)
	if code != 1 || !strings.Contains(errs, "row ") || !strings.Contains(errs, "column End Date") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if after := tr.mustRun("export"); after != before {
		t.Error("a refused import changed the database")
	}
}

// writeOGPCopy writes a copy of OGP's test file after edit has changed its
// records (the header is recs[0]).
func (tr *tracker) writeOGPCopy(name string, edit func(recs [][]string)) string {
	tr.t.Helper()
	data, err := os.ReadFile(ogpCSV)
	if err != nil {
		tr.t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		tr.t.Fatal(err)
	}
	edit(recs)
	var b bytes.Buffer
	if err := csv.NewWriter(&b).WriteAll(recs); err != nil {
		tr.t.Fatal(err)
	}
	path := filepath.Join(tr.dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tr.t.Fatal(err)
	}
	return path
}

func TestImportNamesTheColumnsItDidNotImport(t *testing.T) {
	tr := newTracker(t)
	path := tr.writeOGPCopy("with-notes.csv", func(recs [][]string) {
		recs[0] = append(recs[0], "Notes", "Budget (USD)")
		for i := 1; i < len(recs); i++ {
			recs[i] = append(recs[i], "checked", "1000")
		}
	})
	out := tr.mustRun("import", path)
	if !strings.Contains(out, "Not imported: 2 columns that are not part of OGP's layout: Notes, Budget (USD).") ||
		!strings.Contains(out, "214 plans, 558 commitments") {
		t.Fatalf("import:\n%s", out)
	}
	// OGP's own file has no such column, and the summary says nothing.
	if out := tr.mustRun("import", ogpCSV); strings.Contains(out, "Not imported") {
		t.Errorf("OGP's file:\n%s", out)
	}
}

func TestALatin1FileIsRefusedWithRowAndColumnAndChangesNothing(t *testing.T) {
	tr := newTracker(t)
	tr.mustRun("import", ogpCSV)
	before := tr.mustRun("export")
	col := 0
	path := tr.writeOGPCopy("latin1.csv", func(recs [][]string) {
		col = slices.Index(recs[0], "Commitment Title")
		recs[1][col] += " (edited)" // a change before the bad row, which must not stay
		recs[300][col] = "Transparence du Parlement \xe9lu"
	})
	code, _, errs := tr.run("import", path)
	if code != 1 || !strings.Contains(errs, "row 301, column Commitment Title: is not valid UTF-8 text") || !strings.Contains(errs, "nothing was imported") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if after := tr.mustRun("export"); after != before {
		t.Error("a refused import changed the database")
	}
}

func TestExportImportExportIsByteIdentical(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.mustRun("import", ogpCSV)
	first := filepath.Join(tr.dir, "first.json")
	tr.mustRun("export", "-o", first)

	other := newTracker(t)
	other.mustRun("import", first)
	second := filepath.Join(other.dir, "second.json")
	other.mustRun("export", "-o", second)

	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if len(a) < 1000000 || !bytes.Equal(a, b) {
		t.Fatalf("exports differ (%d and %d bytes)", len(a), len(b))
	}
}

func TestServeLoadsTheDemoAnswersAndStopsCleanly(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.env["ADDR"] = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- run(ctx, nil, env{stdout: &out, stderr: &errb, getenv: func(k string) string { return tr.env[k] },
			ready: func(a net.Addr) { addrc <- a }})
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("serve exited %d\n%s", code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	res, err := http.Get("http://" + addr.String() + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	res, err = http.Get("http://" + addr.String() + "/")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("home: %v %v", res, err)
	}
	res.Body.Close()
	// The demo plan's loading is itself in the record of changes.
	res, err = http.Get("http://" + addr.String() + "/commitments/1?lang=en")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("commitment: %v %v", res, err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), "Loaded with the demo plan") {
		t.Error("the demo plan's loading is not in the commitment's record of changes")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(out.String(), "ogptracker is running at http://127.0.0.1:") {
		t.Errorf("address not printed: %q", out.String())
	}
	if !testdb.OnPostgres() {
		if _, err := os.Stat(filepath.Join(tr.dir, "data", "t.db")); err != nil {
			t.Errorf("database file: %v", err)
		}
	}
	if !strings.Contains(errb.String(), "demo plan loaded") {
		t.Errorf("demo not loaded:\n%s", errb.String())
	}
	// DEMO=0 starts empty: the home page then says there is no plan yet, honestly.
	tr2 := newTracker(t)
	tr2.env["DEMO"] = "0"
	tr2.mustRun("migrate")
	if out := tr2.mustRun("export"); !strings.Contains(out, `"plans": []`) {
		t.Errorf("DEMO=0 database is not empty:\n%.300s", out)
	}
}

func TestEvidenceLinksSurviveExportImportExport(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../app/transfer/FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, _ := strings.Cut(string(doc), "```json\n")
	example, _, _ = strings.Cut(example, "```")
	tr := newTracker(t)
	path := filepath.Join(tr.dir, "example.json")
	if err := os.WriteFile(path, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	tr.mustRun("import", path)
	first := filepath.Join(tr.dir, "first.json")
	tr.mustRun("export", "-o", first)

	other := newTracker(t)
	other.mustRun("import", first)
	second := filepath.Join(other.dir, "second.json")
	other.mustRun("export", "-o", second)

	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) {
		t.Fatalf("exports differ:\n%s\n%s", a, b)
	}
	if !strings.Contains(string(a), `"evidence": [`) || !strings.Contains(string(a), `"url": "https://example.gov.tw/open-data-rules"`) {
		t.Errorf("the evidence link was lost:\n%s", a)
	}
}

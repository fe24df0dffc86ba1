package web_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ogpFile is OGP's commitment data of parliaments: 214 plans, 558 commitments.
const ogpFile = "../transfer/testdata/open_parliament_0703.csv"

// awaitImport follows an import's page, which refreshes itself while the
// import works, until it shows done.
func (tb *tab) awaitImport(done string) string {
	tb.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		// The page may be reloading itself: a failed read is tried again.
		text, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main")))
		if err == nil && strings.Contains(text, done) {
			return text
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("the import's page never said %q:\n%.2000s", done, text)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// uploadFile chooses path in the import form and sends it.
func (tb *tab) uploadFile(path string) {
	tb.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.visit("/admin/import", 200)
	tb.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{abs}))
	tb.click(`//form[@action="/admin/import"]//button[@type="submit"]`)
}

// totals are the rows of the preview's table of records by kind.
func (tb *tab) totals() []string {
	return eval[[]string](tb, `[...document.querySelectorAll('.import-totals tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()).join(' | '))`)
}

func TestAnAdministratorImportsOGPDataInABrowser(t *testing.T) {
	browser(t)
	site := newEditSite(t)
	ctx := context.Background()
	countsBefore, err := site.st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each step in a tab of its own: a tab's time is bounded.
	adminTab := func() *tab {
		tb := openTab(t, site.srv)
		tb.viewport(1280, 900)
		tb.visit("/?lang=en", 200)
		tb.signInAs(adminEmail)
		return tb
	}
	// upload sends a file, sees the page follow the work, and waits for it.
	upload := func(tb *tab, path string) string {
		tb.viewport(1280, 900)
		tb.uploadFile(path)
		job := mustParseURL(t, eval[string](tb, "location.href")).Path
		if !strings.HasPrefix(job, "/admin/import/") {
			t.Fatalf("the upload led to %s", job)
		}
		site.server.WaitImports()
		return job
	}
	// checkEveryLanguage checks path in every language, in a tab of its own
	// with the administrator's session (tab.run).
	session, _, err := site.st.CreateSession(ctx, site.users[adminEmail].ID)
	if err != nil {
		t.Fatal(err)
	}
	checkEveryLanguage := func(step, path string) {
		t.Run(step, func(t *testing.T) {
			tb := openTab(t, site.srv)
			tb.signInWith(session)
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					start := time.Now()
					tb.checkPage(withLang(path, lang), lang)
					t.Logf("%s checked in %s", path, time.Since(start).Round(time.Millisecond))
				})
			}
		})
	}

	tb := adminTab()
	tb.visit("/admin", 200)
	tb.click(`//main//a[@href="/admin/import"]`)
	checkEveryLanguage("the form", "/admin/import")

	// The OGP file: its preview, read before anything changes.
	job := upload(adminTab(), ogpFile)
	tb = adminTab() // a tab's time runs while the import works
	tb.visit(job, 200)
	tb.awaitImport("Apply the import")
	totals := tb.totals()
	for _, want := range []string{"Action plans | 214 | 0 | 0", "Commitments | 558 | 0 | 0"} {
		if !slices.Contains(totals, want) {
			t.Errorf("the preview's totals lack %q: %q", want, totals)
		}
	}
	if n := eval[int](tb, "document.querySelectorAll('ul.import-plans > li').length"); n != 214 {
		t.Errorf("the preview shows %d plans, want 214", n)
	}
	if line := eval[string](tb, "document.querySelector('ul.import-plans > li').textContent"); !strings.Contains(line, "AP_ALB01") ||
		!strings.Contains(line, "to create: Action plans 1, Themes 2, Commitments 4") {
		t.Errorf("the preview's line of the first plan: %q", line)
	}
	if counts, _ := site.st.Count(ctx); counts != countsBefore {
		t.Fatalf("the preview changed the data: %+v → %+v", countsBefore, counts)
	}
	checkEveryLanguage("the preview", job)

	// Confirmed, the plans are there.
	tb = adminTab()
	tb.visit(withLang(job, "en"), 200)
	tb.click(`//form[contains(@class, "import-confirm")]//button[@type="submit"]`)
	if eval[int](tb, `document.querySelectorAll('meta[http-equiv="refresh"]').length`) != 1 {
		t.Error("the page of an import at work does not refresh itself")
	}
	site.server.WaitImports()
	tb = adminTab()
	tb.visit(job, 200)
	text := tb.awaitImport("Applied:")
	if !strings.Contains(text, "Applied: 1774 records created, 0 updated") {
		t.Errorf("the page does not say what was applied:\n%.500s", text)
	}
	counts, err := site.st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Plans != countsBefore.Plans+214 || counts.Commitments != countsBefore.Commitments+558 {
		t.Errorf("after the import the tracker holds %d plans and %d commitments, want %d and %d", counts.Plans, counts.Commitments,
			countsBefore.Plans+214, countsBefore.Commitments+558)
	}
	tb.visit("/plans?lang=en", 200)
	if text := tb.mainText(); !strings.Contains(text, "Albania action plan 1 (2012–2014)") {
		t.Errorf("the imported plans are not listed:\n%.500s", text)
	}

	// The same file again: nothing to create or update.
	job = upload(adminTab(), ogpFile)
	tb = adminTab()
	tb.visit(job, 200)
	text = tb.awaitImport("Apply the import")
	if !strings.Contains(text, "0 records to create, 0 to update") {
		t.Errorf("the second preview is not empty:\n%.500s", text)
	}
	if totals := tb.totals(); !slices.Contains(totals, "Commitments | 0 | 0 | 558") {
		t.Errorf("the second preview's totals: %q", totals)
	}

	// A corrupted copy: a bad date in one row is refused with its row and
	// column, and nothing changes.
	bad := corruptedCopy(t, 7, "Start Date", "31/31/2015")
	before := site.state()
	job = upload(adminTab(), bad)
	tb = adminTab()
	tb.visit(job, 200)
	text = tb.awaitImport("The file was refused")
	if !strings.Contains(text, "row 7, column Start Date:") || !strings.Contains(text, "31/31/2015") {
		t.Errorf("the refusal does not name the row, the column and the value:\n%.1500s", text)
	}
	for table, was := range site.state() {
		if table != "import_jobs" && before[table] != was {
			t.Errorf("a refused file changed %s", table)
		}
	}
	checkEveryLanguage("the refusal", job)
}

// corruptedCopy writes the OGP file with the cell of column in row (the
// header is row 1) set to value, and returns its path.
func corruptedCopy(t *testing.T, row int, column, value string) string {
	t.Helper()
	f, err := os.Open(ogpFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(records[0], column)
	if col < 0 {
		t.Fatalf("the file has no column %q", column)
	}
	records[row-1][col] = value
	path := filepath.Join(t.TempDir(), "corrupted.csv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// upload sends a file to the import form as a browser does (multipart),
// with the visitor's form token.
func (b *visitor) upload(name string, content []byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("csrf_token", b.formToken()); err != nil {
		b.t.Fatal(err)
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.site.srv.URL+"/admin/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res, string(page)
}

// importJobPage follows an import's page until its work is done, as the
// page's own refresh does, and returns the page.
func (b *visitor) awaitImport(path string) string {
	b.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, page := b.do("GET", path, nil)
		if res.StatusCode != http.StatusOK {
			b.t.Fatalf("GET %s: %d\n%.1500s", path, res.StatusCode, page)
		}
		if !strings.Contains(page, `http-equiv="refresh"`) {
			return page
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the import at %s is still working:\n%.1500s", path, page)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// uploaded uploads a file and returns its job's path.
func (b *visitor) uploaded(name string, content []byte) string {
	b.t.Helper()
	res, page := b.upload(name, content)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/import/") {
		b.t.Fatalf("upload of %s: %d to %q\n%.1500s", name, res.StatusCode, res.Header.Get("Location"), page)
	}
	return res.Header.Get("Location")
}

// inEnglish makes the visitor's pages English, as the language switch does.
func (b *visitor) inEnglish() *visitor {
	b.t.Helper()
	b.do("GET", "/about?lang=en&choose=1", nil)
	return b
}

func TestImportRefusesWhatIsNoImport(t *testing.T) {
	site := newEditSite(t)
	before := site.state()
	for _, tc := range []struct {
		who, name string
		content   []byte
		status    int
		message   string
	}{
		{"anonymous", "plans.json", []byte(`{}`), toSignIn, ""},
		{"liaison@cec.example.org", "plans.json", []byte(`{}`), http.StatusForbidden, ""},
		{"member@committee.example.org", "plans.json", []byte(`{}`), http.StatusForbidden, ""},
		{adminEmail, "", nil, http.StatusUnprocessableEntity, "Choose a file to import."},
		{adminEmail, "empty.csv", []byte(" \n"), http.StatusUnprocessableEntity, "“empty.csv” is empty."},
		{adminEmail, "plans.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), http.StatusUnprocessableEntity, "“plans.xlsx” is neither a CSV file nor the tracker&#39;s JSON"},
		{adminEmail, "photo.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), http.StatusUnprocessableEntity, "“photo.csv” is neither a CSV file nor the tracker&#39;s JSON"},
	} {
		email := tc.who
		if email == "anonymous" {
			email = ""
		}
		b := site.as(email).inEnglish()
		var res *http.Response
		var page string
		if email == "" {
			// The public has no form token to send: the form itself is refused.
			res, page = b.do("GET", "/admin/import", nil)
		} else {
			res, page = b.upload(tc.name, tc.content)
		}
		got := res.StatusCode
		if got == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			got = toSignIn
		}
		if got != tc.status {
			t.Errorf("%s uploads %q: %d, want %d\n%.800s", tc.who, tc.name, res.StatusCode, tc.status, page)
		}
		if tc.message != "" && !strings.Contains(page, tc.message) {
			t.Errorf("%s uploads %q: the page does not say %q\n%s", tc.who, tc.name, tc.message, mainOf(page))
		}
		if tc.status == http.StatusUnprocessableEntity && !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("%s uploads %q: the field is not marked invalid", tc.who, tc.name)
		}
	}
	for table, was := range site.state() {
		if table != "server_secrets" && before[table] != was { // the public's form tokens are signed with a secret made once
			t.Errorf("a refused file changed %s", table)
		}
	}
}

// mainOf is the main part of a page, for messages.
func mainOf(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	if len(page) > 3000 {
		page = page[:3000]
	}
	return page
}

func TestImportOfJSONPreviewsEachUpdateBeforeAfterAndAppliesItOnConfirmation(t *testing.T) {
	site := newEditSite(t)
	ctx := context.Background()
	ds, err := site.st.ExportDataset(ctx, store.ExportOptions{Private: true})
	if err != nil {
		t.Fatal(err)
	}
	c := site.commitmentIn(ds)
	oldTitle := c.Title["zh-TW"]
	c.Title = model.Text{"zh-TW": "匯入後的新標題", "en": c.Title["en"]}
	if c.Title["en"] == "" {
		delete(c.Title, "en")
	}
	var file bytes.Buffer
	if err := transfer.WriteJSON(&file, ds); err != nil {
		t.Fatal(err)
	}
	admin := site.as(adminEmail).inEnglish()
	before := site.state()
	job := admin.uploaded("plan-update.json", file.Bytes())
	page := admin.awaitImport(job)
	main := mainOf(page)
	for _, want := range []string{"What the import would do", "0 records to create, 1 to update", oldTitle, "匯入後的新標題", c.Ref, "Apply the import"} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview does not show %q:\n%s", want, main)
		}
	}
	if !regexp.MustCompile(`<span lang="zh-TW">` + oldTitle + `</span> <span aria-hidden="true">→</span>.*<span lang="zh-TW">匯入後的新標題</span>`).MatchString(page) {
		t.Errorf("the preview does not show the title before → after")
	}
	for table, was := range site.state() {
		if table != "import_jobs" && before[table] != was {
			t.Errorf("the preview changed %s", table)
		}
	}

	// Confirmed, the update is made, under the administrator's name and the file's.
	res, _ := admin.do("POST", job+"/apply", url.Values{"csrf_token": {admin.formToken()}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != job {
		t.Fatalf("confirm: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	page = admin.awaitImport(job)
	if !strings.Contains(page, "Applied: 0 records created, 1 updated") {
		t.Errorf("the page does not say what was applied:\n%s", mainOf(page))
	}
	stored, err := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title["zh-TW"] != "匯入後的新標題" {
		t.Errorf("the title stored is %q", stored.Title["zh-TW"])
	}
	changes, _, err := site.st.FindChanges(ctx, store.ChangeFilter{CommitmentID: stored.ID})
	if err != nil || len(changes) == 0 {
		t.Fatal(changes, err)
	}
	admin1 := site.users[adminEmail]
	if ch := changes[0]; ch.Door != model.DoorImport || ch.Actor != admin1.Name || ch.Source != "plan-update.json" ||
		ch.UserID == nil || *ch.UserID != admin1.ID {
		t.Errorf("the change is recorded as door %q, actor %q, source %q, user %v", ch.Door, ch.Actor, ch.Source, ch.UserID)
	}
	_, history := admin.do("GET", fmt.Sprintf("/commitments/%d", stored.ID), nil)
	if want := "Imported by " + admin1.Name; !strings.Contains(history, want) || !strings.Contains(history, "plan-update.json") {
		t.Errorf("the commitment's history does not say %q from plan-update.json", want)
	}

	// A second confirmation applies nothing again.
	state := site.state()
	admin.do("POST", job+"/apply", url.Values{"csrf_token": {admin.formToken()}})
	site.server.WaitImports()
	site.unchangedSince(state, "a second confirmation")
}

func TestImportIsRefusedWhenTheDataChangedSinceThePreview(t *testing.T) {
	site := newEditSite(t)
	ctx := context.Background()
	ds, err := site.st.ExportDataset(ctx, store.ExportOptions{Private: true})
	if err != nil {
		t.Fatal(err)
	}
	site.commitmentIn(ds).Title = model.Text{"zh-TW": "檔案中的標題"}
	var file bytes.Buffer
	transfer.WriteJSON(&file, ds)
	admin := site.as(adminEmail).inEnglish()
	job := admin.uploaded("plans.json", file.Bytes())
	admin.awaitImport(job)

	// Meanwhile the same commitment is changed (another import).
	other, _ := site.st.ExportDataset(ctx, store.ExportOptions{Private: true})
	site.commitmentIn(other).Title = model.Text{"zh-TW": "其間改過的標題"}
	if _, err := site.st.ImportDataset(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	before := site.state()
	admin.do("POST", job+"/apply", url.Values{"csrf_token": {admin.formToken()}})
	page := admin.awaitImport(job)
	if !strings.Contains(page, "Not applied: the tracker&#39;s data changed since the preview") {
		t.Errorf("the page does not say the data changed:\n%s", mainOf(page))
	}
	after := site.state()
	for table, was := range after {
		if table != "import_jobs" && before[table] != was {
			t.Errorf("a refused import changed %s", table)
		}
	}
	c, _ := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if c.Title["zh-TW"] != "其間改過的標題" {
		t.Errorf("the title is %q", c.Title["zh-TW"])
	}
}

func TestImportJobBelongsToWhoStartedIt(t *testing.T) {
	site := newEditSite(t)
	ctx := context.Background()
	other := &model.User{Email: "second@secretariat.example.org", Name: "第二位秘書", Role: model.RoleAdmin}
	other.SetPassword(testPassword)
	if err := site.st.CreateUser(ctx, other); err != nil {
		t.Fatal(err)
	}
	admin := site.as(adminEmail).inEnglish()
	job := admin.uploaded("broken.csv", []byte("not,an,ogp,file\n1,2,3,4\n"))
	page := admin.awaitImport(job)
	if !strings.Contains(page, "The file was refused") || !strings.Contains(page, "row 1, column") {
		t.Errorf("a CSV of another layout is not refused with its row and column:\n%s", mainOf(page))
	}
	second := site.as(other.Email)
	if res, _ := second.do("GET", job, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another administrator opens the job: %d, want 404", res.StatusCode)
	}
	if res, _ := second.do("POST", job+"/apply", url.Values{"csrf_token": {second.formToken()}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another administrator confirms the job: %d, want 404", res.StatusCode)
	}
}

func TestExportAndBackupInTheBrowser(t *testing.T) {
	site := newEditSite(t)
	admin := site.as(adminEmail).inEnglish()
	res, body := admin.do("GET", "/admin/export/tracker.json", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	ds, err := transfer.ReadJSON(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the export does not read back: %v", err)
	}
	want, _ := site.st.ExportDataset(context.Background(), store.ExportOptions{Private: true})
	var a, b bytes.Buffer
	transfer.WriteJSON(&a, ds)
	transfer.WriteJSON(&b, want)
	if a.String() != b.String() {
		t.Errorf("the browser's export differs from the command line's")
	}
	_, page := admin.do("GET", "/admin/import", nil)
	res, body = admin.do("GET", "/admin/backup/ogptracker.db", nil)
	if site.st.Engine() == "sqlite" {
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "SQLite format 3\x00") {
			t.Fatalf("backup: %d, %d bytes starting %q", res.StatusCode, len(body), body[:min(len(body), 16)])
		}
		if !strings.Contains(page, `href="/admin/backup/ogptracker.db"`) {
			t.Errorf("the page does not offer the database's copy")
		}
	} else {
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("backup on PostgreSQL: %d, want 404", res.StatusCode)
		}
		if !strings.Contains(page, "pg_dump") || strings.Contains(page, "/admin/backup/") {
			t.Errorf("on PostgreSQL the page must say the backup is pg_dump's and offer no file")
		}
	}
	_, index := admin.do("GET", "/admin", nil)
	if !strings.Contains(index, `href="/admin/import"`) {
		t.Errorf("/admin does not link the import")
	}
}

// commitmentIn is the site's commitment (2-1) in a dataset.
func (s *editSite) commitmentIn(ds *model.Dataset) *model.CommitmentRecord {
	s.t.Helper()
	c, err := s.st.FindCommitmentByID(context.Background(), s.commitmentID)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := range ds.Plans {
		for j := range ds.Plans[i].Commitments {
			if r := &ds.Plans[i].Commitments[j]; r.Ref == c.Ref {
				return r
			}
		}
	}
	s.t.Fatalf("commitment %s is not in the dataset", c.Ref)
	return nil
}

package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// runInput runs a command line with stdin as its standard input.
func (tr *tracker) runInput(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return tr.env[k] }})
	return code, out.String(), errb.String()
}

// storeOf opens the tracker's database, to check what a command left in it.
func (tr *tracker) storeOf() *store.Store {
	tr.t.Helper()
	st, err := store.Open(tr.env["DATABASE_URL"], store.Options{})
	if err != nil {
		tr.t.Fatal(err)
	}
	tr.t.Cleanup(func() { st.Close() })
	return st
}

func TestUserAddReadsThePasswordFromStandardInput(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.importFormatExample() // agencies to bind liaisons to
	code, out, errs := tr.runInput("a long enough password\n", "user", "add", "--email", "Chair@Example.org", "--name", "Chair Person", "--role", "committee")
	if code != 0 || !strings.Contains(out, "Created the committee account for Chair Person (chair@example.org).") {
		t.Fatalf("user add: exit %d\n%s%s", code, out, errs)
	}
	u, err := tr.storeOf().FindUserByEmail(context.Background(), "chair@example.org")
	if err != nil || !u.PasswordMatches("a long enough password") || u.PasswordMatches("a long enough password\n") {
		t.Errorf("the account does not take the password typed: %+v, %v", u, err)
	}

	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a long enough password\n", []string{"--email", "x@example.org", "--name", "X", "--role", "chair"}, `--role "chair" is not a role: use admin, committee or liaison`},
		{"a long enough password\n", []string{"--email", "x@example.org", "--name", "X", "--role", "liaison"}, "a liaison belongs to an agency: give its code with --agency"},
		{"a long enough password\n", []string{"--email", "x@example.org", "--name", "X", "--role", "admin", "--agency", "CEC"}, "only a liaison belongs to an agency"},
		{"a long enough password\n", []string{"--email", "x@example.org", "--name", "X", "--role", "liaison", "--agency", "NOPE"}, `--agency "NOPE": no agency has this code`},
		{"short\n", []string{"--email", "x@example.org", "--name", "X", "--role", "admin"}, "a password needs at least 12 characters"},
		{"", []string{"--email", "x@example.org", "--name", "X", "--role", "admin"}, "no password on standard input"},
		{"a long enough password\n", []string{"--email", "CHAIR@example.org", "--name", "X", "--role", "admin"}, "email: is already taken"},
		{"a long enough password\n", []string{"--email", "not an address", "--name", "X", "--role", "admin"}, "email: is not an email address"},
	} {
		code, _, errs := tr.runInput(tc.stdin, append([]string{"user", "add"}, tc.args...)...)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("user add %v: exit %d, want 1 saying %q\n%s", tc.args, code, tc.want, errs)
		}
	}
	if n, _ := tr.storeOf().CountUsers(context.Background()); n != 1 {
		t.Errorf("%d accounts after the refused ones, want 1", n)
	}
}

func TestUserAddMakesALiaisonOfAnAgency(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.importFormatExample()
	out := tr.mustRunInput("a long enough password\n", "user", "add", "--email", "l@example.org", "--name", "L", "--role", "liaison", "--agency", "NDC")
	if !strings.Contains(out, "Created the liaison account of agency NDC for L (l@example.org).") {
		t.Errorf("user add liaison: %s", out)
	}
	u, err := tr.storeOf().FindUserByEmail(context.Background(), "l@example.org")
	if err != nil || u.Role != model.RoleLiaison || u.Agency == nil || u.Agency.Code != "NDC" {
		t.Errorf("liaison: %+v, %v", u, err)
	}
}

func TestUserAddMakesACommitteeMemberOfAnOrganisationAndTheChair(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.importFormatExample()
	out := tr.mustRunInput("a long enough password\n", "user", "add", "--email", "c@example.org", "--name", "C", "--role", "committee",
		"--organisation", "open-data-alliance", "--chair")
	if !strings.Contains(out, "Created the committee account for organisation open-data-alliance, chairing the committee, for C (c@example.org).") {
		t.Errorf("user add committee: %s", out)
	}
	u, err := tr.storeOf().FindUserByEmail(context.Background(), "c@example.org")
	if err != nil || u.Role != model.RoleCommittee || !u.Chair || u.Organisation == nil || u.Organisation.Code != "open-data-alliance" {
		t.Errorf("committee member: %+v, %v", u, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "liaison", "--agency", "NDC", "--organisation", "open-data-alliance"}, "only a committee member speaks for an organisation"},
		{[]string{"--role", "admin", "--chair"}, "only a committee member chairs the committee"},
		{[]string{"--role", "committee", "--organisation", "NOPE"}, `--organisation "NOPE": no organisation has this code`},
	} {
		args := append([]string{"user", "add", "--email", "x@example.org", "--name", "X"}, tc.args...)
		if code, _, errs := tr.runInput("a long enough password\n", args...); code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("user add %v: exit %d, want 1 saying %q\n%s", tc.args, code, tc.want, errs)
		}
	}
	if n, _ := tr.storeOf().CountUsers(context.Background()); n != 1 {
		t.Errorf("%d accounts after the refused ones, want 1", n)
	}
}

// importFormatExample imports the example of the file format, which has
// the agencies EY and NDC.
func (tr *tracker) importFormatExample() {
	tr.t.Helper()
	doc, err := os.ReadFile("../../app/transfer/FORMAT.md")
	if err != nil {
		tr.t.Fatal(err)
	}
	_, example, _ := strings.Cut(string(doc), "```json\n")
	example, _, _ = strings.Cut(example, "```")
	path := filepath.Join(tr.dir, "example.json")
	if err := os.WriteFile(path, []byte(example), 0o644); err != nil {
		tr.t.Fatal(err)
	}
	tr.mustRun("import", path)
}

func (tr *tracker) mustRunInput(stdin string, args ...string) string {
	tr.t.Helper()
	code, out, errs := tr.runInput(stdin, args...)
	if code != 0 {
		tr.t.Fatalf("ogptracker %v: exit %d\n%s", args, code, errs)
	}
	return out
}

// serveOnce starts the tracker, runs check against its address, and stops it.
func (tr *tracker) serveOnce(check func(base string)) (stdout string) {
	tr.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- run(ctx, nil, env{stdout: &out, stderr: &errb, getenv: func(k string) string { return tr.env[k] },
			ready: func(a net.Addr) { addrc <- a }})
	}()
	select {
	case a := <-addrc:
		check("http://" + a.String())
	case code := <-done:
		tr.t.Fatalf("serve exited %d\n%s", code, errb.String())
	case <-time.After(30 * time.Second):
		tr.t.Fatal("serve did not start")
	}
	cancel()
	if code := <-done; code != 0 {
		tr.t.Fatalf("serve exited %d\n%s", code, errb.String())
	}
	return out.String()
}

var demoAccountLine = regexp.MustCompile(`(?m)^  (admin|committee|liaison)\s+(\S+@demo\.example\.org)\s+(\S+)(?:  .*)?$`)

func TestDemoAccountsArePrintedOnceAndSignIn(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.env["ADDR"] = "127.0.0.1:0"
	first := tr.serveOnce(func(string) {})
	lines := demoAccountLine.FindAllStringSubmatch(first, -1)
	// One for each role of the demo's stories (demo.Accounts).
	if len(lines) != 11 || !strings.Contains(first, "shown only this once") {
		t.Fatalf("first start printed %d demo accounts:\n%s", len(lines), first)
	}
	second := tr.serveOnce(func(base string) {
		// The printed liaison account signs in.
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Get(base + "/signin")
		if err != nil {
			t.Fatal(err)
		}
		page := new(bytes.Buffer)
		page.ReadFrom(res.Body)
		res.Body.Close()
		token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.String())
		if token == nil {
			t.Fatal("sign-in page has no form token")
		}
		res, err = client.PostForm(base+"/signin", url.Values{"email": {lines[3][2]}, "password": {lines[3][3]}, "csrf_token": {token[1]}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("the printed liaison password does not sign in: status %d", res.StatusCode)
		}
	})
	if strings.Contains(second, "Demo accounts") || strings.Contains(second, lines[0][3]) {
		t.Errorf("the second start printed the demo accounts again:\n%s", second)
	}
	u, err := tr.storeOf().FindUserByEmail(context.Background(), lines[3][2])
	if err != nil || u.Role != model.RoleLiaison || u.Agency == nil || u.Agency.Code != "DEMO-BUREAU" {
		t.Errorf("demo liaison: %+v, %v", u, err)
	}
}

func TestUserAddInviteGivesALinkInsteadOfReadingAPassword(t *testing.T) {
	t.Parallel()
	tr := newTracker(t)
	tr.env["BASE_URL"] = "https://tracker.example.org"
	out := tr.mustRunInput("", "user", "add", "--invite", "--email", "new@example.org", "--name", "New Member", "--role", "committee")
	m := regexp.MustCompile(`(?m)^https://tracker\.example\.org/password/reset/([A-Z2-7]+)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "works once, within 7 days") {
		t.Fatalf("no invitation link:\n%s", out)
	}
	link, err := tr.storeOf().FindOneTimeLink(context.Background(), m[1])
	if err != nil || link.Purpose != model.LinkInvitation || link.User.Email != "new@example.org" {
		t.Errorf("invitation link: %+v, %v", link, err)
	}
}

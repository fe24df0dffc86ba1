package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// newAccount returns an unsaved account with a password set.
func newAccount(t *testing.T, email string, role model.Role, agencyID *uint) *model.User {
	t.Helper()
	u := &model.User{Email: email, Name: "Test person", Role: role, AgencyID: agencyID}
	if err := u.SetPassword("correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAnEmailIsTakenOnceWhateverItsCase(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := context.Background()
	first := newAccount(t, "Chair@Example.org", model.RoleCommittee, nil)
	if err := s.CreateUser(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.Email != "chair@example.org" {
		t.Errorf("stored email %q, want it in lower case", first.Email)
	}
	var fe model.FieldErrors
	err := s.CreateUser(ctx, newAccount(t, " CHAIR@example.ORG ", model.RoleAdmin, nil))
	if !errors.As(err, &fe) || fe["email"] != "is already taken" {
		t.Fatalf("second account with the same email: %v", err)
	}
	u, err := s.FindUserByEmail(ctx, "chair@EXAMPLE.org")
	if err != nil || u.ID != first.ID {
		t.Errorf("find by email in another case: %+v, %v", u, err)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

func TestThePasswordIsKeptOnlyAsAHash(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := context.Background()
	u := newAccount(t, "admin@example.org", model.RoleAdmin, nil)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindUserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.PasswordHash, "correct horse") || !strings.HasPrefix(got.PasswordHash, "$2") {
		t.Errorf("stored password %q is not a bcrypt hash", got.PasswordHash)
	}
	if !got.PasswordMatches("correct horse battery") || got.PasswordMatches("correct horse battery!") {
		t.Error("the hash does not tell the password from another")
	}
	if err := (&model.User{}).SetPassword("short"); !errors.Is(err, model.ErrPasswordTooShort) {
		t.Errorf("a short password: %v", err)
	}
}

func TestAccountsAreValidated(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := context.Background()
	agency := uint(1)
	for _, tc := range []struct {
		user  *model.User
		field string
	}{
		{newAccount(t, "not an address", model.RoleAdmin, nil), "email"},
		{newAccount(t, "a@example.org", "chair", nil), "role"},
		{newAccount(t, "b@example.org", model.RoleLiaison, nil), "agency"},
		{newAccount(t, "c@example.org", model.RoleCommittee, &agency), "agency"},
		{&model.User{Email: "d@example.org", Name: "No password", Role: model.RoleAdmin}, "password"},
	} {
		var fe model.FieldErrors
		if err := s.CreateUser(ctx, tc.user); !errors.As(err, &fe) || fe[tc.field] == "" {
			t.Errorf("%s: %v, want an error on %s", tc.user.Email, err, tc.field)
		}
	}
}

func TestSessionsCanBeRevokedAndExpire(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	ctx := context.Background()
	u := newAccount(t, "member@example.org", model.RoleCommittee, nil)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.CreateSession(ctx, u.ID)
	if err != nil || other == token {
		t.Fatalf("a second sign-in reused the token: %v", err)
	}
	sess, err := s.FindSession(ctx, token)
	if err != nil || sess.User.Email != "member@example.org" || sess.CSRFToken == "" {
		t.Fatalf("live session: %+v, %v", sess, err)
	}
	if err := s.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, token); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a deleted session still signs in: %v", err)
	}
	if _, err := s.FindSession(ctx, other); err != nil {
		t.Errorf("signing out one browser signed out another: %v", err)
	}
	if err := s.SetUserDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, other); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a disabled account is still signed in: %v", err)
	}
	if err := s.SetUserDisabled(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	token, _, _ = s.CreateSession(ctx, u.ID)
	clock.Advance(store.SessionLifetime + time.Minute)
	if _, err := s.FindSession(ctx, token); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an expired session still signs in: %v", err)
	}
}

func TestSignInFailuresAreCountedWithinTheWindow(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	ctx := context.Background()
	const window = 15 * time.Minute
	for range 3 {
		if err := s.RecordSignInFailure(ctx, "A@example.org", "192.0.2.1", window); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.RecordSignInFailure(ctx, "b@example.org", "192.0.2.1", window)
	if e, a, err := s.CountSignInFailures(ctx, "a@EXAMPLE.org", "192.0.2.1", window); err != nil || e != 3 || a != 4 {
		t.Errorf("failures by email %d, by address %d, %v; want 3 and 4", e, a, err)
	}
	clock.Advance(window)
	if e, a, _ := s.CountSignInFailures(ctx, "a@example.org", "192.0.2.1", window); e != 0 || a != 0 {
		t.Errorf("after the window: %d and %d failures, want none", e, a)
	}
}

func TestAOneTimeLinkSetsThePasswordOnceAndSignsOutEverywhere(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	ctx := context.Background()
	u := newAccount(t, "liaison@example.org", model.RoleAdmin, nil)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	session, _, _ := s.CreateSession(ctx, u.ID)
	token, err := s.CreateOneTimeLink(ctx, u.ID, model.LinkPasswordReset, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if link, err := s.FindOneTimeLink(ctx, token); err != nil || link.User.Email != "liaison@example.org" {
		t.Fatalf("fresh link: %+v, %v", link, err)
	}
	changed := &model.User{}
	if err := changed.SetPassword("the new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseOneTimeLink(ctx, token, changed.PasswordHash); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindUserByID(ctx, u.ID)
	if !got.PasswordMatches("the new long password") || got.PasswordMatches("correct horse battery") {
		t.Error("the link did not replace the password")
	}
	if _, err := s.FindSession(ctx, session); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a session from before the new password lives on: %v", err)
	}
	if _, err := s.UseOneTimeLink(ctx, token, "$2a$10$other"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a spent link worked again: %v", err)
	}
	late, _ := s.CreateOneTimeLink(ctx, u.ID, model.LinkPasswordReset, time.Hour)
	clock.Advance(time.Hour)
	if _, err := s.FindOneTimeLink(ctx, late); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an expired link still works: %v", err)
	}
}

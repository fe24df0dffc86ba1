package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// lastChange is the change recorded last.
func lastChange(t *testing.T, s *store.Store) model.Change {
	t.Helper()
	cs, _, err := s.FindChanges(context.Background(), store.ChangeFilter{})
	if err != nil || len(cs) == 0 {
		t.Fatalf("no changes: %v", err)
	}
	last := cs[0]
	for _, c := range cs {
		if c.ID > last.ID {
			last = c
		}
	}
	return last
}

var admin = model.Actor{Door: model.DoorWeb, Label: "Secretariat"}

// An account enters the record of changes with its name, role,
// affiliation, chair and disabled only: never its email or password.
func TestAnAccountIsRecordedWithoutEmailOrPassword(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := model.NewContextWithActor(context.Background(), admin)
	org := &model.Organisation{Code: "ODA", Name: model.T("en", "Open Data Alliance")}
	if err := s.CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	u := newAccount(t, "member@example.org", model.RoleCommittee, nil)
	u.OrganisationID, u.Chair = &org.ID, true
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	c := lastChange(t, s)
	if c.Entity != model.EntityUser || c.Action != model.ChangeCreated || c.Ref != "Test person" || c.Actor != "Secretariat" {
		t.Errorf("creation: %+v", c)
	}
	for _, name := range []string{"name", "role", "organisation", "chair"} {
		if c.Fields[name].After == nil {
			t.Errorf("creation lacks %s: %v", name, c.Fields)
		}
	}
	if len(c.Fields) != 4 {
		t.Errorf("creation records %d fields, want 4: %v", len(c.Fields), c.Fields)
	}

	token, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	if err := s.UpdateUser(ctx, u, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, token); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("the disabled account is still signed in: %v", err)
	}
	if c := lastChange(t, s); len(c.Fields) != 1 || string(c.Fields["disabled"].After) != "true" {
		t.Errorf("disabling: %v", c.Fields)
	}
	u.Name = "Renamed"
	if err := s.UpdateUser(ctx, u, 1); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a write from a stale version: %v, want ErrConflict", err)
	}
	stored, _ := s.FindUserByID(ctx, u.ID)
	if stored.Name != "Test person" || stored.Version != 2 || stored.Email != "member@example.org" {
		t.Errorf("after the refused write: %+v", stored)
	}
}

// A handover closes the previous term the day before and opens the next.
func TestAHandoverClosesThePreviousTerm(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := model.NewContextWithActor(context.Background(), admin)
	a := &model.Agency{Code: "CEC", Name: model.T("en", "Central Election Commission")}
	if err := s.CreateAgency(ctx, a); err != nil {
		t.Fatal(err)
	}
	first := &model.Contact{Name: "First", Role: model.ContactLiaison, AgencyID: &a.ID, ActiveFrom: model.MustDate("2021-01-01")}
	if err := s.CreateContact(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.Ref != "cec-liaison" {
		t.Errorf("ref %q", first.Ref)
	}
	next := &model.Contact{Name: "Second", ActiveFrom: model.MustDate("2022-03-01")}
	if err := s.HandOverContact(ctx, first.ID, 1, next); err != nil {
		t.Fatal(err)
	}
	if next.Ref != "cec-liaison-2" || next.Role != model.ContactLiaison || *next.AgencyID != a.ID {
		t.Errorf("next: %+v", next)
	}
	for day, want := range map[string]string{"2022-02-28": "First", "2022-03-01": "Second"} {
		cs, err := s.FindActiveContacts(ctx, a.ID, model.MustDate(day))
		if err != nil || len(cs) != 1 || cs[0].Name != want {
			t.Errorf("on %s: %+v, %v; want %s", day, cs, err, want)
		}
	}
	var fe model.FieldErrors
	err := s.HandOverContact(ctx, next.ID, 1, &model.Contact{Name: "Third", ActiveFrom: model.MustDate("2022-02-01")})
	if !errors.As(err, &fe) || fe["active_from"] == "" || len(fe) != 1 {
		t.Errorf("a handover before the term began: %v", err)
	}
	all, _ := s.FindContactsOfAgency(ctx, a.ID)
	if len(all) != 2 || all[0].Name != "Second" {
		t.Errorf("history: %+v", all)
	}
}

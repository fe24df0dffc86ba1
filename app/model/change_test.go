package model_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

func validChange() *model.Change {
	return &model.Change{At: time.Date(2022, 1, 1, 1, 0, 0, 0, time.UTC), Door: model.DoorImport, Actor: "taiwan-nap1.csv",
		Entity: model.EntityMilestone, EntityID: 3, Ref: "1", Action: model.ChangeUpdated,
		Fields: model.FieldChanges{"status": {Before: []byte(`"not-started"`), After: []byte(`"completed"`)}}}
}

func TestChangeValidate(t *testing.T) {
	tests := []struct {
		name      string
		change    *model.Change
		wantField string
	}{
		{"a valid update", validChange(), ""},
		{"a creation without fields", with(validChange(), func(c *model.Change) { c.Action, c.Fields = model.ChangeCreated, nil }), ""},
		{"a change through the web by a signed-in person", with(validChange(), func(c *model.Change) {
			id := uint(7)
			c.Door, c.Actor, c.UserID = model.DoorWeb, "", &id
		}), ""},
		{"no time", with(validChange(), func(c *model.Change) { c.At = time.Time{} }), "at"},
		{"no door", with(validChange(), func(c *model.Change) { c.Door = "" }), "door"},
		{"an unknown door", with(validChange(), func(c *model.Change) { c.Door = "email" }), "door"},
		{"an unknown kind of record", with(validChange(), func(c *model.Change) { c.Entity = "session" }), "entity"},
		{"no record", with(validChange(), func(c *model.Change) { c.EntityID = 0 }), "entity_id"},
		{"an unknown action", with(validChange(), func(c *model.Change) { c.Action = "deleted" }), "action"},
		{"an update that changes nothing", with(validChange(), func(c *model.Change) { c.Fields = model.FieldChanges{} }), "fields"},
		{"a field without a name", with(validChange(), func(c *model.Change) { c.Fields[""] = model.FieldChange{} }), "fields"},
		{"an actor's name too long", with(validChange(), func(c *model.Change) { c.Actor = strings.Repeat("名", 201) }), "actor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.change.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe model.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want model.FieldErrors", err, err)
			}
			if _, ok := fe[tt.wantField]; !ok {
				t.Errorf("errors %v do not name %q", fe, tt.wantField)
			}
		})
	}
}

func TestFieldChangesStoreAsJSON(t *testing.T) {
	f := model.FieldChanges{"due": {Before: []byte(`"2021-12"`), After: []byte(`"2022-06"`)}, "evidence": {After: []byte(`[]`)}}
	v, err := f.Value()
	if err != nil || v != `{"due":{"before":"2021-12","after":"2022-06"},"evidence":{"after":[]}}` {
		t.Fatalf("stored as %v, %v", v, err)
	}
	var back model.FieldChanges
	if err := back.Scan(v); err != nil || string(back["due"].After) != `"2022-06"` || back["evidence"].Before != nil {
		t.Errorf("read back %v, %v", back, err)
	}
	if v, _ := model.FieldChanges(nil).Value(); v != "{}" {
		t.Errorf("no changes stored as %v", v)
	}
}

func TestTheActorTravelsInTheContext(t *testing.T) {
	if _, ok := model.ActorFromContext(context.Background()); ok {
		t.Error("an empty context has an actor")
	}
	a := model.Actor{Door: model.DoorImport, Label: "demo plan"}
	if got, ok := model.ActorFromContext(model.NewContextWithActor(context.Background(), a)); !ok || got != a {
		t.Errorf("got %+v, %v; want %+v", got, ok, a)
	}
}

func TestMilestoneEvidenceIsCheckedLikePlanDocuments(t *testing.T) {
	for url, wantErr := range map[string]bool{
		"https://www.ndc.gov.tw/report.pdf": false, "http://example.org/minutes": false,
		"javascript:alert(1)": true, "ftp://example.org/data.csv": true, "/relative/path": true, "": true,
	} {
		m := validMilestone()
		m.Evidence = model.Links{{Title: model.T("zh-TW", "會議紀錄"), URL: "https://example.org/ok"}, {URL: url}}
		err := m.Validate()
		var fe model.FieldErrors
		if got := errors.As(err, &fe) && fe["evidence[1].url"] != ""; got != wantErr {
			t.Errorf("evidence %q: error %v, want an error on evidence[1].url: %v", url, err, wantErr)
		}
	}
	m := validMilestone()
	m.Evidence = model.Links{{Title: model.Text{"bad tag": "x"}, URL: "https://example.org"}}
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "evidence[0].title") {
		t.Errorf("a title with a bad language tag: %v", err)
	}
}

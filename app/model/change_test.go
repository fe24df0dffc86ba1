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

// A plan's documents, a milestone's evidence and a report's evidence are
// lists of links with one set of limits.
func TestEveryListOfLinksHasTheSameLimits(t *testing.T) {
	ok := model.Link{Title: model.T("en", "Minutes"), URL: "https://example.org/m.pdf"}
	holders := map[string]func(model.Links) error{
		"plan documents": func(ls model.Links) error {
			return with(validPlan(), func(p *model.Plan) { p.Documents = ls }).Validate()
		},
		"milestone evidence": func(ls model.Links) error {
			return with(validMilestone(), func(m *model.Milestone) { m.Evidence = ls }).Validate()
		},
		"report evidence": func(ls model.Links) error {
			return (&model.ProgressReport{CommitmentID: 1, PeriodID: 1, AgencyID: 1, Version: 1, Status: model.ReportDraft, Evidence: ls}).Validate()
		},
	}
	field := map[string]string{"plan documents": "documents", "milestone evidence": "evidence", "report evidence": "evidence"}
	many := make(model.Links, model.MaxLinks+1)
	for i := range many {
		many[i] = ok
	}
	for _, tc := range []struct {
		name, at, msg string
		links         model.Links
	}{
		{"too many", "", model.MsgTooMany, many},
		{"a title too long", "[0].title", "is longer than 500 characters", model.Links{{Title: model.T("en", strings.Repeat("字", model.MaxLinkTitle+1)), URL: ok.URL}}},
		{"no address", "[0].url", model.MsgRequired, model.Links{{Title: ok.Title}}},
		{"an address too long", "[0].url", "is longer than 2000 characters", model.Links{{Title: ok.Title, URL: "https://example.org/" + strings.Repeat("a", model.MaxLinkURL)}}},
		{"not a web address", "[0].url", model.MsgNotURL, model.Links{{Title: ok.Title, URL: "javascript:alert(1)"}}},
	} {
		for holder, validate := range holders {
			err := validate(tc.links)
			var fe model.FieldErrors
			if want := field[holder] + tc.at; !errors.As(err, &fe) || fe[want] != tc.msg {
				t.Errorf("%s, %s: %v; want %s: %s", holder, tc.name, err, want, tc.msg)
			}
		}
	}
	// Untitled links are shown by their address; only a report must title its own.
	for holder, validate := range holders {
		err := validate(model.Links{{URL: ok.URL}})
		var fe model.FieldErrors
		if got, want := errors.As(err, &fe) && fe["evidence[0].title"] == model.MsgRequired, holder == "report evidence"; got != want {
			t.Errorf("%s with an untitled link: %v", holder, err)
		}
	}
	for holder, validate := range holders {
		at := model.Links{{Title: model.T("en", strings.Repeat("字", model.MaxLinkTitle)), URL: "https://example.org/" + strings.Repeat("a", model.MaxLinkURL-20)}}
		if err := validate(append(many[:model.MaxLinks-1:model.MaxLinks-1], at...)); err != nil {
			t.Errorf("%s at every limit: %v", holder, err)
		}
	}
}

package web

import (
	"testing"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// Every field the record of changes can name, and every kind of record,
// action and door, reads in words in every language: a field added to a
// model fails here until it has its label.
func TestEveryRecordedFieldHasALabel(t *testing.T) {
	var keys []string
	fields := store.RecordedFields()
	for _, e := range model.Entities {
		if len(fields[e]) == 0 {
			t.Errorf("no fields recorded for %s", e)
		}
		for _, name := range fields[e] {
			keys = append(keys, fieldLabelKey(e, name))
		}
		for _, a := range model.ChangeActions {
			keys = append(keys, "history.what."+string(e)+"."+string(a))
		}
	}
	for _, d := range model.Doors {
		keys = append(keys, "history.by."+string(d), "history.by."+string(d)+".unnamed")
	}
	for _, l := range []model.JurisdictionLevel{model.JurisdictionNational, model.JurisdictionLocal} {
		keys = append(keys, "history.jurisdiction_level."+string(l))
	}
	for _, lang := range []string{"zh-TW", "en"} {
		msgs, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := msgs[k]; !ok {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
}

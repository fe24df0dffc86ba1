package web_test

import (
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/ogptracker/ogptracker/app/i18n"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/templates"
)

// Every message the pages use exists in every language, so no visitor
// meets a raw message id. The languages are those with catalog files:
// French as well as Chinese and English, and any language added later.
func TestEveryMessageIsTranslated(t *testing.T) {
	if !slices.Equal(model.Languages[:3], []string{"zh-TW", "en", "fr"}) {
		t.Fatalf("interface languages %v: want zh-TW first, then en and fr from their catalog files", model.Languages)
	}
	catalogs := map[string]map[string]any{}
	for _, lang := range model.Languages {
		m, err := i18n.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		catalogs[lang] = m
	}
	used := map[string]bool{}
	literal := regexp.MustCompile(`\.T\.T "([a-z0-9_.-]+)"`)
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		for _, m := range literal.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	add := func(prefix string, values ...string) {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	for _, s := range append(model.ScheduleStates, model.StateCancelled) {
		add("state.", string(s))
	}
	for _, s := range model.MilestoneStatuses {
		add("status.", string(s))
	}
	for _, s := range model.PlanStatuses {
		add("plan.status.", string(s))
	}
	for _, s := range model.Completions[1:] {
		add("completion.", string(s))
	}
	for _, v := range model.OGPValues {
		add("value.", string(v))
	}
	add("orgrole.", string(model.RoleCoLead), string(model.RolePartner))
	add("lang.", model.Languages...)
	add("error.", "notfound", "notfound.text", "internal", "internal.text", "badrequest", "badrequest.text", "badlanguage", "badlanguage.text")
	add("fallback.", "notice", "list.comma", "list.or")
	add("language.", "self")
	add("people.field.name.", model.Languages...)
	add("people.agency.short_name.", model.Languages...)

	var missing []string
	for key := range used {
		for lang, cat := range catalogs {
			if _, ok := cat[key]; !ok {
				missing = append(missing, lang+": "+key)
			}
		}
	}
	for lang, cat := range catalogs {
		for key := range cat {
			for other, oc := range catalogs {
				if _, ok := oc[key]; !ok {
					missing = append(missing, other+": "+key+" (present in "+lang+")")
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error("missing message", m)
	}
}

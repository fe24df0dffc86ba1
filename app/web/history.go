package web

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// historyLimit is how many changes a page lists, the most recent.
const historyLimit = 20

// shortText is how many characters of a value a change shows before
// offering the rest.
const shortText = 80

// historySection is the record of changes as a page shows it: the most
// recent changes grouped by moment and author, and how many there are.
type historySection struct {
	Events []changeEvent
	Shown  int64
	Total  int64
}

// changeEvent is what one author changed at one moment, such as one import.
type changeEvent struct {
	At       time.Time
	Datetime string // machine-readable, for <time>
	Who      string
	Changes  []changeRow
}

// changeRow is one record's change.
type changeRow struct {
	What   string     // "Milestone 3 updated"
	Title  shownValue // the title of a record created
	Fields []fieldRow // what an update changed
}

// fieldRow is one field's change; a text gets a row per language changed.
type fieldRow struct {
	Name          string // with the language of a text, where it matters
	Before, After shownValue
}

// shownValue is a value in words, shortened when long, with the whole
// value beside it.
type shownValue struct {
	Short, Full string // Full is set only when Short is shortened
	Lang        string // the value's language where it is not the page's
	Empty       bool
}

// history reads the record of changes a filter selects, in one query,
// and puts it in words.
func (s *Server) history(ctx context.Context, t *i18n.Translator, f store.ChangeFilter) (historySection, error) {
	f.Limit = historyLimit
	changes, total, err := s.store.FindChanges(ctx, f)
	if err != nil {
		return historySection{}, err
	}
	h := historySection{Shown: int64(len(changes)), Total: total}
	order := store.RecordedFields()
	for _, c := range changes {
		who := whoText(t, c)
		if n := len(h.Events); n == 0 || !h.Events[n-1].At.Equal(c.At) || h.Events[n-1].Who != who {
			h.Events = append(h.Events, changeEvent{At: c.At, Datetime: c.At.UTC().Format(time.RFC3339), Who: who})
		}
		ev := &h.Events[len(h.Events)-1]
		ev.Changes = append(ev.Changes, changeRowOf(t, c, order[c.Entity]))
	}
	return h, nil
}

// whoText says who made a change and through which door. Once people sign
// in, a change by a user reads from their role ("Agency liaison of X").
func whoText(t *i18n.Translator, c model.Change) string {
	switch {
	case c.Door == model.DoorImport && c.Actor == demo.Actor.Label:
		return t.T("history.by.demo")
	case c.Actor == "":
		return t.T("history.by." + string(c.Door) + ".unnamed")
	}
	return t.T("history.by."+string(c.Door), "Name", c.Actor)
}

func changeRowOf(t *i18n.Translator, c model.Change, order []string) changeRow {
	row := changeRow{What: t.T("history.what."+string(c.Entity)+"."+string(c.Action), "Ref", c.Ref)}
	if c.Action == model.ChangeCreated {
		if title, ok := textOf(c.Fields["title"].After); ok {
			row.Title = shownText(t, title)
		}
		return row
	}
	names := make([]string, 0, len(c.Fields))
	for name := range c.Fields {
		names = append(names, name)
	}
	// In the model's order; fields it no longer has last.
	slices.SortFunc(names, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		row.Fields = append(row.Fields, fieldRows(t, c.Entity, name, c.Fields[name])...)
	}
	return row
}

// fieldLabelsByEntity are the fields whose label depends on the kind of
// record: a plan's status is its stage, a contact's name a person's.
var fieldLabelsByEntity = map[model.Entity][]string{
	model.EntityPlan:         {"status"},
	model.EntityContact:      {"name", "agency"},
	model.EntityAgency:       {"code", "parent"},
	model.EntityOrganisation: {"code"},
	model.EntityMilestone:    {"parent"},
}

// fieldLabelKey is the catalog message naming a field of a kind of record.
func fieldLabelKey(e model.Entity, name string) string {
	if slices.Contains(fieldLabelsByEntity[e], name) {
		return "history.field." + string(e) + "." + name
	}
	return "history.field." + name
}

func fieldRows(t *i18n.Translator, e model.Entity, name string, fc model.FieldChange) []fieldRow {
	label := t.T(fieldLabelKey(e, name))
	before, okBefore := textOf(fc.Before)
	after, okAfter := textOf(fc.After)
	if !okBefore || !okAfter {
		return []fieldRow{{Name: label, Before: shownOf(t, e, name, fc.Before), After: shownOf(t, e, name, fc.After)}}
	}
	// A text: a row for each language whose value changed, naming the
	// language unless the text is only in the page's.
	var tags []string
	for _, tx := range []model.Text{before, after} {
		for tag := range tx {
			if !slices.Contains(tags, tag) {
				tags = append(tags, tag)
			}
		}
	}
	slices.Sort(tags)
	var rows []fieldRow
	for _, tag := range tags {
		if before[tag] == after[tag] {
			continue
		}
		row := fieldRow{Name: label, Before: wordsOf(before[tag]), After: wordsOf(after[tag])}
		if len(tags) > 1 || tag != t.Lang {
			name := tag
			if slices.Contains(model.Languages, tag) {
				name = t.T("lang." + tag)
			}
			row.Name = t.T("history.inlang", "Field", label, "Lang", name)
		}
		if tag != t.Lang {
			row.Before.Lang, row.After.Lang = tag, tag
		}
		rows = append(rows, row)
	}
	return rows
}

// textOf reads a side of a change as a text; an empty side is an empty text.
func textOf(raw json.RawMessage) (model.Text, bool) {
	if len(raw) == 0 {
		return model.Text{}, true
	}
	var t model.Text
	if err := json.Unmarshal(raw, &t); err != nil || t.Validate() != nil {
		return nil, false
	}
	return t, true
}

// Fields whose words are dates or values of a list the catalog translates.
var (
	dateFields = []string{"start", "end", "due", "completed_on", "active_from", "active_to"}
	enumFields = map[string]string{
		"irm.completion": "completion.", "irm.completion_midterm": "completion.", "values": "value.",
		"level": "agency.level.", "role": "contact.role.", "jurisdiction_level": "history.jurisdiction_level.",
	}
)

// shownOf puts one side of a field change in words: a date in the page's
// language, a status translated, a reference by the name it had.
func shownOf(t *i18n.Translator, e model.Entity, field string, raw json.RawMessage) shownValue {
	if len(raw) == 0 {
		return shownValue{Empty: true}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return wordsOf(string(raw))
	}
	prefix := enumFields[field]
	if field == "status" {
		prefix = map[model.Entity]string{model.EntityMilestone: "status.", model.EntityPlan: "plan.status."}[e]
	}
	var words func(v any) string
	words = func(v any) string {
		switch v := v.(type) {
		case string:
			if slices.Contains(dateFields, field) {
				if d, err := model.ParseDate(v); err == nil {
					return t.Date(d)
				}
			}
			if prefix != "" {
				return t.T(prefix + v)
			}
			return v
		case float64:
			return t.Number(v)
		case bool:
			if v {
				return t.T("history.yes")
			}
			return t.T("history.no")
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = words(x)
			}
			return strings.Join(parts, t.T("history.separator"))
		case map[string]any:
			return objectWords(t, v)
		}
		return ""
	}
	return wordsOf(words(v))
}

// objectWords reads a reference (its name, else its identifier), a link
// (its title and address) or a text.
func objectWords(t *i18n.Translator, v map[string]any) string {
	textIn := func(x any) string {
		m, _ := x.(map[string]any)
		tx := model.Text{}
		for k, s := range m {
			if s, ok := s.(string); ok {
				tx[k] = s
			}
		}
		return t.Text(tx).Value
	}
	switch {
	case v["url"] != nil:
		url, _ := v["url"].(string)
		if title := textIn(v["title"]); title != "" {
			return title + " <" + url + ">"
		}
		return url
	case v["key"] != nil:
		if name := textIn(v["name"]); name != "" {
			return name
		}
		key, _ := v["key"].(string)
		return key
	}
	return textIn(v)
}

func shownText(t *i18n.Translator, tx model.Text) shownValue {
	s := t.Text(tx)
	v := wordsOf(s.Value)
	if s.Fallback {
		v.Lang = s.Lang
	}
	return v
}

// wordsOf shortens a long value, keeping the whole of it beside.
func wordsOf(s string) shownValue {
	if s == "" {
		return shownValue{Empty: true}
	}
	if r := []rune(s); len(r) > shortText {
		return shownValue{Short: strings.TrimSpace(string(r[:shortText])) + "…", Full: s}
	}
	return shownValue{Short: s}
}

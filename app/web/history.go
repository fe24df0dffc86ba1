package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// historyLimit is how many changes a page lists, the most recent.
const historyLimit = 20

// shortText is how many characters of a value a list of changes shows;
// the change's own page shows the whole.
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
	URL     string     // the change's own page
	What    string     // "Milestone 3 updated"
	Created bool       //
	Title   shownValue // the title of a record created
	Fields  []fieldRow // what an update changed; on the change's page, also what a creation set
}

// fieldRow is one field's change; a text gets a row per language changed.
type fieldRow struct {
	Name          string // with the language of a text, where it matters
	Anchor        string // its id on the change's page
	Before, After shownValue
}

// shownValue is a value in words, cut when long, with a link to the whole.
type shownValue struct {
	Short string
	More  string // where the whole is, when Short is cut
	Lang  string // the value's language where it is not the page's
	Empty bool
}

// changeWords puts changes in words in one language. Values longer than
// short characters are cut; 0 keeps them whole.
type changeWords struct {
	t     *i18n.Translator
	short int
	order map[model.Entity][]string // fields in the model's order
}

func newChangeWords(t *i18n.Translator, short int) changeWords {
	return changeWords{t: t, short: short, order: store.RecordedFields()}
}

// history reads the record of changes a filter selects (the most recent
// historyLimit unless f.Limit says otherwise), in one query, and puts it in words.
func (s *Server) history(ctx context.Context, t *i18n.Translator, f store.ChangeFilter) (historySection, error) {
	if f.Limit == 0 {
		f.Limit = historyLimit
	}
	changes, total, err := s.store.FindChanges(ctx, f)
	if err != nil {
		return historySection{}, err
	}
	h := historySection{Shown: int64(len(changes)), Total: total}
	w := newChangeWords(t, shortText)
	for _, c := range changes {
		who := w.who(c)
		if n := len(h.Events); n == 0 || !h.Events[n-1].At.Equal(c.At) || h.Events[n-1].Who != who {
			h.Events = append(h.Events, changeEvent{At: c.At, Datetime: c.At.UTC().Format(time.RFC3339), Who: who})
		}
		ev := &h.Events[len(h.Events)-1]
		ev.Changes = append(ev.Changes, w.row(c))
	}
	return h, nil
}

type changePage struct {
	Page
	ID         uint
	Event      changeEvent       // its one change
	Commitment *model.Commitment // the commitment it belongs to, while there is one
}

// showChange is one change's own page: every field it touched, whole.
func (s *Server) showChange(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ch, err := s.store.FindChangeByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := changePage{Page: s.page(c), ID: ch.ID}
	if ch.CommitmentID != nil {
		data.Commitment, err = s.store.FindCommitmentByID(ctx, *ch.CommitmentID)
		if err != nil && !errors.Is(err, model.ErrNotFound) { // the record outlives what it records
			s.fail(c, err)
			return
		}
	}
	w := newChangeWords(data.T, 0)
	data.Event = changeEvent{At: ch.At, Datetime: ch.At.UTC().Format(time.RFC3339), Who: w.who(*ch), Changes: []changeRow{w.row(*ch)}}
	s.render(c, 200, "changes/show", data)
}

// who says who made a change and through which door: for a signed-in
// person, also their role and agency at the time ("liaison, CEC").
func (w changeWords) who(c model.Change) string {
	switch {
	case c.Door == model.DoorImport && c.Actor == demo.Actor.Label:
		return w.t.T("history.by.demo")
	case c.Actor == "":
		return w.t.T("history.by." + string(c.Door) + ".unnamed")
	case c.ActorRole != "":
		role := w.t.T("history.role." + string(c.ActorRole))
		if c.ActorAgency != "" {
			role = w.t.T("history.role.of", "Role", role, "Agency", c.ActorAgency)
		}
		if c.Source != "" {
			return w.t.T("history.by."+string(c.Door)+".person.file", "Name", c.Actor, "Role", role, "File", c.Source)
		}
		return w.t.T("history.by."+string(c.Door)+".person", "Name", c.Actor, "Role", role)
	}
	return w.t.T("history.by."+string(c.Door), "Name", c.Actor)
}

// row puts one change in words: what happened to which record and, for an
// update or on the change's own page, each field before and after.
func (w changeWords) row(c model.Change) changeRow {
	row := changeRow{URL: fmt.Sprintf("/changes/%d", c.ID), Created: c.Action == model.ChangeCreated,
		What: w.t.T(whatKey(c), "Ref", c.Ref)}
	if row.Created {
		if title, ok := textOf(c.Fields["title"].After); ok {
			row.Title = w.text(title, row.URL)
		}
		if w.short > 0 { // a list shows what was created, its page the values
			return row
		}
	}
	order := w.order[c.Entity]
	names := make([]string, 0, len(c.Fields))
	for name := range c.Fields {
		names = append(names, name)
	}
	// In the model's order; fields it no longer has last.
	position := func(name string) int {
		if i := slices.Index(order, name); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(names, func(a, b string) int {
		if pa, pb := position(a), position(b); pa != pb {
			return pa - pb
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		row.Fields = append(row.Fields, w.fieldRows(c, name)...)
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
	model.EntityUser:         {"agency"},
}

// fieldLabelKey is the catalog message naming a field of a kind of record.
func fieldLabelKey(e model.Entity, name string) string {
	if slices.Contains(fieldLabelsByEntity[e], name) {
		return "history.field." + string(e) + "." + name
	}
	return "history.field." + name
}

// privateFields are never shown in the record of changes, only that they
// changed: a contact's email and phone may not be public.
var privateFields = map[model.Entity][]string{model.EntityContact: {"email", "phone"}}

func (w changeWords) fieldRows(c model.Change, name string) []fieldRow {
	label := w.t.T(fieldLabelKey(c.Entity, name))
	fc := c.Fields[name]
	anchor := "f-" + name
	more := fmt.Sprintf("/changes/%d#%s", c.ID, anchor)
	if slices.Contains(privateFields[c.Entity], name) {
		hidden := func(raw json.RawMessage) shownValue {
			if len(raw) == 0 {
				return shownValue{Empty: true}
			}
			return shownValue{Short: w.t.T("history.private")}
		}
		return []fieldRow{{Name: label, Anchor: anchor, Before: hidden(fc.Before), After: hidden(fc.After)}}
	}
	before, okBefore := textOf(fc.Before)
	after, okAfter := textOf(fc.After)
	if !okBefore || !okAfter {
		return []fieldRow{{Name: label, Anchor: anchor,
			Before: w.words(w.valueWords(c.Entity, name, fc.Before), more), After: w.words(w.valueWords(c.Entity, name, fc.After), more)}}
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
		row := fieldRow{Name: label, Anchor: anchor + "-" + tag}
		if len(tags) > 1 || tag != w.t.Lang {
			lang := tag
			if slices.Contains(model.Languages, tag) {
				lang = w.t.T("lang." + tag)
			}
			row.Name = w.t.T("history.inlang", "Field", label, "Lang", lang)
		}
		more := fmt.Sprintf("/changes/%d#%s", c.ID, row.Anchor)
		row.Before, row.After = w.words(before[tag], more), w.words(after[tag], more)
		if tag != w.t.Lang {
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
		"verdict": "report.verdict.", "completion": "completion.",
	}
)

// valueWords puts one side of a field change in words: a date in the
// page's language, a status translated, a reference by the name it had.
func (w changeWords) valueWords(e model.Entity, field string, raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	prefix := enumFields[field]
	if field == "status" {
		prefix = map[model.Entity]string{model.EntityMilestone: "status.", model.EntityPlan: "plan.status.", model.EntityReport: "report.status."}[e]
	}
	if field == "role" && e == model.EntityUser {
		prefix = "people.role."
	}
	var words func(v any) string
	words = func(v any) string {
		switch v := v.(type) {
		case string:
			if slices.Contains(dateFields, field) {
				if d, err := model.ParseDate(v); err == nil {
					return w.t.Date(d)
				}
			}
			if prefix != "" {
				return w.t.T(prefix + v)
			}
			return v
		case float64:
			return w.t.Number(v)
		case bool:
			if v {
				return w.t.T("history.yes")
			}
			return w.t.T("history.no")
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = words(x)
			}
			return strings.Join(parts, w.t.T("history.separator"))
		case map[string]any:
			return w.objectWords(v)
		}
		return ""
	}
	return words(v)
}

// objectWords reads a reference (its name, else its identifier), a link
// (its title and address) or a text.
func (w changeWords) objectWords(v map[string]any) string {
	textIn := func(x any) string {
		m, _ := x.(map[string]any)
		tx := model.Text{}
		for k, s := range m {
			if s, ok := s.(string); ok {
				tx[k] = s
			}
		}
		return w.t.Text(tx).Value
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

// text is a text in the page's language, marked when in another.
func (w changeWords) text(tx model.Text, more string) shownValue {
	s := w.t.Text(tx)
	v := w.words(s.Value, more)
	if s.Fallback {
		v.Lang = s.Lang
	}
	return v
}

// words cuts a long value, linking to where it is whole.
func (w changeWords) words(s, more string) shownValue {
	if s == "" {
		return shownValue{Empty: true}
	}
	if r := []rune(s); w.short > 0 && len(r) > w.short {
		return shownValue{Short: strings.TrimSpace(string(r[:w.short])) + "…", More: more}
	}
	return shownValue{Short: s}
}

package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gorm.io/gorm/schema"

	"github.com/ogptracker/ogptracker/app/model"
)

// The one comparison of a stored row with the row a write brings: the
// fields that differ are both the test of "unchanged" and what the record
// of changes keeps. It walks the model structs by reflection, so that a
// field added to a model is compared and recorded without anyone having to
// list it here (and TestEveryRecordedFieldHasALabel asks for its label).

// fieldDiff is one field whose value differs.
type fieldDiff struct {
	name          string
	before, after reflect.Value
	ref           reflect.Type // the model an id field refers to, nil for a value
}

// skippedFields are kept by the database itself, not by those who write;
// Version counts a milestone's changes for optimistic locking.
// ProgressAt is the time of the last progress report, kept by the writes
// that report progress, never a value a person edits.
var skippedFields = map[string]bool{"ID": true, "CreatedAt": true, "UpdatedAt": true, "Version": true, "ProgressAt": true}

// joinFields are recorded for commitments beside their columns: the
// supporting agencies and civil-society organisations of the join tables.
var joinFields = map[model.Entity][]string{model.EntityCommitment: {"supporting_agencies", "co_leads", "partners"}}

// recordedModels are the model struct of each entity.
var recordedModels = map[model.Entity]any{
	model.EntityPlan: model.Plan{}, model.EntityTheme: model.Theme{}, model.EntityCommitment: model.Commitment{},
	model.EntityMilestone: model.Milestone{}, model.EntityAgency: model.Agency{},
	model.EntityOrganisation: model.Organisation{}, model.EntityContact: model.Contact{},
	model.EntityPeriod: model.ReportingPeriod{}, model.EntityReport: model.ProgressReport{},
	model.EntityReportDraft: model.ProgressReport{},
	model.EntityReview:      model.Review{}, model.EntityAssessment: model.CompletionAssessment{},
	model.EntityUser: userRecord{}, // never the email or password hash
}

// RecordedFields lists, for each kind of record, the names its field
// changes use, in the order of the model: what a page can show.
func RecordedFields() map[model.Entity][]string {
	out := map[model.Entity][]string{}
	for e, m := range recordedModels {
		walkFields(reflect.TypeOf(m), nil, "", func(_ []int, name string, _ reflect.Type) {
			out[e] = append(out[e], name)
		})
		out[e] = append(out[e], joinFields[e]...)
	}
	return out
}

// diffFields compares two rows of the same model, both pointers, and
// returns the fields that differ, in model order. Empty values are equal
// whatever their form (a nil and an empty Text). Fields named in omit
// (Go names) are left out.
func diffFields(before, after any, omit ...string) []fieldDiff {
	bv, av := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	var out []fieldDiff
	walkFields(bv.Type(), nil, "", func(index []int, name string, ref reflect.Type) {
		for _, o := range omit {
			if bv.Type().FieldByIndex(index).Name == o {
				return
			}
		}
		b, a := bv.FieldByIndex(index), av.FieldByIndex(index)
		if isEmpty(b) && isEmpty(a) || reflect.DeepEqual(b.Interface(), a.Interface()) {
			return
		}
		out = append(out, fieldDiff{name: name, before: b, after: a, ref: ref})
	})
	return out
}

var (
	naming    = schema.NamingStrategy{}
	linksType = reflect.TypeFor[model.Links]()
	scaleType = reflect.TypeFor[model.StatusScale]() // a column, like Links
	uintType  = reflect.TypeFor[uint]()
)

// walkFields calls fn for every stored field of struct type t: its index,
// its name in the record of changes and, for an id naming another record,
// that record's model. Associations are left out: they are written, and
// recorded, separately.
func walkFields(t reflect.Type, index []int, prefix string, fn func(index []int, name string, ref reflect.Type)) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		at := append(append([]int(nil), index...), i)
		switch {
		case prefix == "" && skippedFields[f.Name], isAssociation(f.Type):
			continue
		case strings.Contains(f.Tag.Get("gorm"), "embedded"): // the IRM's assessment: "irm.completion"
			walkFields(f.Type, at, prefix+fieldName(f)+".", fn)
			continue
		}
		if id, ok := strings.CutSuffix(f.Name, "ID"); ok && (f.Type == uintType || f.Type == reflect.PointerTo(uintType)) {
			if assoc, ok := t.FieldByName(id); ok && assoc.Type.Kind() == reflect.Pointer {
				fn(at, prefix+naming.ColumnName("", id), assoc.Type.Elem())
				continue
			}
		}
		fn(at, prefix+fieldName(f), nil)
	}
}

// fieldName is a field's JSON name where it has one, else its column name.
func fieldName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
		return name
	}
	return naming.ColumnName("", f.Name)
}

// isAssociation reports whether a field holds related records rather than a value.
func isAssociation(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice:
		return t.Elem().Kind() == reflect.Struct && t != linksType && t != scaleType
	}
	return false
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		return v.Len() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return v.IsZero()
}

// encodeValue is one side of a field change as JSON, nil when empty.
func encodeValue(v reflect.Value) (json.RawMessage, error) {
	if isEmpty(v) {
		return nil, nil
	}
	return json.Marshal(v.Interface())
}

// idOf reads an id field, uint or *uint; 0 when not set.
func idOf(v reflect.Value) uint {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	return uint(v.Uint())
}

// refOf describes a record for a reference to it: its id, its identifier
// (Code, Ref or theme Number) and its name or title.
func refOf(rec any) model.RefValue {
	v := reflect.Indirect(reflect.ValueOf(rec))
	r := model.RefValue{ID: idOf(v.FieldByName("ID"))}
	for _, key := range []string{"Ref", "Code"} {
		if f := v.FieldByName(key); f.IsValid() && f.Kind() == reflect.String && r.Key == "" {
			r.Key = f.String()
		}
	}
	if f := v.FieldByName("Number"); r.Key == "" && f.IsValid() && f.Kind() == reflect.Int {
		r.Key = strconv.Itoa(int(f.Int()))
	}
	if f := v.FieldByName("Name"); r.Key == "" && f.IsValid() && f.Kind() == reflect.String {
		r.Key = f.String() // an account: known by the person's name
		if k := []rune(r.Key); len(k) > 80 {
			r.Key = string(k[:80])
		}
	}
	for _, name := range []string{"Name", "Title"} {
		if f := v.FieldByName(name); f.IsValid() && f.Type() == reflect.TypeFor[model.Text]() && r.Name == nil {
			r.Name = f.Interface().(model.Text)
		}
	}
	return r
}

// refKey names a record in the importer's cache of references.
func refKey(t reflect.Type, id uint) string { return fmt.Sprintf("%s/%d", t.Name(), id) }

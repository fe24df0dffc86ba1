package web

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
)

// The administrator's pages for the people of the plan: agencies and their
// contacts, civil-society organisations, and accounts. Every one of them,
// reading or writing, is for those model.User.MayManagePeople allows.

// peopleSection is one entry of the administrator's index.
type peopleSection struct {
	Title string // message id
	Path  string
}

// peopleSections are the sections these pages add to the administrator's index.
var peopleSections = []peopleSection{
	{"people.agencies.title", "/admin/agencies"},
	{"people.organisations.title", "/admin/organisations"},
	{"people.users.title", "/admin/users"},
}

// peopleForm is what every form of these pages shows: the values as typed,
// a message per field, the version the form changes, and, after a
// conflict, what someone else saved meanwhile.
type peopleForm struct {
	Page
	Sections []peopleSection
	Action   string            // where the form is sent
	Values   map[string]string // field → value as typed
	Errors   map[string]string // field → message, in the page's language
	Version  int
	Conflict []conflictRow // the fields saved meanwhile that differ from the form
	Saved    bool          // just saved: say so
}

// peopleFormOf starts a form's page with the fields' values and the
// version of the record it changes.
func (s *Server) peopleFormOf(c *gin.Context, values map[string]string, version int) peopleForm {
	return peopleForm{Page: s.page(c), Values: values, Version: version}
}

func (p *peopleForm) setVersion(version int) { p.Version = version }

// showErrors puts the messages of err's fields on the form.
func (p *peopleForm) showErrors(err error) {
	var fe model.FieldErrors
	errors.As(err, &fe)
	p.Errors = fieldErrorWords(p.T, fe)
}

// saveValid saves unless a value of the form could not be read.
func saveValid(fe model.FieldErrors, save func() error) error {
	if err := fe.Err(); err != nil {
		return err
	}
	return save()
}

// conflictRow is a value someone else saved while the form was open.
type conflictRow struct {
	Label, Saved string
}

// formValues reads the named fields of a form as typed, trimmed of spaces
// around them.
func typedFields(c *gin.Context, names ...string) map[string]string {
	v := make(map[string]string, len(names))
	for _, n := range names {
		v[n] = strings.TrimSpace(c.PostForm(n))
	}
	return v
}

// formVersion reads the version a form was made from.
func formVersion(c *gin.Context) (int, error) {
	v, err := strconv.Atoi(c.PostForm("version"))
	if err != nil || v < 1 {
		return 0, errBadRequest
	}
	return v, nil
}

// formText reads a text typed in each language, as field.zh-TW and field.en.
func typedText(v map[string]string, field string) model.Text {
	pairs := make([]string, 0, 2*len(model.Languages))
	for _, lang := range model.Languages {
		pairs = append(pairs, lang, v[field+"."+lang])
	}
	return model.T(pairs...)
}

// textValues puts a text in a form's values.
func putText(v map[string]string, field string, t model.Text) {
	for _, lang := range model.Languages {
		v[field+"."+lang] = t[lang]
	}
}

// textFields are the form fields of a text, in every language.
func textFields(field string) []string {
	out := make([]string, len(model.Languages))
	for i, lang := range model.Languages {
		out[i] = field + "." + lang
	}
	return out
}

// withTextLabels adds to labels the message of each text field in every
// interface language: field, prefix pairs give "name.fr" the message
// "people.field.name.fr".
func withTextLabels(labels map[string]string, fieldPrefix ...string) map[string]string {
	for i := 0; i+1 < len(fieldPrefix); i += 2 {
		for _, lang := range model.Languages {
			labels[fieldPrefix[i]+"."+lang] = fieldPrefix[i+1] + "." + lang
		}
	}
	return labels
}

// formID reads an optional id chosen in a list; anything but a number is
// an unknown record.
func formID(v map[string]string, field string, fe model.FieldErrors) *uint {
	if v[field] == "" {
		return nil
	}
	id, err := strconv.ParseUint(v[field], 10, 32)
	if err != nil || id == 0 {
		fe.Add(field, "is not known")
		return nil
	}
	u := uint(id)
	return &u
}

// formDate reads an optional date typed as 2024-03-01 or 2024-03.
func formDate(v map[string]string, field string, fe model.FieldErrors) model.Date {
	d, err := model.ParseDate(v[field])
	if err != nil {
		fe.Add(field, "is not a date")
	}
	return d
}

var longerThan = regexp.MustCompile(`^is longer than (\d+) characters$`)

// peopleMessages name the messages of validation in the catalogs.
var peopleMessages = map[string]string{
	"is required":                                        "people.error.required",
	"is not an email address":                            "people.error.email",
	"must be in lower case":                              "people.error.email",
	"is already taken":                                   "people.error.taken",
	"is not known":                                       "people.error.unknown",
	"is not a date":                                      "people.error.date",
	"must be an http or https address":                   "people.error.url",
	"is required for a liaison":                          "people.error.agency.required",
	"only a liaison belongs to an agency":                "people.error.agency.liaison_only",
	"only a committee member speaks for an organisation": "people.error.organisation.committee_only",
	"only a committee member chairs the committee":       "people.error.chair.committee_only",
	"the end is before the start":                        "people.error.period",
	"an agency cannot be its own parent":                 "people.error.parent",
	"must be after the previous contact began":           "people.error.handover.before",
	msgSelfDisable:                                       "people.error.self.disable",
	msgSelfDemote:                                        "people.error.self.demote",
}

// fieldErrorWords puts field errors in the page's language.
func fieldErrorWords(t *i18n.Translator, fe model.FieldErrors) map[string]string {
	out := make(map[string]string, len(fe))
	for field, msg := range fe {
		switch m := longerThan.FindStringSubmatch(msg); {
		case m != nil:
			n, _ := strconv.Atoi(m[1])
			out[field] = t.T("people.error.too_long", "Max", n)
		case strings.Contains(msg, " is not one of "):
			out[field] = t.T("people.error.choice")
		case peopleMessages[msg] != "":
			out[field] = t.T(peopleMessages[msg])
		default:
			out[field] = t.T("people.error.invalid")
		}
	}
	return out
}

// conflictRows lists the fields whose saved value differs from the form's,
// labelled in the page's language, in the order of fields: saved holds the
// values as a form has them, words as a person reads them.
func conflictRows(t *i18n.Translator, fields []string, labels map[string]string, typed, saved, words map[string]string) []conflictRow {
	var rows []conflictRow
	for _, f := range fields {
		if typed[f] == saved[f] {
			continue
		}
		v := words[f]
		if v == "" {
			v = t.T("people.none")
		}
		rows = append(rows, conflictRow{Label: t.T(labels[f]), Saved: v})
	}
	return rows
}

// optionsOf lists records for a choice, by label in the page's language.
type option struct {
	Value, Label string
}

func agencyOptions(t *i18n.Translator, as []model.Agency) []option {
	out := make([]option, len(as))
	for i := range as {
		name := t.Text(as[i].Name).Value
		out[i] = option{Value: fmt.Sprint(as[i].ID), Label: as[i].Code + " · " + name}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func organisationOptions(t *i18n.Translator, os []model.Organisation) []option {
	out := make([]option, len(os))
	for i := range os {
		out[i] = option{Value: fmt.Sprint(os[i].ID), Label: os[i].Code + " · " + t.Text(os[i].Name).Value}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// idValue is an optional id as a form value.
func idValue(id *uint) string {
	if id == nil {
		return ""
	}
	return fmt.Sprint(*id)
}

// boolValue is a checkbox as a form value.
func boolValue(b bool) string {
	if b {
		return "on"
	}
	return ""
}

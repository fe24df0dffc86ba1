package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// adminSection is one part of the administration, listed on /admin.
type adminSection struct {
	Path  string // where it is
	Title string // message id of its name
	Text  string // message id of what it is for
}

// adminSections are the parts of the administration, in the order /admin
// lists them. A new part is one line here (and its routes in routes.go).
var adminSections = []adminSection{
	{Path: "/admin/plans", Title: "admin.plans.title", Text: "admin.plans.text"},
	{Path: "/admin/themes", Title: "admin.themes.title", Text: "admin.themes.text"},
	{Path: "/admin/commitments", Title: "admin.commitments.title", Text: "admin.commitments.text"},
	{Path: "/admin/milestones", Title: "admin.milestones.title", Text: "admin.milestones.text"},
	{Path: "/admin/import", Title: "import.title", Text: "admin.import.text"},
	{Path: "/admin/periods", Title: "period.list.title", Text: "admin.periods.text"},
	{Path: "/admin/agencies", Title: "people.agencies.title", Text: "admin.agencies.text"},
	{Path: "/admin/organisations", Title: "people.organisations.title", Text: "admin.organisations.text"},
	{Path: "/admin/users", Title: "people.users.title", Text: "admin.users.text"},
	{Path: "/admin/meetings", Title: "meeting.admin.title", Text: "meeting.admin.text"},
	{Path: "/admin/outbox", Title: "reminders.outbox.title", Text: "admin.outbox.text"},
	{Path: "/admin/webhooks", Title: "reminders.webhooks.title", Text: "admin.webhooks.text"},
	{Path: "/admin/tokens", Title: "tokens.title", Text: "tokens.intro"},
}

type adminIndexPage struct {
	Page
	Sections []adminSection
	Setup    setupChecklist
}

func (s *Server) adminIndex(c *gin.Context) {
	setup, err := s.setupChecklist(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/index", adminIndexPage{Page: s.page(c), Sections: adminSections, Setup: setup})
}

// adminForm is a form of the administration: what the fields hold (as
// stored, or as typed when the form comes back), what is wrong with them,
// and what someone else changed meanwhile.
type adminForm struct {
	Page
	Action   string            // where the form is sent
	Version  int               // the version of the record the form changes; 0 for a new one
	Values   url.Values        // each field's value
	Errors   map[string]string // field → message, in the page's language
	Stale    bool              // someone else changed the record since the form was opened
	Conflict []changeEvent     // what they changed
	Options  map[string][]adminOption
}

// adminForm starts a form's page with the fields' values and the version
// of the record it changes. The form is sent to the address of its page
// without /new or /edit: /admin/plans for a new plan, /admin/plans/3 for
// plan 3.
func (s *Server) adminForm(c *gin.Context, values url.Values, version int) adminForm {
	action := strings.TrimSuffix(strings.TrimSuffix(c.Request.URL.Path, "/new"), "/edit")
	return adminForm{Page: s.page(c), Values: values, Version: version, Action: action}
}

// renderAdminForm shows a form of the administration, which no cache may
// keep: it carries the form token and what was typed.
func (s *Server) renderAdminForm(c *gin.Context, status int, name string, data any) {
	c.Set(noStoreKey, true)
	s.render(c, status, name, data)
}

// adminOption is one choice of a select or a group of checkboxes.
type adminOption struct {
	Value, Label, Lang string
	Selected           bool
}

// options marks which of opts the form's field holds.
func (f *adminForm) options(field string, opts []adminOption) {
	opts = slices.Clone(opts)
	for i := range opts {
		for _, v := range f.Values[field] {
			if v == opts[i].Value {
				opts[i].Selected = true
			}
		}
	}
	if f.Options == nil {
		f.Options = map[string][]adminOption{}
	}
	f.Options[field] = opts
}

// textValues puts a text in the form, a field per interface language:
// "title.zh-TW", "title.en".
func textValues(v url.Values, field string, t model.Text) {
	for _, lang := range model.Languages {
		v.Set(field+"."+lang, t[lang])
	}
}

// formText reads a text from a form into what is stored: the interface
// languages as typed, the others (from an import) kept.
func formText(c *gin.Context, field string, stored model.Text) model.Text {
	t := model.Text{}
	for tag, v := range stored {
		t[tag] = v
	}
	for _, lang := range model.Languages {
		if v := strings.TrimSpace(c.PostForm(field + "." + lang)); v != "" {
			t[lang] = v
		} else {
			delete(t, lang)
		}
	}
	return t
}

// formValues are the fields as typed, without the form token.
func formValues(c *gin.Context) url.Values {
	_ = c.Request.ParseForm() // parsed already by checkCSRF
	v := url.Values{}
	for k, vs := range c.Request.PostForm {
		if k != csrfField {
			v[k] = vs
		}
	}
	return v
}

// formErrors collects what the handler finds wrong before the store looks:
// values that do not parse. Keys are field names, values message ids.
type formErrors map[string]string

func (fe formErrors) Error() string { return fmt.Sprintf("%d values do not parse", len(fe)) }

// saveParsed saves what a form describes when every value parsed.
// Otherwise nothing is saved, and the error carries what did not parse
// with what validate finds wrong in the rest, so that the form shows every
// message at once.
func saveParsed(found formErrors, validate, save func() error) error {
	if len(found) > 0 {
		return errors.Join(found, validate())
	}
	return save()
}

func (f *adminForm) setVersion(version int) { f.Version = version }

// showErrors puts err's messages on the form: those of values that did
// not parse (formErrors) and those of the model (model.FieldErrors).
func (f *adminForm) showErrors(err error) {
	var found formErrors
	errors.As(err, &found)
	f.setErrors(found, err)
}

func (fe formErrors) date(c *gin.Context, field string) model.Date {
	d, err := model.ParseDate(c.PostForm(field))
	if err != nil {
		fe[field] = "admin.error.date"
	}
	return d
}

func (fe formErrors) integer(c *gin.Context, field string) int {
	s := strings.TrimSpace(c.PostForm(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fe[field] = "admin.error.integer"
	}
	return n
}

func (fe formErrors) number(c *gin.Context, field string) float64 {
	s := strings.TrimSpace(c.PostForm(field))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) { // "NaN" and "Inf" parse, but are no amount
		fe[field] = "admin.error.number"
		return 0
	}
	return n
}

// id reads the id of a chosen record; nil for none.
func (fe formErrors) id(c *gin.Context, field string) *uint {
	s := strings.TrimSpace(c.PostForm(field))
	if s == "" {
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		fe[field] = "admin.error.choose"
		return nil
	}
	id := uint(n)
	return &id
}

// modelMessages name in the catalogs each message of the model's and the
// store's checks; "is longer than N characters" is matched apart.
var modelMessages = map[string]string{
	"is required":                      "admin.error.required",
	"the end is before the start":      "admin.error.end_before_start",
	"must be an http or https address": "admin.error.url",
	"must be 1 or more":                "admin.error.positive",
	"must be more than 0":              "admin.error.positive",
	"must not be negative":             "admin.error.negative",
	store.MsgTaken:                     "admin.error.taken",
	store.MsgUnknownAgency:             "admin.error.unknown_agency",
	store.MsgUnknownOrganisation:       "admin.error.unknown_organisation",
	store.MsgUnknownTheme:              "admin.error.unknown_theme",
	store.MsgUnknownParent:             "admin.error.unknown_parent",
	store.MsgParentHasChildren:         "admin.error.parent_has_children",
}

// setErrors puts the errors in the page's language on the form: those the
// handler found (message ids) and those of the model (model.FieldErrors).
func (f *adminForm) setErrors(found formErrors, err error) {
	f.Errors = map[string]string{}
	for field, id := range found {
		f.Errors[field] = f.T.T(id)
	}
	var fe model.FieldErrors
	if !errors.As(err, &fe) {
		return
	}
	for field, msg := range fe {
		if _, ok := f.Errors[field]; ok {
			continue
		}
		var max int
		switch id, ok := modelMessages[msg]; {
		case ok:
			f.Errors[field] = f.T.T(id)
		case strings.HasPrefix(msg, "is longer than"):
			if _, err := fmt.Sscanf(msg, "is longer than %d characters", &max); err == nil {
				f.Errors[field] = f.T.T("admin.error.too_long", "Max", max)
				continue
			}
			f.Errors[field] = f.T.T("admin.error.invalid")
		case strings.Contains(msg, "is not one of"):
			f.Errors[field] = f.T.T("admin.error.choose")
		default:
			f.Errors[field] = f.T.T("admin.error.invalid")
		}
	}
}

// conflict reads what others changed of a record since version, the
// version of the form: the newest changes, as many as the versions that
// came in between (at most five), for the 409 page.
func (s *Server) conflict(c *gin.Context, f *adminForm, entity model.Entity, id uint, formVersion, version int) error {
	n := min(max(version-formVersion, 1), 5)
	changes, err := s.store.FindRecordChanges(c.Request.Context(), entity, id, n)
	if err != nil {
		return err
	}
	w := newChangeWords(f.T, shortText)
	f.Stale, f.Conflict = true, nil
	for _, ch := range changes {
		f.Conflict = append(f.Conflict, changeEvent{At: ch.At, Datetime: ch.At.UTC().Format(time.RFC3339),
			Who: w.who(ch), Changes: []changeRow{w.row(ch)}})
	}
	f.Version = version
	return nil
}

package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// contactFields are the fields of a contact's form, in their order; a
// handover asks for the next person and the day they take over.
var (
	contactFields  = []string{"name", "role", "email", "phone", "active_from", "active_to", "public"}
	handoverFields = []string{"name", "email", "phone", "public", "active_from"}
)

var contactLabels = map[string]string{
	"name": "contact.name", "role": "contact.role", "email": "contact.email", "phone": "contact.phone",
	"active_from": "people.contact.active_from", "active_to": "people.contact.active_to", "public": "people.contact.public",
}

type contactFormPage struct {
	peopleForm
	Agency   *model.Agency
	Contact  *model.Contact // nil for a new one
	Roles    []model.ContactRole
	Handover bool // the form hands the contact's role over to someone else
}

func contactValues(ct *model.Contact) map[string]string {
	return map[string]string{"name": ct.Name, "role": string(ct.Role), "email": ct.Email, "phone": ct.Phone,
		"active_from": ct.ActiveFrom.String(), "active_to": ct.ActiveTo.String(), "public": boolValue(ct.Public)}
}

func contactOf(v map[string]string, fe model.FieldErrors) *model.Contact {
	return &model.Contact{Name: v["name"], Role: model.ContactRole(v["role"]), Email: v["email"], Phone: v["phone"],
		ActiveFrom: formDate(v, "active_from", fe), ActiveTo: formDate(v, "active_to", fe), Public: v["public"] != ""}
}

func (s *Server) newContact(c *gin.Context) {
	a, _, ok := s.agencyOfPath(c)
	if !ok {
		return
	}
	s.renderContactForm(c, http.StatusOK, &contactFormPage{Agency: a,
		peopleForm: peopleForm{Values: map[string]string{"role": string(model.ContactLiaison)}}})
}

func (s *Server) createContact(c *gin.Context) {
	a, _, ok := s.agencyOfPath(c)
	if !ok {
		return
	}
	p := &contactFormPage{Agency: a, peopleForm: peopleForm{Values: typedFields(c, contactFields...)}}
	fe := model.FieldErrors{}
	ct := contactOf(p.Values, fe)
	ct.AgencyID = &a.ID
	err := fe.Err()
	if err == nil {
		err = s.store.CreateContact(writeContext(c), ct)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d?saved=1#contacts", a.ID))
		return
	}
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderContactForm(c, http.StatusUnprocessableEntity, p)
	}, nil) {
		s.fail(c, err)
	}
}

// contactOfPath finds the contact of the path, with its agency, for an administrator.
func (s *Server) contactOfPath(c *gin.Context) (*model.Contact, *model.User, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	u := visitor(c)
	ct, err := s.store.FindContactByID(c.Request.Context(), id)
	if err == nil && ct.Agency == nil {
		err = model.ErrNotFound // an organisation's contact: not on these pages
	}
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return ct, u, true
}

func (s *Server) editContact(c *gin.Context) {
	ct, _, ok := s.contactOfPath(c)
	if !ok {
		return
	}
	s.renderContactForm(c, http.StatusOK, &contactFormPage{Agency: ct.Agency, Contact: ct,
		peopleForm: peopleForm{Values: contactValues(ct), Version: ct.Version}})
}

func (s *Server) updateContact(c *gin.Context) {
	ct, _, ok := s.contactOfPath(c)
	if !ok {
		return
	}
	version, err := formVersion(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := &contactFormPage{Agency: ct.Agency, Contact: ct, peopleForm: peopleForm{Values: typedFields(c, contactFields...), Version: version}}
	fe := model.FieldErrors{}
	after := contactOf(p.Values, fe)
	after.ID = ct.ID
	err = fe.Err()
	if err == nil {
		err = s.store.UpdateContact(writeContext(c), after, version)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d?saved=1#contacts", ct.Agency.ID))
		return
	}
	s.contactRefused(c, err, p, contactFields)
}

func (s *Server) showHandover(c *gin.Context) {
	ct, _, ok := s.contactOfPath(c)
	if !ok {
		return
	}
	today := model.DayOf(s.now().In(s.location))
	s.renderContactForm(c, http.StatusOK, &contactFormPage{Agency: ct.Agency, Contact: ct, Handover: true,
		peopleForm: peopleForm{Values: map[string]string{"active_from": today.String()}, Version: ct.Version}})
}

func (s *Server) handOverContact(c *gin.Context) {
	ct, _, ok := s.contactOfPath(c)
	if !ok {
		return
	}
	version, err := formVersion(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := &contactFormPage{Agency: ct.Agency, Contact: ct, Handover: true,
		peopleForm: peopleForm{Values: typedFields(c, handoverFields...), Version: version}}
	fe := model.FieldErrors{}
	next := contactOf(p.Values, fe)
	err = fe.Err()
	if err == nil {
		err = s.store.HandOverContact(writeContext(c), ct.ID, version, next)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d?saved=1#contacts", ct.Agency.ID))
		return
	}
	s.contactRefused(c, err, p, nil)
}

// contactRefused answers a contact's form the store refused. After a
// conflict, an edit lists the values saved meanwhile; a handover shows the
// contact as it now is, whose role may already have passed on.
func (s *Server) contactRefused(c *gin.Context, err error, p *contactFormPage, fields []string) {
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderContactForm(c, http.StatusUnprocessableEntity, p)
	}, func() {
		saved, err := s.store.FindContactByID(c.Request.Context(), p.Contact.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		t := s.page(c).T
		p.Contact, p.Version = saved, saved.Version
		words := contactValues(saved)
		words["role"] = t.T("contact.role." + words["role"])
		words["public"] = t.T(map[bool]string{true: "history.yes", false: "history.no"}[saved.Public])
		if fields != nil {
			p.Conflict = conflictRows(t, fields, contactLabels, p.Values, contactValues(saved), words)
		}
		if len(p.Conflict) == 0 { // nothing the form names changed: still say that something did
			p.Conflict = []conflictRow{{Label: t.T("people.contact.active_to"), Saved: words["active_to"]}}
			if p.Conflict[0].Saved == "" {
				p.Conflict[0].Saved = t.T("people.none")
			}
		}
		s.renderContactForm(c, http.StatusConflict, p)
	}) {
		s.fail(c, err)
	}
}

func (s *Server) renderContactForm(c *gin.Context, status int, p *contactFormPage) {
	p.Page, p.Sections, p.Roles = s.page(c), peopleSections, model.ContactRoles
	switch {
	case p.Handover:
		p.Action = fmt.Sprintf("/admin/contacts/%d/handover", p.Contact.ID)
	case p.Contact != nil:
		p.Action = fmt.Sprintf("/admin/contacts/%d", p.Contact.ID)
	default:
		p.Action = fmt.Sprintf("/admin/agencies/%d/contacts", p.Agency.ID)
	}
	s.render(c, status, "people/contact", p)
}

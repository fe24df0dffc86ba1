package web

import (
	"fmt"

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

// contacts is how the administration adds an agency's contacts and
// corrects them; handovers passes a contact's role on to the next person.
var contacts = editor[*contactFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*contactFormPage, error) {
		if id != 0 {
			return s.contactForm(c, id, contactValues)
		}
		agencyID, err := pathID(c) // /admin/agencies/:id/contacts
		if err != nil {
			return nil, err
		}
		a, err := s.store.FindAgencyByID(c.Request.Context(), agencyID)
		return &contactFormPage{Agency: a, peopleForm: s.peopleFormOf(c, map[string]string{"role": string(model.ContactLiaison)}, 0)}, err
	},
	save: func(s *Server, c *gin.Context, p *contactFormPage) (string, error) {
		p.Values = typedFields(c, contactFields...)
		fe := model.FieldErrors{}
		ct := contactOf(p.Values, fe)
		ct.AgencyID = &p.Agency.ID
		return contactsOf(p), saveValid(fe, func() error {
			if p.Contact == nil {
				return s.store.CreateContact(writeContext(c), ct)
			}
			ct.ID = p.Contact.ID
			return s.store.UpdateContact(writeContext(c), ct, p.Version)
		})
	},
	reload: func(s *Server, c *gin.Context, p *contactFormPage) error { return s.reloadContact(c, p, contactFields) },
	render: (*Server).renderContactForm,
}

var handovers = editor[*contactFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*contactFormPage, error) {
		today := model.DayOf(s.now().In(s.location))
		p, err := s.contactForm(c, id, func(*model.Contact) map[string]string {
			return map[string]string{"active_from": today.String()}
		})
		if p != nil {
			p.Handover = true
		}
		return p, err
	},
	save: func(s *Server, c *gin.Context, p *contactFormPage) (string, error) {
		p.Values = typedFields(c, handoverFields...)
		fe := model.FieldErrors{}
		next := contactOf(p.Values, fe)
		return contactsOf(p), saveValid(fe, func() error {
			return s.store.HandOverContact(writeContext(c), p.Contact.ID, p.Version, next)
		})
	},
	reload: func(s *Server, c *gin.Context, p *contactFormPage) error { return s.reloadContact(c, p, nil) },
	render: (*Server).renderContactForm,
}

// contactForm is the form of contact id, an agency's (an organisation's
// contact is not on these pages), with the values of values.
func (s *Server) contactForm(c *gin.Context, id uint, values func(*model.Contact) map[string]string) (*contactFormPage, error) {
	ct, err := s.store.FindContactByID(c.Request.Context(), id)
	if err == nil && ct.Agency == nil {
		err = model.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &contactFormPage{Agency: ct.Agency, Contact: ct, peopleForm: s.peopleFormOf(c, values(ct), ct.Version)}, nil
}

// contactsOf is where an agency's contacts are listed.
func contactsOf(p *contactFormPage) string {
	return fmt.Sprintf("/admin/agencies/%d?saved=1#contacts", p.Agency.ID)
}

// reloadContact puts on a contact's form what was saved meanwhile. An edit
// lists the values that differ (fields); a handover shows the contact as
// it now is, whose role may already have passed on.
func (s *Server) reloadContact(c *gin.Context, p *contactFormPage, fields []string) error {
	saved, err := s.store.FindContactByID(c.Request.Context(), p.Contact.ID)
	if err != nil {
		return err
	}
	t := p.T
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
	return nil
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

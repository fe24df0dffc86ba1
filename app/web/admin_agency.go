package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// agencyFields are the fields of an agency's form, in their order.
var agencyFields = append(append(append([]string{"code"}, textFields("name")...), textFields("short_name")...),
	"jurisdiction_code", "level", "parent")

// agencyLabels name each field of an agency's form in the catalogs.
var agencyLabels = withTextLabels(map[string]string{
	"code": "people.agency.code", "jurisdiction_code": "people.agency.jurisdiction_code", "level": "agency.level", "parent": "agency.parent",
}, "name", "people.field.name", "short_name", "people.agency.short_name")

type agencyListPage struct {
	Page
	Sections []peopleSection
	Agencies []model.Agency
}

type agencyFormPage struct {
	peopleForm
	Agency  *model.Agency // nil for a new one
	Levels  []model.AgencyLevel
	Parents []option
	// The agency's contacts, past and present, on the day of the page.
	Contacts []contactRow
}

// contactRow is a contact as the agency's page for the administrator lists it.
type contactRow struct {
	C      model.Contact
	Active bool // holds the role today
}

func (s *Server) listAgenciesAdmin(c *gin.Context) {
	as, err := s.store.FindAgencies(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "people/agencies", agencyListPage{Page: s.page(c), Sections: peopleSections, Agencies: as})
}

func agencyValues(a *model.Agency) map[string]string {
	v := map[string]string{"code": a.Code, "jurisdiction_code": a.JurisdictionCode, "level": string(a.Level), "parent": idValue(a.ParentID)}
	putText(v, "name", a.Name)
	putText(v, "short_name", a.ShortName)
	return v
}

// agencyOf reads an agency from its form's values; what cannot be read is
// a field error.
func agencyOf(v map[string]string, fe model.FieldErrors) *model.Agency {
	return &model.Agency{Code: v["code"], Name: typedText(v, "name"), ShortName: typedText(v, "short_name"),
		JurisdictionCode: v["jurisdiction_code"], Level: model.AgencyLevel(v["level"]), ParentID: formID(v, "parent", fe)}
}

// agencies is how the administration adds and changes agencies.
var agencies = editor[*agencyFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*agencyFormPage, error) {
		if id == 0 {
			return &agencyFormPage{peopleForm: s.peopleFormOf(c, map[string]string{}, 0)}, nil
		}
		a, err := s.store.FindAgencyByID(c.Request.Context(), id)
		if err != nil {
			return nil, err
		}
		return &agencyFormPage{Agency: a, peopleForm: s.peopleFormOf(c, agencyValues(a), a.Version)}, nil
	},
	save: func(s *Server, c *gin.Context, p *agencyFormPage) (string, error) {
		p.Values = typedFields(c, agencyFields...)
		fe := model.FieldErrors{}
		a := agencyOf(p.Values, fe)
		err := saveValid(fe, func() error {
			if p.Agency == nil {
				return s.store.CreateAgency(writeContext(c), a)
			}
			a.ID = p.Agency.ID
			return s.store.UpdateAgency(writeContext(c), a, p.Version)
		})
		return fmt.Sprintf("/admin/agencies/%d?saved=1", a.ID), err
	},
	next: func(*agencyFormPage) (string, uint) { return setupAgency, 0 },
	reload: func(s *Server, c *gin.Context, p *agencyFormPage) error {
		saved, err := s.store.FindAgencyByID(c.Request.Context(), p.Agency.ID)
		if err != nil {
			return err
		}
		p.Agency, p.Version = saved, saved.Version
		p.Conflict = conflictRows(p.T, agencyFields, agencyLabels, p.Values, agencyValues(saved), s.agencyWords(c, agencyValues(saved)))
		return nil
	},
	render: (*Server).renderAgencyForm,
}

// agencyWords puts the saved values of an agency in words for a conflict:
// its level and parent by name.
func (s *Server) agencyWords(c *gin.Context, v map[string]string) map[string]string {
	t := s.page(c).T
	if v["level"] != "" {
		v["level"] = t.T("agency.level." + v["level"])
	}
	if v["parent"] != "" {
		var id uint
		fmt.Sscan(v["parent"], &id)
		if parent, err := s.store.FindAgencyByID(c.Request.Context(), id); err == nil {
			v["parent"] = parent.Code + " · " + t.Text(parent.Name).Value
		}
	}
	return v
}

func (s *Server) renderAgencyForm(c *gin.Context, status int, p *agencyFormPage) {
	ctx := c.Request.Context()
	p.Page, p.Sections, p.Levels = s.page(c), peopleSections, model.AgencyLevels
	p.Action = "/admin/agencies"
	if p.Agency != nil {
		p.Action = fmt.Sprintf("/admin/agencies/%d", p.Agency.ID)
		cs, err := s.store.FindContactsOfAgency(ctx, p.Agency.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		today := model.DayOf(s.now().In(s.location))
		for _, ct := range cs {
			p.Contacts = append(p.Contacts, contactRow{C: ct, Active: ct.ActiveOn(today)})
		}
	}
	as, err := s.store.FindAgencies(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Parents = agencyOptions(p.T, as)
	if p.Errors == nil && p.Conflict == nil && c.Query("saved") == "1" {
		p.Saved = true
	}
	s.render(c, status, "people/agency", p)
}

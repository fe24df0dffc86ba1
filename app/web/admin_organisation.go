package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// organisationFields are the fields of an organisation's form, in their order.
var organisationFields = append(append([]string{"code"}, textFields("name")...), "url")

var organisationLabels = withTextLabels(map[string]string{
	"code": "people.organisation.code", "url": "people.organisation.url",
}, "name", "people.field.name")

type organisationListPage struct {
	Page
	Sections      []peopleSection
	Organisations []model.Organisation
}

type organisationFormPage struct {
	peopleForm
	Organisation *model.Organisation // nil for a new one
}

func (s *Server) listOrganisationsAdmin(c *gin.Context) {
	os, err := s.store.FindOrganisations(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "people/organisations", organisationListPage{Page: s.page(c), Sections: peopleSections, Organisations: os})
}

func organisationValues(o *model.Organisation) map[string]string {
	v := map[string]string{"code": o.Code, "url": o.URL}
	putText(v, "name", o.Name)
	return v
}

func organisationOf(v map[string]string) *model.Organisation {
	return &model.Organisation{Code: v["code"], Name: typedText(v, "name"), URL: v["url"]}
}

// organisations is how the administration adds and changes civil-society organisations.
var organisations = editor[*organisationFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*organisationFormPage, error) {
		if id == 0 {
			return &organisationFormPage{peopleForm: s.peopleFormOf(c, map[string]string{}, 0)}, nil
		}
		o, err := s.store.FindOrganisationByID(c.Request.Context(), id)
		if err != nil {
			return nil, err
		}
		return &organisationFormPage{Organisation: o, peopleForm: s.peopleFormOf(c, organisationValues(o), o.Version)}, nil
	},
	save: func(s *Server, c *gin.Context, p *organisationFormPage) (string, error) {
		p.Values = typedFields(c, organisationFields...)
		o := organisationOf(p.Values)
		var err error
		if p.Organisation == nil {
			err = s.store.CreateOrganisation(writeContext(c), o)
		} else {
			o.ID = p.Organisation.ID
			err = s.store.UpdateOrganisation(writeContext(c), o, p.Version)
		}
		return fmt.Sprintf("/admin/organisations/%d?saved=1", o.ID), err
	},
	reload: func(s *Server, c *gin.Context, p *organisationFormPage) error {
		saved, err := s.store.FindOrganisationByID(c.Request.Context(), p.Organisation.ID)
		if err != nil {
			return err
		}
		p.Organisation, p.Version = saved, saved.Version
		p.Conflict = conflictRows(p.T, organisationFields, organisationLabels, p.Values, organisationValues(saved), organisationValues(saved))
		return nil
	},
	render: (*Server).renderOrganisationForm,
}

func (s *Server) renderOrganisationForm(c *gin.Context, status int, p *organisationFormPage) {
	p.Page, p.Sections = s.page(c), peopleSections
	p.Action = "/admin/organisations"
	if p.Organisation != nil {
		p.Action = fmt.Sprintf("/admin/organisations/%d", p.Organisation.ID)
	}
	p.Saved = p.Errors == nil && p.Conflict == nil && c.Query("saved") == "1"
	s.render(c, status, "people/organisation", p)
}

package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// organisationFields are the fields of an organisation's form, in their order.
var organisationFields = append(append([]string{"code"}, textFields("name")...), "url")

var organisationLabels = map[string]string{
	"code": "people.organisation.code", "name.zh-TW": "people.field.name.zh-TW", "name.en": "people.field.name.en",
	"url": "people.organisation.url",
}

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

func (s *Server) newOrganisation(c *gin.Context) {
	s.renderOrganisationForm(c, http.StatusOK, &organisationFormPage{peopleForm: peopleForm{Values: map[string]string{}}})
}

func (s *Server) createOrganisation(c *gin.Context) {
	p := &organisationFormPage{peopleForm: peopleForm{Values: typedFields(c, organisationFields...)}}
	o := organisationOf(p.Values)
	err := s.store.CreateOrganisation(writeContext(c), o)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/organisations/%d?saved=1", o.ID))
		return
	}
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderOrganisationForm(c, http.StatusUnprocessableEntity, p)
	}, nil) {
		s.fail(c, err)
	}
}

func (s *Server) organisationOfPath(c *gin.Context) (*model.Organisation, *model.User, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	u := visitor(c)
	o, err := s.store.FindOrganisationByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return o, u, true
}

func (s *Server) editOrganisation(c *gin.Context) {
	o, _, ok := s.organisationOfPath(c)
	if !ok {
		return
	}
	s.renderOrganisationForm(c, http.StatusOK, &organisationFormPage{Organisation: o,
		peopleForm: peopleForm{Values: organisationValues(o), Version: o.Version}})
}

func (s *Server) updateOrganisation(c *gin.Context) {
	o, _, ok := s.organisationOfPath(c)
	if !ok {
		return
	}
	version, err := formVersion(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := &organisationFormPage{Organisation: o, peopleForm: peopleForm{Values: typedFields(c, organisationFields...), Version: version}}
	after := organisationOf(p.Values)
	after.ID = o.ID
	err = s.store.UpdateOrganisation(writeContext(c), after, version)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/organisations/%d?saved=1", o.ID))
		return
	}
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderOrganisationForm(c, http.StatusUnprocessableEntity, p)
	}, func() {
		saved, err := s.store.FindOrganisationByID(c.Request.Context(), o.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Organisation, p.Version = saved, saved.Version
		p.Conflict = conflictRows(s.page(c).T, organisationFields, organisationLabels, p.Values, organisationValues(saved), organisationValues(saved))
		s.renderOrganisationForm(c, http.StatusConflict, p)
	}) {
		s.fail(c, err)
	}
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

package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type adminPlansPage struct {
	Page
	Plans []model.Plan
}

// adminPlans lists every plan, to change one or add another.
func (s *Server) adminPlans(c *gin.Context) {
	plans, err := s.store.ListPlans(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/plans", adminPlansPage{Page: s.page(c), Plans: plans})
}

// planForm is the form that creates or changes a plan.
type planForm struct {
	adminForm
	Plan *model.Plan // as stored; nil for a new plan
}

func planValues(p *model.Plan) url.Values {
	v := url.Values{}
	v.Set("ref", p.Ref)
	textValues(v, "jurisdiction", p.Jurisdiction)
	v.Set("jurisdiction_code", p.JurisdictionCode)
	v.Set("jurisdiction_level", string(p.JurisdictionLevel))
	if p.Number != 0 {
		v.Set("number", strconv.Itoa(p.Number))
	}
	textValues(v, "title", p.Title)
	v.Set("start", p.Start.String())
	v.Set("end", p.End.String())
	v.Set("status", string(p.Status))
	return v
}

// formPlan reads the plan a form describes; stored keeps the languages
// the form does not show.
func formPlan(c *gin.Context, stored *model.Plan) (*model.Plan, formErrors) {
	fe := formErrors{}
	p := &model.Plan{Ref: strings.TrimSpace(c.PostForm("ref")), Jurisdiction: formText(c, "jurisdiction", stored.Jurisdiction),
		JurisdictionCode: strings.TrimSpace(c.PostForm("jurisdiction_code")), JurisdictionLevel: model.JurisdictionLevel(c.PostForm("jurisdiction_level")),
		Number: fe.integer(c, "number"), Title: formText(c, "title", stored.Title), Start: fe.date(c, "start"), End: fe.date(c, "end"),
		Status: model.PlanStatus(c.PostForm("status"))}
	return p, fe
}

func (s *Server) newPlan(c *gin.Context) {
	s.renderPlanForm(c, http.StatusOK, planForm{adminForm: s.adminForm(c, url.Values{"status": {string(model.PlanCoCreation)}}, 0)})
}

func (s *Server) createPlan(c *gin.Context) {
	f := planForm{adminForm: s.adminForm(c, formValues(c), 0)}
	p, found := formPlan(c, &model.Plan{})
	var err error
	if len(found) == 0 {
		err = s.store.CreatePlan(writeContext(c), p)
	} else {
		err = p.Validate() // the other fields' errors, shown at once
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderPlanForm(c, http.StatusUnprocessableEntity, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/plans/%d", p.ID))
	}
}

func (s *Server) editPlan(c *gin.Context) {
	p, ok := s.storedPlan(c)
	if !ok {
		return
	}
	s.renderPlanForm(c, http.StatusOK, planForm{adminForm: s.adminForm(c, planValues(p), p.Version), Plan: p})
}

func (s *Server) updatePlan(c *gin.Context) {
	stored, ok := s.storedPlan(c)
	if !ok {
		return
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		s.fail(c, errBadRequest)
		return
	}
	f := planForm{adminForm: s.adminForm(c, formValues(c), version), Plan: stored}
	p, found := formPlan(c, stored)
	if len(found) == 0 {
		err = s.store.UpdatePlan(writeContext(c), stored.ID, version, p)
	} else {
		err = p.Validate()
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderPlanForm(c, http.StatusUnprocessableEntity, f)
	case errors.Is(err, store.ErrConflict):
		now, err := s.store.FindPlanByID(c.Request.Context(), stored.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Plan = now
		if err := s.conflict(c, &f.adminForm, model.EntityPlan, now.ID, version, now.Version); err != nil {
			s.fail(c, err)
			return
		}
		s.renderPlanForm(c, http.StatusConflict, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/plans/%d", stored.ID))
	}
}

// storedPlan finds the plan of the path, or answers 404.
func (s *Server) storedPlan(c *gin.Context) (*model.Plan, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	p, err := s.store.FindPlanByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return p, true
}

// renderPlanForm shows the form with the choices it offers.
func (s *Server) renderPlanForm(c *gin.Context, status int, f planForm) {
	f.Action = "/admin/plans"
	if f.Plan != nil {
		f.Action = fmt.Sprintf("/admin/plans/%d", f.Plan.ID)
	}
	var statuses, levels []adminOption
	for _, st := range model.PlanStatuses {
		statuses = append(statuses, adminOption{Value: string(st), Label: f.T.T("plan.status." + string(st))})
	}
	for _, l := range []model.JurisdictionLevel{model.JurisdictionNational, model.JurisdictionLocal} {
		levels = append(levels, adminOption{Value: string(l), Label: f.T.T("history.jurisdiction_level." + string(l))})
	}
	f.options("status", statuses)
	f.options("jurisdiction_level", levels)
	s.renderAdminForm(c, status, "admin/plan_form", f)
}

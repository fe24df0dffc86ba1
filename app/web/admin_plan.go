package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
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
	v.Set("question_days", strconv.Itoa(p.QuestionDaysOrDefault()))
	return v
}

// formPlan reads the plan a form describes; stored keeps the languages
// the form does not show.
func formPlan(c *gin.Context, stored *model.Plan) (*model.Plan, formErrors) {
	fe := formErrors{}
	p := &model.Plan{Ref: strings.TrimSpace(c.PostForm("ref")), Jurisdiction: formText(c, "jurisdiction", stored.Jurisdiction),
		JurisdictionCode: strings.TrimSpace(c.PostForm("jurisdiction_code")), JurisdictionLevel: model.JurisdictionLevel(c.PostForm("jurisdiction_level")),
		Number: fe.integer(c, "number"), Title: formText(c, "title", stored.Title), Start: fe.date(c, "start"), End: fe.date(c, "end"),
		Status: model.PlanStatus(c.PostForm("status")), QuestionDays: fe.integer(c, "question_days")}
	if _, bad := fe["question_days"]; !bad && (p.QuestionDays < 0 || p.QuestionDays > model.MaxQuestionDays) {
		fe["question_days"] = "admin.error.question_days"
	}
	return p, fe
}

// plans is how the administration creates and changes plans.
var plans = editor[*planForm]{
	load: func(s *Server, c *gin.Context, id uint) (*planForm, error) {
		if id == 0 {
			return &planForm{adminForm: s.adminForm(c, url.Values{"status": {string(model.PlanCoCreation)}, "question_days": {strconv.Itoa(model.DefaultQuestionDays)}}, 0)}, nil
		}
		p, err := s.store.FindPlanByID(c.Request.Context(), id)
		if err != nil {
			return nil, err
		}
		return &planForm{adminForm: s.adminForm(c, planValues(p), p.Version), Plan: p}, nil
	},
	save: func(s *Server, c *gin.Context, f *planForm) (string, error) {
		f.Values = formValues(c)
		stored := cmp.Or(f.Plan, &model.Plan{})
		p, found := formPlan(c, stored)
		err := saveParsed(found, p.Validate, func() error {
			if f.Plan == nil {
				return s.store.CreatePlan(writeContext(c), p)
			}
			p.ID = f.Plan.ID
			return s.store.UpdatePlan(writeContext(c), p.ID, f.Version, p)
		})
		return fmt.Sprintf("/plans/%d", p.ID), err
	},
	reload: func(s *Server, c *gin.Context, f *planForm) (err error) {
		f.Plan, err = reloaded(s, c, &f.adminForm, model.EntityPlan, f.Plan.ID, s.store.FindPlanByID, func(r *model.Plan) int { return r.Version })
		return err
	},
	render: (*Server).renderPlanForm,
}

// renderPlanForm shows the form with the choices it offers.
func (s *Server) renderPlanForm(c *gin.Context, status int, f *planForm) {
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

package web

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

type adminPlansPage struct {
	Page
	Plans     []model.Plan
	HomeID    uint   // the plan the home page shows now
	HomeValue string // the choice as stored or as sent: "" for the default
	HomeError string // message id
	HomeSaved bool
}

// adminPlans lists every plan, to change one or add another, and which
// one the home page shows.
func (s *Server) adminPlans(c *gin.Context) {
	s.renderAdminPlans(c, http.StatusOK, adminPlansPage{HomeValue: "-", HomeSaved: c.Query("home") == "saved"})
}

func (s *Server) renderAdminPlans(c *gin.Context, status int, p adminPlansPage) {
	ctx := c.Request.Context()
	var err error
	if p.Plans, err = s.store.ListPlans(ctx); err != nil {
		s.fail(c, err)
		return
	}
	if len(p.Plans) > 0 {
		home, err := s.store.FindHomePlan(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.HomeID = home.ID
	}
	if p.HomeValue == "-" { // not sent: as stored
		chosen, err := s.store.HomePlanChoice(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.HomeValue = ""
		if chosen != 0 {
			p.HomeValue = strconv.FormatUint(uint64(chosen), 10)
		}
	}
	c.Set(noStoreKey, true)
	p.Page = s.page(c)
	s.render(c, status, "admin/plans", p)
}

// setHomePlan sets the plan the home page shows, or, with none chosen,
// goes back to the default: the tracker's own member's current plan.
func (s *Server) setHomePlan(c *gin.Context) {
	p := adminPlansPage{HomeValue: strings.TrimSpace(c.PostForm("home_plan"))}
	id, err := optionalID(p.HomeValue)
	if err == nil {
		err = s.store.SetHomePlan(writeContext(c), id)
	}
	switch {
	case errors.Is(err, errBadRequest) || errors.Is(err, model.ErrNotFound):
		p.HomeError = "admin.home.invalid"
		s.renderAdminPlans(c, http.StatusUnprocessableEntity, p)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "home plan chosen", slog.Uint64("plan", uint64(id)), slog.Uint64("by", uint64(visitor(c).ID)))
	c.Redirect(http.StatusSeeOther, "/admin/plans?home=saved#home")
}

// planForm is the form that creates or changes a plan.
type planForm struct {
	adminForm
	Plan    *model.Plan // as stored; nil for a new plan
	savedID uint
}

// Jurisdiction codes: a country's ISO 3166-1 alpha-3 code, or the code OGP
// gives a local member (capital letters, digits, hyphens).
var (
	isoAlpha3  = regexp.MustCompile(`^[A-Z]{3}$`)
	memberCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{1,15}$`)
)

// checkJurisdictionCode checks the member's code the form gives, in
// capitals whatever was typed: it is what ties a member's plans together.
func checkJurisdictionCode(found formErrors, p *model.Plan) {
	p.JurisdictionCode = strings.ToUpper(p.JurisdictionCode)
	switch {
	case p.JurisdictionCode == "":
		found["jurisdiction_code"] = "admin.error.required"
	case p.JurisdictionLevel == model.JurisdictionLocal && !memberCode.MatchString(p.JurisdictionCode):
		found["jurisdiction_code"] = "admin.error.member_code"
	case p.JurisdictionLevel != model.JurisdictionLocal && !isoAlpha3.MatchString(p.JurisdictionCode):
		found["jurisdiction_code"] = "admin.error.iso_alpha3"
	}
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
		checkJurisdictionCode(found, p)
		err := saveParsed(found, p.Validate, func() error {
			if f.Plan == nil {
				if err := s.store.CreatePlan(writeContext(c), p); err != nil {
					return err
				}
				f.savedID = p.ID
				return nil
			}
			f.savedID = f.Plan.ID
			p.ID = f.Plan.ID
			return s.store.UpdatePlan(writeContext(c), p.ID, f.Version, p)
		})
		// The plans' list, where the plan sits beside the others, and
		// the next step of the setup (setupNext).
		return fmt.Sprintf("/admin/plans#plan-%d", p.ID), err
	},
	next: func(f *planForm) (string, uint) { return setupPlan, f.savedID },
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
	members, err := s.store.FindJurisdictions(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	var codes []adminOption
	for _, m := range members {
		codes = append(codes, adminOption{Value: m.JurisdictionCode, Label: f.T.Text(m.Jurisdiction).Value})
	}
	f.options("jurisdiction_code", codes)
	s.renderAdminForm(c, status, "admin/plan_form", f)
}

package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// periodListPage lists a plan's reporting periods for the secretariat.
type periodListPage struct {
	Page
	Plan    *model.Plan
	Plans   []model.Plan
	Periods []model.ReportingPeriod
}

// periodFormPage defines or changes one reporting period.
type periodFormPage struct {
	Page
	Plan             *model.Plan
	ID               uint         // 0 for a new period
	Names            []periodName // one per interface language, in their order
	StartsOn, EndsOn string
	Errors           map[string]string // field → message id
}

// periodName is the period's name in one language, as the form shows it.
type periodName struct{ Lang, Value string }

// periodNames are the form's name fields ("name.zh-TW", "name.en", …) for
// the name t.
func periodNames(t model.Text) []periodName {
	names := make([]periodName, len(model.Languages))
	for i, lang := range model.Languages {
		names[i] = periodName{lang, clip(t[lang], model.MaxPeriodName)}
	}
	return names
}

// periodMessages names the validation messages of a period in the catalogs.
var periodMessages = map[string]string{
	"name":      "period.error.name",
	"starts_on": "period.error.starts_on",
	"ends_on":   "period.error.ends_on",
}

func (s *Server) listPeriods(c *gin.Context) {
	ctx := c.Request.Context()
	planID, _ := strconv.ParseUint(c.Query("plan"), 10, 32)
	plan, err := s.store.FindPlanOrHome(ctx, uint(planID))
	if err != nil {
		s.fail(c, err)
		return
	}
	p := periodListPage{Page: s.page(c), Plan: plan}
	if p.Plans, err = s.store.ListPlans(ctx); err != nil {
		s.fail(c, err)
		return
	}
	if p.Periods, err = s.store.FindPeriods(ctx, plan.ID); err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "periods/index", p)
}

func (s *Server) newPeriod(c *gin.Context) {
	planID, _ := strconv.ParseUint(c.Query("plan"), 10, 32)
	plan, err := s.store.FindPlanOrHome(c.Request.Context(), uint(planID))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPeriodForm(c, http.StatusOK, periodFormPage{Plan: plan, Names: periodNames(nil)})
}

func (s *Server) editPeriod(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.store.FindPeriodByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderPeriodForm(c, http.StatusOK, periodFormPage{Plan: p.Plan, ID: p.ID, Names: periodNames(p.Name),
		StartsOn: p.StartsOn.String(), EndsOn: p.EndsOn.String()})
}

// savePeriod creates (POST /admin/periods) or updates (POST /admin/periods/:id) a period.
func (s *Server) savePeriod(c *gin.Context) {
	ctx := c.Request.Context()
	f := periodFormPage{StartsOn: c.PostForm("starts_on"), EndsOn: c.PostForm("ends_on"), Errors: map[string]string{}}
	period := &model.ReportingPeriod{}
	if c.Param("id") != "" {
		id, err := pathID(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		if period, err = s.store.FindPeriodByID(ctx, id); err != nil {
			s.fail(c, err)
			return
		}
		f.ID, f.Plan = period.ID, period.Plan
	} else {
		planID, err := strconv.ParseUint(c.PostForm("plan"), 10, 32)
		if err != nil {
			s.fail(c, errBadRequest)
			return
		}
		if f.Plan, err = s.store.FindPlanByID(ctx, uint(planID)); err != nil {
			s.fail(c, err)
			return
		}
		period.PlanID = f.Plan.ID
	}
	// The interface languages as typed; a name in another language (from
	// an import) is kept, as no field of the form shows it.
	period.Name = formText(c, "name", period.Name)
	f.Names = periodNames(period.Name)
	var err error
	if period.StartsOn, err = model.ParseDate(f.StartsOn); err != nil {
		f.Errors["starts_on"] = "period.error.date"
	}
	if period.EndsOn, err = model.ParseDate(f.EndsOn); err != nil {
		f.Errors["ends_on"] = "period.error.date"
	}
	if len(f.Errors) > 0 {
		s.renderPeriodForm(c, http.StatusUnprocessableEntity, f)
		return
	}
	period.Plan = nil
	actor := writeContext(c)
	err = s.store.SavePeriod(actor, period)
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.saved")
		s.flashNext(c, setupPeriod, period.PlanID)
		c.Redirect(http.StatusSeeOther, "/admin/periods?plan="+strconv.Itoa(int(period.PlanID)))
	case errors.As(err, &fe):
		for field, msg := range fe {
			f.Errors[field] = periodMessages[field]
			if msg == model.MsgTooLong {
				f.Errors[field] = "report.error.toolong"
			}
		}
		s.renderPeriodForm(c, http.StatusUnprocessableEntity, f)
	default:
		s.fail(c, err)
	}
}

func (s *Server) renderPeriodForm(c *gin.Context, status int, p periodFormPage) {
	c.Set(noStoreKey, true) // it carries the form token
	p.Page = s.page(c)
	s.render(c, status, "periods/edit", p)
}

// clip keeps at most max characters of what was typed, so that a page
// showing an overlong value again stays of a reasonable size.
func clip(v string, max int) string {
	if len(v) <= max {
		return v
	}
	r := []rune(v)
	if len(r) <= max {
		return v
	}
	return string(r[:max])
}

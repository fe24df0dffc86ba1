package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// adminPlanChoice is a list page's plan and the plans it may switch to.
type adminPlanChoice struct {
	Plan  *model.Plan
	Plans []model.Plan
}

// chosenPlan reads the plan a list page shows (?plan=, the home plan by
// default), or answers 404.
func (s *Server) chosenPlan(c *gin.Context) (adminPlanChoice, bool) {
	var id uint
	if q := c.Query("plan"); q != "" {
		n, err := strconv.ParseUint(q, 10, 32)
		if err != nil {
			s.fail(c, errBadRequest)
			return adminPlanChoice{}, false
		}
		id = uint(n)
	}
	ctx := c.Request.Context()
	p, err := s.store.FindPlanOrHome(ctx, id)
	if err != nil {
		s.fail(c, err)
		return adminPlanChoice{}, false
	}
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		s.fail(c, err)
		return adminPlanChoice{}, false
	}
	return adminPlanChoice{Plan: p, Plans: plans}, true
}

type adminThemesPage struct {
	Page
	Choice adminPlanChoice
	Themes []model.Theme
}

// adminThemes lists a plan's themes, to change one or add another.
func (s *Server) adminThemes(c *gin.Context) {
	choice, ok := s.chosenPlan(c)
	if !ok {
		return
	}
	themes, err := s.store.FindThemes(c.Request.Context(), choice.Plan.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/themes", adminThemesPage{Page: s.page(c), Choice: choice, Themes: themes})
}

// themeForm is the form that creates or changes a theme.
type themeForm struct {
	adminForm
	Plan  *model.Plan
	Theme *model.Theme // as stored; nil for a new theme
}

func themeValues(t *model.Theme) url.Values {
	v := url.Values{}
	if t.Number != 0 {
		v.Set("number", strconv.Itoa(t.Number))
	}
	textValues(v, "name", t.Name)
	return v
}

func formTheme(c *gin.Context, stored *model.Theme) (*model.Theme, formErrors) {
	fe := formErrors{}
	return &model.Theme{PlanID: stored.PlanID, Number: fe.integer(c, "number"), Name: formText(c, "name", stored.Name)}, fe
}

func (s *Server) newTheme(c *gin.Context) {
	choice, ok := s.chosenPlan(c)
	if !ok {
		return
	}
	themes, err := s.store.FindThemes(c.Request.Context(), choice.Plan.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	next := 1
	for _, t := range themes {
		next = max(next, t.Number+1)
	}
	v := url.Values{"number": {strconv.Itoa(next)}}
	s.renderThemeForm(c, http.StatusOK, themeForm{adminForm: s.adminForm(c, v, 0), Plan: choice.Plan})
}

func (s *Server) createTheme(c *gin.Context) {
	planID, err := strconv.ParseUint(c.PostForm("plan_id"), 10, 32)
	if err != nil {
		s.fail(c, errBadRequest)
		return
	}
	p, err := s.store.FindPlanByID(c.Request.Context(), uint(planID))
	if err != nil {
		s.fail(c, err)
		return
	}
	f := themeForm{adminForm: s.adminForm(c, formValues(c), 0), Plan: p}
	t, found := formTheme(c, &model.Theme{PlanID: p.ID})
	if len(found) == 0 {
		err = s.store.CreateTheme(writeContext(c), t)
	} else {
		err = t.Validate() // the other fields' errors, shown at once
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderThemeForm(c, http.StatusUnprocessableEntity, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/themes/%d", t.ID))
	}
}

func (s *Server) editTheme(c *gin.Context) {
	t, p, ok := s.storedTheme(c)
	if !ok {
		return
	}
	s.renderThemeForm(c, http.StatusOK, themeForm{adminForm: s.adminForm(c, themeValues(t), t.Version), Plan: p, Theme: t})
}

func (s *Server) updateTheme(c *gin.Context) {
	stored, p, ok := s.storedTheme(c)
	if !ok {
		return
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		s.fail(c, errBadRequest)
		return
	}
	f := themeForm{adminForm: s.adminForm(c, formValues(c), version), Plan: p, Theme: stored}
	t, found := formTheme(c, stored)
	if len(found) == 0 {
		err = s.store.UpdateTheme(writeContext(c), stored.ID, version, t)
	} else {
		err = t.Validate()
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderThemeForm(c, http.StatusUnprocessableEntity, f)
	case errors.Is(err, store.ErrConflict):
		now, err := s.store.FindThemeByID(c.Request.Context(), stored.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Theme = now
		if err := s.conflict(c, &f.adminForm, model.EntityTheme, now.ID, version, now.Version); err != nil {
			s.fail(c, err)
			return
		}
		s.renderThemeForm(c, http.StatusConflict, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/themes/%d", stored.ID))
	}
}

// storedTheme finds the theme of the path and its plan, or answers 404.
func (s *Server) storedTheme(c *gin.Context) (*model.Theme, *model.Plan, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	ctx := c.Request.Context()
	t, err := s.store.FindThemeByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	p, err := s.store.FindPlanByID(ctx, t.PlanID)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return t, p, true
}

func (s *Server) renderThemeForm(c *gin.Context, status int, f themeForm) {
	f.Action = "/admin/themes"
	if f.Theme != nil {
		f.Action = fmt.Sprintf("/admin/themes/%d", f.Theme.ID)
	}
	s.renderAdminForm(c, status, "admin/theme_form", f)
}

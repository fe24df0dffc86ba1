package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// adminPlanChoice is a list page's plan and the plans it may switch to.
type adminPlanChoice struct {
	Plan  *model.Plan
	Plans []model.Plan
}

// chosenPlan reads the plan a list page shows (?plan=, the home plan by
// default), or answers 404.
func (s *Server) chosenPlan(c *gin.Context) (adminPlanChoice, bool) {
	choice, err := s.planChoice(c)
	if err != nil {
		s.fail(c, err)
		return choice, false
	}
	return choice, true
}

func (s *Server) planChoice(c *gin.Context) (adminPlanChoice, error) {
	id, err := optionalID(c.Query("plan"))
	if err != nil {
		return adminPlanChoice{}, err
	}
	ctx := c.Request.Context()
	p, err := s.store.FindPlanOrHome(ctx, id)
	if err != nil {
		return adminPlanChoice{}, err
	}
	plans, err := s.store.ListPlans(ctx)
	return adminPlanChoice{Plan: p, Plans: plans}, err
}

// planOfNew is the plan a new theme or commitment is added to: the form's
// plan_id, or for the empty form ?plan= or the home plan.
func (s *Server) planOfNew(c *gin.Context) (*model.Plan, error) {
	if c.Request.Method != http.MethodPost {
		choice, err := s.planChoice(c)
		return choice.Plan, err
	}
	id, err := optionalID(c.PostForm("plan_id"))
	if err != nil || id == 0 {
		return nil, errBadRequest
	}
	return s.store.FindPlanByID(c.Request.Context(), id)
}

// optionalID reads an id given in a query or a form; 0 for none, and a
// bad request for anything but a number.
func optionalID(v string) (uint, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, errBadRequest
	}
	return uint(n), nil
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

// themes is how the administration adds and changes a plan's themes.
var themes = editor[*themeForm]{
	load: func(s *Server, c *gin.Context, id uint) (*themeForm, error) {
		ctx := c.Request.Context()
		if id != 0 {
			t, err := s.store.FindThemeByID(ctx, id)
			if err != nil {
				return nil, err
			}
			p, err := s.store.FindPlanByID(ctx, t.PlanID)
			return &themeForm{adminForm: s.adminForm(c, themeValues(t), t.Version), Plan: p, Theme: t}, err
		}
		p, err := s.planOfNew(c)
		if err != nil {
			return nil, err
		}
		existing, err := s.store.FindThemes(ctx, p.ID)
		next := 1 // the number after the plan's last theme
		for _, t := range existing {
			next = max(next, t.Number+1)
		}
		return &themeForm{adminForm: s.adminForm(c, url.Values{"number": {strconv.Itoa(next)}}, 0), Plan: p}, err
	},
	save: func(s *Server, c *gin.Context, f *themeForm) (string, error) {
		f.Values = formValues(c)
		stored := cmp.Or(f.Theme, &model.Theme{PlanID: f.Plan.ID})
		t, found := formTheme(c, stored)
		err := saveParsed(found, t.Validate, func() error {
			if f.Theme == nil {
				return s.store.CreateTheme(writeContext(c), t)
			}
			t.ID = f.Theme.ID
			return s.store.UpdateTheme(writeContext(c), t.ID, f.Version, t)
		})
		return fmt.Sprintf("/themes/%d", t.ID), err
	},
	next: func(f *themeForm) (string, uint) { return setupTheme, f.Plan.ID },
	reload: func(s *Server, c *gin.Context, f *themeForm) (err error) {
		f.Theme, err = reloaded(s, c, &f.adminForm, model.EntityTheme, f.Theme.ID, s.store.FindThemeByID, func(r *model.Theme) int { return r.Version })
		return err
	},
	render: (*Server).renderThemeForm,
}

func (s *Server) renderThemeForm(c *gin.Context, status int, f *themeForm) {
	s.renderAdminForm(c, status, "admin/theme_form", f)
}

package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type adminCommitmentsPage struct {
	Page
	Choice      adminPlanChoice
	Commitments []model.Commitment
}

// adminCommitments lists a plan's commitments, to change one, add
// another or go to its milestones.
func (s *Server) adminCommitments(c *gin.Context) {
	choice, ok := s.chosenPlan(c)
	if !ok {
		return
	}
	cs, _, err := s.store.FindCommitments(c.Request.Context(), store.CommitmentFilter{PlanID: choice.Plan.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/commitments", adminCommitmentsPage{Page: s.page(c), Choice: choice, Commitments: cs})
}

// commitmentForm is the form that creates or changes a commitment.
type commitmentForm struct {
	adminForm
	Plan       *model.Plan
	Commitment *model.Commitment // as stored; nil for a new commitment
}

func commitmentValues(cm *model.Commitment) url.Values {
	v := url.Values{}
	v.Set("ref", cm.Ref)
	v.Set("code", cm.Code)
	if cm.ThemeID != nil {
		v.Set("theme", strconv.FormatUint(uint64(*cm.ThemeID), 10))
	}
	textValues(v, "title", cm.Title)
	textValues(v, "description", cm.Description)
	textValues(v, "problem", cm.Problem)
	textValues(v, "objective", cm.Objective)
	if cm.LeadAgency != nil {
		v.Set("lead_agency", cm.LeadAgency.Code)
	}
	for _, a := range cm.SupportingAgencies {
		v.Add("supporting_agencies", a.Code)
	}
	for _, o := range cm.Organisations {
		if o.Organisation == nil {
			continue
		}
		field := "partners"
		if o.Role == model.RoleCoLead {
			field = "co_leads"
		}
		v.Add(field, o.Organisation.Code)
	}
	v.Set("start", cm.Start.String())
	v.Set("end", cm.End.String())
	v["values"] = cm.Values
	v.Set("policy_areas", strings.Join(cm.PolicyAreas, "\n"))
	v.Set("source_url", cm.SourceURL)
	v.Set("irm.verifiable", cm.IRM.Verifiable)
	v.Set("irm.potential_impact", cm.IRM.PotentialImpact)
	v.Set("irm.completion_midterm", string(cm.IRM.CompletionMidterm))
	v.Set("irm.completion", string(cm.IRM.Completion))
	v.Set("irm.did_it_open_government", cm.IRM.DidItOpenGovernment)
	return v
}

// formCommitment reads the commitment a form describes; stored keeps the
// languages the form does not show.
func formCommitment(c *gin.Context, planID uint, stored *model.Commitment) (store.CommitmentInput, formErrors) {
	fe := formErrors{}
	var areas model.Strings
	for _, line := range strings.Split(c.PostForm("policy_areas"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			areas = append(areas, line)
		}
	}
	cm := model.Commitment{PlanID: planID, Ref: strings.TrimSpace(c.PostForm("ref")), Code: strings.TrimSpace(c.PostForm("code")),
		ThemeID: fe.id(c, "theme"), Title: formText(c, "title", stored.Title), Description: formText(c, "description", stored.Description),
		Problem: formText(c, "problem", stored.Problem), Objective: formText(c, "objective", stored.Objective),
		Start: fe.date(c, "start"), End: fe.date(c, "end"), Values: model.Strings(c.PostFormArray("values")), PolicyAreas: areas,
		SourceURL: strings.TrimSpace(c.PostForm("source_url")),
		IRM: model.IRM{Verifiable: strings.TrimSpace(c.PostForm("irm.verifiable")), PotentialImpact: strings.TrimSpace(c.PostForm("irm.potential_impact")),
			CompletionMidterm: model.Completion(c.PostForm("irm.completion_midterm")), Completion: model.Completion(c.PostForm("irm.completion")),
			DidItOpenGovernment: strings.TrimSpace(c.PostForm("irm.did_it_open_government"))}}
	return store.CommitmentInput{Commitment: cm, LeadAgency: c.PostForm("lead_agency"),
		SupportingAgencies: c.PostFormArray("supporting_agencies"), CoLeads: c.PostFormArray("co_leads"),
		Partners: c.PostFormArray("partners")}, fe
}

// commitments is how the administration adds and changes a plan's commitments.
var commitments = editor[*commitmentForm]{
	load: func(s *Server, c *gin.Context, id uint) (*commitmentForm, error) {
		if id != 0 {
			cm, err := s.store.FindCommitmentByID(c.Request.Context(), id)
			if err != nil {
				return nil, err
			}
			return &commitmentForm{adminForm: s.adminForm(c, commitmentValues(cm), cm.Version), Plan: cm.Plan, Commitment: cm}, nil
		}
		p, err := s.planOfNew(c)
		return &commitmentForm{adminForm: s.adminForm(c, url.Values{}, 0), Plan: p}, err
	},
	save: func(s *Server, c *gin.Context, f *commitmentForm) (string, error) {
		f.Values = formValues(c)
		in, found := formCommitment(c, f.Plan.ID, cmp.Or(f.Commitment, &model.Commitment{}))
		var id uint
		err := saveParsed(found, in.Commitment.Validate, func() (err error) {
			if f.Commitment == nil {
				id, err = s.store.CreateCommitment(writeContext(c), in)
				return err
			}
			id = f.Commitment.ID
			return s.store.UpdateCommitment(writeContext(c), id, f.Version, in)
		})
		return fmt.Sprintf("/commitments/%d", id), err
	},
	next: func(f *commitmentForm) (string, uint) { return setupCommitment, f.Plan.ID },
	reload: func(s *Server, c *gin.Context, f *commitmentForm) (err error) {
		f.Commitment, err = reloaded(s, c, &f.adminForm, model.EntityCommitment, f.Commitment.ID, s.store.FindCommitmentByID, func(r *model.Commitment) int { return r.Version })
		return err
	},
	render: (*Server).renderCommitmentForm,
}

func (s *Server) renderCommitmentForm(c *gin.Context, status int, f *commitmentForm) {
	ctx := c.Request.Context()
	themes, err := s.store.FindThemes(ctx, f.Plan.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var themeOpts []adminOption
	for _, t := range themes {
		shown := f.T.Text(t.Name)
		themeOpts = append(themeOpts, adminOption{Value: strconv.FormatUint(uint64(t.ID), 10), Label: fmt.Sprintf("%d %s", t.Number, shown.Value), Lang: fallbackLang(shown)})
	}
	f.options("theme", themeOpts)
	agencies, err := s.agencyOptions(ctx, f.T)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.options("lead_agency", agencies)
	f.options("supporting_agencies", agencies)
	orgs, err := s.store.OrganisationChoices(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	var orgOpts []adminOption
	for _, o := range orgs {
		shown := f.T.Text(o.Name)
		orgOpts = append(orgOpts, adminOption{Value: o.Code, Label: shortLabel(o.Code, shown.Value), Lang: fallbackLang(shown)})
	}
	f.options("co_leads", orgOpts)
	f.options("partners", orgOpts)
	var values []adminOption
	for _, v := range model.OGPValues {
		values = append(values, adminOption{Value: string(v), Label: f.T.T("value." + string(v))})
	}
	f.options("values", values)
	var completions []adminOption
	for _, cp := range model.Completions {
		if cp != model.CompletionUnassessed {
			completions = append(completions, adminOption{Value: string(cp), Label: f.T.T("completion." + string(cp))})
		}
	}
	f.options("irm.completion_midterm", completions)
	f.options("irm.completion", completions)
	s.renderAdminForm(c, status, "admin/commitment_form", f)
}

// agencyOptions are the agencies to choose from, by code.
func (s *Server) agencyOptions(ctx context.Context, t *i18n.Translator) ([]adminOption, error) {
	agencies, err := s.store.AgencyChoices(ctx)
	if err != nil {
		return nil, err
	}
	opts := make([]adminOption, 0, len(agencies))
	for _, a := range agencies {
		// The short name where it is in the page's language and says more than the code.
		name := a.Name
		if v, lang := a.ShortName.Get(t.Lang); v != "" && lang == t.Lang && v != a.Code {
			name = a.ShortName
		}
		shown := t.Text(name)
		opts = append(opts, adminOption{Value: a.Code, Label: shortLabel(a.Code, shown.Value), Lang: fallbackLang(shown)})
	}
	return opts, nil
}

// shortLabel names a choice by its code and the start of its name: some
// imported agencies list a dozen bodies in one name.
func shortLabel(code, name string) string {
	if r := []rune(name); len(r) > 60 {
		name = string(r[:60]) + "…"
	}
	if name == "" || name == code {
		return code
	}
	return code + " " + name
}

// fallbackLang is the language of a value shown in another than the page's.
func fallbackLang(s i18n.Shown) string {
	if s.Fallback {
		return s.Lang
	}
	return ""
}

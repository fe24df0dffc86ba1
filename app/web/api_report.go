package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// apiReportDraft is a progress-report draft as the API gives it back to
// the agency that wrote it (drafts are not public).
type apiReportDraft struct {
	ID           uint   `json:"id"`
	CommitmentID uint   `json:"commitment_id"`
	PeriodID     uint   `json:"period_id"`
	Version      int    `json:"version"`
	Revision     int    `json:"revision"`
	Status       string `json:"status"`
	Agency       string `json:"agency"`
	HTML         string `json:"html"`
}

// apiReportFields are the fields POST /api/v1/reports takes; the model's
// names of the fields at fault ("period") are given as the API's ("period_id").
var apiReportFields = map[string]string{"commitment": "commitment_id", "period": "period_id"}

// apiCreateReport starts a progress-report draft for an agency's system,
// with a token of the scope reports:write of the commitment's lead agency
// (model.APIToken.MayDraftReport, the rule of the web's liaisons), through
// the same store.SaveReportDraft as the web's form. Submitting stays with
// the agency's liaison on the web.
func (s *Server) apiCreateReport(c *gin.Context) {
	ctx := c.Request.Context()
	token := tokenOf(c)
	if !token.Has(model.ScopeReportsWrite) {
		s.failAPI(c, fmt.Errorf("%w: it lacks the scope %s", errTokenForbidden, model.ScopeReportsWrite))
		return
	}
	obj, err := decodeObject(c, "commitment_id", "period_id", "narrative", "challenges", "next_steps", "evidence", "delays")
	if err != nil {
		s.failAPI(c, err)
		return
	}
	r := &model.ProgressReport{}
	var bad []fieldProblem
	field := func(name string, to any, detail string) {
		raw, ok := obj[name]
		if !ok {
			return
		}
		if err := json.Unmarshal(raw, to); err != nil {
			bad = append(bad, fieldProblem{Field: name, Detail: detail})
		}
	}
	field("commitment_id", &r.CommitmentID, "must be a commitment's id")
	field("period_id", &r.PeriodID, "must be a reporting period's id")
	field("narrative", &r.Narrative, "must be a string (Markdown)")
	field("challenges", &r.Challenges, "must be a string (Markdown)")
	field("next_steps", &r.NextSteps, "must be a string (Markdown)")
	field("evidence", &r.Evidence, `must be a list of {"title": {"zh-TW": …, "en": …}, "url": …}`)
	field("delays", &r.Delays, `must be a list of {"milestone_id": …, "reason": …, "explanation": …}`)
	for _, name := range []string{"commitment_id", "period_id"} {
		if _, ok := obj[name]; !ok {
			bad = append(bad, fieldProblem{Field: name, Detail: "is required"})
		}
	}
	if len(bad) > 0 {
		s.failAPI(c, &apiError{status: http.StatusUnprocessableEntity, detail: "Some values are not valid; nothing was written.", fields: bad})
		return
	}
	cm, err := s.store.FindCommitmentByID(ctx, r.CommitmentID)
	if errors.Is(err, model.ErrNotFound) {
		s.failAPI(c, &apiError{status: http.StatusUnprocessableEntity, detail: "No such commitment; nothing was written.",
			fields: []fieldProblem{{Field: "commitment_id", Detail: "is not a commitment's id"}}})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if !token.MayDraftReport(cm) {
		s.failAPI(c, fmt.Errorf("%w: only the commitment's lead agency reports on it", errTokenForbidden))
		return
	}
	for i := range r.Delays {
		r.Delays[i].Explanation = strings.TrimSpace(r.Delays[i].Explanation)
	}
	err = s.store.SaveReportDraft(model.NewContextWithActor(ctx, tokenActor(token)), r)
	var fe model.FieldErrors
	switch {
	case errors.As(err, &fe):
		renamed := model.FieldErrors{}
		for k, v := range fe {
			if n, ok := apiReportFields[k]; ok {
				k = n
			}
			renamed[k] = v
		}
		s.failAPI(c, renamed)
		return
	case errors.Is(err, store.ErrConflict):
		s.failAPI(c, &apiError{status: http.StatusConflict, detail: "A draft of this commitment's report for this period exists already; its agency's liaison edits it on the web."})
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	agency := ""
	if token.Agency != nil {
		agency = token.Agency.Code
	}
	html := fmt.Sprintf("/reports/%d", r.ID)
	c.Header("Location", html)
	s.sendJSON(c, http.StatusCreated, apiReportDraft{ID: r.ID, CommitmentID: r.CommitmentID, PeriodID: r.PeriodID, Version: r.Version,
		Revision: r.Revision, Status: string(r.Status), Agency: agency, HTML: html}, "")
}

// apiReport is a submitted progress report, as public as its page.
type apiReport struct {
	ID          uint                  `json:"id"`
	Period      apiPeriod             `json:"period"`
	Version     int                   `json:"version"`
	Agency      *apiAgencyRef         `json:"agency"`
	SubmittedAt *time.Time            `json:"submitted_at"`
	Narrative   string                `json:"narrative"`
	Translation *apiTranslation       `json:"translation"`
	Challenges  string                `json:"challenges"`
	NextSteps   string                `json:"next_steps"`
	Evidence    []apiLink             `json:"evidence"`
	Delays      model.MilestoneDelays `json:"delays"`
	HTML        string                `json:"html"`
}

// apiTranslation is a report's narrative in a second language.
type apiTranslation struct {
	Lang string `json:"lang"`
	Text string `json:"text"`
}

type apiPeriod struct {
	ID       uint       `json:"id"`
	Name     apiText    `json:"name"`
	StartsOn model.Date `json:"starts_on"`
	EndsOn   model.Date `json:"ends_on"`
}

func apiReportOf(r *model.ProgressReport) apiReport {
	out := apiReport{ID: r.ID, Version: r.Version, Agency: apiAgencyRefOf(r.Agency), SubmittedAt: r.SubmittedAt,
		Narrative: r.Narrative, Challenges: r.Challenges, NextSteps: r.NextSteps, Evidence: apiLinksOf(r.Evidence),
		Delays: r.Delays, HTML: fmt.Sprintf("/reports/%d", r.ID)}
	if out.Delays == nil {
		out.Delays = model.MilestoneDelays{}
	}
	if r.Translation != "" {
		out.Translation = &apiTranslation{Lang: r.TranslationLang, Text: r.Translation}
	}
	if r.SubmittedAt != nil {
		t := r.SubmittedAt.UTC()
		out.SubmittedAt = &t
	}
	if r.Period != nil {
		out.Period = apiPeriod{ID: r.Period.ID, Name: apiTextOf(r.Period.Name), StartsOn: r.Period.StartsOn, EndsOn: r.Period.EndsOn}
	}
	return out
}

// submittedReports are the public versions of a commitment's reports,
// by period then version: drafts are seen by their agency only.
func (s *Server) submittedReports(c *gin.Context, commitmentID uint) ([]model.ProgressReport, error) {
	all, err := s.store.FindReports(c.Request.Context(), commitmentID)
	if err != nil {
		return nil, err
	}
	var out []model.ProgressReport
	for _, r := range all {
		if r.Status == model.ReportSubmitted {
			out = append(out, r)
		}
	}
	return out, nil
}

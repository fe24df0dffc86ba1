package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The progress-reporting workflow: a lead agency's liaison drafts and
// submits a report per commitment and reporting period; committee members
// confirm it or record a dissent, and assess the commitment's completion.

// reportFormPage drafts a report, or edits a draft.
type reportFormPage struct {
	Page
	C            *model.Commitment
	Period       *model.ReportingPeriod
	ReportID     uint // the draft edited; 0 for a new draft
	Version      int  // the version the form makes
	Revision     int  // the draft's revision the form changes
	Narrative    string
	Translation  string // the narrative in TransLang, optional
	TransLang    string
	TransLangs   []string // those a translation may be in
	Challenges   string
	NextSteps    string
	Evidence     []evidenceRow
	Milestones   []reportMilestoneRow
	DelayReasons []model.DelayReason
	Statuses     []model.MilestoneStatus
	Errors       map[string]string // field → message id
	Conflict     bool              // the draft changed, or another was started, since the form was opened

	proposed   map[uint]model.StatusProposal // by milestone
	delays     map[uint]model.MilestoneDelay // by milestone
	typedDates map[uint]string               // completion dates as typed, by milestone
}

type evidenceRow struct{ Title, URL string }

// reportMilestoneRow is one milestone of the form: its proposed status and,
// when it is late or delayed, the reason.
type reportMilestoneRow struct {
	M           model.Milestone
	Late        bool // past its due date and not done, or reported delayed
	Status      string
	CompletedOn string
	Reason      string
	Explanation string
}

// Action reads where the form is sent.
func (p reportFormPage) Action() string {
	if p.ReportID != 0 {
		return fmt.Sprintf("/reports/%d", p.ReportID)
	}
	return fmt.Sprintf("/commitments/%d/reports", p.C.ID)
}

// Error is the message id of a field, for fields named with an index.
func (p reportFormPage) Error(format string, id any) string {
	return p.Errors[fmt.Sprintf(format, id)]
}

// readEvidence reads a form's evidence rows (evidence_title, evidence_url),
// titles in lang, leaving out empty rows: the links, and the rows as typed
// (within their limits) for the form shown again.
func readEvidence(c *gin.Context, lang string) (model.Links, []evidenceRow) {
	var links model.Links
	var rows []evidenceRow
	titles, urls := c.PostFormArray("evidence_title"), c.PostFormArray("evidence_url")
	for i := 0; i < len(titles) || i < len(urls); i++ {
		var t, u string
		if i < len(titles) {
			t = strings.TrimSpace(titles[i])
		}
		if i < len(urls) {
			u = strings.TrimSpace(urls[i])
		}
		if t == "" && u == "" {
			continue
		}
		links = append(links, model.Link{Title: model.T(lang, t), URL: u})
		rows = append(rows, evidenceRow{Title: clip(t, model.MaxLinkTitle), URL: clip(u, model.MaxLinkURL)})
	}
	return links, rows
}

// evidenceRows are the rows of a form for links, titles in lang.
func evidenceRows(links model.Links, lang string) []evidenceRow {
	var rows []evidenceRow
	for _, l := range links {
		title, _ := l.Title.Get(lang)
		rows = append(rows, evidenceRow{Title: title, URL: l.URL})
	}
	return rows
}

// blankEvidence is how many empty evidence rows a form offers.
const blankEvidence = 3

// reportMessages names the workflow's validation messages in the catalogs.
var reportMessages = map[string]string{
	model.MsgRequired:               "report.error.required",
	model.MsgTooLong:                "report.error.toolong",
	model.MsgScript:                 "report.error.script",
	model.MsgNotURL:                 "report.error.url",
	model.MsgNotListed:              "report.error.notlisted",
	model.MsgTooMany:                "report.error.toomany",
	model.MsgEndsBeforeStart:        "period.error.ends_on",
	model.MsgCompletedOnRequired:    "edit.error.completed_on.required",
	model.MsgCompletedOnFuture:      "edit.error.completed_on.future",
	model.MsgCompletedOnBeforeStart: "edit.error.completed_on.before_start",
}

// messagesOf turns field errors into message ids.
func messagesOf(fe model.FieldErrors, into map[string]string) {
	for field, msg := range fe {
		id := reportMessages[msg]
		if id == "" && strings.HasPrefix(msg, "is longer than ") { // a link's limits, shared with imports
			id = "report.error.toolong"
		}
		if id == "" {
			id = "report.error.invalid"
			if strings.HasSuffix(field, ".status") || strings.HasSuffix(field, ".reason") {
				id = "report.error.notlisted"
			}
		}
		into[field] = id
	}
}

// reportingCommitment finds the commitment of the path and checks that the
// visitor may report on it. Otherwise it has answered.
func (s *Server) reportingCommitment(c *gin.Context, id uint) (*model.Commitment, *model.User, bool) {
	cm, err := s.store.FindCommitmentByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	u := visitor(c)
	if !s.permit(c, u.MayDraftReport(cm), "report.error.forbidden") {
		return nil, nil, false
	}
	return cm, u, true
}

// visibleReport finds the report of the path, answering 404 to whoever
// may not see it: a draft does not exist for anyone but its agency's liaisons.
func (s *Server) visibleReport(c *gin.Context) (*model.ProgressReport, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	r, err := s.store.FindReportByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	if !visitor(c).MaySeeReport(r) {
		s.fail(c, errNotFound)
		return nil, false
	}
	return r, true
}

// newReport is the form of a new draft: GET /commitments/:id/reports/new?period=.
// When the period already has a draft, it leads there instead; otherwise
// the form starts from the period's latest submitted version.
func (s *Server) newReport(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm, _, ok := s.reportingCommitment(c, id)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	periods, err := s.store.FindPeriods(ctx, cm.PlanID)
	if err != nil {
		s.fail(c, err)
		return
	}
	period := choosePeriod(periods, c.Query("period"), model.DayOf(s.now()))
	if period == nil {
		s.fail(c, errNotFound)
		return
	}
	reports, err := s.store.FindReports(ctx, cm.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := model.VersionsOf(reports, period.ID)
	if v.Draft != nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d/edit", v.Draft.ID))
		return
	}
	p := reportFormPage{C: cm, Period: period, Version: v.Next, Revision: 1}
	if cur := v.Current(); cur != nil {
		p.fill(cur)
	}
	ms, err := s.store.FindMilestones(ctx, []uint{cm.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	if v.Current() == nil {
		if prev := latestBefore(reports, periods, period); prev != nil {
			// A first report for the period starts from what the last one
			// said of milestones still open: their delay reasons hold until
			// changed. (Their statuses are the milestones' own, which that
			// report set.)
			p.carryDelays(prev, ms[cm.ID], model.DayOf(s.now()))
		}
	}
	if err := s.renderReportForm(c, http.StatusOK, p, ms[cm.ID]); err != nil {
		s.fail(c, err)
	}
}

// choosePeriod is the period asked for, else the one today falls in, else
// the latest that has begun, else the first.
func choosePeriod(ps []model.ReportingPeriod, asked string, today model.Date) *model.ReportingPeriod {
	if asked != "" {
		id, _ := strconv.ParseUint(asked, 10, 32)
		for i := range ps {
			if ps[i].ID == uint(id) {
				return &ps[i]
			}
		}
		return nil
	}
	var chosen *model.ReportingPeriod
	for i := range ps {
		if ps[i].Contains(today) {
			return &ps[i]
		}
		if chosen == nil || ps[i].StartsOn.Compare(today) <= 0 {
			chosen = &ps[i]
		}
	}
	return chosen
}

// latestBefore is the latest submitted report of the latest period before
// period that has one, or nil.
func latestBefore(reports []model.ProgressReport, periods []model.ReportingPeriod, period *model.ReportingPeriod) *model.ProgressReport {
	var best *model.ProgressReport
	var bestEnd model.Date
	ends := map[uint]model.Date{}
	for _, pe := range periods {
		ends[pe.ID] = pe.EndsOn
	}
	for i := range reports {
		r := &reports[i]
		end, ok := ends[r.PeriodID]
		if !ok || r.Status != model.ReportSubmitted || end.Compare(period.StartsOn) >= 0 {
			continue
		}
		if best == nil || end.Compare(bestEnd) > 0 || end == bestEnd && r.Version > best.Version {
			best, bestEnd = r, end
		}
	}
	return best
}

// carryDelays starts the form's delay reasons from report r's, for the
// milestones of ms not settled as of today.
func (p *reportFormPage) carryDelays(r *model.ProgressReport, ms []model.Milestone, today model.Date) {
	open := map[uint]bool{}
	for i := range ms {
		open[ms[i].ID] = !ms[i].Settled(today)
	}
	p.delays = map[uint]model.MilestoneDelay{}
	for _, d := range r.Delays {
		if open[d.MilestoneID] {
			p.delays[d.MilestoneID] = d
		}
	}
}

// fill starts the form from report r.
func (p *reportFormPage) fill(r *model.ProgressReport) {
	p.Narrative, p.Challenges, p.NextSteps = r.Narrative, r.Challenges, r.NextSteps
	p.Translation, p.TransLang = r.Translation, r.TranslationLang
	p.Evidence = nil
	for _, l := range r.Evidence {
		title, _ := l.Title.Get(p.Lang)
		p.Evidence = append(p.Evidence, evidenceRow{Title: title, URL: l.URL})
	}
	p.Milestones = nil
	proposed := map[uint]model.StatusProposal{}
	for _, x := range r.Proposals {
		proposed[x.MilestoneID] = x
	}
	delays := map[uint]model.MilestoneDelay{}
	for _, d := range r.Delays {
		delays[d.MilestoneID] = d
	}
	p.proposed, p.delays = proposed, delays
}

// editReport is the form of a draft, GET /reports/:id/edit. Of a submitted
// version it is the form of the next version, starting from that one.
func (s *Server) editReport(c *gin.Context) {
	r, ok := s.editableReport(c)
	if !ok {
		return
	}
	p := reportFormPage{C: r.Commitment, Period: r.Period, Version: r.Version, Revision: r.Revision}
	if r.Status == model.ReportDraft {
		p.ReportID = r.ID
	} else {
		reports, err := s.store.FindReports(c.Request.Context(), r.CommitmentID)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := model.VersionsOf(reports, r.PeriodID)
		if v.Draft != nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d/edit", v.Draft.ID))
			return
		}
		p.Version, p.Revision = v.Next, 1
	}
	p.fill(r)
	if err := s.renderReportForm(c, http.StatusOK, p, nil); err != nil {
		s.fail(c, err)
	}
}

// editableReport finds the report of the path for a liaison who may report
// on its commitment; others get 404 for a draft (it does not exist for
// them), the sign-in page or 403 for a submitted version.
func (s *Server) editableReport(c *gin.Context) (*model.ProgressReport, bool) {
	r, ok := s.visibleReport(c)
	if !ok {
		return nil, false
	}
	if !s.permit(c, visitor(c).MayDraftReport(r.Commitment), "report.error.forbidden") {
		return nil, false
	}
	return r, true
}

// createReport saves a new draft, POST /commitments/:id/reports, and
// submits it when the form's submit button was used.
func (s *Server) createReport(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm, u, ok := s.reportingCommitment(c, id)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	periodID, _ := strconv.ParseUint(c.PostForm("period"), 10, 32)
	period, err := s.store.FindPeriodByID(ctx, uint(periodID))
	if err != nil || period.PlanID != cm.PlanID {
		s.fail(c, errBadRequest)
		return
	}
	r := &model.ProgressReport{CommitmentID: cm.ID, PeriodID: period.ID}
	p := reportFormPage{C: cm, Period: period, Version: atoi(c.PostForm("version"), 1), Revision: 1}
	s.saveReport(c, u, r, p)
}

// updateReport saves a draft, POST /reports/:id, and submits it when the
// form's submit button was used. A submitted version is never changed: 409.
func (s *Server) updateReport(c *gin.Context) {
	stored, ok := s.editableReport(c)
	if !ok {
		return
	}
	r := &model.ProgressReport{ID: stored.ID, CommitmentID: stored.CommitmentID, PeriodID: stored.PeriodID,
		Revision: atoi(c.PostForm("revision"), 0)}
	p := reportFormPage{C: stored.Commitment, Period: stored.Period, ReportID: stored.ID, Version: stored.Version, Revision: r.Revision}
	s.saveReport(c, visitor(c), r, p)
}

func atoi(s string, fallback int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return fallback
}

// saveReport reads the form into r, saves it as a draft and, when asked,
// submits it; bad input answers 422 with what was typed and writes nothing.
func (s *Server) saveReport(c *gin.Context, u *model.User, r *model.ProgressReport, p reportFormPage) {
	ctx := c.Request.Context()
	p.Errors = map[string]string{}
	ms, err := s.store.FindMilestones(ctx, []uint{p.C.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Lang = c.GetString(langKey)
	p.read(c, r, ms[p.C.ID])
	submit := c.PostForm("action") == "submit"
	if len(p.Errors) == 0 && submit {
		if err := r.Submittable(); err != nil {
			messagesOf(typed(err.(model.FieldErrors)), p.Errors)
		}
	}
	if len(p.Errors) > 0 {
		s.answerReportForm(c, http.StatusUnprocessableEntity, p, ms[p.C.ID])
		return
	}
	actor := writeContext(c)
	id, revision, version := r.ID, r.Revision, r.Version
	if submit {
		err = s.store.SaveReportToSubmit(actor, r, model.DayOf(s.now()))
	} else {
		err = s.store.SaveReportDraft(actor, r)
	}
	if err != nil { // nothing was written
		r.ID, r.Revision, r.Version = id, revision, version
	}
	var fe model.FieldErrors
	switch {
	case err == nil && submit:
		// Submitting cannot be undone: the draft is kept, and a page shows
		// what will become public before it does (confirmSubmit).
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d/submit", r.ID))
	case err == nil:
		s.flash(c, "flash.report.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d", r.ID))
	case errors.As(err, &fe):
		messagesOf(fe, p.Errors)
		s.answerReportForm(c, http.StatusUnprocessableEntity, p, ms[p.C.ID])
	case errors.Is(err, store.ErrConflict), errors.Is(err, model.ErrNotDraft):
		// Sent again knowingly, the form replaces the other save: it now
		// targets the period's draft at its current revision.
		p.Conflict = true
		reports, err := s.store.FindReports(ctx, r.CommitmentID)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.ReportID, p.Revision = 0, 1 // no draft: the next version
		for _, o := range reports {
			switch {
			case o.PeriodID != r.PeriodID:
			case o.Status == model.ReportDraft:
				p.ReportID, p.Revision, p.Version = o.ID, o.Revision, o.Version
			case p.ReportID == 0:
				p.Version = o.Version + 1
			}
		}
		s.answerReportForm(c, http.StatusConflict, p, ms[p.C.ID])
	default:
		s.fail(c, err)
	}
}

// read takes the form's values into r and the page, keeping at most each
// field's limit of what was typed for the page shown again.
func (p *reportFormPage) read(c *gin.Context, r *model.ProgressReport, ms []model.Milestone) {
	r.Narrative, r.Challenges, r.NextSteps = c.PostForm("narrative"), c.PostForm("challenges"), c.PostForm("next_steps")
	p.Narrative, p.Challenges, p.NextSteps = clip(r.Narrative, model.MaxNarrative), clip(r.Challenges, model.MaxReportText), clip(r.NextSteps, model.MaxReportText)
	r.Translation, r.TranslationLang = strings.TrimSpace(c.PostForm("translation")), c.PostForm("translation_lang")
	if r.Translation == "" {
		r.TranslationLang = ""
	}
	p.Translation, p.TransLang = clip(c.PostForm("translation"), model.MaxNarrative), r.TranslationLang
	r.Evidence, p.Evidence = readEvidence(c, p.Lang)
	p.proposed, p.delays, p.typedDates = map[uint]model.StatusProposal{}, map[uint]model.MilestoneDelay{}, map[uint]string{}
	for _, m := range ms {
		status := c.PostForm(fmt.Sprintf("status_%d", m.ID))
		if status != "" {
			on := c.PostForm(fmt.Sprintf("completed_%d", m.ID))
			d, err := model.ParseDate(on)
			if err != nil {
				p.Errors[fmt.Sprintf("milestones[%d].completed_on", m.ID)] = "edit.error.completed_on.invalid"
			}
			x := model.StatusProposal{MilestoneID: m.ID, Status: model.MilestoneStatus(status), CompletedOn: d}
			r.Proposals = append(r.Proposals, x)
			p.proposed[m.ID] = x
			p.typedDates[m.ID] = clip(on, 20)
		}
		reason, note := c.PostForm(fmt.Sprintf("delay_%d", m.ID)), c.PostForm(fmt.Sprintf("delay_note_%d", m.ID))
		if reason != "" || strings.TrimSpace(note) != "" {
			d := model.MilestoneDelay{MilestoneID: m.ID, Reason: model.DelayReason(reason), Explanation: note}
			r.Delays = append(r.Delays, d)
			d.Explanation = clip(note, model.MaxExplanation)
			p.delays[m.ID] = d
		}
	}
	if err := r.Validate(); err != nil {
		messagesOf(typed(err.(model.FieldErrors)), p.Errors)
	}
}

// typed keeps the errors of the fields a person types, leaving out those
// the store sets (the agency, the version, the status).
func typed(fe model.FieldErrors) model.FieldErrors {
	for _, k := range []string{"commitment", "period", "agency", "version", "status"} {
		delete(fe, k)
	}
	return fe
}

// answerReportForm shows the form again with what was typed.
func (s *Server) answerReportForm(c *gin.Context, status int, p reportFormPage, ms []model.Milestone) {
	if err := s.renderReportForm(c, status, p, ms); err != nil {
		s.fail(c, err)
	}
}

// renderReportForm lays out the form's milestones (read when ms is nil) from
// the proposals and delays the page holds.
func (s *Server) renderReportForm(c *gin.Context, status int, p reportFormPage, ms []model.Milestone) error {
	if ms == nil {
		all, err := s.store.FindMilestones(c.Request.Context(), []uint{p.C.ID})
		if err != nil {
			return err
		}
		ms = all[p.C.ID]
	}
	plans, err := s.store.PlanTerms(c.Request.Context(), []uint{p.C.PlanID})
	if err != nil {
		return err
	}
	a := model.Assess(plans[p.C.PlanID], p.C, ms, s.now())
	p.Milestones = nil
	for _, m := range ms {
		row := reportMilestoneRow{M: m, Status: string(m.Status), CompletedOn: m.CompletedOn.String()}
		if x, ok := p.proposed[m.ID]; ok {
			row.Status, row.CompletedOn = string(x.Status), x.CompletedOn.String()
			if typed, ok := p.typedDates[m.ID]; ok {
				row.CompletedOn = typed
			}
		}
		if d, ok := p.delays[m.ID]; ok {
			row.Reason, row.Explanation = string(d.Reason), d.Explanation
		}
		row.Late = a.Milestones[m.ID] == model.StateOverdue || row.Status == string(model.MilestoneDelayed) || row.Reason != "" || row.Explanation != ""
		p.Milestones = append(p.Milestones, row)
	}
	for range blankEvidence {
		p.Evidence = append(p.Evidence, evidenceRow{})
	}
	c.Set(noStoreKey, true) // it carries the form token and an unpublished draft
	p.Page = s.page(c)
	p.DelayReasons, p.Statuses, p.TransLangs = model.DelayReasons, model.MilestoneStatuses, model.Languages
	if p.TransLang == "" {
		p.TransLang = "en" // OGP's working language, what a second language most often is
	}
	s.render(c, status, "reports/edit", p)
	return nil
}

// reportView is one report version as the public reads it.
type reportView struct {
	R           *model.ProgressReport
	Narrative   template.HTML
	Translation template.HTML // the narrative in R.TranslationLang, when the agency gave it
	Challenges  template.HTML
	NextSteps   template.HTML
	Reviews     []reviewView
	Agreement   model.Agreement
	Confirms    int
	Dissents    int
}

type reviewView struct {
	model.Review
	Reasons    template.HTML
	AnswerHTML template.HTML // the agency's answer to a dissent
}

// newReportView prepares a version for a page that shows it under headings
// of level under.
func newReportView(r *model.ProgressReport, reviews []model.Review, under int) *reportView {
	v := &reportView{R: r, Narrative: renderMarkdown(r.Narrative, under), Translation: renderMarkdown(r.Translation, under), Challenges: renderMarkdown(r.Challenges, under+1),
		NextSteps: renderMarkdown(r.NextSteps, under+1), Agreement: model.AgreementOf(reviews)}
	v.Confirms, v.Dissents = model.CountVerdicts(reviews)
	for _, x := range reviews {
		v.Reviews = append(v.Reviews, reviewView{Review: x, Reasons: renderMarkdown(x.Reasons, under), AnswerHTML: renderMarkdown(x.Answer, under)})
	}
	return v
}

// reportPage is one report version: GET /reports/:id.
type reportPage struct {
	Page
	C         *model.Commitment
	View      *reportView
	Versions  []model.ProgressReport // the period's versions this visitor may see
	MayDraft  bool
	MayReview bool
	MayAnswer bool         // the visitor answers the dissents for the reporting agency
	Diff      *versionDiff // what changed since the version before, when there is one
	CoLead    bool
	Review    reviewForm
	Answer    answerForm
}

// answerForm is an agency's answer to one dissent as typed.
type answerForm struct {
	Review uint // the dissent answered
	Text   string
	Errors map[string]string // field → message id
}

// reviewForm is a committee member's review as typed.
type reviewForm struct {
	Verdict, Reasons string
	Errors           map[string]string // field → message id
}

// confirmSubmit shows a draft as it will be public, GET
// /reports/:id/submit, with the one button that submits it. A version
// already submitted leads to its page.
func (s *Server) confirmSubmit(c *gin.Context) {
	r, ok := s.editableReport(c)
	if !ok {
		return
	}
	if r.Status != model.ReportDraft {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d", r.ID))
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "reports/confirm", reportPage{Page: s.page(c), C: r.Commitment, View: newReportView(r, nil, 3)})
}

// submitReport submits a draft, POST /reports/:id/submit, at the revision
// the confirmation showed: a draft saved since (another tab, a colleague)
// is not submitted unseen but shown again.
func (s *Server) submitReport(c *gin.Context) {
	r, ok := s.editableReport(c)
	if !ok {
		return
	}
	err := s.store.SubmitReport(writeContext(c), r.ID, atoi(c.PostForm("revision"), 0), model.DayOf(s.now()))
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.report.submitted")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d", r.ID))
	case errors.Is(err, model.ErrNotDraft):
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d", r.ID))
	case errors.Is(err, store.ErrConflict):
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d/submit", r.ID))
	case errors.As(err, &fe):
		// The draft no longer passes (a milestone changed since): back to its form.
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d/edit", r.ID))
	default:
		s.fail(c, err)
	}
}

func (s *Server) showReport(c *gin.Context) {
	r, ok := s.visibleReport(c)
	if !ok {
		return
	}
	if err := s.renderReport(c, http.StatusOK, r, reviewForm{}); err != nil {
		s.fail(c, err)
	}
}

func (s *Server) renderReport(c *gin.Context, status int, r *model.ProgressReport, form reviewForm, answer ...answerForm) error {
	ctx := c.Request.Context()
	reviews, err := s.store.FindReviews(ctx, []uint{r.ID})
	if err != nil {
		return err
	}
	all, err := s.store.FindReports(ctx, r.CommitmentID)
	if err != nil {
		return err
	}
	p := reportPage{Page: s.page(c), C: r.Commitment, View: newReportView(r, reviews[r.ID], 2), Review: form}
	if len(answer) > 0 {
		p.Answer = answer[0]
	}
	var prev *model.ProgressReport // the latest submitted version before this one
	for i, o := range all {
		if o.PeriodID != r.PeriodID {
			continue
		}
		if p.User.MaySeeReport(&o) {
			p.Versions = append(p.Versions, o)
		}
		if o.Status == model.ReportSubmitted && o.Version < r.Version && (prev == nil || o.Version > prev.Version) {
			prev = &all[i]
		}
	}
	if prev != nil {
		p.Diff = diffReports(prev, r)
	}
	p.MayDraft = p.User.MayDraftReport(r.Commitment)
	p.MayReview = p.User.MayReviewReport(r)
	p.MayAnswer = p.User.MayAnswerDissent(r)
	p.CoLead = p.User.IsCoLead(r.Commitment)
	if p.MayReview && form.Verdict == "" {
		for _, v := range reviews[r.ID] {
			if v.UserID == p.User.ID {
				p.Review.Verdict, p.Review.Reasons = string(v.Verdict), v.Reasons
			}
		}
	}
	if p.User != nil {
		c.Set(noStoreKey, true)
	}
	s.render(c, status, "reports/show", p)
	return nil
}

// reviewReport records a committee member's review, POST /reports/:id/reviews.
func (s *Server) reviewReport(c *gin.Context) {
	r, ok := s.visibleReport(c)
	if !ok {
		return
	}
	u := visitor(c)
	if !s.permit(c, u.MayReview(), "report.error.review.forbidden") {
		return
	}
	form := reviewForm{Verdict: c.PostForm("verdict"), Reasons: c.PostForm("reasons"), Errors: map[string]string{}}
	v := &model.Review{ReportID: r.ID, UserID: u.ID, Verdict: model.Verdict(form.Verdict), Reasons: strings.TrimSpace(form.Reasons),
		CoLead: u.IsCoLead(r.Commitment)}
	form.Reasons = clip(form.Reasons, model.MaxReportText)
	err := s.store.ReviewReport(writeContext(c), v)
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.review.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d#reviews", r.ID))
	case errors.As(err, &fe):
		messagesOf(fe, form.Errors)
		if fe["verdict"] != "" {
			form.Errors["verdict"] = "report.error.verdict"
		}
		if fe["reasons"] == model.MsgRequired {
			form.Errors["reasons"] = "report.error.reasons"
		}
		if err := s.renderReport(c, http.StatusUnprocessableEntity, r, form); err != nil {
			s.fail(c, err)
		}
	default:
		s.fail(c, err)
	}
}

// answerDissent records the reporting agency's answer to a dissent, POST
// /reviews/:id/answer: public at once, beside the dissent.
func (s *Server) answerDissent(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	v, err := s.store.FindReviewByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.store.FindReportByID(ctx, v.ReportID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.permit(c, visitor(c).MayAnswerDissent(r), "report.error.answer.forbidden") {
		return
	}
	form := answerForm{Review: v.ID, Text: clip(c.PostForm("answer"), model.MaxReportText), Errors: map[string]string{}}
	err = s.store.AnswerDissent(writeContext(c), v.ID, c.PostForm("answer"))
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.answer.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reports/%d#review-%d", r.ID, v.ID))
	case errors.As(err, &fe):
		messagesOf(fe, form.Errors)
		if err := s.renderReport(c, http.StatusUnprocessableEntity, r, reviewForm{}, form); err != nil {
			s.fail(c, err)
		}
	default:
		s.fail(c, err)
	}
}

// assessPage is the assessment form shown again with its errors.
type assessPage struct {
	Page
	C       *model.Commitment
	Periods []model.ReportingPeriod
	Form    assessForm
}

type assessForm struct {
	Period     uint
	Completion string
	Note       string
	Errors     map[string]string
	Levels     []model.Completion
}

// assessCommitment adds a committee member's completion assessment, POST
// /commitments/:id/assessments.
func (s *Server) assessCommitment(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	cm, err := s.store.FindCommitmentByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	u := visitor(c)
	if !s.permit(c, u.MayAssess(), "report.error.assess.forbidden") {
		return
	}
	periodID, _ := strconv.ParseUint(c.PostForm("period"), 10, 32)
	form := assessForm{Period: uint(periodID), Completion: c.PostForm("completion"), Note: c.PostForm("note"), Errors: map[string]string{}}
	a := &model.CompletionAssessment{CommitmentID: cm.ID, PeriodID: form.Period, UserID: u.ID,
		Completion: model.Completion(form.Completion), Note: strings.TrimSpace(form.Note)}
	form.Note = clip(form.Note, model.MaxReportText)
	err = s.store.AssessCompletion(writeContext(c), a)
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.assessment.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/commitments/%d#period-%d", cm.ID, a.PeriodID))
	case errors.As(err, &fe):
		messagesOf(fe, form.Errors)
		periods, err := s.store.FindPeriods(ctx, cm.PlanID)
		if err != nil {
			s.fail(c, err)
			return
		}
		form.Levels = model.Completions[1:]
		c.Set(noStoreKey, true)
		s.render(c, http.StatusUnprocessableEntity, "reports/assess", assessPage{Page: s.page(c), C: cm, Periods: periods, Form: form})
	default:
		s.fail(c, err)
	}
}

// reportsSection is the commitment page's account of reporting: for each
// period that has begun, newest first, the submitted report and civil
// society's views side by side, and what the visitor may do.
type reportsSection struct {
	Periods   []periodReports
	MayDraft  bool
	MayReview bool
	MayAssess bool
	CoLead    bool
	Levels    []model.Completion
	NoReview  reviewForm // an empty review form
}

type periodReports struct {
	Period     model.ReportingPeriod
	Open       bool                   // the period open now, or the last of an ended plan: shown first, with its deadline
	DaysLeft   int                    // of an open period, until it closes
	Current    *reportView            // the latest submitted version
	Older      []model.ProgressReport // earlier submitted versions
	Draft      *model.ProgressReport  // the draft, for its agency's liaisons
	Assessment *model.CompletionAssessment
	// Folded, when set, stands for a run of earlier periods with nothing to
	// show (no report, draft or assessment), told in one line.
	Folded []model.ReportingPeriod
}

// FoldedFrom and FoldedTo are the oldest and the newest of folded periods.
func (p periodReports) FoldedFrom() model.ReportingPeriod { return p.Folded[len(p.Folded)-1] }
func (p periodReports) FoldedTo() model.ReportingPeriod   { return p.Folded[0] }

// empty reports whether a past period has nothing to show.
func (p *periodReports) empty() bool {
	return !p.Open && p.Current == nil && p.Draft == nil && p.Assessment == nil
}

func (s *Server) reportsSection(ctx context.Context, u *model.User, cm *model.Commitment) (reportsSection, error) {
	sec := reportsSection{MayDraft: u.MayDraftReport(cm), MayReview: u.MayReview(), MayAssess: u.MayAssess(),
		CoLead: u.IsCoLead(cm), Levels: model.Completions[1:]}
	periods, err := s.store.FindPeriods(ctx, cm.PlanID)
	if err != nil || len(periods) == 0 {
		return sec, err
	}
	reports, err := s.store.FindReports(ctx, cm.ID)
	if err != nil {
		return sec, err
	}
	var submitted []uint
	for _, r := range reports {
		if r.Status == model.ReportSubmitted {
			submitted = append(submitted, r.ID)
		}
	}
	reviews, err := s.store.FindReviews(ctx, submitted)
	if err != nil {
		return sec, err
	}
	assessments, err := s.store.FindAssessments(ctx, cm.ID)
	if err != nil {
		return sec, err
	}
	now := s.now()
	today := model.DayOf(now)
	open := false // the open period is found
	for _, p := range slices.Backward(periods) {
		if p.StartsOn.First(s.location).After(today.Last(s.location)) {
			continue // not begun
		}
		if cm.Plan != nil && !cm.Plan.End.IsZero() && p.StartsOn.First(s.location).After(cm.Plan.End.Last(s.location)) {
			continue // past the plan's end: nothing is owed for it
		}
		pr := periodReports{Period: p}
		if !open && (p.Contains(today) || cm.Plan != nil && !cm.Plan.InForce(now, s.location)) {
			// The period open now; of an ended plan, its last period.
			pr.Open, open = true, true
			pr.DaysLeft = max(0, int(p.EndsOn.Last(time.UTC).Sub(today.First(time.UTC)).Hours()/24))
		}
		v := model.VersionsOf(reports, p.ID)
		if v.Draft != nil && u.MaySeeReport(v.Draft) {
			pr.Draft = v.Draft
		}
		if cur := v.Current(); cur != nil {
			pr.Current = newReportView(cur, reviews[cur.ID], 4)
			for _, o := range slices.Backward(v.Submitted[:len(v.Submitted)-1]) { // newest first
				pr.Older = append(pr.Older, *o)
			}
		}
		for i := range assessments {
			if assessments[i].PeriodID == p.ID {
				pr.Assessment = &assessments[i]
				break
			}
		}
		if pr.empty() {
			if n := len(sec.Periods); n > 0 && sec.Periods[n-1].Folded != nil {
				sec.Periods[n-1].Folded = append(sec.Periods[n-1].Folded, p)
				continue
			}
			pr = periodReports{Period: p, Folded: []model.ReportingPeriod{p}}
		}
		sec.Periods = append(sec.Periods, pr)
	}
	return sec, nil
}

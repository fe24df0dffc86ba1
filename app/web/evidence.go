package web

import (
	"context"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The evidence pack of a commitment, for the Independent Reporting
// Mechanism: everything that shows what was done, in one place, as a
// printable page and as JSON: every submitted progress report (drafts are
// their agency's only), the milestones with their evidence links and the
// whole record of changes.

// evidenceHistory bounds the record of changes a pack carries; a
// commitment has tens of changes, not thousands.
const evidenceHistory = 5000

type evidencePage struct {
	Page
	C          *model.Commitment
	A          model.Assessment
	AsOf       model.Date
	Milestones []milestoneRow
	Links      int // evidence links in all, of milestones and reports
	Reports    []evidenceReport
	History    historySection
	// Questions from the public with their answers: the reasoned
	// responses the commitment owes, and whether they came in time.
	Questions []questionView
	QCounts   store.QuestionCounts
	QStats    store.QuestionStats
	// What the forum decided on it, and what was said of it in its
	// published transcripts.
	FollowUps []model.FollowUp
	Speeches  []model.Speech
}

// evidenceReport is a submitted report as the pack prints it.
type evidenceReport struct {
	Period *model.ReportingPeriod
	View   *reportView
}

func (s *Server) showEvidence(c *gin.Context) {
	ctx := c.Request.Context()
	id, asOf, ok := s.recordAndDay(c)
	if !ok {
		return
	}
	d, err := s.store.FindCommitmentDetail(ctx, id, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm, a := d.Commitment, d.Assessment
	data := evidencePage{Page: s.page(c), C: cm, A: a, AsOf: model.DayOf(asOf)}
	if data.History, err = s.history(ctx, data.T, store.ChangeFilter{CommitmentID: id, Limit: evidenceHistory}); err != nil {
		s.fail(c, err)
		return
	}
	for _, m := range d.Milestones {
		data.Milestones = append(data.Milestones, milestoneRow{M: m, Agency: m.ResponsibleAgency(cm), State: a.Milestones[m.ID], Words: planWords(cm, &m)})
		data.Links += len(m.Evidence)
	}
	reports, err := s.submittedReports(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	ids := make([]uint, len(reports))
	for i := range reports {
		ids[i] = reports[i].ID
	}
	reviews, err := s.store.FindReviews(ctx, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	for i := range reports {
		r := &reports[i]
		data.Reports = append(data.Reports, evidenceReport{Period: r.Period, View: newReportView(r, reviews[r.ID], 4)})
		data.Links += len(r.Evidence)
	}
	forum, err := s.readPackForum(ctx, cm.ID, cm.PlanID, cm.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	data.QCounts, data.QStats = store.CountsOf(forum.questions), store.StatsOf(forum.questions, s.now())
	for i := range forum.questions {
		data.Questions = append(data.Questions, s.viewQuestion(&forum.questions[i], true))
	}
	data.FollowUps, data.Speeches = forum.followUps, forum.speeches
	s.render(c, 200, "commitments/evidence", data)
}

// packForum is what an evidence pack adds to a commitment's own record:
// the public's questions with their threads, in the order asked; what the
// forum decided on it; what was said of it in its plan's published
// transcripts.
type packForum struct {
	questions []model.Question
	followUps []model.FollowUp
	speeches  []model.Speech
}

// readPackForum reads the packForum of commitment id, of plan planID,
// whose code is code: the pack's page and its JSON show the same.
func (s *Server) readPackForum(ctx context.Context, id, planID uint, code string) (packForum, error) {
	var out packForum
	var err error
	if out.questions, err = s.store.FindQuestions(ctx, store.QuestionFilter{CommitmentID: id, Thread: true}); err != nil {
		return out, err
	}
	slices.Reverse(out.questions) // in the order asked
	if out.followUps, err = s.store.FindFollowUps(ctx, store.FollowUpFilter{CommitmentID: id}); err != nil {
		return out, err
	}
	out.speeches, err = s.store.FindSpeechesMentioning(ctx, planID, code)
	return out, err
}

// apiEvidenceLink is one evidence link with the milestone it shows.
type apiEvidenceLink struct {
	MilestoneID  *uint   `json:"milestone_id"` // nil for a report's
	MilestoneRef string  `json:"milestone_ref,omitempty"`
	ReportID     *uint   `json:"report_id"` // nil for a milestone's
	Title        apiText `json:"title"`
	URL          string  `json:"url"`
}

// apiEvidencePack is the commitment with its whole record of changes,
// every evidence link, the public's questions with their answers, the
// forum's follow-ups and what was said of it in the forum's published
// transcripts: what the pack's page shows, as data.
type apiEvidencePack struct {
	apiCommitmentDetail
	Reports   []apiReport         `json:"reports"`
	Evidence  []apiEvidenceLink   `json:"evidence"`
	Questions []apiQuestion       `json:"questions"`  // in the order asked, each with its thread
	FollowUps []apiFollowUp       `json:"follow_ups"` // as the forum decided them
	Speeches  []apiEvidenceSpeech `json:"speeches"`   // in the order of the meetings
	HTML      string              `json:"evidence_html"`
}

// apiEvidenceSpeech is a published speech naming the commitment, with its
// meeting.
type apiEvidenceSpeech struct {
	MeetingID uint       `json:"meeting_id"`
	HeldOn    model.Date `json:"held_on"`
	apiSpeech
}

func (s *Server) apiEvidence(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, ok := s.apiDay(c)
	if !ok {
		return
	}
	detail, err := s.commitmentDetail(c, id, asOf, evidenceHistory)
	if err != nil {
		s.fail(c, err)
		return
	}
	reports, err := s.submittedReports(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	forum, err := s.readPackForum(c.Request.Context(), id, detail.PlanID, detail.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiEvidencePack{apiCommitmentDetail: detail, Reports: []apiReport{}, Evidence: []apiEvidenceLink{},
		Questions: make([]apiQuestion, len(forum.questions)), FollowUps: make([]apiFollowUp, len(forum.followUps)),
		Speeches: make([]apiEvidenceSpeech, len(forum.speeches)), HTML: fmt.Sprintf("/commitments/%d/evidence", id)}
	for i := range forum.questions {
		out.Questions[i] = s.apiQuestionOf(&forum.questions[i], true)
	}
	for i := range forum.followUps {
		out.FollowUps[i] = s.apiFollowUpOf(&forum.followUps[i])
	}
	for i := range forum.speeches {
		sp := &forum.speeches[i]
		m := sp.Transcript.Meeting
		out.Speeches[i] = apiEvidenceSpeech{MeetingID: m.ID, HeldOn: m.HeldOn, apiSpeech: s.apiSpeechOf(m.ID, sp)}
	}
	for _, m := range detail.Milestones {
		for _, l := range m.Evidence {
			out.Evidence = append(out.Evidence, apiEvidenceLink{MilestoneID: &m.ID, MilestoneRef: m.Ref, Title: l.Title, URL: l.URL})
		}
	}
	for i := range reports {
		r := apiReportOf(&reports[i])
		out.Reports = append(out.Reports, r)
		for _, l := range r.Evidence {
			out.Evidence = append(out.Evidence, apiEvidenceLink{ReportID: &reports[i].ID, Title: l.Title, URL: l.URL})
		}
	}
	s.sendJSON(c, 200, out, "")
}

package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// questionPage is a question's own page: the question, where its promise
// stands, its thread (answers, follow-ups), and the forms of who may act.
type questionPage struct {
	Page
	V         questionView
	Voted     bool
	MayHide   bool
	MayAnswer bool
	Agencies  []model.Agency // where "not our remit" may send it
	Answer    answerForm2
	FollowUp  followUpForm
	Hide      hideForm
	Disps     []model.Disposition
	Reasons   []model.HideReason
	TooMany   bool
}

type answerForm2 struct {
	Disposition, Body, Reasons string
	ToAgency                   uint
	Errors                     map[string]string
}

type followUpForm struct {
	Body, Name string
	Errors     map[string]string
}

type hideForm struct {
	Reason, DuplicateOf, Note string
	Errors                    map[string]string
}

// showQuestion is GET /questions/:id: public; a hidden question shows its
// placeholder with the reason and date.
func (s *Server) showQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderQuestion(c, http.StatusOK, id, questionPage{})
}

// renderQuestion renders question id's page with the forms given (their
// errors kept); a form left zero starts blank.
func (s *Server) renderQuestion(c *gin.Context, status int, id uint, p questionPage) {
	ctx := c.Request.Context()
	q, err := s.store.FindQuestionByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true) // its forms carry this visitor's token
	p.Page = s.page(c)
	p.CSRFToken = s.csrfToken(c)
	p.V = s.viewQuestion(q, true)
	p.MayHide = p.User.MayHideQuestion() && !q.Hidden()
	p.MayAnswer = p.User.MayAnswerQuestion(q)
	p.Disps, p.Reasons = model.Dispositions, model.HideReasons
	for _, f := range []*map[string]string{&p.Answer.Errors, &p.FollowUp.Errors, &p.Hide.Errors} {
		if *f == nil {
			*f = map[string]string{}
		}
	}
	if p.MayAnswer {
		all, err := s.store.FindAgencies(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, a := range all { // "not our remit" sends it elsewhere
			if q.AgencyID == nil || a.ID != *q.AgencyID {
				p.Agencies = append(p.Agencies, a)
			}
		}
	}
	if v, err := c.Cookie(voterCookie); err == nil && v != "" {
		if voter, err := s.store.KeyedHash(ctx, "voter\x00"+v); err == nil {
			p.Voted, _ = s.store.HasVoted(ctx, q.ID, voter)
		}
	}
	s.render(c, status, "questions/show", p)
}

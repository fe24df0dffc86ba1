package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// Questions from the public and their answers, as open data. The asker's
// address is never part of them; a hidden question keeps its place with
// the reason and the date, without its text.

type apiQuestion struct {
	ID           uint          `json:"id"`
	Kind         string        `json:"kind"`
	Status       string        `json:"status"` // open, answered, hidden
	Text         *string       `json:"text"`   // null once hidden
	Name         *string       `json:"name"`   // the display name the asker chose; null: anonymous or hidden
	Lang         string        `json:"lang"`
	Channel      string        `json:"channel"`
	PlanID       uint          `json:"plan_id"`
	CommitmentID *uint         `json:"commitment_id"`
	Agency       *apiAgencyRef `json:"agency"` // who owns its clock; null: the secretariat
	ReceivedAt   time.Time     `json:"received_at"`
	DueAt        time.Time     `json:"due_at"`
	AnsweredAt   *time.Time    `json:"answered_at"`
	AnsweredIn   *int          `json:"answered_in_days"` // days the latest wait took
	InTime       *bool         `json:"answered_in_time"`
	Disposition  *string       `json:"disposition"`
	Votes        int           `json:"votes"`
	Hidden       *apiHidden    `json:"hidden"`
	HTML         string        `json:"html"`
	Entries      []apiEntry    `json:"entries,omitempty"` // the thread, oldest first (one question's answer only)
}

type apiHidden struct {
	At          time.Time `json:"at"`
	Reason      string    `json:"reason"`
	DuplicateOf *uint     `json:"duplicate_of"`
}

type apiEntry struct {
	ID          uint          `json:"id"`
	Kind        string        `json:"kind"` // answer, follow-up, hidden
	At          time.Time     `json:"at"`
	Disposition *string       `json:"disposition"`
	Body        string        `json:"body"` // Markdown for an answer
	Reasons     string        `json:"reasons"`
	Agency      *apiAgencyRef `json:"agency"`    // the agency that answered
	Role        *string       `json:"role"`      // the signer's role
	Name        *string       `json:"name"`      // a follow-up's display name
	ToAgency    *apiAgencyRef `json:"to_agency"` // not our remit: where it went
}

func optString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

func (s *Server) apiQuestionOf(q *model.Question, thread bool) apiQuestion {
	out := apiQuestion{ID: q.ID, Kind: string(q.Kind), Status: q.Status(), Lang: q.Lang, Channel: string(q.Channel), PlanID: q.PlanID,
		CommitmentID: q.CommitmentID, Agency: apiAgencyRefOf(q.Agency), ReceivedAt: q.ReceivedAt.UTC(), DueAt: q.DueAt.UTC(),
		Disposition: optString(string(q.Disposition)), Votes: q.Votes, HTML: "/questions/" + strconv.FormatUint(uint64(q.ID), 10)}
	if q.Hidden() {
		out.Hidden = &apiHidden{At: q.HiddenAt.UTC(), Reason: string(q.HiddenReason), DuplicateOf: q.DuplicateOfID}
		return out // no text, no thread: what was hidden stays hidden
	}
	out.Text, out.Name = &q.Text, optString(q.Name)
	if q.AnsweredAt != nil {
		at := q.AnsweredAt.UTC()
		days, _ := q.Days(s.now(), s.location)
		inTime := q.AnsweredInTime()
		out.AnsweredAt, out.AnsweredIn, out.InTime = &at, &days, &inTime
	}
	if thread {
		out.Entries = []apiEntry{}
		for _, e := range q.Entries {
			ae := apiEntry{ID: e.ID, Kind: string(e.Kind), At: e.At.UTC(), Disposition: optString(string(e.Disposition)), Body: e.Body,
				Reasons: e.Reasons, Agency: apiAgencyRefOf(e.Agency), Role: optString(string(e.Role)), Name: optString(e.Name),
				ToAgency: apiAgencyRefOf(e.ToAgency)}
			out.Entries = append(out.Entries, ae)
		}
	}
	return out
}

// maxAPIQuestions bounds one answer of the list.
const maxAPIQuestions = 1000

// apiQuestions lists questions, newest first (?sort=votes: most wanted
// first), filtered by ?plan=, ?commitment=, ?agency= and ?status=open.
func (s *Server) apiQuestions(c *gin.Context) {
	f := store.QuestionFilter{ByVotes: c.Query("sort") == "votes", Limit: maxAPIQuestions}
	var problems []fieldProblem
	id := func(name string) uint {
		v := c.Query(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			problems = append(problems, fieldProblem{Field: name, Detail: "is not a record's id"})
		}
		return uint(n)
	}
	if p := id("plan"); p != 0 {
		f.PlanIDs = []uint{p}
	}
	f.CommitmentID, f.AgencyID = id("commitment"), id("agency")
	switch c.Query("status") {
	case "":
	case "open":
		f.OpenOnly = true
	default:
		problems = append(problems, fieldProblem{Field: "status", Detail: "is not open"})
	}
	if v := c.Query("sort"); v != "" && v != "votes" && v != "date" {
		problems = append(problems, fieldProblem{Field: "sort", Detail: "is not votes or date"})
	}
	if len(problems) > 0 {
		s.failAPI(c, &apiError{status: 400, detail: "A filter has a value the list cannot mean; see /api/openapi.json.", fields: problems})
		return
	}
	qs, err := s.store.FindQuestions(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiList[apiQuestion]{Items: make([]apiQuestion, len(qs)), Total: len(qs), Links: apiListNav{Self: apiPrefix + "/questions"}}
	if c.Request.URL.RawQuery != "" {
		out.Links.Self += "?" + c.Request.URL.RawQuery
	}
	for i := range qs {
		out.Items[i] = s.apiQuestionOf(&qs[i], false)
	}
	s.sendJSON(c, 200, out, "")
}

// apiQuestion is one question with its thread: the answers, their
// dispositions and reasons, the follow-ups.
func (s *Server) apiQuestion(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := s.store.FindQuestionByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendJSON(c, 200, s.apiQuestionOf(q, true), "")
}

package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The read side of the API: what the public pages show, as JSON with
// stable English snake_case names, dates in ISO 8601 (a day "2021-12-31",
// or a month "2021-12" where the plan gives no day) and instants in RFC
// 3339, and every translatable text in both languages.

// apiText is a text in both languages, null where it has no value in one;
// other languages an import brought are kept.
type apiText map[string]*string

func apiTextOf(t model.Text) apiText {
	out := apiText{}
	for _, lang := range model.Languages {
		out[lang] = nil
	}
	for lang, v := range t {
		if v != "" {
			out[lang] = &v
		}
	}
	return out
}

type apiLink struct {
	Title apiText `json:"title"`
	URL   string  `json:"url"`
}

func apiLinksOf(ls model.Links) []apiLink {
	out := make([]apiLink, len(ls))
	for i, l := range ls {
		out[i] = apiLink{Title: apiTextOf(l.Title), URL: l.URL}
	}
	return out
}

type apiPlan struct {
	ID                uint         `json:"id"`
	Ref               string       `json:"ref"`
	Title             apiText      `json:"title"`
	Jurisdiction      apiText      `json:"jurisdiction"`
	JurisdictionCode  string       `json:"jurisdiction_code"`
	JurisdictionLevel string       `json:"jurisdiction_level"`
	Number            int          `json:"number"`
	Start             model.Date   `json:"start"`
	End               model.Date   `json:"end"`
	Status            string       `json:"status"`
	Documents         []apiLink    `json:"documents"`
	Source            string       `json:"source"`                 // where the plan's data comes from; "" when not said
	StatusScale       []apiStep    `json:"status_scale,omitempty"` // the plan's own milestone statuses
	Themes            []apiTheme   `json:"themes,omitempty"`
	Links             apiPlanLinks `json:"links"`
	Progress          *apiProgress `json:"progress,omitempty"`
	UpdatedAt         time.Time    `json:"updated_at"`
}

// apiStep is a step of a plan's own status scale.
type apiStep struct {
	Key    string  `json:"key"`
	Label  apiText `json:"label"`
	Status string  `json:"status"` // the tracker's status it counts as
}

type apiPlanLinks struct {
	Self        string `json:"self"`
	HTML        string `json:"html"`
	Commitments string `json:"commitments"`
	Export      string `json:"export"`
	Feed        string `json:"feed"`
	Calendar    string `json:"calendar"`
}

type apiTheme struct {
	ID     uint    `json:"id"`
	Number int     `json:"number"`
	Name   apiText `json:"name"`
}

// apiProgress is a plan's overall progress, as its page shows it, and its
// commitments counted by schedule state.
type apiProgress struct {
	Commitments int            `json:"commitments"`
	Overall     *float64       `json:"overall"`
	States      map[string]int `json:"states"`
}

func apiPlanOf(p *model.Plan) apiPlan {
	id := strconv.FormatUint(uint64(p.ID), 10)
	return apiPlan{ID: p.ID, Ref: p.Ref, Title: apiTextOf(p.Title), Jurisdiction: apiTextOf(p.Jurisdiction),
		JurisdictionCode: p.JurisdictionCode, JurisdictionLevel: string(p.JurisdictionLevel), Number: p.Number,
		Start: p.Start, End: p.End, Status: string(p.Status), Documents: apiLinksOf(p.Documents), UpdatedAt: p.UpdatedAt.UTC(),
		Source: p.Source, StatusScale: apiStepsOf(p.StatusScale),
		Links: apiPlanLinks{Self: apiPrefix + "/plans/" + id, HTML: "/plans/" + id, Commitments: apiPrefix + "/commitments?plan=" + id,
			Export: "/export/plan-" + id + ".json", Feed: "/feed.atom?plan=" + id, Calendar: "/calendar.ics?plan=" + id}}
}

func apiStepsOf(sc model.StatusScale) []apiStep {
	var out []apiStep
	for _, st := range sc {
		out = append(out, apiStep{Key: st.Key, Label: apiTextOf(st.Label), Status: string(st.Status)})
	}
	return out
}

type apiAgency struct {
	ID               uint    `json:"id"`
	Code             string  `json:"code"`
	Name             apiText `json:"name"`
	ShortName        apiText `json:"short_name"`
	JurisdictionCode string  `json:"jurisdiction_code"`
	Level            string  `json:"level"`
	ParentID         *uint   `json:"parent_id"`
	HTML             string  `json:"html"`
}

func apiAgencyOf(a *model.Agency) *apiAgency {
	if a == nil {
		return nil
	}
	return &apiAgency{ID: a.ID, Code: a.Code, Name: apiTextOf(a.Name), ShortName: apiTextOf(a.ShortName),
		JurisdictionCode: a.JurisdictionCode, Level: string(a.Level), ParentID: a.ParentID, HTML: fmt.Sprintf("/agencies/%d", a.ID)}
}

// apiAgencyRef names an agency within another record.
type apiAgencyRef struct {
	ID   uint    `json:"id"`
	Code string  `json:"code"`
	Name apiText `json:"name"`
}

func apiAgencyRefOf(a *model.Agency) *apiAgencyRef {
	if a == nil {
		return nil
	}
	return &apiAgencyRef{ID: a.ID, Code: a.Code, Name: apiTextOf(a.Name)}
}

// apiCommitment is a commitment as the list gives it; the commitment's own
// address adds the rest (apiCommitmentDetail).
type apiCommitment struct {
	ID                uint          `json:"id"`
	Ref               string        `json:"ref"`
	PlanID            uint          `json:"plan_id"`
	Code              string        `json:"code"`
	Title             apiText       `json:"title"`
	Theme             *apiTheme     `json:"theme"`
	LeadAgency        *apiAgencyRef `json:"lead_agency"`
	Start             model.Date    `json:"start"`
	End               model.Date    `json:"end"`
	Progress          *float64      `json:"progress"`
	ScheduleState     string        `json:"schedule_state"`
	CompletionLevel   string        `json:"completion_level"`
	OverdueMilestones int           `json:"overdue_milestones"`
	DueSoonMilestones int           `json:"due_soon_milestones"`
	// The milestones counted as model.Assessment counts them (leaves, not
	// cancelled), those completed, and those an ended plan left open.
	Milestones             int `json:"counted_milestones"`
	CompletedMilestones    int `json:"completed_milestones"`
	NotCompletedMilestones int `json:"not_completed_milestones"`
	// LastUpdate is the last progress update; null when none was reported.
	LastUpdate *time.Time   `json:"last_update"`
	Links      apiSelfLinks `json:"links"`
}

type apiSelfLinks struct {
	Self string `json:"self"`
	HTML string `json:"html"`
}

func apiCommitmentOf(c *model.Commitment, a model.Assessment) apiCommitment {
	out := apiCommitment{ID: c.ID, Ref: c.Ref, PlanID: c.PlanID, Code: c.Code, Title: apiTextOf(c.Title),
		LeadAgency: apiAgencyRefOf(c.LeadAgency), Start: c.Start, End: c.End, Progress: a.Progress,
		ScheduleState: string(a.State), CompletionLevel: completionParam(a.CompletionLevel()),
		OverdueMilestones: a.Overdue, DueSoonMilestones: a.DueSoon,
		Milestones: a.Counted, CompletedMilestones: a.Completed, NotCompletedMilestones: a.NotCompleted,
		Links: apiSelfLinks{Self: fmt.Sprintf("%s/commitments/%d", apiPrefix, c.ID), HTML: fmt.Sprintf("/commitments/%d", c.ID)}}
	if c.Theme != nil {
		out.Theme = &apiTheme{ID: c.Theme.ID, Number: c.Theme.Number, Name: apiTextOf(c.Theme.Name)}
	}
	if !a.LastUpdate.IsZero() {
		t := a.LastUpdate.UTC()
		out.LastUpdate = &t
	}
	return out
}

type apiCommitmentDetail struct {
	apiCommitment
	Description        apiText        `json:"description"`
	Problem            apiText        `json:"problem"`
	Objective          apiText        `json:"objective"`
	SupportingAgencies []apiAgencyRef `json:"supporting_agencies"`
	Values             []string       `json:"values"`
	PolicyAreas        []string       `json:"policy_areas"`
	IRM                model.IRM      `json:"irm"`
	SourceURL          string         `json:"source_url"`
	AsOf               model.Date     `json:"as_of"`
	Milestones         []apiMilestone `json:"milestones"`
	History            []apiChange    `json:"history"`
	HistoryTotal       int64          `json:"history_total"`
	Feeds              apiFeedLinks   `json:"feeds"`
}

type apiFeedLinks struct {
	Atom     string `json:"atom"`
	Calendar string `json:"calendar"`
	Evidence string `json:"evidence,omitempty"`
}

// apiMilestone is a milestone as it is stored, with its state on the day
// when it is given within its commitment.
type apiMilestone struct {
	ID                uint           `json:"id"`
	CommitmentID      uint           `json:"commitment_id"`
	Ref               string         `json:"ref"`
	ParentID          *uint          `json:"parent_id"`
	Title             apiText        `json:"title"`
	Start             model.Date     `json:"start"`
	Due               model.Date     `json:"due"`
	Status            string         `json:"status"`
	StatusKey         string         `json:"status_key,omitempty"`   // the status in the plan's own scale
	StatusLabel       apiText        `json:"status_label,omitempty"` // its words
	DueText           apiText        `json:"due_text,omitempty"`     // the deadline as the plan words it
	CompletedOn       model.Date     `json:"completed_on"`
	Weight            float64        `json:"weight"`
	Evidence          []apiLink      `json:"evidence"`
	Note              string         `json:"note"`
	ResponsibleAgency *apiAgencyRef  `json:"responsible_agency"`
	OtherAgencies     []apiAgencyRef `json:"other_agencies"` // also responsible for it
	ScheduleState     string         `json:"schedule_state,omitempty"`
	Version           int            `json:"version"`
	UpdatedAt         time.Time      `json:"updated_at"`
}

func apiMilestoneOf(m *model.Milestone, agency *model.Agency, state model.ScheduleState, words *model.StatusStep) apiMilestone {
	out := apiMilestone{ID: m.ID, CommitmentID: m.CommitmentID, Ref: m.Ref, ParentID: m.ParentID, Title: apiTextOf(m.Title),
		Start: m.Start, Due: m.Due, Status: string(m.Status), CompletedOn: m.CompletedOn, Weight: m.Weight,
		Evidence: apiLinksOf(m.Evidence), Note: m.Note, ResponsibleAgency: apiAgencyRefOf(agency), ScheduleState: string(state),
		Version: m.Version, UpdatedAt: m.UpdatedAt.UTC(), OtherAgencies: []apiAgencyRef{}}
	if words != nil {
		out.StatusKey, out.StatusLabel = words.Key, apiTextOf(words.Label)
	}
	if !m.DueText.IsEmpty() {
		out.DueText = apiTextOf(m.DueText)
	}
	for i := range m.OtherAgencies {
		out.OtherAgencies = append(out.OtherAgencies, *apiAgencyRefOf(&m.OtherAgencies[i]))
	}
	return out
}

// apiChange is an entry of the record of changes.
type apiChange struct {
	ID       uint               `json:"id"`
	At       time.Time          `json:"at"`
	Door     string             `json:"door"`
	Actor    string             `json:"actor"`
	Entity   string             `json:"entity"`
	EntityID uint               `json:"entity_id"`
	Ref      string             `json:"ref"`
	Action   string             `json:"action"`
	Fields   model.FieldChanges `json:"fields"`
	HTML     string             `json:"html"`
}

func apiChangeOf(ch *model.Change) apiChange {
	return apiChange{ID: ch.ID, At: ch.At.UTC(), Door: string(ch.Door), Actor: ch.Actor, Entity: string(ch.Entity),
		EntityID: ch.EntityID, Ref: ch.Ref, Action: string(ch.Action), Fields: ch.Fields, HTML: fmt.Sprintf("/changes/%d", ch.ID)}
}

// apiList is a page of a list, with links to the pages either side.
type apiList[T any] struct {
	Items []T        `json:"items"`
	Total int        `json:"total"`
	Links apiListNav `json:"links"`
}

type apiListNav struct {
	Self string  `json:"self"`
	Prev *string `json:"prev"`
	Next *string `json:"next"`
}

// apiDay is the day the API judges schedules on, as the pages do (?asof=).
func (s *Server) apiDay(c *gin.Context) (time.Time, bool) {
	asOf, err := s.asOf(c)
	if err != nil {
		s.failAPI(c, &apiError{status: 400, detail: "asof must be a day such as 2023-06-30",
			fields: []fieldProblem{{Field: "asof", Detail: "is not a day such as 2023-06-30"}}})
		return time.Time{}, false
	}
	return asOf, true
}

func (s *Server) apiPlans(c *gin.Context) {
	plans, err := s.store.ListPlans(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiList[apiPlan]{Items: make([]apiPlan, len(plans)), Total: len(plans), Links: apiListNav{Self: apiPrefix + "/plans"}}
	for i := range plans {
		out.Items[i] = apiPlanOf(&plans[i])
	}
	s.sendJSON(c, 200, out, "")
}

func (s *Server) apiPlan(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, ok := s.apiDay(c)
	if !ok {
		return
	}
	p, err := s.store.FindPlanByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	themes, err := s.store.FindThemes(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.store.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: id})
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.assess(c, cs, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiPlanOf(p)
	out.Themes = make([]apiTheme, len(themes))
	for i, t := range themes {
		out.Themes[i] = apiTheme{ID: t.ID, Number: t.Number, Name: apiTextOf(t.Name)}
	}
	sum := summarise(rows)
	out.Progress = &apiProgress{Commitments: sum.Commitments, Overall: sum.Progress, States: map[string]int{}}
	for _, st := range model.ScheduleStates {
		out.Progress.States[string(st)] = sum.Count(st)
	}
	s.sendJSON(c, 200, out, "")
}

// apiCommitments is the list of commitments with the filters, order and
// pages of the /commitments page (parseListQuery, findListPage).
func (s *Server) apiCommitments(c *gin.Context) {
	ctx := c.Request.Context()
	q, err := parseListQuery(c.Request.URL.Query())
	if err != nil {
		s.failAPI(c, &apiError{status: 400, detail: "A filter has a value the list cannot mean; see /api/openapi.json for the values each takes."})
		return
	}
	asOf, ok := s.apiDay(c)
	if !ok {
		return
	}
	plan, err := s.listPlan(ctx, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.findListPage(c, q, plan, asOf, c.GetString(langKey))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiList[apiCommitment]{Items: make([]apiCommitment, len(res.Rows)), Total: res.Matched,
		Links: apiListNav{Self: q.urlAt(apiPrefix+"/commitments", q.Page)}}
	for i := range res.Rows {
		out.Items[i] = apiCommitmentOf(&res.Rows[i].C, res.Rows[i].A)
	}
	if q.Page > 1 {
		u := q.urlAt(apiPrefix+"/commitments", q.Page-1)
		out.Links.Prev = &u
	}
	if q.Page < res.Pages {
		u := q.urlAt(apiPrefix+"/commitments", q.Page+1)
		out.Links.Next = &u
	}
	var link string
	if out.Links.Prev != nil {
		link = "<" + *out.Links.Prev + `>; rel="prev"`
	}
	if out.Links.Next != nil {
		if link != "" {
			link += ", "
		}
		link += "<" + *out.Links.Next + `>; rel="next"`
	}
	if link != "" {
		c.Header("Link", link)
	}
	s.sendJSON(c, 200, out, "")
}

// apiHistoryLimit is how many entries of its record of changes a
// commitment's answer carries, the most recent; history_total counts all.
const apiHistoryLimit = 200

func (s *Server) apiCommitment(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, ok := s.apiDay(c)
	if !ok {
		return
	}
	out, err := s.commitmentDetail(c, id, asOf, apiHistoryLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendJSON(c, 200, out, "")
}

// commitmentDetail is a commitment as its own address gives it, judged on
// asOf, with the latest history entries of its record of changes.
func (s *Server) commitmentDetail(c *gin.Context, id uint, asOf time.Time, history int) (apiCommitmentDetail, error) {
	ctx := c.Request.Context()
	d, err := s.store.FindCommitmentDetail(ctx, id, asOf)
	if err != nil {
		return apiCommitmentDetail{}, err
	}
	changes, total, err := s.store.FindChanges(ctx, store.ChangeFilter{CommitmentID: id, Limit: history})
	if err != nil {
		return apiCommitmentDetail{}, err
	}
	cm, ms, a := d.Commitment, d.Milestones, d.Assessment
	out := apiCommitmentDetail{apiCommitment: apiCommitmentOf(cm, a), Description: apiTextOf(cm.Description), Problem: apiTextOf(cm.Problem),
		Objective: apiTextOf(cm.Objective), Values: []string(cm.Values), PolicyAreas: []string(cm.PolicyAreas), IRM: cm.IRM,
		SourceURL: cm.SourceURL, AsOf: model.DayOf(asOf), HistoryTotal: total,
		SupportingAgencies: make([]apiAgencyRef, len(cm.SupportingAgencies)), Milestones: make([]apiMilestone, len(ms)),
		History: make([]apiChange, len(changes)),
		Feeds: apiFeedLinks{Atom: fmt.Sprintf("/feed.atom?commitment=%d", id), Calendar: fmt.Sprintf("/calendar.ics?commitment=%d", id),
			Evidence: fmt.Sprintf("%s/commitments/%d/evidence", apiPrefix, id)}}
	if out.Values == nil {
		out.Values = []string{}
	}
	if out.PolicyAreas == nil {
		out.PolicyAreas = []string{}
	}
	for i := range cm.SupportingAgencies {
		out.SupportingAgencies[i] = *apiAgencyRefOf(&cm.SupportingAgencies[i])
	}
	for i := range ms {
		m := &ms[i]
		out.Milestones[i] = apiMilestoneOf(m, m.ResponsibleAgency(cm), a.Milestones[m.ID], planWords(cm, m))
	}
	for i := range changes {
		out.History[i] = apiChangeOf(&changes[i])
	}
	return out, nil
}

func (s *Server) apiAgencies(c *gin.Context) {
	as, err := s.store.FindAgencies(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiList[apiAgency]{Items: make([]apiAgency, len(as)), Total: len(as), Links: apiListNav{Self: apiPrefix + "/agencies"}}
	for i := range as {
		out.Items[i] = *apiAgencyOf(&as[i])
	}
	s.sendJSON(c, 200, out, "")
}

// apiDueMilestone is a milestone of the list of what is due: a leaf, with
// its commitment and the days left to its due date.
type apiDueMilestone struct {
	apiMilestone
	Commitment apiCommitmentRef `json:"commitment"`
	DaysLeft   *int             `json:"days_left"`
}

type apiCommitmentRef struct {
	ID     uint    `json:"id"`
	PlanID uint    `json:"plan_id"`
	Code   string  `json:"code"`
	Title  apiText `json:"title"`
	HTML   string  `json:"html"`
}

// dueQuery is what the list of milestones and the calendar select: a
// plan (the current one when none), an agency, or one commitment.
type dueQuery struct {
	Plan, Agency, Commitment uint
}

// parseDueQuery reads plan, agency and commitment ids; a value that is not
// an id is named as a field problem.
func parseDueQuery(v url.Values) (dueQuery, []fieldProblem) {
	var q dueQuery
	var bad []fieldProblem
	for _, f := range []struct {
		name string
		to   *uint
	}{{"plan", &q.Plan}, {"agency", &q.Agency}, {"commitment", &q.Commitment}} {
		if s := v.Get(f.name); s != "" {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil || n == 0 {
				bad = append(bad, fieldProblem{Field: f.name, Detail: "is not an id"})
			}
			*f.to = uint(n)
		}
	}
	return q, bad
}

// dueMilestones lists the leaf milestones q selects, judged on asOf, in
// plan order, in full: those of one commitment, or of a plan (the current
// one when none), optionally only those an agency answers for.
func (s *Server) dueMilestones(c *gin.Context, q dueQuery, asOf time.Time) ([]dueItem, error) {
	ctx := c.Request.Context()
	f := store.CommitmentFilter{}
	var only *model.Commitment
	if q.Commitment != 0 {
		cm, err := s.store.FindCommitmentByID(ctx, q.Commitment)
		if err != nil {
			return nil, err
		}
		only, f.PlanID = cm, cm.PlanID
	} else {
		plan, err := s.store.FindPlanOrHome(ctx, q.Plan)
		if err != nil {
			return nil, err
		}
		f.PlanID = plan.ID
	}
	if q.Agency != 0 {
		if _, err := s.store.FindAgencyByID(ctx, q.Agency); err != nil {
			return nil, err
		}
	}
	cs, err := s.store.FindCommitmentSummaries(ctx, f)
	if err != nil {
		return nil, err
	}
	if only != nil {
		for i := range cs {
			if cs[i].ID == only.ID {
				cs = cs[i : i+1]
				break
			}
		}
	}
	rows, err := s.assess(c, cs, asOf)
	if err != nil {
		return nil, err
	}
	items, err := s.dueItems(ctx, rows, model.Midnight(asOf))
	if err != nil {
		return nil, err
	}
	if q.Agency != 0 {
		items = answeredBy(items, q.Agency)
	}
	return items, s.detail(ctx, items)
}

// apiMilestones answers "what is due, and by whom?": the leaf milestones
// of a plan (?plan=, the current one by default), of an agency (?agency=)
// or of a commitment (?commitment=), due before a day (?due_before=) or
// after one (?due_after=), in plan order.
func (s *Server) apiMilestones(c *gin.Context) {
	q, bad := parseDueQuery(c.Request.URL.Query())
	var before, after model.Date
	for _, f := range []struct {
		name string
		to   *model.Date
	}{{"due_before", &before}, {"due_after", &after}} {
		if v := c.Query(f.name); v != "" {
			d, err := model.ParseDate(v)
			if err != nil || d.MonthOnly() {
				bad = append(bad, fieldProblem{Field: f.name, Detail: "is not a day such as 2023-06-30"})
			}
			*f.to = d
		}
	}
	if len(bad) > 0 {
		s.failAPI(c, &apiError{status: 400, detail: "A parameter is not valid.", fields: bad})
		return
	}
	asOf, ok := s.apiDay(c)
	if !ok {
		return
	}
	items, err := s.dueMilestones(c, q, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	today := model.Midnight(asOf)
	out := apiList[apiDueMilestone]{Items: []apiDueMilestone{}, Links: apiListNav{Self: c.Request.URL.RequestURI()}}
	for _, it := range items {
		due := it.M.Due
		// A month-precision date is due at the end of its month.
		if !before.IsZero() && (due.IsZero() || !due.Last(time.UTC).Before(before.First(time.UTC))) {
			continue
		}
		if !after.IsZero() && (due.IsZero() || !due.Last(time.UTC).After(after.Last(time.UTC))) {
			continue
		}
		d := apiDueMilestone{apiMilestone: apiMilestoneOf(it.M, it.Agency, it.State, it.Words),
			Commitment: apiCommitmentRef{ID: it.C.ID, PlanID: it.C.PlanID, Code: it.C.Code, Title: apiTextOf(it.C.Title),
				HTML: fmt.Sprintf("/commitments/%d", it.C.ID)}}
		if !due.IsZero() {
			left := daysBetween(today, due.Last(today.Location()))
			d.DaysLeft = &left
		}
		out.Items = append(out.Items, d)
	}
	out.Total = len(out.Items)
	s.sendJSON(c, 200, out, "")
}

// apiMilestone is one milestone as stored, with its version: the ETag is
// the version, which If-Match of a PATCH names.
func (s *Server) apiMilestone(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.store.FindMilestoneByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendJSON(c, 200, apiMilestoneOf(m, m.ResponsibleAgency(m.Commitment), "", planWords(m.Commitment, m)), milestoneETag(m))
}

// milestoneETag is the ETag of a milestone's own answer: its version
// counts every change of what the answer holds.
func milestoneETag(m *model.Milestone) string {
	return fmt.Sprintf("milestone-%d-v%d", m.ID, m.Version)
}

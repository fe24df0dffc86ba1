package web

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// agencyPage is an agency's scorecard: what it leads and supports, how its
// milestones stand, and whom to ask. Its three lists come in pages of
// listPageSize, each paged on its own; the counts cover everything the
// agency answers for.
type agencyPage struct {
	Page
	Agency     *model.Agency
	AsOf       model.Date
	Led        agencyList[commitmentRow]
	Supported  agencyList[commitmentRow]
	Milestones []model.StateCount // the milestones it is responsible for, by schedule state
	Total      int                // how many milestones it is responsible for
	Overdue    agencyList[agencyMilestone]
	LastUpdate time.Time
	Contacts   []model.Contact
	FollowUps  []model.FollowUp // the forum's follow-up items it owns, tracked first
	// Questions: how the agency kept the promise to answer the public.
	Questions store.QuestionStats
}

// agencyList is one page of a list on the agency's page, with the links to
// its other pages.
type agencyList[T any] struct {
	Rows     []T
	Count    int // in the whole list
	From, To int // the places shown, 1-based
	Pages    []pageLink
	Prev     string
	Next     string
}

type agencyMilestone struct {
	M     model.Milestone
	C     *model.Commitment
	Words *model.StatusStep // its status in the plan's own scale
}

// agencyTally is the order the scorecard counts milestones in; the four
// first are always shown, the others only when some milestone is in them.
var agencyTally = []model.ScheduleState{model.StateOverdue, model.StateDueSoon, model.StateOnTrack, model.StateComplete,
	model.StateNotCompleted, model.StateInProgress, model.StateNotStarted, model.StateUnknown, model.StateCancelled}

// agencyLists are the agency page's lists, as their anchors and the
// parameters that page them ("led_page"), in the page's order.
var agencyLists = []string{"overdue", "led", "supported"}

// agencyQuery is what a visitor asks of an agency's page: the page of
// each list, and the day and language kept in its links.
type agencyQuery struct {
	ID    uint
	Pages map[string]int // by agencyLists name, 1-based
	AsOf  string
	Lang  string
}

// parseAgencyQuery reads the page of each list; one that is not a page
// number is a bad request, as on the list of commitments.
func parseAgencyQuery(id uint, v url.Values) (agencyQuery, error) {
	q := agencyQuery{ID: id, Pages: map[string]int{}, AsOf: v.Get("asof"), Lang: v.Get("lang")}
	for _, list := range agencyLists {
		n, ok := parsePage(v.Get(list + "_page"))
		if !ok {
			return q, errBadRequest
		}
		q.Pages[list] = n
	}
	return q, nil
}

// url is the address of the agency's page with page n of list, the other
// lists where they were, at the list.
func (q agencyQuery) url(list string, n int) string {
	v := url.Values{}
	for _, l := range agencyLists {
		page := q.Pages[l]
		if l == list {
			page = n
		}
		if page > 1 {
			v.Set(l+"_page", strconv.Itoa(page))
		}
	}
	if q.AsOf != "" {
		v.Set("asof", q.AsOf)
	}
	if q.Lang != "" {
		v.Set("lang", q.Lang)
	}
	u := "/agencies/" + strconv.FormatUint(uint64(q.ID), 10)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u + "#" + list
}

// pageOfList places the visitor's page of list among count items and
// links the others; a page past the last is not found.
func pageOfList[T any](q agencyQuery, list string, count int) (agencyList[T], int, int, error) {
	from, to, pages, err := pageOf(q.Pages[list], count)
	if err != nil {
		return agencyList[T]{}, 0, 0, err
	}
	l := agencyList[T]{Count: count, From: from + 1, To: to}
	l.Pages, l.Prev, l.Next = pagination(q.Pages[list], pages, func(n int) string { return q.url(list, n) })
	return l, from, to, nil
}

func (s *Server) showAgency(c *gin.Context) {
	ctx := c.Request.Context()
	id, asOf, ok := s.recordAndDay(c)
	if !ok {
		return
	}
	q, err := parseAgencyQuery(id, c.Request.URL.Query())
	if err != nil {
		s.fail(c, err)
		return
	}
	ag, err := s.store.FindAgencyByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := agencyPage{Page: s.page(c), Agency: ag, AsOf: model.DayOf(asOf)}
	if err := s.judgeAgency(c, q, asOf, &data); err != nil {
		s.fail(c, err)
		return
	}
	// The contacts who held their role on the page's day, like its schedule.
	if data.Contacts, err = s.store.FindActiveContacts(ctx, id, model.DayOf(asOf)); err != nil {
		s.fail(c, err)
		return
	}
	fs, err := s.store.FindFollowUps(ctx, store.FollowUpFilter{AgencyID: id})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, open := range []bool{true, false} {
		for _, f := range fs {
			if f.IsOpen() == open {
				data.FollowUps = append(data.FollowUps, f)
			}
		}
	}
	if data.Questions, err = s.store.FindQuestionStats(ctx, store.QuestionFilter{AgencyID: id}); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "agencies/show", data)
}

// judgeAgency judges every milestone the agency answers for, to count them
// by state and find those overdue, and reads in full only what the pages
// of its lists show. It reads what concerns the agency alone, not the
// plans of its commitments: after a change, an agency of many plans
// would otherwise read them all again.
func (s *Server) judgeAgency(c *gin.Context, q agencyQuery, asOf time.Time, data *agencyPage) error {
	ctx := c.Request.Context()
	share, err := s.store.FindAgencyCommitments(ctx, q.ID)
	if err != nil {
		return err
	}
	led, ledFrom, ledTo, err := pageOfList[commitmentRow](q, "led", len(share.Led))
	if err != nil {
		return err
	}
	supported, supportedFrom, supportedTo, err := pageOfList[commitmentRow](q, "supported", len(share.Supported))
	if err != nil {
		return err
	}
	shownLed, shownSupported := share.Led[ledFrom:ledTo], share.Supported[supportedFrom:supportedTo]
	planIDs := make([]uint, 0, len(share.Milestones)+len(shownLed)+len(shownSupported))
	leads := make(map[uint]bool, len(share.Led))
	for _, o := range share.Led {
		leads[o.ID] = true
	}
	for _, own := range [][]store.CommitmentOutline{share.Led, share.Supported} {
		for _, o := range own {
			if o.ProgressAt != nil {
				data.LastUpdate = later(data.LastUpdate, *o.ProgressAt)
			}
		}
	}
	for _, m := range share.Milestones {
		planIDs = append(planIDs, m.PlanID)
	}
	for _, o := range slices.Concat(shownLed, shownSupported) {
		planIDs = append(planIDs, o.PlanID)
	}
	plans, err := s.store.PlanTerms(ctx, planIDs)
	if err != nil {
		return err
	}

	// Each leaf it answers for, judged on its own: a leaf's state needs
	// nothing else of its commitment (model.LeafState).
	type overdueMilestone struct {
		m   *store.AgencyMilestone
		due time.Time
	}
	var overdue []overdueMilestone
	counts := map[model.ScheduleState]int{}
	for i := range share.Milestones {
		am := &share.Milestones[i]
		if !am.Leaf {
			continue
		}
		// Schedules leave out the lead agency and the other agencies; which
		// milestones the agency answers for only asks whether it is this one.
		cm := model.Commitment{ID: am.CommitmentID, PlanID: am.PlanID}
		if leads[am.CommitmentID] {
			cm.LeadAgencyID = &q.ID
		}
		m := am.Milestone()
		if am.Named {
			m.OtherAgencies = []model.Agency{{ID: q.ID}}
		}
		if !m.AnswersFor(q.ID, &cm) {
			continue
		}
		st := model.LeafState(plans[am.PlanID], &m, asOf)
		counts[st]++
		data.Total++
		if st == model.StateOverdue {
			overdue = append(overdue, overdueMilestone{m: am, due: m.Due.Last(s.location)})
		}
		data.LastUpdate = later(data.LastUpdate, m.LastProgress())
	}
	for i, st := range agencyTally {
		if i < 4 || counts[st] > 0 {
			data.Milestones = append(data.Milestones, model.StateCount{State: st, Count: counts[st]})
		}
	}
	// The most overdue first, then by plan, commitment and place.
	slices.SortFunc(overdue, func(a, b overdueMilestone) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(a.m.PlanID, b.m.PlanID), cmp.Compare(a.m.CommitmentID, b.m.CommitmentID),
			cmp.Compare(a.m.Position, b.m.Position), cmp.Compare(a.m.ID, b.m.ID))
	})
	late, lateFrom, lateTo, err := pageOfList[agencyMilestone](q, "overdue", len(overdue))
	if err != nil {
		return err
	}
	overdue = overdue[lateFrom:lateTo]

	// In full: the rows shown, judged on all their milestones, and the
	// commitments of the overdue milestones shown.
	var shown []uint
	for _, o := range slices.Concat(shownLed, shownSupported) {
		shown = append(shown, o.ID)
	}
	schedules, err := s.store.FindMilestoneSchedulesOf(ctx, shown)
	if err != nil {
		return err
	}
	milestoneIDs := make([]uint, len(overdue))
	for i, od := range overdue {
		milestoneIDs[i] = od.m.ID
		if !slices.Contains(shown, od.m.CommitmentID) {
			shown = append(shown, od.m.CommitmentID)
		}
	}
	// What the tables show of them; their plans, whose status words the
	// overdue milestones are shown in, are the terms already read.
	full, err := s.store.FindCommitmentSummariesByID(ctx, shown)
	if err != nil {
		return err
	}
	byID := make(map[uint]*model.Commitment, len(full))
	for i := range full {
		full[i].Plan = plans[full[i].PlanID]
		byID[full[i].ID] = &full[i]
	}
	rows := func(outlines []store.CommitmentOutline) (out []commitmentRow) {
		for _, o := range outlines {
			if cm := byID[o.ID]; cm != nil { // nil: deleted since its outline was read
				out = append(out, commitmentRow{C: *cm, A: model.Assess(plans[cm.PlanID], cm, schedules[cm.ID], asOf)})
			}
		}
		return out
	}
	led.Rows, supported.Rows = rows(shownLed), rows(shownSupported)
	milestones, err := s.store.FindMilestonesByID(ctx, milestoneIDs)
	if err != nil {
		return err
	}
	for _, od := range overdue {
		m, cm := milestones[od.m.ID], byID[od.m.CommitmentID]
		if m == nil || cm == nil { // deleted since its schedule was read
			continue
		}
		late.Rows = append(late.Rows, agencyMilestone{M: *m, C: cm, Words: planWords(cm, m)})
	}
	data.Led, data.Supported, data.Overdue = led, supported, late
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

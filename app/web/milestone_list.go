package web

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// upcomingDays is how far ahead the lists of what is due next look.
const upcomingDays = 60

// milestonesPage answers "what is late, and what is due next?" for a plan,
// optionally for one agency: every overdue milestone, the open ones due in
// the next upcomingDays days, and a month's calendar.
type milestonesPage struct {
	Page
	Plan     *model.Plan
	Plans    []model.Plan
	Agency   *model.Agency   // nil: every agency
	Agencies []*model.Agency // those answering for the plan's milestones or leading its commitments
	AsOf     model.Date
	Query    milestonesQuery
	Days     int
	Overdue  []dueItem
	Upcoming []dueItem
	Calendar calendar
}

// milestonesQuery is what the page's address asks for; it builds the links
// that change one thing and keep the rest.
type milestonesQuery struct {
	Plan, Agency uint   // 0: the home plan; every agency
	AsOf, Month  string // as given ("" when not), already checked
}

// URL is the milestones page with these parameters, fragment added after #.
func (q milestonesQuery) URL(fragment string) string {
	v := make([]string, 0, 4)
	if q.Plan != 0 {
		v = append(v, "plan="+strconv.FormatUint(uint64(q.Plan), 10))
	}
	if q.Agency != 0 {
		v = append(v, "agency="+strconv.FormatUint(uint64(q.Agency), 10))
	}
	if q.AsOf != "" {
		v = append(v, "asof="+url.QueryEscape(q.AsOf))
	}
	if q.Month != "" {
		v = append(v, "month="+url.QueryEscape(q.Month))
	}
	u := "/milestones"
	for i, p := range v {
		if i == 0 {
			u += "?" + p
		} else {
			u += "&" + p
		}
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// WithoutAgency is the same page for every agency.
func (q milestonesQuery) WithoutAgency() string { q.Agency = 0; return q.URL("") }

// dueItem is a milestone on a list of what is late or due next: a leaf
// milestone with its commitment, the agency that answers for it, and its
// state on the day as model.Assess judged it.
type dueItem struct {
	M        *model.Milestone
	C        *model.Commitment
	AgencyID *uint
	Agency   *model.Agency
	State    model.ScheduleState
	Words    *model.StatusStep // its status in the plan's own scale
	Left     int               // days from the day to the last day the milestone is due; negative once late
}

// Late is how many days the milestone is past its due date.
func (d dueItem) Late() int { return -d.Left }

// dueItems lists the leaf milestones of assessed commitments in plan order,
// each with the days left to its due date as of today (midnight) and the
// agency answering for it, those that milestones name read in one query.
// The milestones are the rows' schedules: detail reads in full the few a
// page lists.
func (s *Server) dueItems(ctx context.Context, rows []commitmentRow, today time.Time) ([]dueItem, error) {
	var ids []uint
	seen := map[uint]bool{}
	for i := range rows {
		for _, m := range rows[i].Milestones {
			if m.AgencyID != nil && !seen[*m.AgencyID] {
				seen[*m.AgencyID] = true
				ids = append(ids, *m.AgencyID)
			}
		}
	}
	agencies, err := s.store.FindAgenciesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for i := range rows {
		r := &rows[i]
		for _, m := range model.Leaves(r.Milestones) {
			it := dueItem{M: m, C: &r.C, AgencyID: m.ResponsibleAgencyID(&r.C), Agency: r.C.LeadAgency,
				State: r.A.Milestones[m.ID], Words: planWords(&r.C, m)}
			if m.AgencyID != nil {
				it.Agency = agencies[*m.AgencyID]
			}
			if !m.Due.IsZero() {
				it.Left = daysBetween(today, m.Due.Last(today.Location()))
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// detail gives the items of lists a page shows their milestones in full,
// read in one query, in place of the schedules they were judged on.
func (s *Server) detail(ctx context.Context, lists ...[]dueItem) error {
	var ids []uint
	for _, items := range lists {
		for _, it := range items {
			ids = append(ids, it.M.ID)
		}
	}
	full, err := s.store.FindMilestonesByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, items := range lists {
		for i := range items {
			if m, ok := full[items[i].M.ID]; ok {
				items[i].M = m
			}
		}
	}
	return nil
}

// overdueItems are the overdue milestones, the longest overdue first.
func overdueItems(items []dueItem) []dueItem {
	var out []dueItem
	for _, it := range items {
		if it.State == model.StateOverdue {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Left < out[j].Left })
	return out
}

// upcomingItems are the open milestones due from today to upcomingDays
// days ahead, the soonest first.
func upcomingItems(items []dueItem) []dueItem {
	var out []dueItem
	for _, it := range items {
		switch it.State {
		case model.StateOverdue, model.StateComplete, model.StateCancelled, model.StateUnknown:
			continue
		}
		if !it.M.Due.IsZero() && it.Left >= 0 && it.Left <= upcomingDays {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Left < out[j].Left })
	return out
}

// answeredBy keeps the items agency id answers for.
func answeredBy(items []dueItem, id uint) []dueItem {
	var out []dueItem
	for _, it := range items {
		if it.AgencyID != nil && *it.AgencyID == id {
			out = append(out, it)
		}
	}
	return out
}

// daysBetween counts calendar days from a's day to b's day.
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// planAgencies lists the agencies of a plan's commitments and milestones:
// the leads and those answering for milestones, by name in the language.
func planAgencies(rows []commitmentRow, items []dueItem, t *i18n.Translator) []*model.Agency {
	seen := map[uint]bool{}
	var out []*model.Agency
	add := func(a *model.Agency) {
		if a != nil && !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	for i := range rows {
		add(rows[i].C.LeadAgency)
	}
	for _, it := range items {
		add(it.Agency)
	}
	sortByName(out, func(a *model.Agency) model.Text { return a.Name }, t)
	return out
}

// sortByName orders xs by a name in the page's language (see sortByText).
func sortByName[X any](xs []X, name func(X) model.Text, t *i18n.Translator) {
	sortByText(xs, func(x X) string { v, _ := name(x).Get(t.Lang); return v }, t.Lang) // not t.Text: sorting shows nothing
}

func (s *Server) listMilestones(c *gin.Context) {
	ctx := c.Request.Context()
	q, month, err := s.milestonesQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	plan, err := s.store.FindPlanOrHome(ctx, q.Plan)
	if err != nil {
		s.fail(c, err)
		return
	}
	var agency *model.Agency
	if q.Agency != 0 {
		if agency, err = s.store.FindAgencyByID(ctx, q.Agency); err != nil {
			s.fail(c, err)
			return
		}
	}
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	commitments, err := s.store.FindCommitmentSummaries(ctx, store.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.assess(c, commitments, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}

	pg := s.page(c)
	today := model.Midnight(asOf)
	all, err := s.dueItems(ctx, rows, today)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := all
	if agency != nil {
		items = answeredBy(all, agency.ID)
	}
	if month.IsZero() {
		month = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())
	}
	data := milestonesPage{Page: pg, Plan: plan, Plans: plans, Agency: agency, Agencies: planAgencies(rows, all, pg.T),
		AsOf: model.DayOf(asOf), Query: q, Days: upcomingDays,
		Overdue: overdueItems(items), Upcoming: upcomingItems(items),
		Calendar: newCalendar(pg.T, month, today, items, q)}
	shown := [][]dueItem{data.Overdue, data.Upcoming, data.Calendar.NoDay}
	for _, week := range data.Calendar.Weeks {
		for _, day := range week {
			shown = append(shown, day.Items)
		}
	}
	if err := s.detail(ctx, shown...); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, 200, "milestones/index", data)
}

// milestonesQuery reads and checks the page's parameters: a number that is
// not one, or a month that is not, is a bad request; a number that names
// no plan or agency is not found.
func (s *Server) milestonesQuery(c *gin.Context) (milestonesQuery, time.Time, error) {
	var q milestonesQuery
	id := func(name string) (uint, error) {
		v := c.Query(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		switch {
		case err != nil:
			return 0, errBadRequest
		case n == 0:
			return 0, errNotFound
		}
		return uint(n), nil
	}
	var err error
	if q.Plan, err = id("plan"); err != nil {
		return q, time.Time{}, err
	}
	if q.Agency, err = id("agency"); err != nil {
		return q, time.Time{}, err
	}
	q.AsOf = c.Query("asof") // checked by s.asOf
	var month time.Time
	if v := c.Query("month"); v != "" {
		d, err := model.ParseDate(v)
		if err != nil || !d.MonthOnly() {
			return q, time.Time{}, errBadRequest
		}
		q.Month = d.String()
		month = d.First(s.location)
	}
	return q, month, nil
}

// calendar is one month of due dates as a grid of weeks, Sunday first as
// calendars in Taiwan are.
type calendar struct {
	Title      string // the month in the page's language: "December 2021"
	Weekdays   []weekday
	Weeks      [][]calendarDay
	Count      int       // milestones due on a day of the month
	NoDay      []dueItem // due in the month with no day given
	Prev, Next calendarLink
}

type weekday struct{ Short, Full string }

type calendarDay struct {
	Day   int    // 0 for the cells before the 1st and after the last day
	Label string // the full date, for small screens where the grid is a list
	Items []dueItem
	Today bool
}

type calendarLink struct{ URL, Title string }

// monthTitle names a month in the page's language.
func monthTitle(t *i18n.Translator, m time.Time) string {
	return t.T(fmt.Sprintf("watch.month.%d", int(m.Month())), "Year", m.Year())
}

func newCalendar(t *i18n.Translator, month, today time.Time, items []dueItem, q milestonesQuery) calendar {
	cal := calendar{Title: monthTitle(t, month)}
	for d := range 7 {
		cal.Weekdays = append(cal.Weekdays, weekday{Short: t.T(fmt.Sprintf("watch.weekday.short.%d", d)),
			Full: t.T(fmt.Sprintf("watch.weekday.%d", d))})
	}
	byDay := map[int][]dueItem{}
	for _, it := range items {
		due := it.M.Due
		if due.Year != month.Year() || due.Month != int(month.Month()) {
			continue
		}
		if due.MonthOnly() {
			cal.NoDay = append(cal.NoDay, it)
		} else {
			byDay[due.Day] = append(byDay[due.Day], it)
			cal.Count++
		}
	}
	days := time.Date(month.Year(), month.Month()+1, 0, 0, 0, 0, 0, month.Location()).Day()
	week := make([]calendarDay, int(month.Weekday())) // blank cells before the 1st
	for d := 1; d <= days; d++ {
		date := model.Date{Year: month.Year(), Month: int(month.Month()), Day: d}
		wd := (int(month.Weekday()) + d - 1) % 7
		week = append(week, calendarDay{Day: d, Items: byDay[d], Today: date == model.DayOf(today),
			Label: t.T("watch.calendar.day", "Date", t.Date(date), "Weekday", cal.Weekdays[wd].Full)})
		if len(week) == 7 {
			cal.Weeks = append(cal.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		cal.Weeks = append(cal.Weeks, append(week, make([]calendarDay, 7-len(week))...))
	}
	link := func(m time.Time) calendarLink {
		if m.Year() < 1900 || m.Year() > 2200 { // beyond the dates the tracker reads
			return calendarLink{}
		}
		q.Month = model.Date{Year: m.Year(), Month: int(m.Month())}.String()
		return calendarLink{URL: q.URL("calendar"), Title: monthTitle(t, m)}
	}
	cal.Prev, cal.Next = link(month.AddDate(0, -1, 0)), link(month.AddDate(0, 1, 0))
	return cal
}

package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// listPageSize is how many commitments a page of the list shows.
const listPageSize = 50

// listQuery is what a visitor asks of the list of commitments, read from
// the query string; every filter lives in the URL so that a view can be
// shared. The parameter names are the ones the JSON API will take too.
type listQuery struct {
	Plan       string // "" for the tracker's current plan, "all", or a plan id
	PlanID     uint
	ThemeID    uint
	AgencyID   uint                // leads or supports
	Completion string              // "", "unassessed" or a derived model.Completion
	State      model.ScheduleState // "" for any
	Value      model.OGPValue      // "" for any
	Area       string              // a policy area tag
	Q          string              // words to look for
	Sort       string              // a listSortKeys key, "-" first for descending
	Page       int                 // 1-based
	AsOf       string              // YYYY-MM-DD, checked by Server.asOf
	Lang       string              // kept in links, chosen by the language middleware
}

// listSortKeys are the orders the list offers; "code" is the plan's own.
var listSortKeys = []string{"code", "title", "progress", "state", "end", "updated"}

// listCompletions are the completion levels progress can be placed at
// (model.Assessment.CompletionLevel), as they are written in the URL.
var listCompletions = []string{"unassessed", string(model.CompletionNotStarted), string(model.CompletionLimited),
	string(model.CompletionSubstantial), string(model.CompletionComplete)}

// maxListWords bounds the text a search may send to the database.
const maxListWords = 200

// parseListQuery reads and checks the query string: a value the list
// cannot mean is errBadRequest, never a guess. Empty parameters, which a
// submitted form sends for every control left alone, do not filter.
func parseListQuery(v url.Values) (listQuery, error) {
	q := listQuery{Plan: v.Get("plan"), Completion: v.Get("completion"), State: model.ScheduleState(v.Get("state")),
		Value: model.OGPValue(v.Get("value")), Area: strings.TrimSpace(v.Get("area")), Q: strings.TrimSpace(v.Get("q")),
		Sort: v.Get("sort"), AsOf: v.Get("asof"), Lang: v.Get("lang"), Page: 1}
	bad := false
	id := func(name string) uint {
		s := v.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 {
			bad = true
		}
		return uint(n)
	}
	if q.Plan != "all" {
		q.PlanID = id("plan")
	}
	q.ThemeID, q.AgencyID = id("theme"), id("agency")
	if n, ok := parsePage(v.Get("page")); ok {
		q.Page = n
	} else {
		bad = true
	}
	if q.Completion != "" && !slices.Contains(listCompletions, q.Completion) ||
		q.State != "" && !slices.Contains(model.ScheduleStates, q.State) ||
		q.Value != "" && !slices.Contains(model.OGPValues, q.Value) ||
		q.Sort != "" && !slices.Contains(listSortKeys, strings.TrimPrefix(q.Sort, "-")) ||
		utf8.RuneCountInString(q.Q) > maxListWords || utf8.RuneCountInString(q.Area) > maxListWords {
		bad = true
	}
	if bad {
		return q, errBadRequest
	}
	if q.Sort == "code" {
		q.Sort = ""
	}
	return q, nil
}

// Filtered reports whether anything narrows the list within its plan.
func (q listQuery) Filtered() bool {
	return q.ThemeID != 0 || q.AgencyID != 0 || q.Completion != "" || q.State != "" || q.Value != "" || q.Area != "" || q.Q != ""
}

// url is the address of page n of this view, with every parameter that
// differs from its default, so that links keep the filters.
func (q listQuery) url(page int) string { return q.urlAt("/commitments", page) }

// urlAt is the address of page n of this view at path: the page or the API.
func (q listQuery) urlAt(path string, page int) string {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" {
			v.Set(name, value)
		}
	}
	id := func(n uint) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatUint(uint64(n), 10)
	}
	if q.Plan == "all" {
		set("plan", "all")
	} else {
		set("plan", id(q.PlanID))
	}
	set("theme", id(q.ThemeID))
	set("agency", id(q.AgencyID))
	set("completion", q.Completion)
	set("state", string(q.State))
	set("value", string(q.Value))
	set("area", q.Area)
	set("q", q.Q)
	set("sort", q.Sort)
	set("asof", q.AsOf)
	set("lang", q.Lang)
	if page > 1 {
		set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// commitmentListPage is the list of commitments: the form that filters
// it, one page of matches, and links to the other pages.
type commitmentListPage struct {
	Page
	Query    listQuery
	Plan     *model.Plan // nil when listing every plan
	AsOf     model.Date
	Rows     []commitmentRow
	Matched  int // commitments matching the filters
	Total    int // commitments in the plan (or every plan)
	From, To int // the places shown on this page, 1-based
	Pages    []pageLink
	Prev     string
	Next     string
	Dropped  bool // the theme asked for is not one of the plan's, so it was let go
	Clear    string

	PlanChoices []choiceGroup // every plan, by member, after "every plan"
	Selects     []listSelect  // the other filters, in the form's order
	Sort        listSelect
}

// listSelect is one select of the filter form, with a hint when it needs one.
type listSelect struct {
	Name, Label, Hint string
	Choices           []choice
}

// choiceGroup is a labelled group of choices (an optgroup).
type choiceGroup struct {
	Label, Lang string
	Choices     []choice
}

// choice is one option of a select; Lang is set when its label is in
// another language than the page.
type choice struct {
	Value, Label, Lang string
	Selected           bool
}

// pageLink is one entry of the pagination: a page, or a gap between pages.
type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// listRow is a commitment the list considers, judged on the day.
type listRow struct {
	O     *store.CommitmentOutline
	A     model.Assessment
	title []byte // the title's collation key, when sorting by title
}

// derivedSorts are the orders that need every candidate judged.
var derivedSorts = []string{"progress", "state", "updated"}

func (s *Server) listCommitments(c *gin.Context) {
	ctx := c.Request.Context()
	q, err := parseListQuery(c.Request.URL.Query())
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := commitmentListPage{Page: s.page(c), AsOf: model.DayOf(asOf), Clear: "/commitments"}
	if data.Plan, err = s.listPlan(ctx, q); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.listForm(c, &data, &q); err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.findListPage(c, q, data.Plan, asOf, data.Lang)
	if err != nil {
		s.fail(c, err)
		return
	}
	data.Rows, data.Matched, data.Total = res.Rows, res.Matched, res.Total
	data.From, data.To = res.From+1, res.To
	data.Query = q
	data.Pages, data.Prev, data.Next = pagination(q.Page, res.Pages, q.url)
	s.render(c, 200, "commitments/index", data)
}

// listPlan is the plan a list query is about: the chosen plan or the
// tracker's current one; nil for every plan, and for an empty tracker,
// which lists every plan, that is none.
func (s *Server) listPlan(ctx context.Context, q listQuery) (*model.Plan, error) {
	if q.Plan == "all" {
		return nil, nil
	}
	p, err := s.store.FindPlanOrHome(ctx, q.PlanID)
	if q.PlanID == 0 && errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// listResult is one page of the commitments a list query selects, judged
// on the day: what the page of the list and the API's list both show.
type listResult struct {
	Rows     []commitmentRow // in full, with their plan, theme and lead agency
	Matched  int             // commitments matching the filters
	Total    int             // commitments in the plan (or every plan)
	From, To int             // the places of Rows among the matches, 0-based, To excluded
	Pages    int
}

// findListPage finds page q.Page of the commitments of plan (nil: every
// plan) that q selects, in its order, titles compared in lang; a page
// past the last is not found.
func (s *Server) findListPage(c *gin.Context, q listQuery, plan *model.Plan, asOf time.Time, lang string) (listResult, error) {
	ctx := c.Request.Context()
	var res listResult
	var planID uint
	if plan != nil {
		planID = plan.ID
	}
	// Filter in SQL what SQL can. Only a derived filter or order needs
	// every candidate judged; otherwise the page is cut first, and only its
	// commitments are judged. Either way their milestones come at once.
	sortKey := strings.TrimPrefix(q.Sort, "-")
	outlines, err := s.store.FindCommitmentOutlines(ctx, store.CommitmentFilter{PlanID: planID, ThemeID: q.ThemeID,
		AgencyID: q.AgencyID, Value: q.Value, PolicyArea: q.Area, Query: q.Q}, sortKey == "title")
	if err != nil {
		return res, err
	}
	rows := make([]listRow, len(outlines))
	for i := range outlines {
		rows[i].O = outlines[i]
	}
	judgeAll := q.State != "" || q.Completion != "" || slices.Contains(derivedSorts, sortKey)
	if judgeAll {
		if rows, err = s.judge(c, rows, asOf, q); err != nil {
			return res, err
		}
	}
	sortListRows(rows, q.Sort, lang)

	res.Matched = len(rows)
	if res.From, res.To, res.Pages, err = pageOf(q.Page, len(rows)); err != nil {
		return res, err
	}
	shown := rows[res.From:res.To]
	if !judgeAll {
		if shown, err = s.judge(c, shown, asOf, q); err != nil {
			return res, err
		}
	}
	ids := make([]uint, len(shown))
	judged := make(map[uint]model.Assessment, len(shown))
	for i, r := range shown {
		ids[i], judged[r.O.ID] = r.O.ID, r.A
	}
	full, err := s.store.FindCommitmentsByID(ctx, ids)
	if err != nil {
		return res, err
	}
	for _, cm := range full {
		res.Rows = append(res.Rows, commitmentRow{C: cm, A: judged[cm.ID]})
	}
	total, err := s.store.CountCommitments(ctx, planID)
	res.Total = int(total)
	return res, err
}

// judge assesses rows on asOf, with all their milestones read at once
// (store.FindMilestoneSchedules), and keeps those in the completion level
// and schedule state q asks for.
func (s *Server) judge(c *gin.Context, rows []listRow, asOf time.Time, q listQuery) ([]listRow, error) {
	ids, planIDs := make([]store.CommitmentInPlan, len(rows)), make([]uint, len(rows))
	for i, r := range rows {
		ids[i], planIDs[i] = store.CommitmentInPlan{ID: r.O.ID, PlanID: r.O.PlanID}, r.O.PlanID
	}
	schedules, err := s.store.FindMilestoneSchedules(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	plans, err := s.store.PlanTerms(c.Request.Context(), planIDs)
	if err != nil {
		return nil, err
	}
	kept := rows[:0]
	for _, r := range rows {
		cm := r.O.Commitment()
		r.A = model.Assess(plans[cm.PlanID], &cm, schedules[cm.ID], asOf)
		if q.State != "" && r.A.State != q.State || q.Completion != "" && completionParam(r.A.CompletionLevel()) != q.Completion {
			continue
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// listForm fills the choices of the filter form: every plan, the plan's
// themes, the agencies that lead or support its commitments, the derived
// completion levels and schedule states, and the OGP values and policy
// areas its commitments carry. An agency that does not exist is a bad
// request; one that is not in the plan stays chosen and matches nothing.
// A theme belongs to one plan: after the plan is changed in the form, the
// old plan's theme is let go (q.ThemeID is cleared) and the page says so.
func (s *Server) listForm(c *gin.Context, data *commitmentListPage, q *listQuery) error {
	ctx := c.Request.Context()
	T := data.T
	var planID uint
	if data.Plan != nil {
		planID = data.Plan.ID
	}
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		return err
	}
	data.PlanChoices = []choiceGroup{{Choices: []choice{{Value: "all", Label: T.T("list.plan.all"), Selected: data.Plan == nil}}}}
	for _, g := range groupByJurisdiction(plans) {
		group := choiceGroup{}
		group.Label, group.Lang = shownIn(T.Text(g.Jurisdiction))
		for _, p := range g.Plans {
			ch := choice{Value: strconv.FormatUint(uint64(p.ID), 10), Selected: p.ID == planID}
			ch.Label, ch.Lang = shownIn(T.Text(p.Title))
			group.Choices = append(group.Choices, ch)
		}
		data.PlanChoices = append(data.PlanChoices, group)
	}

	if data.Plan != nil {
		themes, err := s.store.FindThemes(ctx, planID)
		if err != nil {
			return err
		}
		sel := listSelect{Name: "theme", Label: T.T("list.theme"), Choices: []choice{{Label: T.T("list.theme.any")}}}
		found := q.ThemeID == 0
		for _, t := range themes {
			ch := choice{Value: strconv.FormatUint(uint64(t.ID), 10), Selected: t.ID == q.ThemeID}
			ch.Label, ch.Lang = shownIn(T.Text(t.Name))
			ch.Label = T.T("theme.number", "Number", t.Number) + " " + ch.Label
			found = found || ch.Selected
			sel.Choices = append(sel.Choices, ch)
		}
		if len(themes) > 0 {
			data.Selects = append(data.Selects, sel)
		}
		if !found {
			q.ThemeID, data.Dropped = 0, true
		}
	} else if q.ThemeID != 0 {
		q.ThemeID, data.Dropped = 0, true
	}

	// Across every plan, the agencies of hundreds of members would make a
	// select nobody can use and a page of 800 choices: the tracker's own
	// member's agencies are offered, and a plan's agencies once it is chosen.
	sel := listSelect{Name: "agency", Label: T.T("list.agency")}
	planIDs := []uint{planID}
	if data.Plan == nil {
		home, err := s.store.FindHomePlan(ctx)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		planIDs = []uint{}
		if home != nil {
			for _, p := range plans {
				if p.JurisdictionCode == home.JurisdictionCode {
					planIDs = append(planIDs, p.ID)
				}
			}
			member, _ := shownIn(T.Text(home.Jurisdiction))
			sel.Hint = T.T("list.agency.member", "Member", member)
		}
	}
	agencies, err := s.store.FindCommitmentAgencies(ctx, planIDs, q.AgencyID)
	if err != nil {
		return err
	}
	found := q.AgencyID == 0
	for i := range agencies {
		a := &agencies[i]
		// The full name, as the table of results writes it.
		ch := choice{Value: strconv.FormatUint(uint64(a.ID), 10), Selected: a.ID == q.AgencyID}
		ch.Label, ch.Lang = shownIn(T.Text(a.Name))
		ch.Label = shorten(ch.Label, maxOptionRunes)
		found = found || ch.Selected
		sel.Choices = append(sel.Choices, ch)
	}
	if !found {
		return errBadRequest
	}
	sortByText(sel.Choices, func(c choice) string { return c.Label }, data.Lang)
	sel.Choices = append([]choice{{Label: T.T("list.agency.any")}}, sel.Choices...)
	data.Selects = append(data.Selects, sel)

	sel = listSelect{Name: "completion", Label: T.T("list.completion"), Choices: []choice{{Label: T.T("list.completion.any")}}}
	for _, v := range listCompletions {
		label := T.T("list.completion.unassessed")
		if v != "unassessed" {
			label = T.T("completion." + v)
		}
		sel.Choices = append(sel.Choices, choice{Value: v, Label: label, Selected: v == q.Completion})
	}
	data.Selects = append(data.Selects, sel)
	sel = listSelect{Name: "state", Label: T.T("list.state"), Choices: []choice{{Label: T.T("list.state.any")}}}
	for _, st := range model.ScheduleStates {
		sel.Choices = append(sel.Choices, choice{Value: string(st), Label: T.T("state." + string(st)), Selected: st == q.State})
	}
	data.Selects = append(data.Selects, sel)

	values, areas, err := s.store.FindCommitmentTags(ctx, planID)
	if err != nil {
		return err
	}
	if q.Value != "" && !slices.Contains(values, q.Value) {
		values = append(values, q.Value)
	}
	if q.Area != "" && !slices.Contains(areas, q.Area) {
		areas = append(areas, q.Area)
	}
	// Only the values and areas some commitment carries: the demo plan has none.
	if len(values) > 0 {
		sel = listSelect{Name: "value", Label: T.T("list.value"), Choices: []choice{{Label: T.T("list.value.any")}}}
		for _, v := range values {
			sel.Choices = append(sel.Choices, choice{Value: string(v), Label: T.T("value." + string(v)), Selected: v == q.Value})
		}
		data.Selects = append(data.Selects, sel)
	}
	if len(areas) > 0 {
		// Policy areas are OGP's English tags.
		sel = listSelect{Name: "area", Label: T.T("list.area"), Choices: []choice{{Label: T.T("list.area.any")}}}
		for _, a := range areas {
			ch := choice{Value: a, Label: a, Selected: a == q.Area}
			if data.Lang != "en" {
				ch.Lang = "en"
			}
			sel.Choices = append(sel.Choices, ch)
		}
		data.Selects = append(data.Selects, sel)
	}

	data.Sort = listSelect{Name: "sort", Label: T.T("list.sort")}
	for _, k := range listSortKeys {
		for _, v := range []string{k, "-" + k} {
			label := T.T("list.sort." + k)
			if v[0] == '-' {
				label = T.T("list.sort." + k + ".desc")
			}
			data.Sort.Choices = append(data.Sort.Choices, choice{Value: v, Label: label,
				Selected: v == q.Sort || v == "code" && q.Sort == ""})
		}
	}
	return nil
}

// shownIn is a text's value and, when it falls back to another language
// than the page's, that language.
func shownIn(s i18n.Shown) (value, lang string) {
	if s.Fallback {
		return s.Value, s.Lang
	}
	return s.Value, ""
}

// maxOptionRunes keeps a choice readable and the page light: imported
// agency names sometimes list a dozen bodies in one name.
const maxOptionRunes = 60

// shorten cuts s to n characters, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// completionParam is how a completion level is written in the URL.
func completionParam(c model.Completion) string {
	if c == model.CompletionUnassessed {
		return "unassessed"
	}
	return string(c)
}

// sortListRows orders rows, which come in code order, by sort: a
// listSortKeys key, "-" first for descending. Rows with nothing to compare
// (no progress, no end date, no schedule, no update) come last either way;
// ties keep code order.
func sortListRows(rows []listRow, sort, lang string) {
	desc := strings.HasPrefix(sort, "-")
	key := strings.TrimPrefix(sort, "-")
	if key == "title" {
		titles := make([]string, len(rows))
		for i := range rows {
			titles[i], _ = rows[i].O.Title.Get(lang)
		}
		for i, k := range collationKeys.keysOf(lang, titles) {
			rows[i].title = k
		}
	}
	empty := func(r *listRow) bool {
		switch key {
		case "progress":
			return r.A.Progress == nil
		case "state":
			return r.A.State == model.StateUnknown
		case "end":
			return r.O.End.IsZero()
		case "updated":
			return r.A.LastUpdate.IsZero()
		}
		return false
	}
	compare := func(a, b *listRow) int {
		switch key {
		case "title":
			return bytes.Compare(a.title, b.title)
		case "progress":
			return cmp.Compare(*a.A.Progress, *b.A.Progress)
		case "state":
			return slices.Index(model.ScheduleStates, a.A.State) - slices.Index(model.ScheduleStates, b.A.State)
		case "end":
			return a.O.End.Last(time.UTC).Compare(b.O.End.Last(time.UTC))
		case "updated":
			return a.A.LastUpdate.Compare(b.A.LastUpdate)
		}
		return 0
	}
	if key == "" || key == "code" {
		if desc {
			slices.Reverse(rows)
		}
		return
	}
	slices.SortStableFunc(rows, func(a, b listRow) int {
		ea, eb := empty(&a), empty(&b)
		switch {
		case ea || eb:
			return cmp.Compare(b2i(ea), b2i(eb))
		case desc:
			return compare(&b, &a)
		}
		return compare(&a, &b)
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parsePage reads a page number from the query string, 1 when there is
// none; anything but a whole number from 1 is not a page (false).
func parsePage(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1
}

// pageOf places page number (1-based) of a list of n items, listPageSize
// a page: the items it shows, from and to (0-based, to excluded), and how
// many pages there are. An empty list has one page, empty; a page past
// the last is not found.
func pageOf(number, n int) (from, to, pages int, err error) {
	pages = max((n+listPageSize-1)/listPageSize, 1)
	if number > pages {
		return 0, 0, pages, errNotFound
	}
	return (number - 1) * listPageSize, min(number*listPageSize, n), pages, nil
}

// pagination links the pages of a view, url giving each page's address:
// the first and last, and the two either side of the current one, with
// gaps between. The partial "list_pages" shows them.
func pagination(current, pages int, url func(page int) string) (links []pageLink, prev, next string) {
	if pages <= 1 {
		return nil, "", ""
	}
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-2 || n > current+2) {
			if !links[len(links)-1].Gap {
				links = append(links, pageLink{Gap: true})
			}
			continue
		}
		links = append(links, pageLink{Number: n, URL: url(n), Current: n == current})
	}
	if current > 1 {
		prev = url(current - 1)
	}
	if current < pages {
		next = url(current + 1)
	}
	return links, prev, next
}

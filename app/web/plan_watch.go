package web

import (
	"sort"
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
)

const (
	// watchListMax is how many milestones the plan overview lists before
	// "see all" sends the reader to the milestones page.
	watchListMax = 10
	// recentMax is how many recently updated commitments it lists.
	recentMax = 5
	// staleDays: a commitment with no update for longer is stale.
	staleDays = 90
)

// planWatch is what the plan overview shows of what is late and what is
// due next: each agency at a glance, the overdue and upcoming milestones,
// and the commitments updated lately or not for a long time.
type planWatch struct {
	Days, StaleDays int
	Agencies        []agencyGlance
	Overdue         []dueItem // the longest overdue first, at most watchListMax
	OverdueTotal    int
	OverdueURL      string
	Upcoming        []dueItem // the soonest first, at most watchListMax
	UpcomingTotal   int
	UpcomingURL     string
	PageURL         string          // the milestones page of the plan: every list and the calendar
	Recent          []commitmentRow // the most recently updated first
	Stale           []commitmentRow // the longest without an update first
}

// agencyGlance is one agency's line in the plan overview; Agency is nil
// for the commitments and milestones no agency is recorded for.
type agencyGlance struct {
	Agency     *model.Agency
	Led        int // commitments it leads
	Overdue    int // milestones it answers for that are overdue
	Upcoming   int // open milestones due in the next upcomingDays days
	LastUpdate time.Time
	OverdueURL string // its overdue milestones on the milestones page
}

// newPlanWatch builds the plan overview's watchlists from the commitments
// it already assessed and their dueItems; asofParam is the page's ?asof=,
// kept in its links.
func newPlanWatch(t *i18n.Translator, p *model.Plan, rows []commitmentRow, items []dueItem, asOf time.Time, asofParam string) planWatch {
	today := model.Midnight(asOf)
	overdue, upcoming := overdueItems(items), upcomingItems(items)
	q := milestonesQuery{Plan: p.ID, AsOf: asofParam}
	w := planWatch{Days: upcomingDays, StaleDays: staleDays,
		Overdue: overdue[:min(len(overdue), watchListMax)], OverdueTotal: len(overdue), OverdueURL: q.URL("overdue"),
		Upcoming: upcoming[:min(len(upcoming), watchListMax)], UpcomingTotal: len(upcoming), UpcomingURL: q.URL("upcoming"),
		PageURL: q.URL("")}

	// Agencies at a glance: the same rule as the agency page (the agency a
	// milestone names, else the commitment's lead), the key 0 for neither.
	glance := map[uint]*agencyGlance{}
	line := func(id *uint, a *model.Agency) *agencyGlance {
		var key uint
		if id != nil {
			key = *id
		}
		g, ok := glance[key]
		if !ok {
			g = &agencyGlance{Agency: a}
			if key != 0 {
				aq := q
				aq.Agency = key
				g.OverdueURL = aq.URL("overdue")
			}
			glance[key] = g
		}
		return g
	}
	for i := range rows {
		g := line(rows[i].C.LeadAgencyID, rows[i].C.LeadAgency)
		g.Led++
		if rows[i].C.ProgressAt != nil {
			g.LastUpdate = later(g.LastUpdate, *rows[i].C.ProgressAt)
		}
	}
	for _, it := range items {
		g := line(it.AgencyID, it.Agency)
		g.LastUpdate = later(g.LastUpdate, it.M.LastProgress())
	}
	for _, it := range overdue {
		line(it.AgencyID, it.Agency).Overdue++
	}
	for _, it := range upcoming {
		line(it.AgencyID, it.Agency).Upcoming++
	}
	var known []*agencyGlance
	for key, g := range glance {
		if key != 0 && g.Agency != nil {
			known = append(known, g)
		}
	}
	sortByName(known, func(g *agencyGlance) model.Text { return g.Agency.Name }, t)
	// Most overdue first, then most due soon: the question is what is late.
	sort.SliceStable(known, func(i, j int) bool {
		if known[i].Overdue != known[j].Overdue {
			return known[i].Overdue > known[j].Overdue
		}
		return known[i].Upcoming > known[j].Upcoming
	})
	for _, g := range known {
		w.Agencies = append(w.Agencies, *g)
	}
	if g, ok := glance[0]; ok {
		w.Agencies = append(w.Agencies, *g) // none recorded: last, and said so
	}

	// Recently updated, and stale: no progress update for staleDays days
	// as of the day, or none ever. A complete commitment needs no more
	// updates, nor does any of a plan that has ended.
	for _, r := range rows {
		if !r.A.LastUpdate.IsZero() {
			w.Recent = append(w.Recent, r)
		}
	}
	sort.SliceStable(w.Recent, func(i, j int) bool { return w.Recent[i].A.LastUpdate.After(w.Recent[j].A.LastUpdate) })
	w.Recent = w.Recent[:min(len(w.Recent), recentMax)]
	cutoff := today.AddDate(0, 0, -staleDays)
	for _, r := range rows {
		if r.A.State != model.StateComplete && !r.A.Ended && r.A.LastUpdate.Before(cutoff) {
			w.Stale = append(w.Stale, r)
		}
	}
	sort.SliceStable(w.Stale, func(i, j int) bool { return w.Stale[i].A.LastUpdate.Before(w.Stale[j].A.LastUpdate) })
	return w
}

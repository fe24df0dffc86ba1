package transfer

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// sortDataset puts every list in identifier order, so that the same data
// always serialises to the same bytes. Policy areas and values keep the
// order they were given in: it is the source's own order.
func sortDataset(ds *model.Dataset) {
	slices.SortFunc(ds.Agencies, func(a, b model.AgencyRecord) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Organisations, func(a, b model.OrganisationRecord) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Contacts, func(a, b model.ContactRecord) int { return compareRefs(a.Ref, b.Ref) })
	slices.SortFunc(ds.Plans, func(a, b model.PlanRecord) int { return compareRefs(a.Ref, b.Ref) })
	for i := range ds.Plans {
		p := &ds.Plans[i]
		slices.SortFunc(p.Themes, func(a, b model.ThemeRecord) int { return cmp.Compare(a.Number, b.Number) })
		slices.SortFunc(p.Commitments, func(a, b model.CommitmentRecord) int { return compareRefs(a.Ref, b.Ref) })
		for j := range p.Commitments {
			c := &p.Commitments[j]
			slices.Sort(c.SupportingAgencies)
			slices.Sort(c.CoLeads)
			slices.Sort(c.Partners)
			sortMilestones(c.Milestones)
		}
	}
}

func sortMilestones(ms []model.MilestoneRecord) {
	slices.SortFunc(ms, func(a, b model.MilestoneRecord) int { return compareRefs(a.Ref, b.Ref) })
	for i := range ms {
		sortMilestones(ms[i].Children)
	}
}

// compareRefs orders identifiers the way people number things: runs of
// digits by their value, so "2" < "10" and "3.2" < "3.10"; ties such as
// "01" and "1" fall back to byte order, so the order is total.
func compareRefs(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		dx, dy := digitRun(x), digitRun(y)
		if dx == 0 || dy == 0 {
			if x[0] != y[0] {
				return cmp.Compare(x[0], y[0])
			}
			x, y = x[1:], y[1:]
			continue
		}
		nx, ny := strings.TrimLeft(x[:dx], "0"), strings.TrimLeft(y[:dy], "0")
		if c := cmp.Or(cmp.Compare(len(nx), len(ny)), strings.Compare(nx, ny)); c != 0 {
			return c
		}
		x, y = x[dx:], y[dy:]
	}
	return cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(a, b))
}

// digitRun is the length of the run of ASCII digits at the start of s.
func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

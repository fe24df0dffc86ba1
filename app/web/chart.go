package web

import (
	"math"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// Charts are drawn on the server as inline SVG, no script. Their geometry
// is computed here in percent of the chart's width, so that bars stretch
// with the page while text and patterns keep their size from 320 px up;
// the markup is in templates/partials/chart.html. Every chart has a text
// equivalent with the same numbers, and every state a pattern and a word.

// stackedBar is one bar divided into parts side by side, each as wide as
// its share of the total: how many commitments are in each state, at a glance.
type stackedBar struct {
	Total int
	Parts []barPart
}

// barPart is one part of a stacked bar.
type barPart struct {
	Key     string              // names the part's pattern: url(#cp-KEY)
	State   model.ScheduleState // set for a schedule state, shown with its icon and word
	Msg     string              // the message naming any other part
	Count   int
	Percent int     // share of the total in whole percent; the parts add up to 100
	X, W    float64 // left edge and width, in percent of the bar
	Mid     float64 // centre, where its count is written
	Label   bool    // wide enough to carry its count inside
}

// minLabelWidth is the narrowest part, in percent, that shows its count
// inside the bar: two digits still fit at 320 px.
const minLabelWidth = 8

// newStackedBar places the parts side by side. Edges are rounded from the
// running total, so the parts meet exactly and fill the whole bar; the
// percentages are rounded by largest remainder, so they add up to 100.
func newStackedBar(parts []barPart) stackedBar {
	b := stackedBar{Parts: parts}
	for _, p := range parts {
		b.Total += p.Count
	}
	if b.Total == 0 {
		return b
	}
	run := 0
	for i := range b.Parts {
		p := &b.Parts[i]
		left := round2(float64(run) * 100 / float64(b.Total))
		run += p.Count
		p.X, p.W = left, round2(round2(float64(run)*100/float64(b.Total))-left)
		p.Mid = round2(left + p.W/2)
		p.Label = p.Count > 0 && p.W >= minLabelWidth
	}
	counts := make([]int, len(parts))
	for i, p := range parts {
		counts[i] = p.Count
	}
	for i, pct := range wholePercents(counts, b.Total) {
		b.Parts[i].Percent = pct
	}
	return b
}

// stateBar draws counts of schedule states in the order given.
func stateBar(counts []model.StateCount) stackedBar {
	parts := make([]barPart, len(counts))
	for i, sc := range counts {
		parts[i] = barPart{Key: string(sc.State), State: sc.State, Count: sc.Count}
	}
	return newStackedBar(parts)
}

// completionLevels are the steps of OGP's completion scale a derived
// assessment can reach (withdrawal is the IRM's word, never derived).
var completionLevels = []model.Completion{model.CompletionUnassessed, model.CompletionNotStarted,
	model.CompletionLimited, model.CompletionSubstantial, model.CompletionComplete}

// levelBar counts the commitments at each step of the completion scale,
// every step shown, even when no commitment is on it.
func levelBar(rows []commitmentRow) stackedBar {
	counts := map[model.Completion]int{}
	for _, r := range rows {
		counts[r.A.CompletionLevel()]++
	}
	parts := make([]barPart, len(completionLevels))
	for i, l := range completionLevels {
		key, msg := string(l), "completion."+string(l)
		if l == model.CompletionUnassessed {
			key, msg = "unassessed", "chart.level.unassessed"
		}
		parts[i] = barPart{Key: key, Msg: msg, Count: counts[l]}
	}
	return newStackedBar(parts)
}

// wholePercents rounds each count's share of total to whole percents that
// add up to 100: the largest remainders get the points left over.
func wholePercents(counts []int, total int) []int {
	out := make([]int, len(counts))
	if total == 0 {
		return out
	}
	left := 100
	rem := make([]int, len(counts)) // remainders in units of 1/total percent
	for i, c := range counts {
		out[i] = c * 100 / total
		rem[i] = c * 100 % total
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := -1
		for i, r := range rem {
			if counts[i] > 0 && (best < 0 || r > rem[best]) {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// progressBar is one theme's progress: a bar against 100 %.
type progressBar struct {
	ID          uint // 0 for the commitments without a theme
	Number      int
	Name        model.Text
	Commitments int
	Percent     int     // whole percent, -1 when nothing can be measured
	W           float64 // bar width in percent of the track
}

// barWidth is value as a share of max in percent, held within the track.
func barWidth(value, max float64) float64 {
	if max <= 0 || value <= 0 {
		return 0
	}
	return round2(math.Min(value/max, 1) * 100)
}

// planCharts are the plan overview's charts.
type planCharts struct {
	States stackedBar // commitments by schedule state
	Levels stackedBar // commitments by completion level
	Themes []progressBar
}

// newPlanCharts builds the plan overview's charts from its assessed
// commitments and their grouping by theme.
func newPlanCharts(rows []commitmentRow, themes []themeGroup) planCharts {
	pc := planCharts{States: stateBar(summarise(rows).States), Levels: levelBar(rows)}
	for _, g := range themes {
		p := summarise(g.Rows).Percent()
		pc.Themes = append(pc.Themes, progressBar{ID: g.ID, Number: g.Number, Name: g.Name,
			Commitments: len(g.Rows), Percent: p, W: barWidth(float64(p), 100)})
	}
	return pc
}

// timeline draws a commitment's milestones against its period: one row
// per milestone from its start to its due date, year ticks, and a line
// for the day the page judges schedules on.
type timeline struct {
	From, To model.Date // the months the axis covers
	Years    []yearTick
	Rows     []timelineRow
	Undated  []timelineRow // milestones without any date: listed, never drawn
	Today    todayLine
	Height   int // of the drawing, in pixels
}

// yearTick marks where a year begins; its label sits in the middle of the
// part of that year the axis shows.
type yearTick struct {
	Year  int
	X     float64 // the tick: 1 January, or the axis's left edge
	Mid   float64 // the label's centre
	Label bool    // false when the year's part is too narrow to name
}

// timelineRow is one milestone on the timeline. A milestone with both
// dates is a bar; with only one, a mark on that date.
type timelineRow struct {
	Ref        string
	Title      model.Text
	State      model.ScheduleState
	Start, Due model.Date
	X, W       float64 // bar, in percent; W is 0 for a mark at X
	LabelY     int     // baseline of the row's words
	BarY       int     // top of the bar
	MarkY      int     // centre of a mark
}

// todayLine is the day the page judges schedules on.
type todayLine struct {
	Day   model.Date
	X     float64
	Where int // -1 before the axis, 0 on it, 1 after it
	// Anchor places the label: "start" reads rightwards from the line, "end"
	// leftwards, "middle" centres it, so that it stays inside the chart.
	Anchor string
	Y      int // baseline of its label
}

// Timeline layout in pixels: the year labels, then each row's words above its bar,
// then the today label.
const (
	axisHeight   = 24
	rowHeight    = 34
	barHeight    = 12
	todayHeight  = 24
	minYearLabel = 7 // percent of the width a year's number needs, its unnamed neighbours included
	maxYearNames = 8 // beyond this many years, only every few are named
)

// newTimeline lays out the milestones of c (in page order) on the axis of
// the commitment's period, or its plan's, widened to every milestone's dates;
// dates are read in asOf's location.
func newTimeline(c *model.Commitment, ms []milestoneRow, asOf time.Time) timeline {
	loc := asOf.Location()
	var from, to time.Time // to is exclusive: the day after the last day covered
	widen := func(d model.Date) {
		if d.IsZero() {
			return
		}
		if first := d.First(loc); from.IsZero() || first.Before(from) {
			from = first
		}
		if next := d.Last(loc).AddDate(0, 0, 1); next.After(to) {
			to = next
		}
	}
	start, end := c.Start, c.End
	if start.IsZero() && end.IsZero() && c.Plan != nil {
		start, end = c.Plan.Start, c.Plan.End
	}
	widen(start)
	widen(end)
	tl := timeline{Today: todayLine{Day: model.DayOf(asOf)}}
	for _, m := range ms {
		widen(m.M.Start)
		widen(m.M.Due)
	}
	if from.IsZero() {
		for _, m := range ms {
			tl.Undated = append(tl.Undated, timelineRow{Ref: m.M.Ref, Title: m.M.Title, State: m.State})
		}
		return tl
	}
	// Whole months: the axis starts on the 1st and ends after a month's last day.
	from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc)
	if to.Day() != 1 {
		to = time.Date(to.Year(), to.Month()+1, 1, 0, 0, 0, 0, loc)
	}
	tl.From = model.Date{Year: from.Year(), Month: int(from.Month())}
	last := to.AddDate(0, 0, -1)
	tl.To = model.Date{Year: last.Year(), Month: int(last.Month())}
	span := to.Sub(from).Seconds()
	at := func(t time.Time) float64 { return round2(t.Sub(from).Seconds() / span * 100) }

	step := (last.Year() - from.Year() + maxYearNames) / maxYearNames
	for y := from.Year(); y <= last.Year(); y++ {
		left := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		if left.Before(from) {
			left = from
		}
		right := time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
		if right.After(to) {
			right = to
		}
		x, x2 := at(left), at(right)
		tl.Years = append(tl.Years, yearTick{Year: y, X: x, Mid: round2((x + x2) / 2),
			Label: (y-from.Year())%step == 0 && (x2-x)*float64(step) >= minYearLabel})
	}

	y := axisHeight
	for _, m := range ms {
		r := timelineRow{Ref: m.M.Ref, Title: m.M.Title, State: m.State, Start: m.M.Start, Due: m.M.Due}
		switch s, d := m.M.Start, m.M.Due; {
		case s.IsZero() && d.IsZero():
			tl.Undated = append(tl.Undated, r)
			continue
		case s.IsZero():
			r.X = at(d.Last(loc).AddDate(0, 0, 1))
		case d.IsZero():
			r.X = at(s.First(loc))
		default:
			r.X = at(s.First(loc))
			r.W = round2(at(d.Last(loc).AddDate(0, 0, 1)) - r.X)
		}
		r.LabelY, r.BarY, r.MarkY = y+14, y+18, y+18+barHeight/2
		tl.Rows = append(tl.Rows, r)
		y += rowHeight
	}
	tl.Height = y + todayHeight
	tl.Today.Y = y + 16

	switch {
	case asOf.Before(from):
		tl.Today.Where, tl.Today.X = -1, 0
	case !asOf.Before(to):
		tl.Today.Where, tl.Today.X = 1, 100
	default:
		tl.Today.X = at(asOf)
	}
	switch x := tl.Today.X; {
	case x < 100.0/3:
		tl.Today.Anchor = "start"
	case x > 200.0/3:
		tl.Today.Anchor = "end"
	default:
		tl.Today.Anchor = "middle"
	}
	return tl
}

// round2 keeps two decimals: enough for a pixel on any screen, and short markup.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

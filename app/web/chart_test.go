package web

import (
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

func counts(parts []barPart) []int {
	out := make([]int, len(parts))
	for i, p := range parts {
		out[i] = p.Count
	}
	return out
}

func barOf(n ...int) stackedBar {
	parts := make([]barPart, len(n))
	for i, c := range n {
		parts[i] = barPart{Key: "k", Count: c}
	}
	return newStackedBar(parts)
}

// checkBar asserts the parts' left edges, widths and percentages.
func checkBar(t *testing.T, b stackedBar, x, w []float64, pct []int) {
	t.Helper()
	for i, p := range b.Parts {
		if p.X != x[i] || p.W != w[i] || p.Percent != pct[i] {
			t.Errorf("part %d (count %d): x %v w %v %d%%, want x %v w %v %d%%", i, p.Count, p.X, p.W, p.Percent, x[i], w[i], pct[i])
		}
	}
}

func TestStackedBarPartsAreAsWideAsTheirShare(t *testing.T) {
	b := barOf(1, 2, 3, 4)
	if b.Total != 10 {
		t.Fatalf("total %d", b.Total)
	}
	checkBar(t, b, []float64{0, 10, 30, 60}, []float64{10, 20, 30, 40}, []int{10, 20, 30, 40})
	if b.Parts[1].Mid != 20 {
		t.Errorf("the second part's count is written at %v%%, want its centre 20%%", b.Parts[1].Mid)
	}
}

func TestStackedBarLeavesOutZeroCountsAndFillsTheBar(t *testing.T) {
	b := barOf(0, 5, 0, 15, 0)
	checkBar(t, b, []float64{0, 0, 25, 25, 100}, []float64{0, 25, 0, 75, 0}, []int{0, 25, 0, 75, 0})
	for i, p := range b.Parts {
		if p.Label != (p.Count > 0) {
			t.Errorf("part %d (count %d): label %v", i, p.Count, p.Label)
		}
	}
}

func TestStackedBarOfNothingDrawsNothing(t *testing.T) {
	b := barOf(0, 0, 0)
	if b.Total != 0 {
		t.Fatalf("total %d", b.Total)
	}
	checkBar(t, b, []float64{0, 0, 0}, []float64{0, 0, 0}, []int{0, 0, 0})
	if b := newStackedBar(nil); b.Total != 0 || len(b.Parts) != 0 {
		t.Errorf("no parts: %+v", b)
	}
}

func TestStackedBarOfASingleStateIsWhole(t *testing.T) {
	b := stateBar([]model.StateCount{{State: model.StateOverdue, Count: 7}})
	checkBar(t, b, []float64{0}, []float64{100}, []int{100})
	if p := b.Parts[0]; p.State != model.StateOverdue || p.Key != "overdue" || !p.Label {
		t.Errorf("part %+v", p)
	}
}

// Thirds: the widths meet exactly and the percentages add up to 100.
func TestStackedBarRoundsToAWhole(t *testing.T) {
	b := barOf(1, 1, 1)
	checkBar(t, b, []float64{0, 33.33, 66.67}, []float64{33.33, 33.34, 33.33}, []int{34, 33, 33})
	b = barOf(1, 5, 13) // 5.26 %, 26.32 %, 68.42 %
	checkBar(t, b, []float64{0, 5.26, 31.58}, []float64{5.26, 26.32, 68.42}, []int{5, 26, 69})
	if b.Parts[0].Label || !b.Parts[1].Label {
		t.Errorf("a part of 5 %% has no room for its count, one of 26 %% has: %v, %v", b.Parts[0].Label, b.Parts[1].Label)
	}
	for _, n := range [][]int{{1, 1, 1, 1, 1, 1, 1}, {3, 3, 3}, {1, 2, 3, 7, 11, 13, 17}, {999, 1}} {
		b := barOf(n...)
		sum := 0
		for _, p := range b.Parts {
			sum += p.Percent
		}
		last := b.Parts[len(b.Parts)-1]
		if sum != 100 || round2(last.X+last.W) != 100 {
			t.Errorf("%v: percentages add up to %d, bar ends at %v", n, sum, last.X+last.W)
		}
	}
}

func TestLevelBarPlacesCommitmentsOnOGPsScale(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	var rows []commitmentRow
	for _, progress := range []*float64{nil, nil, p(0), p(0.2), p(0.5), p(0.99), p(1)} {
		rows = append(rows, commitmentRow{A: model.Assessment{Progress: progress}})
	}
	b := levelBar(rows)
	want := []int{2, 1, 1, 2, 1}
	if got := counts(b.Parts); len(got) != len(want) {
		t.Fatalf("levels %v, want %v", got, want)
	}
	for i, part := range b.Parts {
		if part.Count != want[i] {
			t.Errorf("%s: %d, want %d", part.Key, part.Count, want[i])
		}
	}
	if b.Parts[0].Key != "unassessed" || b.Parts[0].Msg != "chart.level.unassessed" || b.Parts[2].Msg != "completion.limited" {
		t.Errorf("names: %+v", b.Parts)
	}
	// Every step is shown, even with nothing on it.
	if b := levelBar(nil); len(b.Parts) != 5 || b.Total != 0 {
		t.Errorf("no commitments: %+v", b)
	}
}

func TestBarWidthIsProportionalAndStaysOnTheTrack(t *testing.T) {
	for _, c := range []struct{ value, max, want float64 }{
		{42, 100, 42}, {0, 100, 0}, {-1, 100, 0}, {100, 100, 100}, {150, 100, 100}, {1, 3, 33.33}, {5, 0, 0},
	} {
		if got := barWidth(c.value, c.max); got != c.want {
			t.Errorf("barWidth(%v, %v) = %v, want %v", c.value, c.max, got, c.want)
		}
	}
}

var taipei = mustLocation("Asia/Taipei")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func ms(dates ...string) []milestoneRow {
	var rows []milestoneRow
	for i := 0; i+1 < len(dates); i += 2 {
		rows = append(rows, milestoneRow{M: model.Milestone{Ref: string(rune('1' + i/2)),
			Start: mustDate(dates[i]), Due: mustDate(dates[i+1])}, State: model.StateOnTrack})
	}
	return rows
}

func mustDate(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func at(day string) time.Time {
	return mustDate(day).First(taipei).Add(12 * time.Hour)
}

// The demo's period, January 2021 to May 2024 to the month: 1,247 days
// from 1 January 2021 to 1 June 2024.
var demoCommitment = &model.Commitment{Start: mustDate("2021-01"), End: mustDate("2024-05")}

const demoDays = 1247.0

func pct(days float64) float64 { return round2(days / demoDays * 100) }

func TestTimelineHonoursMonthPrecision(t *testing.T) {
	tl := newTimeline(demoCommitment, ms("2021-01", "2021-12", "2021-03-15", "2021-12-01", "2024-01", "2024-05"), at("2021-12-20"))
	if tl.From != mustDate("2021-01") || tl.To != mustDate("2024-05") {
		t.Errorf("axis %v to %v", tl.From, tl.To)
	}
	want := []struct{ x, w float64 }{
		{0, pct(365)},                     // the whole of 2021: December counts to its last day
		{pct(73), pct(334 - 73 + 1)},      // 15 March to 1 December, both days included
		{pct(1095), pct(demoDays - 1095)}, // January to May 2024: to the axis's end
	}
	for i, r := range tl.Rows {
		if r.X != want[i].x || r.W != want[i].w {
			t.Errorf("row %d: x %v w %v, want x %v w %v", i, r.X, r.W, want[i].x, want[i].w)
		}
	}
	if tl.Rows[0].BarY >= tl.Rows[1].BarY || tl.Height <= tl.Rows[2].BarY {
		t.Errorf("rows overlap: %+v, height %d", tl.Rows, tl.Height)
	}
}

func TestTimelineTodayLineBeforeInsideAndAfterThePeriod(t *testing.T) {
	for _, c := range []struct {
		day    string
		where  int
		x      float64
		anchor string
	}{
		{"2020-06-30", -1, 0, "start"},
		{"2021-01-01", 0, round2(0.5 / demoDays * 100), "start"},
		{"2021-12-20", 0, round2(353.5 / demoDays * 100), "start"},
		{"2023-01-15", 0, round2(744.5 / demoDays * 100), "middle"},
		{"2024-05-31", 0, round2(1246.5 / demoDays * 100), "end"},
		{"2024-06-01", 1, 100, "end"},
	} {
		tl := newTimeline(demoCommitment, ms("2021-01", "2021-12"), at(c.day))
		if got := tl.Today; got.Where != c.where || got.X != c.x || got.Anchor != c.anchor || got.Day != mustDate(c.day) {
			t.Errorf("as of %s: %+v, want where %d at %v anchored %s", c.day, got, c.where, c.x, c.anchor)
		}
	}
}

func TestTimelineYearTicks(t *testing.T) {
	tl := newTimeline(demoCommitment, ms("2021-01", "2021-12"), at("2021-12-20"))
	want := []yearTick{
		{2021, 0, round2(pct(365) / 2), true},
		{2022, pct(365), round2((pct(365) + pct(730)) / 2), true},
		{2023, pct(730), round2((pct(730) + pct(1095)) / 2), true},
		{2024, pct(1095), round2((pct(1095) + 100) / 2), true},
	}
	if len(tl.Years) != len(want) {
		t.Fatalf("years %+v", tl.Years)
	}
	for i := range want {
		if tl.Years[i] != want[i] {
			t.Errorf("year %d: %+v, want %+v", i, tl.Years[i], want[i])
		}
	}
	// A sliver of a year is ticked but not named; a long plan names every other year.
	tl = newTimeline(&model.Commitment{Start: mustDate("2021-12"), End: mustDate("2023-12")}, nil, at("2022-01-01"))
	if y := tl.Years[0]; y.Year != 2021 || y.Label {
		t.Errorf("December 2021 alone: %+v", y)
	}
	tl = newTimeline(&model.Commitment{Start: mustDate("2010-01"), End: mustDate("2029-12")}, nil, at("2022-01-01"))
	named := 0
	for _, y := range tl.Years {
		if y.Label {
			named++
		}
	}
	if len(tl.Years) != 20 || named != 7 {
		t.Errorf("twenty years: %d ticks, %d named", len(tl.Years), named)
	}
}

func TestTimelineDrawsOnlyTheDatesItHas(t *testing.T) {
	rows := ms("2021-01", "2021-12", "", "", "2022-01", "", "", "2022-06")
	tl := newTimeline(demoCommitment, rows, at("2021-12-20"))
	if len(tl.Rows) != 3 || len(tl.Undated) != 1 || tl.Undated[0].Ref != "2" {
		t.Fatalf("rows %+v, undated %+v", tl.Rows, tl.Undated)
	}
	if r := tl.Rows[1]; r.Ref != "3" || r.W != 0 || r.X != pct(365) {
		t.Errorf("start only: %+v, want a mark at 1 January 2022", r)
	}
	if r := tl.Rows[2]; r.Ref != "4" || r.W != 0 || r.X != pct(365+181) {
		t.Errorf("due only: %+v, want a mark at the end of June 2022", r)
	}
}

func TestTimelineAxisCoversEveryMilestone(t *testing.T) {
	// A milestone past the commitment's end widens the axis rather than being cut off.
	tl := newTimeline(&model.Commitment{Start: mustDate("2021-01"), End: mustDate("2021-12")}, ms("2021-06-10", "2022-03"), at("2021-12-20"))
	if tl.From != mustDate("2021-01") || tl.To != mustDate("2022-03") {
		t.Errorf("axis %v to %v", tl.From, tl.To)
	}
	if r := tl.Rows[0]; round2(r.X+r.W) != 100 {
		t.Errorf("the milestone ends at %v%%, want the axis's end", r.X+r.W)
	}
	// No dates on the commitment: the plan's period is the axis.
	c := &model.Commitment{Plan: &model.Plan{Start: mustDate("2020-09"), End: mustDate("2022-08")}}
	tl = newTimeline(c, ms("2021-01", "2021-12"), at("2021-12-20"))
	if tl.From != mustDate("2020-09") || tl.To != mustDate("2022-08") {
		t.Errorf("plan's axis %v to %v", tl.From, tl.To)
	}
	// Nothing dated at all: nothing drawn, every milestone listed.
	tl = newTimeline(&model.Commitment{}, ms("", "", "", ""), at("2021-12-20"))
	if len(tl.Rows) != 0 || len(tl.Undated) != 2 || tl.Height != 0 {
		t.Errorf("undated: %+v", tl)
	}
}

package web

import (
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
)

// The cells that public pages repeat (an agency, a progress bar, a
// schedule state, a last update), with their words and numbers ready for
// the partials that write them (partials/common.html, judge.html). Each
// partial reaches them through one function; the table of commitments
// prepares all its rows at once (commitmentLines): a plan of 200
// commitments took 20 ms and 60,000 allocations of template calls, dicts
// and lookups, more than half of making its page.

// agencyCell is an agency linking to its page, or the word for unknown.
type agencyCell struct {
	ID      uint // 0: unknown
	Name    i18n.Shown
	Unknown string
}

// progressCell is a percentage, or the word for nothing to measure.
type progressCell struct {
	P    int    // 0-100, or -1
	Text string // P as the language writes it, or the word for unknown
}

// stateCell is a schedule state as an icon and a word, never colour alone.
type stateCell struct {
	S     model.ScheduleState
	Icon  string
	Label string
}

// commitmentStateCell is a commitment's state, with the plan's end when
// the end left it not completed.
type commitmentStateCell struct {
	State stateCell
	Ended string // "ended on …", or ""
}

// updateCell is when something was last updated, or the word for never.
type updateCell struct {
	Text string // "" for never
	None string
}

// planCell is a plan linking to its page.
type planCell struct {
	ID    uint
	Title i18n.Shown
}

// dateCell is a date as the language writes it, with the plan's own
// wording of it beside; the wording alone; or the word for unknown.
type dateCell struct {
	Date     string     // "" when the plan gave no date
	Worded   string     // beside a date: the wording, as "worded as …" says it
	HasWords bool       // no date, but a wording
	Words    i18n.Shown // the wording alone
	Unknown  string
}

// statusCell is a milestone's status as the agency reported it: in the
// plan's own words, the tracker's beside them, or the tracker's alone.
type statusCell struct {
	S       model.MilestoneStatus
	Words   *i18n.Shown // the plan's word for it; nil: Label alone
	Label   string      // the tracker's word
	Tracker string      // beside the plan's word: "tracker: …"
}

// alsoCell is the agencies that answer for a milestone besides the first.
type alsoCell struct {
	Also     string
	Agencies []agencyCell
}

// dueLine is a row of a table of milestones due (partials/watch.html).
type dueLine struct {
	M          *model.Milestone
	C          *model.Commitment // with M, for milestone_code
	Due        dateCell
	Days       string
	Title      i18n.Shown
	Commitment i18n.Shown
	Agency     agencyCell
	Others     alsoCell
	Status     statusCell
}

// commitmentLine is a row of the table of commitments.
type commitmentLine struct {
	ID       uint
	Code     string
	Title    i18n.Shown
	Plan     *planCell // only where the table shows each commitment's plan
	Lead     agencyCell
	Progress progressCell
	State    commitmentStateCell
	Updated  updateCell
}

// cellWords makes cells in one language. Made for a table (newCellWords),
// it says each word and number once however many rows repeat it.
type cellWords struct {
	t        *i18n.Translator
	states   map[model.ScheduleState]stateCell
	percents map[int]string
	ended    map[model.Date]string
	words    map[string]string // messages without arguments, by id
	counted  map[countedWord]string
}

// countedWord is a message with a count, as "3 days late".
type countedWord struct {
	id string
	n  int
}

func newCellWords(t *i18n.Translator) *cellWords {
	return &cellWords{t: t, states: map[model.ScheduleState]stateCell{}, percents: map[int]string{},
		ended: map[model.Date]string{}, words: map[string]string{}, counted: map[countedWord]string{}}
}

// remember is m's value for k, or f's, which m keeps unless it is nil.
func remember[K comparable, V any](m map[K]V, k K, f func() V) V {
	v, ok := m[k]
	if !ok {
		v = f()
		if m != nil {
			m[k] = v
		}
	}
	return v
}

func (w *cellWords) word(id string) string {
	return remember(w.words, id, func() string { return w.t.T(id) })
}

// agency takes a *model.Agency or a model.Agency, as the pages hold them;
// nil or anything else is unknown.
func (w *cellWords) agency(a any) agencyCell { return w.agencyOr(a, "agency.unknown") }

// agencyOr is agency with the message unknown for an unknown agency.
func (w *cellWords) agencyOr(a any, unknown string) agencyCell {
	var ag *model.Agency
	switch a := a.(type) {
	case *model.Agency:
		ag = a
	case model.Agency:
		ag = &a
	}
	if ag == nil {
		return agencyCell{Unknown: w.word(unknown)}
	}
	return agencyCell{ID: ag.ID, Name: w.t.Text(ag.Name)}
}

func (w *cellWords) progress(p int) progressCell {
	if p < 0 {
		return progressCell{P: p, Text: w.word("progress.unknown")}
	}
	return progressCell{P: p, Text: remember(w.percents, p, func() string { return w.t.Percent(p) })}
}

func (w *cellWords) state(s model.ScheduleState) stateCell {
	return remember(w.states, s, func() stateCell {
		return stateCell{S: s, Icon: stateIcons[s], Label: w.t.T("state." + string(s))}
	})
}

func (w *cellWords) commitmentState(a model.Assessment) commitmentStateCell {
	c := commitmentStateCell{State: w.state(a.State)}
	if a.State == model.StateNotCompleted && !a.PlanEnd.IsZero() {
		c.Ended = remember(w.ended, a.PlanEnd, func() string { return w.t.T("judge.ended.on", "Date", w.t.Date(a.PlanEnd)) })
	}
	return c
}

func (w *cellWords) update(at time.Time) updateCell {
	if at.IsZero() {
		return updateCell{None: w.word("judge.update.none")}
	}
	return updateCell{Text: w.t.Time(at)}
}

func (w *cellWords) count(id string, n int) string {
	return remember(w.counted, countedWord{id, n}, func() string { return w.t.T(id, "Count", n) })
}

func (w *cellWords) date(d model.Date, words model.Text) dateCell {
	switch {
	case !d.IsZero():
		c := dateCell{Date: w.t.Date(d)}
		if len(words) > 0 {
			c.Worded = w.t.T("words.worded", "Words", w.t.Text(words).Value)
		}
		return c
	case len(words) > 0:
		return dateCell{HasWords: true, Words: w.t.Text(words)}
	}
	return dateCell{Unknown: w.word("date.unknown")}
}

func (w *cellWords) status(s model.MilestoneStatus, words *model.StatusStep) statusCell {
	c := statusCell{S: s, Label: w.word("status." + string(s))}
	if words != nil {
		shown := w.t.Text(words.Label)
		c.Words = &shown
		c.Tracker = w.t.T("words.status.tracker", "Status", c.Label)
	}
	return c
}

func (w *cellWords) also(agencies []model.Agency) alsoCell {
	if len(agencies) == 0 {
		return alsoCell{}
	}
	c := alsoCell{Also: w.word("words.also"), Agencies: make([]agencyCell, len(agencies))}
	for i, a := range agencies {
		c.Agencies[i] = w.agency(a)
	}
	return c
}

// dueLines are items' lines for a table of milestones overdue or upcoming
// (kind), in the order the table picks their texts.
func dueLines(t *i18n.Translator, items []dueItem, kind string) []dueLine {
	w := newCellWords(t)
	lines := make([]dueLine, len(items))
	for i := range items {
		it, l := &items[i], &lines[i]
		l.M, l.C = it.M, it.C
		l.Due = w.date(it.M.Due, it.M.DueText)
		switch {
		case kind == "overdue":
			l.Days = w.count("watch.days.late", it.Late())
		case it.Left == 0:
			l.Days = w.word("watch.days.today")
		default:
			l.Days = w.count("watch.days.left", it.Left)
		}
		l.Title, l.Commitment = t.Text(it.M.Title), t.Text(it.C.Title)
		l.Agency = w.agencyOr(it.Agency, "watch.agency.none")
		l.Others = w.also(it.M.OtherAgencies)
		l.Status = w.status(it.M.Status, it.Words)
	}
	return lines
}

// commitmentLines are rows' lines for the table of commitments, with each
// commitment's plan when withPlan. Texts are picked in the order the table
// shows them, for the page's note of texts in other languages.
func commitmentLines(t *i18n.Translator, rows []commitmentRow, withPlan bool) []commitmentLine {
	w := newCellWords(t)
	lines := make([]commitmentLine, len(rows))
	for i := range rows {
		r := &rows[i]
		l := &lines[i]
		l.ID, l.Code, l.Title = r.C.ID, r.C.Code, t.Text(r.C.Title)
		if withPlan && r.C.Plan != nil {
			l.Plan = &planCell{ID: r.C.Plan.ID, Title: t.Text(r.C.Plan.Title)}
		}
		l.Lead = w.agency(r.C.LeadAgency)
		l.Progress = w.progress(r.A.Percent())
		l.State = w.commitmentState(r.A)
		l.Updated = w.update(r.A.LastUpdate)
	}
	return lines
}

// cellFuncs give the partials their cells, one at a time.
var cellFuncs = map[string]any{
	"agencyCell": func(t *i18n.Translator, a any) agencyCell { return (&cellWords{t: t}).agency(a) },
	"agencyCellOr": func(t *i18n.Translator, a any, unknown string) agencyCell {
		return (&cellWords{t: t}).agencyOr(a, unknown)
	},
	"progressCell": func(t *i18n.Translator, p int) progressCell { return (&cellWords{t: t}).progress(p) },
	"stateCell":    func(t *i18n.Translator, s model.ScheduleState) stateCell { return (&cellWords{t: t}).state(s) },
	"commitmentStateCell": func(t *i18n.Translator, a model.Assessment) commitmentStateCell {
		return (&cellWords{t: t}).commitmentState(a)
	},
	"updateCell": func(t *i18n.Translator, at time.Time) updateCell { return (&cellWords{t: t}).update(at) },
	"dateCell": func(t *i18n.Translator, d model.Date, words model.Text) dateCell {
		return (&cellWords{t: t}).date(d, words)
	},
	"statusCell": func(t *i18n.Translator, s model.MilestoneStatus, words *model.StatusStep) statusCell {
		return (&cellWords{t: t}).status(s, words)
	},
	"alsoCell":        func(t *i18n.Translator, agencies []model.Agency) alsoCell { return (&cellWords{t: t}).also(agencies) },
	"commitmentLines": commitmentLines,
	"dueLines":        dueLines,
}

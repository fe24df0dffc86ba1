// Package work says what is whose to do as of a moment: the milestones a
// liaison's agency must move, the reports it owes, the reports a committee
// member has yet to review, the periods an administrator must see closed.
// It judges by the same rules as the reminders (model's Settled,
// OverdueFrom, Closes, InForce), so that a person finds on their queue what
// the reminders told them of, on the same day.
package work

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// Horizon is how far ahead a queue looks.
type Horizon struct {
	DueWithin     int // days: milestones due within them are listed as due soon
	ClosingWithin int // days: periods closing within them are listed as closing (the reminders' ReportBefore)
}

// DefaultHorizon looks 30 days ahead for milestones, and as far ahead for
// periods as the reminders of reports owed.
var DefaultHorizon = Horizon{DueWithin: 30, ClosingWithin: 7}

// Queue is one person's work as of a moment. Each list holds items to
// clear; Count is how many there are in all.
type Queue struct {
	At time.Time

	// A liaison's: the milestones their agency answers for, late and due
	// soon, and this period's report of each commitment it leads.
	Overdue  []MilestoneItem
	DueSoon  []MilestoneItem
	Reports  []ReportItem
	ToAnswer []DissentItem // dissents on the agency's reports it has not answered
	// FollowUps are the items the forum's meetings gave the agency, still
	// tracked: progress to report before the next meeting.
	FollowUps []model.FollowUp
	// Questions from the public waiting for the agency's answer, the one
	// due first first (an administrator's: those of the plan as a whole).
	Questions []QuestionItem

	// A committee member's: submitted reports they have not reviewed (those
	// of commitments their organisation co-leads first), and commitments no
	// one has assessed for the period.
	ToReview    []ReportItem
	NotAssessed []ReportItem
	MyDissents  []DissentItem // shown with whether the agency answered: not work of theirs

	// An administrator's: periods closing soon with the agencies that have
	// not reported, overdue milestones by agency, mail that could not be
	// delivered, and accounts invited and not yet in use.
	Closing         []ClosingPeriod
	OverdueByAgency []AgencyCount
	Undeliverable   int64
	Invited         []model.User
	// Questions past their promise, whoever owes the answer.
	LateQuestions []QuestionItem
}

// QuestionItem is a question from the public on a queue.
type QuestionItem struct {
	Q       *model.Question
	Days    int  // days left until the promise, or days overdue
	Overdue bool // the promise has passed
}

// MilestoneItem is a milestone on a queue, with its commitment.
type MilestoneItem struct {
	M    *model.Milestone
	C    *model.Commitment
	Days int // days late (Overdue) or left (DueSoon)
}

// ReportItem is one commitment's report for one period: Report is its
// latest version, nil when none was started.
type ReportItem struct {
	C         *model.Commitment
	Period    *model.ReportingPeriod
	Report    *model.ProgressReport
	Submitted bool            // a version was submitted (the latest may be a draft of the next)
	Agreement model.Agreement // civil society's view of the latest submitted version
	DaysLeft  int             // until the period closes (negative: closed that many days ago)
	CoLead    bool            // the member's organisation co-leads the commitment
}

// Owed reports whether the agency still owes the report: none submitted.
func (r ReportItem) Owed() bool { return !r.Submitted }

// DissentItem is a dissent on a submitted report.
type DissentItem struct {
	C      *model.Commitment
	Period *model.ReportingPeriod
	Report *model.ProgressReport
	Review model.Review
}

// ClosingPeriod is a period closing soon and the agencies that owe reports.
type ClosingPeriod struct {
	Period   *model.ReportingPeriod
	Plan     *model.Plan
	DaysLeft int
	Owing    []AgencyCount // agencies and how many reports each owes
}

// AgencyCount is an agency and a count of its items.
type AgencyCount struct {
	Agency *model.Agency
	N      int
}

// Count is how many items the queue holds: the number in the header.
// Submitted reports on a liaison's list are shown for their state but are
// not work (a dissent on one is, once, in ToAnswer), nor are a member's own
// dissents or an administrator's overdue milestones (the agencies' work,
// shown for follow-up).
func (q *Queue) Count() int {
	n := len(q.Overdue) + len(q.DueSoon) + len(q.ToAnswer) + len(q.FollowUps) + len(q.Questions) + len(q.LateQuestions) +
		len(q.ToReview) + len(q.NotAssessed) + len(q.Invited) + int(q.Undeliverable)
	for _, r := range q.Reports {
		if r.Owed() {
			n++
		}
	}
	for _, p := range q.Closing {
		n += len(p.Owing)
	}
	return n
}

// Empty reports whether there is nothing on the queue at all.
func (q *Queue) Empty() bool {
	return q.Count() == 0 && len(q.Reports) == 0 && len(q.OverdueByAgency) == 0 && len(q.MyDissents) == 0
}

// For builds u's queue as of at, judging days in loc.
func For(ctx context.Context, st *store.Store, u *model.User, at time.Time, loc *time.Location, h Horizon) (*Queue, error) {
	q := &Queue{At: at}
	if u == nil || !u.IsActive() {
		return q, nil
	}
	if u.Role == model.RoleLiaison && u.AgencyID != nil { // whichever plan the meeting was of
		fs, err := st.FindFollowUps(ctx, store.FollowUpFilter{AgencyID: *u.AgencyID, OpenOnly: true})
		if err != nil {
			return nil, err
		}
		q.FollowUps = fs
	}
	plans, err := st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	var inForce []model.Plan
	for _, p := range plans {
		if p.InForce(at, loc) {
			inForce = append(inForce, p)
		}
	}
	if len(inForce) == 0 {
		return q, nil
	}
	b := &builder{st: st, u: u, at: at, loc: loc, h: h, q: q, today: model.DayOf(at.In(loc)), plans: inForce}
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	switch u.Role {
	case model.RoleLiaison:
		if u.AgencyID != nil {
			err = b.liaison(ctx, *u.AgencyID)
		}
	case model.RoleCommittee:
		err = b.committee(ctx)
	case model.RoleAdmin:
		err = b.admin(ctx)
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

// builder holds what a queue is built from.
type builder struct {
	st    *store.Store
	u     *model.User
	at    time.Time
	loc   *time.Location
	h     Horizon
	q     *Queue
	today model.Date
	plans []model.Plan

	commitments []model.Commitment
	byID        map[uint]*model.Commitment
	milestones  map[uint][]model.Milestone // by commitment
	periods     map[uint]*model.ReportingPeriod
	current     []*model.ReportingPeriod // each plan's period open now
	reported    map[uint]map[uint]bool   // by period and commitment: a version submitted

	openQuestions   []model.Question                        // read once, by questions
	latestSubmitted map[uint]map[uint]*model.ProgressReport // see submitted
	reviews         map[uint][]model.Review                 // by report
}

// load reads what every role's queue needs: the commitments and milestones
// of the plans in force and which reports were submitted, as the reminders
// read them, and each plan's periods.
func (b *builder) load(ctx context.Context) error {
	ids := make([]uint, len(b.plans))
	for i, p := range b.plans {
		ids[i] = p.ID
	}
	var err error
	if b.commitments, b.milestones, err = b.st.FindReminderCommitments(ctx, ids); err != nil {
		return err
	}
	b.byID = make(map[uint]*model.Commitment, len(b.commitments))
	for i := range b.commitments {
		b.byID[b.commitments[i].ID] = &b.commitments[i]
	}
	b.periods = map[uint]*model.ReportingPeriod{}
	for _, p := range b.plans {
		periods, err := b.st.FindPeriods(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range periods {
			pe := &periods[i]
			b.periods[pe.ID] = pe
			if pe.Contains(b.today) {
				b.current = append(b.current, pe)
			}
		}
	}
	b.reported, err = b.st.FindReportedCommitments(ctx, b.currentIDs())
	return err
}

func (b *builder) currentIDs() []uint {
	ids := make([]uint, len(b.current))
	for i, pe := range b.current {
		ids[i] = pe.ID
	}
	return ids
}

// daysUntil counts whole days from today to the day holding t.
func (b *builder) daysUntil(t time.Time) int {
	return int(model.DayOf(t.In(b.loc)).First(time.UTC).Sub(b.today.First(time.UTC)).Hours() / 24)
}

// eachOpen calls f for every unsettled milestone with a due date (a leaf:
// a parent is judged by its children), with the instant it is late from.
func (b *builder) eachOpen(f func(c *model.Commitment, m *model.Milestone, overdueFrom time.Time)) {
	for i := range b.commitments {
		c := &b.commitments[i]
		for _, m := range model.Leaves(b.milestones[c.ID]) {
			if m.Due.IsZero() || m.Settled(b.today) {
				continue
			}
			f(c, m, m.OverdueFrom(b.loc))
		}
	}
}

// liaison lists the milestones agency answers for, late or due within the
// horizon, and this period's report of each commitment it leads.
func (b *builder) liaison(ctx context.Context, agency uint) error {
	soon := b.at.AddDate(0, 0, b.h.DueWithin)
	b.eachOpen(func(c *model.Commitment, m *model.Milestone, from time.Time) {
		if id := m.ResponsibleAgencyID(c); id == nil || *id != agency {
			return
		}
		switch {
		case !b.at.Before(from):
			b.q.Overdue = append(b.q.Overdue, MilestoneItem{M: m, C: c, Days: 1 - b.daysUntil(from)})
		case from.Before(soon):
			b.q.DueSoon = append(b.q.DueSoon, MilestoneItem{M: m, C: c, Days: b.daysUntil(from) - 1})
		}
	})
	// The longest late first; then the soonest due.
	slices.SortStableFunc(b.q.Overdue, func(x, y MilestoneItem) int { return cmp.Compare(y.Days, x.Days) })
	slices.SortStableFunc(b.q.DueSoon, func(x, y MilestoneItem) int { return cmp.Compare(x.Days, y.Days) })

	latest, err := b.st.FindLatestReports(ctx, b.currentIDs(), false)
	if err != nil {
		return err
	}
	var items []ReportItem
	for _, pe := range b.current {
		for j := range b.commitments {
			c := &b.commitments[j]
			if c.PlanID != pe.PlanID || c.LeadAgencyID == nil || *c.LeadAgencyID != agency {
				continue
			}
			items = append(items, ReportItem{C: c, Period: pe, Report: latest[pe.ID][c.ID], Submitted: b.reported[pe.ID][c.ID],
				DaysLeft: b.daysUntil(pe.Closes(b.loc)) - 1})
		}
	}
	if err := b.agreements(ctx, items); err != nil {
		return err
	}
	b.q.Reports = items
	if err := b.questions(ctx, func(q *model.Question) bool { return q.AgencyID != nil && *q.AgencyID == agency }, &b.q.Questions); err != nil {
		return err
	}
	return b.dissents(ctx, func(r *model.ProgressReport, v model.Review) {
		if r.AgencyID == agency && !v.Answered() {
			b.q.ToAnswer = append(b.q.ToAnswer, b.dissent(r, v))
		}
	})
}

// dissents calls f for each dissent on the latest submitted version of
// every report of the plans in force.
func (b *builder) dissents(ctx context.Context, f func(r *model.ProgressReport, v model.Review)) error {
	submitted, reviews, err := b.submitted(ctx)
	if err != nil {
		return err
	}
	for _, id := range b.periodIDs() {
		for _, c := range b.commitments {
			r := submitted[id][c.ID]
			if r == nil {
				continue
			}
			for _, v := range reviews[r.ID] {
				if v.Verdict == model.VerdictDissent {
					f(r, v)
				}
			}
		}
	}
	return nil
}

func (b *builder) dissent(r *model.ProgressReport, v model.Review) DissentItem {
	return DissentItem{C: b.byID[r.CommitmentID], Period: b.periods[r.PeriodID], Report: r, Review: v}
}

// periodIDs lists the periods of the plans in force, in order.
func (b *builder) periodIDs() []uint {
	ids := make([]uint, 0, len(b.periods))
	for id := range b.periods {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// submitted reads, once, the latest submitted version of every report of
// the plans in force, and its reviews.
func (b *builder) submitted(ctx context.Context) (map[uint]map[uint]*model.ProgressReport, map[uint][]model.Review, error) {
	if b.latestSubmitted != nil {
		return b.latestSubmitted, b.reviews, nil
	}
	submitted, err := b.st.FindLatestReports(ctx, b.periodIDs(), true)
	if err != nil {
		return nil, nil, err
	}
	var ids []uint
	for _, byC := range submitted {
		for _, r := range byC {
			ids = append(ids, r.ID)
		}
	}
	reviews, err := b.st.FindReviews(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	b.latestSubmitted, b.reviews = submitted, reviews
	return submitted, reviews, nil
}

// agreements fills in civil society's view of each item's latest submitted
// version.
func (b *builder) agreements(ctx context.Context, items []ReportItem) error {
	submitted, reviews, err := b.submitted(ctx)
	if err != nil {
		return err
	}
	for i := range items {
		if r := submitted[items[i].Period.ID][items[i].C.ID]; r != nil {
			items[i].Agreement = model.AgreementOf(reviews[r.ID])
		}
	}
	return nil
}

// committee lists the latest submitted reports of the plans in force that
// the member has not reviewed, those their organisation co-leads first, and
// those reported this period that no one has assessed yet.
func (b *builder) committee(ctx context.Context) error {
	ids := b.periodIDs()
	submitted, reviews, err := b.submitted(ctx)
	if err != nil {
		return err
	}
	planIDs := make([]uint, len(b.plans))
	for i, p := range b.plans {
		planIDs[i] = p.ID
	}
	coLeads, err := b.st.FindCoLeadOrganisations(ctx, planIDs)
	if err != nil {
		return err
	}
	assessed, err := b.st.FindAssessedCommitments(ctx, b.currentIDs())
	if err != nil {
		return err
	}
	for _, periodID := range ids {
		pe := b.periods[periodID]
		for _, c := range b.commitments {
			r := submitted[periodID][c.ID]
			if r == nil {
				continue
			}
			item := ReportItem{C: b.byID[c.ID], Period: pe, Report: r, Submitted: true, Agreement: model.AgreementOf(reviews[r.ID]),
				DaysLeft: b.daysUntil(pe.Closes(b.loc)) - 1,
				CoLead:   b.u.OrganisationID != nil && slices.Contains(coLeads[c.ID], *b.u.OrganisationID)}
			if !slices.ContainsFunc(reviews[r.ID], func(v model.Review) bool { return v.UserID == b.u.ID }) {
				b.q.ToReview = append(b.q.ToReview, item)
			}
			if pe.Contains(b.today) && !assessed[periodID][c.ID] {
				b.q.NotAssessed = append(b.q.NotAssessed, item)
			}
		}
	}
	if err := b.dissents(ctx, func(r *model.ProgressReport, v model.Review) {
		if v.UserID == b.u.ID {
			b.q.MyDissents = append(b.q.MyDissents, b.dissent(r, v))
		}
	}); err != nil {
		return err
	}
	slices.SortStableFunc(b.q.ToReview, func(x, y ReportItem) int {
		if x.CoLead != y.CoLead {
			if x.CoLead {
				return -1
			}
			return 1
		}
		return 0
	})
	return nil
}

// admin lists the periods closing within the horizon with the agencies that
// owe reports, overdue milestones by agency, undeliverable mail and
// accounts invited and not yet in use.
func (b *builder) admin(ctx context.Context) error {
	agencies, err := b.st.FindAgencies(ctx)
	if err != nil {
		return err
	}
	byID := make(map[uint]*model.Agency, len(agencies))
	for i := range agencies {
		byID[agencies[i].ID] = &agencies[i]
	}
	plans := make(map[uint]*model.Plan, len(b.plans))
	for i := range b.plans {
		plans[b.plans[i].ID] = &b.plans[i]
	}
	for _, pe := range b.current {
		closes := pe.Closes(b.loc)
		if b.at.Before(closes.AddDate(0, 0, -b.h.ClosingWithin)) {
			continue
		}
		owing := map[uint]int{}
		for _, c := range b.commitments {
			if c.PlanID == pe.PlanID && c.LeadAgencyID != nil && !b.reported[pe.ID][c.ID] {
				owing[*c.LeadAgencyID]++
			}
		}
		if len(owing) > 0 {
			b.q.Closing = append(b.q.Closing, ClosingPeriod{Period: pe, Plan: plans[pe.PlanID], DaysLeft: b.daysUntil(closes) - 1,
				Owing: counted(owing, byID)})
		}
	}
	late := map[uint]int{}
	b.eachOpen(func(c *model.Commitment, m *model.Milestone, from time.Time) {
		if id := m.ResponsibleAgencyID(c); id != nil && !b.at.Before(from) {
			late[*id]++
		}
	})
	b.q.OverdueByAgency = counted(late, byID)
	if b.q.Undeliverable, err = b.st.CountOutbox(ctx, model.OutboxFailed); err != nil {
		return err
	}
	b.q.Invited, err = b.st.FindInvitedUsers(ctx)
	if err != nil {
		return err
	}
	// The secretariat answers the questions on a plan as a whole, and
	// follows up those past their promise.
	if err := b.questions(ctx, func(q *model.Question) bool { return q.AgencyID == nil }, &b.q.Questions); err != nil {
		return err
	}
	return b.questions(ctx, func(q *model.Question) bool { return q.AgencyID != nil && b.at.After(q.DueAt) }, &b.q.LateQuestions)
}

// questions adds to list the open questions of the plans in force that
// keep says are the queue's, with the days left (negative: overdue).
func (b *builder) questions(ctx context.Context, keep func(*model.Question) bool, list *[]QuestionItem) error {
	if b.openQuestions == nil {
		ids := make([]uint, len(b.plans))
		for i, p := range b.plans {
			ids[i] = p.ID
		}
		qs, err := b.st.FindOpenQuestions(ctx, ids)
		if err != nil {
			return err
		}
		b.openQuestions = append(qs, model.Question{}) // never nil once read
		b.openQuestions = b.openQuestions[:len(qs)]
	}
	for i := range b.openQuestions {
		q := &b.openQuestions[i]
		if keep(q) {
			days, _ := q.Days(b.at, b.loc)
			item := QuestionItem{Q: q, Days: days}
			if b.at.After(q.DueAt) {
				item.Overdue, item.Days = true, max(-days, 1)
			}
			*list = append(*list, item)
		}
	}
	return nil
}

// counted turns counts by agency id into a list, the largest first.
func counted(n map[uint]int, agencies map[uint]*model.Agency) []AgencyCount {
	out := make([]AgencyCount, 0, len(n))
	for id, k := range n {
		if a := agencies[id]; a != nil {
			out = append(out, AgencyCount{Agency: a, N: k})
		}
	}
	slices.SortFunc(out, func(x, y AgencyCount) int {
		return cmp.Or(cmp.Compare(y.N, x.N), cmp.Compare(x.Agency.Code, y.Agency.Code))
	})
	return out
}

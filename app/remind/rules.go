package remind

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// Rule names, as the outbox keeps them.
const (
	RuleDue          = "milestone-due-%dd"     // with the offset in days
	RuleOverdue      = "milestone-overdue"     //
	RuleEscalated    = "milestone-overdue-%dd" // with Rules.Escalate
	RuleStale        = "commitment-stale"
	RuleMeeting      = "committee-meeting"
	RuleRecord       = "public-record"
	RuleDigest       = "weekly-digest"
	RuleReportDue    = "report-due-%dd"         // with Rules.ReportBefore
	RuleReview       = "report-unconfirmed-%dd" // with Rules.ReviewWithin
	RuleQuestion     = "question-new"           // a question arrived for the agency
	RuleQuestionDue  = "question-due-%dd"       // with Rules.QuestionBefore, and 0: the day the promise ends
	RuleQuestionLate = "question-overdue"       // the promise passed: co-leads, the chair, administrators
	subjectDigest    = "committee"
	maxDigestItems   = 10
)

// people is who reminders can reach, worked out once per pass.
type people struct {
	users     []model.User
	optOut    map[uint]map[model.ReminderKind]bool
	liaisons  map[uint][]*model.User // by agency
	byOrg     map[uint][]*model.User // committee members by organisation
	committee []*model.User
	chairs    []*model.User
	admins    []*model.User
	webhooks  map[uint][]model.Webhook // by agency; 0: the committee's
}

func (r *Reminder) people(ctx context.Context) (*people, error) {
	users, err := r.st.FindReminderUsers(ctx)
	if err != nil {
		return nil, err
	}
	optOut, err := r.st.FindOptOuts(ctx)
	if err != nil {
		return nil, err
	}
	hooks, err := r.st.ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	p := &people{users: users, optOut: optOut, liaisons: map[uint][]*model.User{}, byOrg: map[uint][]*model.User{},
		webhooks: map[uint][]model.Webhook{}}
	for i := range p.users {
		u := &p.users[i]
		switch u.Role {
		case model.RoleLiaison:
			if u.AgencyID != nil {
				p.liaisons[*u.AgencyID] = append(p.liaisons[*u.AgencyID], u)
			}
		case model.RoleCommittee:
			p.committee = append(p.committee, u)
			if u.OrganisationID != nil {
				p.byOrg[*u.OrganisationID] = append(p.byOrg[*u.OrganisationID], u)
			}
			if u.Chair {
				p.chairs = append(p.chairs, u)
			}
		case model.RoleAdmin:
			p.admins = append(p.admins, u)
		}
	}
	for _, h := range hooks {
		key := uint(0)
		if h.AgencyID != nil {
			key = *h.AgencyID
		}
		p.webhooks[key] = append(p.webhooks[key], h)
	}
	return p, nil
}

// audience collects the recipients of one reminder, each once.
type audience struct {
	users    []*model.User
	webhooks []model.Webhook
	seen     map[string]bool
}

func (a *audience) add(us ...*model.User) {
	for _, u := range us {
		if key := fmt.Sprintf("u%d", u.ID); !a.seen[key] {
			a.seen[key] = true
			a.users = append(a.users, u)
		}
	}
}

func (a *audience) hook(hs ...model.Webhook) {
	for _, h := range hs {
		if key := fmt.Sprintf("w%d", h.ID); !a.seen[key] {
			a.seen[key] = true
			a.webhooks = append(a.webhooks, h)
		}
	}
}

func newAudience() *audience { return &audience{seen: map[string]bool{}} }

// stage is one step of a reminder's ladder: from when it applies.
type stage struct {
	rule  string
	kind  model.ReminderKind
	from  time.Time
	days  int // the offset it names (days before the due date, or days late)
	escal bool
}

// work is a pass without its writes: every message due as of at.
func (r *Reminder) work(ctx context.Context, at time.Time) ([]model.OutboxMessage, error) {
	msgs, err := r.planWork(ctx, at)
	if err != nil {
		return nil, err
	}
	followed, err := r.followDigests(ctx, at)
	return append(msgs, followed...), err
}

// planWork is the reminders of the plans in force to the people who work on them.
func (r *Reminder) planWork(ctx context.Context, at time.Time) ([]model.OutboxMessage, error) {
	plans, err := r.st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	var inForce []model.Plan
	for _, p := range plans {
		if p.InForce(at, r.loc) {
			inForce = append(inForce, p)
		}
	}
	if len(inForce) == 0 {
		return nil, nil
	}
	ids := make([]uint, len(inForce))
	for i, p := range inForce {
		ids[i] = p.ID
	}
	who, err := r.people(ctx)
	if err != nil {
		return nil, err
	}
	commitments, milestones, err := r.st.FindReminderCommitments(ctx, ids)
	if err != nil {
		return nil, err
	}
	coLeads, err := r.st.FindCoLeadOrganisations(ctx, ids)
	if err != nil {
		return nil, err
	}
	lastByCommitment, lastByPlan, err := r.st.LastChanges(ctx, ids, at)
	if err != nil {
		return nil, err
	}
	b := &batch{r: r, at: at, who: who}
	today := model.DayOf(at)
	for i := range commitments {
		c := &commitments[i]
		open := 0
		for _, m := range model.Leaves(milestones[c.ID]) {
			if m.Settled(today) {
				continue
			}
			open++
			if err := b.milestone(c, m, coLeads[c.ID]); err != nil {
				return nil, err
			}
		}
		if last, ok := lastByCommitment[c.ID]; ok && open > 0 {
			if err := b.stale(c, last); err != nil {
				return nil, err
			}
		}
	}
	for i := range inForce {
		p := &inForce[i]
		last, err := r.st.LastMeeting(ctx, today)
		if err != nil {
			return nil, err
		}
		if err := b.duties(p, last, lastByPlan[p.ID]); err != nil {
			return nil, err
		}
	}
	if err := b.reports(ctx, inForce, commitments, coLeads); err != nil {
		return nil, err
	}
	if err := b.followUps(ctx, today); err != nil {
		return nil, err
	}
	if err := b.digest(ctx, inForce, commitments, milestones); err != nil {
		return nil, err
	}
	if err := b.questions(ctx, ids, coLeads); err != nil {
		return nil, err
	}
	return b.out, nil
}

// batch gathers the messages of one pass.
type batch struct {
	r   *Reminder
	at  time.Time
	who *people
	out []model.OutboxMessage
}

// milestone queues the latest step of a milestone's ladder that the pass
// has reached: due in 14 days, in 3, overdue, overdue for 30 days. Only
// the latest, and only while it is recent (Rules.CatchUp): a tracker
// started long after a due date does not wake everyone up about the past.
func (b *batch) milestone(c *model.Commitment, m *model.Milestone, coLeadOrgs []uint) error {
	if m.Due.IsZero() {
		return nil
	}
	rules := b.r.rules
	overdueFrom := m.OverdueFrom(b.r.loc)
	var ladder []stage
	offsets := slices.Clone(rules.DueBefore)
	slices.SortFunc(offsets, func(a, b int) int { return b - a })
	for _, d := range offsets {
		ladder = append(ladder, stage{rule: fmt.Sprintf(RuleDue, d), kind: model.KindDue, from: overdueFrom.AddDate(0, 0, -d), days: d})
	}
	ladder = append(ladder, stage{rule: RuleOverdue, kind: model.KindOverdue, from: overdueFrom},
		stage{rule: fmt.Sprintf(RuleEscalated, rules.Escalate), kind: model.KindOverdue, from: overdueFrom.AddDate(0, 0, rules.Escalate),
			days: rules.Escalate, escal: true})
	var st *stage
	for i := range ladder {
		if !b.at.Before(ladder[i].from) {
			st = &ladder[i]
		}
	}
	if st == nil || b.at.Sub(st.from) >= rules.CatchUp {
		return nil
	}
	aud := newAudience()
	if agency := m.ResponsibleAgencyID(c); agency != nil {
		aud.add(b.who.liaisons[*agency]...)
		aud.hook(b.who.webhooks[*agency]...)
	}
	for _, other := range m.OtherAgencies { // every agency that answers for it
		aud.add(b.who.liaisons[other.ID]...)
		aud.hook(b.who.webhooks[other.ID]...)
	}
	if st.escal {
		for _, org := range coLeadOrgs {
			aud.add(b.who.byOrg[org]...)
		}
		aud.add(b.who.chairs...)
		aud.hook(b.who.webhooks[0]...)
	}
	key := msgKey{rule: st.rule, subject: fmt.Sprintf("milestone:%d", m.ID), occurrence: m.Due.String(), kind: st.kind}
	return b.queue(key, aud, func(t *tr) content {
		return t.milestone(st, c, m, overdueFrom)
	})
}

// stale queues a reminder for a commitment without an update for
// Rules.StaleAfter days, to its lead agency's liaisons and the committee.
func (b *batch) stale(c *model.Commitment, last time.Time) error {
	from := last.In(b.r.loc).AddDate(0, 0, b.r.rules.StaleAfter)
	if b.at.Before(from) || b.at.Sub(from) >= b.r.rules.CatchUp {
		return nil
	}
	aud := newAudience()
	if c.LeadAgencyID != nil {
		aud.add(b.who.liaisons[*c.LeadAgencyID]...)
		aud.hook(b.who.webhooks[*c.LeadAgencyID]...)
	}
	aud.add(b.who.committee...)
	aud.hook(b.who.webhooks[0]...)
	lastDay := model.DayOf(last.In(b.r.loc))
	key := msgKey{rule: RuleStale, subject: fmt.Sprintf("commitment:%d", c.ID), occurrence: lastDay.String(), kind: model.KindStale}
	return b.queue(key, aud, func(t *tr) content { return t.stale(c, lastDay) })
}

// duties queues the committee's own duties to the administrators: a
// multi-stakeholder meeting at least every Rules.MeetingEvery months (the
// meetings the secretariat records; the plan's start counts as the first),
// and the public record (the record of changes of the plan) updated at
// least every Rules.RecordEvery months. Each is queued once per lapse.
func (b *batch) duties(p *model.Plan, lastMeeting model.Date, lastChange time.Time) error {
	aud := newAudience()
	aud.add(b.who.admins...)
	base := lastMeeting
	if base.IsZero() || (!p.Start.IsZero() && base.Last(b.r.loc).Before(p.Start.First(b.r.loc))) {
		base = p.Start
	}
	if !base.IsZero() && !b.at.Before(base.Last(b.r.loc).AddDate(0, b.r.rules.MeetingEvery, 1)) {
		key := msgKey{rule: RuleMeeting, subject: fmt.Sprintf("plan:%d", p.ID), occurrence: base.String(), kind: model.KindDuties}
		if err := b.queue(key, aud, func(t *tr) content { return t.meeting(p, lastMeeting) }); err != nil {
			return err
		}
	}
	if !lastChange.IsZero() && !b.at.Before(lastChange.AddDate(0, b.r.rules.RecordEvery, 0)) {
		day := model.DayOf(lastChange.In(b.r.loc))
		key := msgKey{rule: RuleRecord, subject: fmt.Sprintf("plan:%d", p.ID), occurrence: day.String(), kind: model.KindDuties}
		if err := b.queue(key, aud, func(t *tr) content { return t.record(p, day) }); err != nil {
			return err
		}
	}
	return nil
}

// digestStart is the digest's instant of the week holding at (Monday
// 09:00 local by default).
func (r *Reminder) digestStart(at time.Time) time.Time {
	d := at.In(r.loc)
	back := (int(d.Weekday()) - int(r.rules.DigestDay) + 7) % 7
	start := time.Date(d.Year(), d.Month(), d.Day()-back, r.rules.DigestHour, 0, 0, 0, r.loc)
	if start.After(d) {
		start = start.AddDate(0, 0, -7)
	}
	return start
}

// digest queues the weekly digest to committee members: what changed in
// the week before, what is due in the next two weeks, what is late. A pass
// more than a day after the digest's hour leaves that week's digest out.
func (b *batch) digest(ctx context.Context, plans []model.Plan, cs []model.Commitment, ms map[uint][]model.Milestone) error {
	start := b.r.digestStart(b.at)
	if b.at.Sub(start) >= 24*time.Hour {
		return nil
	}
	aud := newAudience()
	aud.add(b.who.committee...)
	aud.hook(b.who.webhooks[0]...)
	if len(aud.users)+len(aud.webhooks) == 0 {
		return nil
	}
	ids := make([]uint, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	changes, changed, err := b.r.st.FindChangesBetween(ctx, ids, start.AddDate(0, 0, -7), start, maxDigestItems)
	if err != nil {
		return err
	}
	d := digestData{Start: start, Changes: changes, Changed: changed}
	today := model.DayOf(start)
	soon := start.AddDate(0, 0, 14)
	for i := range cs {
		c := &cs[i]
		for _, m := range model.Leaves(ms[c.ID]) {
			if m.Due.IsZero() || m.Settled(today) {
				continue
			}
			overdueFrom := m.OverdueFrom(b.r.loc)
			item := digestItem{C: c, M: m}
			switch {
			case !start.Before(overdueFrom):
				d.Late++
				if len(d.LateItems) < maxDigestItems {
					d.LateItems = append(d.LateItems, item)
				}
			case overdueFrom.Before(soon):
				d.Due++
				if len(d.DueItems) < maxDigestItems {
					d.DueItems = append(d.DueItems, item)
				}
			}
		}
	}
	year, week := start.ISOWeek()
	key := msgKey{rule: RuleDigest, subject: subjectDigest, occurrence: fmt.Sprintf("%d-W%02d", year, week), kind: model.KindDigest}
	return b.queue(key, aud, func(t *tr) content { return t.digest(d) })
}

type digestData struct {
	Start     time.Time
	Changes   []model.Change
	Changed   int64
	Due, Late int
	DueItems  []digestItem
	LateItems []digestItem
}

type digestItem struct {
	C *model.Commitment
	M *model.Milestone
}

// msgKey is the outbox key of a reminder, less its recipient, and its kind.
type msgKey struct {
	rule, subject, occurrence string
	kind                      model.ReminderKind
}

// queue adds one message per recipient who has not turned the kind off,
// each written in the recipient's language, and one per webhook (in the
// default language).
func (b *batch) queue(k msgKey, aud *audience, write func(*tr) content) error {
	for _, u := range aud.users {
		if b.who.optOut[u.ID][k.kind] {
			continue
		}
		t := b.r.translator(u.Lang())
		token := newToken()
		body := write(t)
		text, html, err := t.email(u, body, b.r.baseURL+"/unsubscribe/"+token, k.kind)
		if err != nil {
			return err
		}
		id := u.ID
		b.out = append(b.out, model.OutboxMessage{Rule: k.rule, Subject: k.subject, Recipient: fmt.Sprintf("user:%d", u.ID),
			Occurrence: k.occurrence, Kind: k.kind, Channel: model.ChannelEmail, UserID: &id, To: u.Email, Lang: t.Lang,
			Title: body.Title, Text: text, HTML: html, UnsubscribeToken: token})
	}
	for _, h := range aud.webhooks {
		t := b.r.translator(model.Languages[0])
		body := write(t)
		id := h.ID
		b.out = append(b.out, model.OutboxMessage{Rule: k.rule, Subject: k.subject, Recipient: fmt.Sprintf("webhook:%d", h.ID),
			Occurrence: k.occurrence, Kind: k.kind, Channel: model.ChannelWebhook, WebhookID: &id, To: h.URL, Lang: t.Lang,
			Title: body.Title, Text: t.chat(body)})
	}
	return nil
}

// reports queues the reminders of the reporting workflow: a period closing
// within Rules.ReportBefore days → the liaisons of each lead agency with a
// commitment not yet reported for it (one message per period and liaison,
// listing the commitments); a submitted report no co-lead has reviewed
// after Rules.ReviewWithin days → the commitment's co-leads.
func (b *batch) reports(ctx context.Context, plans []model.Plan, cs []model.Commitment, coLeads map[uint][]uint) error {
	rules := b.r.rules
	byID := make(map[uint]*model.Commitment, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	var closing []model.ReportingPeriod
	for _, p := range plans {
		periods, err := b.r.st.FindPeriods(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, pe := range periods {
			closes := pe.Closes(b.r.loc)
			if !b.at.Before(closes.AddDate(0, 0, -rules.ReportBefore)) && b.at.Before(closes) {
				closing = append(closing, pe)
			}
		}
	}
	ids := make([]uint, len(closing))
	for i, pe := range closing {
		ids[i] = pe.ID
	}
	reported, err := b.r.st.FindReportedCommitments(ctx, ids)
	if err != nil {
		return err
	}
	for i := range closing {
		pe := &closing[i]
		owed := map[uint][]*model.Commitment{} // by lead agency
		var agencies []uint
		for j := range cs {
			c := &cs[j]
			if c.PlanID != pe.PlanID || c.LeadAgencyID == nil || reported[pe.ID][c.ID] {
				continue
			}
			if owed[*c.LeadAgencyID] == nil {
				agencies = append(agencies, *c.LeadAgencyID)
			}
			owed[*c.LeadAgencyID] = append(owed[*c.LeadAgencyID], c)
		}
		for _, agency := range agencies {
			aud := newAudience()
			aud.add(b.who.liaisons[agency]...)
			aud.hook(b.who.webhooks[agency]...)
			key := msgKey{rule: fmt.Sprintf(RuleReportDue, rules.ReportBefore), subject: fmt.Sprintf("period:%d", pe.ID),
				occurrence: fmt.Sprintf("%s/agency:%d", pe.EndsOn, agency), kind: model.KindReports}
			list := owed[agency]
			if err := b.queue(key, aud, func(t *tr) content { return t.reportDue(pe, list) }); err != nil {
				return err
			}
		}
	}
	planIDs := make([]uint, len(plans))
	for i, p := range plans {
		planIDs[i] = p.ID
	}
	waiting, err := b.r.st.FindReportsAwaitingCoLeads(ctx, planIDs, b.at.AddDate(0, 0, -rules.ReviewWithin))
	if err != nil {
		return err
	}
	for i := range waiting {
		r := &waiting[i]
		c := byID[r.CommitmentID]
		if c == nil || r.SubmittedAt == nil {
			continue
		}
		if from := r.SubmittedAt.In(b.r.loc).AddDate(0, 0, rules.ReviewWithin); b.at.Sub(from) >= rules.CatchUp {
			continue
		}
		aud := newAudience()
		for _, org := range coLeads[c.ID] {
			aud.add(b.who.byOrg[org]...)
		}
		key := msgKey{rule: fmt.Sprintf(RuleReview, rules.ReviewWithin), subject: fmt.Sprintf("report:%d", r.ID),
			occurrence: model.DayOf(r.SubmittedAt.In(b.r.loc)).String(), kind: model.KindReports}
		if err := b.queue(key, aud, func(t *tr) content { return t.reviewWaiting(c, r) }); err != nil {
			return err
		}
	}
	return nil
}

// questions queues, for each question from the public waiting for an
// answer, the latest step of its ladder the pass has reached, each once:
// its arrival, Rules.QuestionBefore days before the promise and the day
// the promise ends (to the liaisons of the agency that owns its clock; to
// the administrators for a question on a plan as a whole), then, once
// the promise has passed, to the commitment's co-leads, the committee's
// chair and the administrators. A wait that begins anew (a follow-up
// reopened it) or passes to another agency ("not our remit") climbs a
// ladder of its own: the occurrence names both.
func (b *batch) questions(ctx context.Context, planIDs []uint, coLeads map[uint][]uint) error {
	qs, err := b.r.st.FindOpenQuestions(ctx, planIDs)
	if err != nil {
		return err
	}
	rules := b.r.rules
	for i := range qs {
		q := &qs[i]
		dueDay := model.DayOf(q.DueAt.In(b.r.loc)).First(b.r.loc)
		ladder := []stage{
			{rule: RuleQuestion, kind: model.KindQuestions, from: q.ClockFrom},
			{rule: fmt.Sprintf(RuleQuestionDue, rules.QuestionBefore), kind: model.KindQuestions, from: dueDay.AddDate(0, 0, -rules.QuestionBefore), days: rules.QuestionBefore},
			{rule: fmt.Sprintf(RuleQuestionDue, 0), kind: model.KindQuestions, from: dueDay},
			{rule: RuleQuestionLate, kind: model.KindQuestions, from: q.DueAt, escal: true},
		}
		var st *stage
		for j := range ladder {
			if !b.at.Before(ladder[j].from) && !ladder[j].from.Before(q.ClockFrom) {
				st = &ladder[j]
			}
		}
		if st == nil || b.at.Sub(st.from) >= rules.CatchUp {
			continue
		}
		aud := newAudience()
		agency := uint(0)
		if q.AgencyID != nil {
			agency = *q.AgencyID
		}
		if st.escal {
			if q.CommitmentID != nil {
				for _, org := range coLeads[*q.CommitmentID] {
					aud.add(b.who.byOrg[org]...)
				}
			}
			aud.add(b.who.chairs...)
			aud.add(b.who.admins...)
			aud.hook(b.who.webhooks[0]...)
		} else if agency != 0 {
			aud.add(b.who.liaisons[agency]...)
			aud.hook(b.who.webhooks[agency]...)
		} else {
			aud.add(b.who.admins...)
		}
		key := msgKey{rule: st.rule, subject: fmt.Sprintf("question:%d", q.ID),
			occurrence: fmt.Sprintf("%s/agency:%d", q.ClockFrom.UTC().Format(time.RFC3339), agency), kind: st.kind}
		if err := b.queue(key, aud, func(t *tr) content { return t.question(st, q) }); err != nil {
			return err
		}
	}
	return nil
}

package remind

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// RuleFollowDigest is the outbox rule of the weekly digest to the people
// who follow something by email.
const RuleFollowDigest = "follow-digest"

// followNews is one thing that happened in the week, for the digests of
// those who follow its commitment, or its plan, or an agency of its
// commitment.
type followNews struct {
	commitmentID uint // 0: news of a plan as a whole
	planID       uint
	line         func(t *tr) string
	link         string
}

// followPart is one section of the followers' digest: it reads the week's
// news of one kind, once for every follower. A new kind of news (answers
// to public questions) is one more function in followParts.
type followPart struct {
	heading string // message id of the section's heading
	read    func(ctx context.Context, w *followWeek) ([]followNews, error)
}

// followParts are the digest's sections, in the order it shows them.
var followParts = []followPart{
	{heading: "follow.digest.reports", read: submittedReports},
	{heading: "follow.digest.statuses", read: milestoneStatuses},
	{heading: "follow.digest.commitments", read: newCommitments},
	{heading: "follow.digest.answers", read: answersGiven},
}

// followWeek is the week a digest tells of, (from, to], and what its
// parts read.
type followWeek struct {
	r        *Reminder
	from, to time.Time
	codes    map[uint]string // commitments' codes, for lines that name them
}

// answersGiven is the agencies' answers to questions from the public in
// the week: a question on a plan as a whole reaches the plan's followers.
func answersGiven(ctx context.Context, w *followWeek) ([]followNews, error) {
	// The store's window is [from, to); the digest's is (from, to].
	answers, err := w.r.st.FindAnswersBetween(ctx, w.from.Add(time.Nanosecond), w.to.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	var out []followNews
	for _, a := range answers {
		q, e := a.Question, a.Entry
		n := followNews{planID: q.PlanID, link: fmt.Sprintf("%s/questions/%d", w.r.baseURL, q.ID)}
		code := ""
		if q.CommitmentID != nil {
			n.commitmentID, code = *q.CommitmentID, w.codes[*q.CommitmentID]
		}
		id, disposition, at := q.ID, e.Disposition, e.At
		n.line = func(t *tr) string {
			return t.T("follow.digest.answer", "ID", id, "Code", code, "Disposition", t.T("question.disposition."+string(disposition)), "When", t.Time(at))
		}
		out = append(out, n)
	}
	return out, nil
}

// submittedReports is the progress reports submitted in the week.
func submittedReports(ctx context.Context, w *followWeek) ([]followNews, error) {
	reports, err := w.r.st.FindReportsSubmittedBetween(ctx, w.from, w.to)
	if err != nil {
		return nil, err
	}
	var out []followNews
	for _, rp := range reports {
		if rp.Commitment == nil || rp.Period == nil || rp.SubmittedAt == nil {
			continue
		}
		c, pe, at := rp.Commitment, rp.Period, *rp.SubmittedAt
		out = append(out, followNews{commitmentID: c.ID, planID: c.PlanID, link: fmt.Sprintf("%s/reports/%d", w.r.baseURL, rp.ID),
			line: func(t *tr) string {
				return t.T("follow.digest.report", "Code", c.Code, "Commitment", t.text(c.Title), "Period", t.text(pe.Name), "When", t.Time(at))
			}})
	}
	return out, nil
}

// milestoneStatuses is the milestones whose status changed in the week,
// from the record of changes.
func milestoneStatuses(ctx context.Context, w *followWeek) ([]followNews, error) {
	changes, err := w.r.st.FindPublicChangesOf(ctx, []model.Entity{model.EntityMilestone}, w.from, w.to)
	if err != nil {
		return nil, err
	}
	var out []followNews
	for _, ch := range changes {
		status, ok := ch.Fields["status"]
		if !ok || ch.CommitmentID == nil || ch.PlanID == nil {
			continue
		}
		var before, after string
		json.Unmarshal(status.Before, &before) // an absent side stays ""
		if json.Unmarshal(status.After, &after) != nil || after == "" {
			continue
		}
		code, ref, at := w.codes[*ch.CommitmentID], ch.Ref, ch.At
		out = append(out, followNews{commitmentID: *ch.CommitmentID, planID: *ch.PlanID, link: fmt.Sprintf("%s/changes/%d", w.r.baseURL, ch.ID),
			line: func(t *tr) string {
				if before == "" {
					return t.T("follow.digest.status.set", "Code", code, "Ref", ref, "After", t.T("status."+after), "When", t.Time(at))
				}
				return t.T("follow.digest.status", "Code", code, "Ref", ref, "Before", t.T("status."+before), "After", t.T("status."+after), "When", t.Time(at))
			}})
	}
	return out, nil
}

// newCommitments is the commitments added to a plan in the week.
func newCommitments(ctx context.Context, w *followWeek) ([]followNews, error) {
	changes, err := w.r.st.FindPublicChangesOf(ctx, []model.Entity{model.EntityCommitment}, w.from, w.to)
	if err != nil {
		return nil, err
	}
	var out []followNews
	for _, ch := range changes {
		if ch.Action != model.ChangeCreated || ch.PlanID == nil {
			continue
		}
		id, code := ch.EntityID, ch.Ref
		var title model.Text
		if f, ok := ch.Fields["title"]; ok {
			json.Unmarshal(f.After, &title) // without it, the line names the code alone
		}
		out = append(out, followNews{commitmentID: id, planID: *ch.PlanID, link: fmt.Sprintf("%s/commitments/%d", w.r.baseURL, id),
			line: func(t *tr) string { return t.T("follow.digest.commitment", "Code", code, "Commitment", t.text(title)) }})
	}
	return out, nil
}

// followDigests queues, in the day after the digest's hour, one digest per
// address with a confirmed follow, telling what happened in the week
// before to what it follows; an address with nothing to tell gets none.
// The outbox key (rule, follower, ISO week) sends each once, whatever the
// passes and instances.
func (r *Reminder) followDigests(ctx context.Context, at time.Time) ([]model.OutboxMessage, error) {
	start := r.digestStart(at)
	if at.Sub(start) >= 24*time.Hour {
		return nil, nil
	}
	followers, err := r.st.FindActiveFollowers(ctx)
	if err != nil || len(followers) == 0 {
		return nil, err
	}
	w := &followWeek{r: r, from: start.AddDate(0, 0, -7), to: start, codes: map[uint]string{}}
	var agencyIDs []uint
	targets := map[model.FollowTarget]map[uint]bool{}
	for _, f := range followers {
		for _, fl := range f.Follows {
			if targets[fl.Target] == nil {
				targets[fl.Target] = map[uint]bool{}
			}
			targets[fl.Target][fl.TargetID] = true
			if fl.Target == model.FollowAgency {
				agencyIDs = append(agencyIDs, fl.TargetID)
			}
		}
	}
	byAgency, err := r.st.FindAgencyCommitmentIDs(ctx, agencyIDs)
	if err != nil {
		return nil, err
	}
	names, err := r.followedNames(ctx, targets)
	if err != nil {
		return nil, err
	}
	// The codes of every commitment followed or in a followed plan: the
	// lines of the record of changes name milestones by them.
	plans, err := r.st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	planIDs := make([]uint, len(plans))
	for i, p := range plans {
		planIDs[i] = p.ID
	}
	all, _, err := r.st.FindReminderCommitments(ctx, planIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		w.codes[c.ID] = c.Code
	}
	news := make([][]followNews, len(followParts))
	for i, part := range followParts {
		if news[i], err = part.read(ctx, w); err != nil {
			return nil, err
		}
	}
	year, week := start.ISOWeek()
	var out []model.OutboxMessage
	for _, f := range followers {
		d := followDigest{Start: start}
		seen := map[[2]int]bool{} // news told once, under the narrowest thing followed
		for _, fl := range byNarrowest(f.Follows) {
			sec := followSection{Name: names[fl.Target][fl.TargetID], Link: r.baseURL + FollowedPath(fl.Target, fl.TargetID)}
			for i, part := range followParts {
				var items []followNews
				for j, n := range news[i] {
					if seen[[2]int{i, j}] || !covers(fl, n, byAgency) {
						continue
					}
					seen[[2]int{i, j}] = true
					items = append(items, n)
				}
				if len(items) > 0 {
					sec.Parts = append(sec.Parts, followSectionPart{heading: part.heading, news: items})
				}
			}
			if len(sec.Parts) > 0 {
				d.Sections = append(d.Sections, sec)
			}
		}
		if len(d.Sections) == 0 {
			continue
		}
		t := r.translator(f.Language)
		token := newToken()
		title, text, html, err := t.followEmail(d, r.baseURL+"/follow/stop/"+token)
		if err != nil {
			return nil, err
		}
		to := model.FollowerRecipient(f.ID)
		out = append(out, model.OutboxMessage{Rule: RuleFollowDigest, Subject: to, Recipient: to, Occurrence: fmt.Sprintf("%d-W%02d", year, week),
			Kind: model.KindFollow, Channel: model.ChannelEmail, To: f.Email, Lang: t.Lang, Title: title, Text: text, HTML: html,
			UnsubscribeToken: token})
	}
	return out, nil
}

// covers tells whether a follow covers a piece of news.
func covers(fl model.Follow, n followNews, byAgency map[uint]map[uint]bool) bool {
	switch fl.Target {
	case model.FollowCommitment:
		return n.commitmentID == fl.TargetID
	case model.FollowAgency:
		return n.commitmentID != 0 && byAgency[fl.TargetID][n.commitmentID]
	case model.FollowPlan:
		return n.planID == fl.TargetID
	}
	return false
}

// byNarrowest orders follows from the narrowest (a commitment) to the
// widest (a plan), so that news is told where it is most precise.
func byNarrowest(fs []model.Follow) []model.Follow {
	rank := map[model.FollowTarget]int{model.FollowCommitment: 0, model.FollowAgency: 1, model.FollowPlan: 2}
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b model.Follow) int { return cmp.Compare(rank[a.Target], rank[b.Target]) })
	return out
}

// followedNames names every thing followed, in each language, as the
// digest's section headings.
func (r *Reminder) followedNames(ctx context.Context, targets map[model.FollowTarget]map[uint]bool) (map[model.FollowTarget]map[uint]followName, error) {
	out := map[model.FollowTarget]map[uint]followName{}
	for target, ids := range targets {
		out[target] = map[uint]followName{}
		for id := range ids {
			var name followName
			switch target {
			case model.FollowCommitment:
				c, err := r.st.FindCommitmentByID(ctx, id)
				if err != nil {
					continue // removed since: nothing can happen to it
				}
				name = followName{Key: "follow.digest.section.commitment", Code: c.Code, Title: c.Title}
			case model.FollowAgency:
				a, err := r.st.FindAgencyByID(ctx, id)
				if err != nil {
					continue
				}
				name = followName{Key: "follow.digest.section.agency", Code: a.Code, Title: a.Name}
			case model.FollowPlan:
				p, err := r.st.FindPlanByID(ctx, id)
				if err != nil {
					continue
				}
				name = followName{Key: "follow.digest.section.plan", Title: p.Title}
			}
			out[target][id] = name
		}
	}
	return out, nil
}

type followName struct {
	Key   string // message id: "Commitment {{.Code}}: {{.Title}}"
	Code  string
	Title model.Text
}

// followDigest is one address's digest: a section per thing followed with
// news, each with its parts.
type followDigest struct {
	Start    time.Time
	Sections []followSection
}

type followSection struct {
	Name  followName
	Link  string
	Parts []followSectionPart
}

type followSectionPart struct {
	heading string
	news    []followNews
}

// maxFollowItems bounds a part of a section; the rest is on the page linked.
const maxFollowItems = 20

// followEmail writes a digest as plain text and HTML, with how to stop it.
func (t *tr) followEmail(d followDigest, stop string) (title, text, html string, err error) {
	type item struct{ Line, Link string }
	type part struct {
		Heading string
		Items   []item
		More    string
	}
	type section struct {
		Heading, Link, LinkLabel string
		Parts                    []part
	}
	var sections []section
	for _, s := range d.Sections {
		sec := section{Heading: t.T(s.Name.Key, "Code", s.Name.Code, "Title", t.text(s.Name.Title)), Link: s.Link, LinkLabel: t.T("follow.digest.see")}
		for _, p := range s.Parts {
			pt := part{Heading: t.T(p.heading, "Count", len(p.news))}
			for i, n := range p.news {
				if i == maxFollowItems {
					pt.More = t.T("follow.digest.more", "Count", len(p.news)-maxFollowItems)
					break
				}
				pt.Items = append(pt.Items, item{Line: n.line(t), Link: n.link})
			}
			sec.Parts = append(sec.Parts, pt)
		}
		sections = append(sections, sec)
	}
	week := t.Date(model.DayOf(d.Start))
	title = t.T("remind.prefix") + t.T("follow.digest.title", "Date", week)
	intro := t.T("follow.digest.intro", "Date", week)
	why, stopLabel := t.T("follow.digest.why"), t.T("follow.digest.stop")
	var b strings.Builder
	b.WriteString(t.T("follow.digest.greeting") + "\n\n" + intro + "\n\n")
	for _, s := range sections {
		b.WriteString("## " + s.Heading + "\n")
		for _, p := range s.Parts {
			b.WriteString("\n" + p.Heading + "\n")
			for _, it := range p.Items {
				b.WriteString("- " + it.Line + "\n  " + it.Link + "\n")
			}
			if p.More != "" {
				b.WriteString("- " + p.More + "\n")
			}
		}
		b.WriteString("\n" + s.LinkLabel + ": " + s.Link + "\n\n")
	}
	b.WriteString("-- \n" + why + "\n" + stopLabel + " " + stop + "\n")
	var h bytes.Buffer
	err = followMail.Execute(&h, map[string]any{"Lang": t.Lang, "Title": title, "Greeting": t.T("follow.digest.greeting"),
		"Intro": intro, "Sections": sections, "Why": why, "Stop": stop, "StopLabel": stopLabel})
	return title, b.String(), h.String(), err
}

var followMail = template.Must(template.New("follow").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p>{{.Greeting}}</p>
<p>{{.Intro}}</p>
{{range .Sections}}<h2 style="font-size: 1.2em">{{.Heading}}</h2>
{{range .Parts}}<h3 style="font-size: 1em">{{.Heading}}</h3>
<ul>{{range .Items}}<li><a href="{{.Link}}">{{.Line}}</a></li>{{end}}{{with .More}}<li>{{.}}</li>{{end}}</ul>
{{end}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
{{end}}<hr>
<p style="font-size: smaller">{{.Why}}<br>
<a href="{{.Stop}}">{{.StopLabel}}</a></p>
</body></html>
`))

// FollowedPath is the public page of a thing followed.
func FollowedPath(target model.FollowTarget, id uint) string {
	switch target {
	case model.FollowAgency:
		return fmt.Sprintf("/agencies/%d", id)
	case model.FollowPlan:
		return fmt.Sprintf("/plans/%d", id)
	}
	return fmt.Sprintf("/commitments/%d", id)
}

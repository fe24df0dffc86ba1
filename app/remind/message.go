package remind

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
)

// content is what a reminder says, before it is dressed as an email or a
// chat message.
type content struct {
	Title string
	Lines []string // paragraphs
	Items []string // a list, when there is one
	Link  string   // where to act
	Label string   // the link's words
}

// tr writes reminders in one language.
type tr struct {
	*i18n.Translator
	r *Reminder
}

func (r *Reminder) translator(lang string) *tr {
	return &tr{Translator: r.catalog.Translator(r.catalog.Match(lang), r.loc), r: r}
}

func (t *tr) text(v model.Text) string { return t.Text(v).Value }

func (t *tr) milestone(st *stage, c *model.Commitment, m *model.Milestone, overdueFrom time.Time) content {
	args := []any{"Code", c.Code, "Ref", m.Ref, "Due", t.Date(m.Due), "Days", st.days}
	var title, line string
	switch {
	case st.escal:
		title, line = t.T("remind.escalated.title", args...), t.T("remind.escalated.text", args...)
	case st.kind == model.KindOverdue:
		title, line = t.T("remind.overdue.title", args...), t.T("remind.overdue.text", args...)
	default:
		title, line = t.T("remind.due.title", args...), t.T("remind.due.text", args...)
	}
	return content{Title: t.T("remind.prefix") + title,
		Lines: []string{line, t.T("remind.milestone.what", "Code", c.Code, "Commitment", t.text(c.Title), "Ref", m.Ref, "Milestone", t.text(m.Title))},
		Link:  fmt.Sprintf("%s/milestones/%d/edit", t.r.baseURL, m.ID), Label: t.T("remind.milestone.link")}
}

func (t *tr) stale(c *model.Commitment, last model.Date) content {
	return content{Title: t.T("remind.prefix") + t.T("remind.stale.title", "Code", c.Code),
		Lines: []string{t.T("remind.stale.text", "Code", c.Code, "Commitment", t.text(c.Title), "Last", t.Date(last), "Days", t.r.rules.StaleAfter)},
		Link:  fmt.Sprintf("%s/commitments/%d", t.r.baseURL, c.ID), Label: t.T("remind.commitment.link")}
}

func (t *tr) meeting(p *model.Plan, last model.Date) content {
	line := t.T("remind.meeting.none", "Months", t.r.rules.MeetingEvery)
	if !last.IsZero() {
		line = t.T("remind.meeting.text", "Last", t.Date(last), "Months", t.r.rules.MeetingEvery)
	}
	return content{Title: t.T("remind.prefix") + t.T("remind.meeting.title"),
		Lines: []string{line, t.T("remind.plan", "Plan", t.text(p.Title))},
		Link:  t.r.baseURL + "/admin/meetings/new", Label: t.T("remind.meeting.link")}
}

func (t *tr) record(p *model.Plan, last model.Date) content {
	return content{Title: t.T("remind.prefix") + t.T("remind.record.title"),
		Lines: []string{t.T("remind.record.text", "Last", t.Date(last), "Months", t.r.rules.RecordEvery), t.T("remind.plan", "Plan", t.text(p.Title))},
		Link:  fmt.Sprintf("%s/plans/%d", t.r.baseURL, p.ID), Label: t.T("remind.plan.link")}
}

func (t *tr) digest(d digestData) content {
	c := content{Title: t.T("remind.prefix") + t.T("remind.digest.title", "Date", t.Date(model.DayOf(d.Start))),
		Lines: []string{
			t.T("remind.digest.changed", "Count", int(d.Changed)),
			t.T("remind.digest.due", "Count", d.Due),
			t.T("remind.digest.late", "Count", d.Late),
		},
		Link: t.r.baseURL + "/milestones", Label: t.T("remind.digest.link")}
	for _, ch := range d.Changes {
		c.Items = append(c.Items, t.T("remind.digest.item.change", "When", t.Time(ch.At), "Ref", ch.Ref, "Who", ch.Actor))
	}
	for _, it := range d.DueItems {
		c.Items = append(c.Items, t.T("remind.digest.item.due", "Code", it.C.Code, "Ref", it.M.Ref, "Due", t.Date(it.M.Due)))
	}
	for _, it := range d.LateItems {
		c.Items = append(c.Items, t.T("remind.digest.item.late", "Code", it.C.Code, "Ref", it.M.Ref, "Due", t.Date(it.M.Due)))
	}
	return c
}

func (t *tr) reportDue(pe *model.ReportingPeriod, owed []*model.Commitment) content {
	c := content{Title: t.T("remind.prefix") + t.T("remind.report.due.title", "Period", t.text(pe.Name), "Ends", t.Date(pe.EndsOn)),
		Lines: []string{t.T("remind.report.due.text", "Period", t.text(pe.Name), "Ends", t.Date(pe.EndsOn), "Count", len(owed))},
		Link:  fmt.Sprintf("%s/commitments/%d", t.r.baseURL, owed[0].ID), Label: t.T("remind.report.due.link")}
	for _, cm := range owed {
		c.Items = append(c.Items, fmt.Sprintf("%s %s: %s/commitments/%d/reports/new", cm.Code, t.text(cm.Title), t.r.baseURL, cm.ID))
	}
	return c
}

func (t *tr) reviewWaiting(c *model.Commitment, r *model.ProgressReport) content {
	days := t.r.rules.ReviewWithin
	return content{Title: t.T("remind.prefix") + t.T("remind.review.title", "Code", c.Code, "Days", days),
		Lines: []string{t.T("remind.review.text", "Code", c.Code, "Commitment", t.text(c.Title), "Submitted", t.Time(*r.SubmittedAt), "Days", days)},
		Link:  fmt.Sprintf("%s/commitments/%d", t.r.baseURL, c.ID), Label: t.T("remind.review.link")}
}

func (t *tr) question(st *stage, q *model.Question) content {
	where := t.T("remind.question.plan")
	if q.Commitment != nil {
		where = q.Commitment.Code + " " + t.text(q.Commitment.Title)
	}
	due := model.DayOf(q.DueAt.In(t.r.loc))
	args := []any{"ID", q.ID, "Due", t.Date(due), "Days", st.days, "Where", where}
	var title, line string
	switch {
	case st.escal:
		title, line = t.T("remind.question.late.title", args...), t.T("remind.question.late.text", args...)
	case st.rule == RuleQuestion:
		title, line = t.T("remind.question.new.title", args...), t.T("remind.question.new.text", args...)
	case st.days == 0:
		title, line = t.T("remind.question.today.title", args...), t.T("remind.question.today.text", args...)
	default:
		title, line = t.T("remind.question.due.title", args...), t.T("remind.question.due.text", args...)
	}
	text := q.Text
	if r := []rune(text); len(r) > 300 {
		text = string(r[:300]) + "…"
	}
	return content{Title: t.T("remind.prefix") + title, Lines: []string{line, "> " + text},
		Link: fmt.Sprintf("%s/questions/%d", t.r.baseURL, q.ID), Label: t.T("remind.question.link")}
}

// email dresses a reminder as plain text and HTML for u, with why they get
// it and how to stop it.
func (t *tr) email(u *model.User, c content, unsubscribe string, kind model.ReminderKind) (string, string, error) {
	kindName := t.T("remind.kind." + string(kind))
	footer := []string{
		t.T("remind.footer.why", "Kind", kindName),
		t.T("remind.footer.unsubscribe", "Kind", kindName) + " " + unsubscribe,
		t.T("remind.footer.preferences") + " " + t.r.baseURL + "/account/reminders",
	}
	var b strings.Builder
	b.WriteString(t.T("remind.greeting", "Name", u.Name) + "\n\n")
	for _, l := range c.Lines {
		b.WriteString(l + "\n\n")
	}
	for _, it := range c.Items {
		b.WriteString("- " + it + "\n")
	}
	if len(c.Items) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(c.Label + ": " + c.Link + "\n\n-- \n")
	b.WriteString(strings.Join(footer, "\n") + "\n")
	var h bytes.Buffer
	err := htmlMail.Execute(&h, map[string]any{"Lang": t.Lang, "Greeting": t.T("remind.greeting", "Name", u.Name), "C": c,
		"Why": footer[0], "Unsubscribe": unsubscribe, "UnsubscribeLabel": t.T("remind.footer.unsubscribe", "Kind", kindName),
		"Preferences": t.r.baseURL + "/account/reminders", "PreferencesLabel": t.T("remind.footer.preferences")})
	return b.String(), h.String(), err
}

// chat dresses a reminder as one chat message (Slack's mrkdwn is plain
// enough to read anywhere).
func (t *tr) chat(c content) string {
	var b strings.Builder
	b.WriteString(c.Title + "\n")
	for _, l := range c.Lines {
		b.WriteString(l + "\n")
	}
	for _, it := range c.Items {
		b.WriteString("• " + it + "\n")
	}
	b.WriteString(c.Label + ": " + c.Link)
	return b.String()
}

var htmlMail = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.C.Title}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p>{{.Greeting}}</p>
{{range .C.Lines}}<p>{{.}}</p>
{{end}}{{with .C.Items}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
{{end}}<p><a href="{{.C.Link}}">{{.C.Label}}</a></p>
<hr>
<p style="font-size: smaller">{{.Why}}<br>
<a href="{{.Unsubscribe}}">{{.UnsubscribeLabel}}</a><br>
<a href="{{.Preferences}}">{{.PreferencesLabel}}</a></p>
</body></html>
`))

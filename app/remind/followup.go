package remind

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ogptracker/ogptracker/app/model"
)

// RuleFollowUp asks an agency to report on its open follow-up items
// Rules.FollowUpBefore days before the meeting they will be discussed at.
const RuleFollowUp = "followup-report-%dd"

// followUps queues, for each meeting within Rules.FollowUpBefore days,
// one message to the liaisons of each agency owning items still tracked
// from earlier meetings, listing them. The key holds the meeting and the
// agency: each is asked once per meeting.
func (b *batch) followUps(ctx context.Context, today model.Date) error {
	days := b.r.rules.FollowUpBefore
	if days <= 0 {
		return nil
	}
	until := model.DayOf(today.First(b.r.loc).AddDate(0, 0, days))
	meetings, open, err := b.r.st.FindMeetingsAhead(ctx, today, until)
	if err != nil {
		return err
	}
	for i := range meetings {
		m := &meetings[i]
		byAgency := map[uint][]model.FollowUp{}
		var agencies []uint
		for _, f := range open[m.ID] {
			if byAgency[f.AgencyID] == nil {
				agencies = append(agencies, f.AgencyID)
			}
			byAgency[f.AgencyID] = append(byAgency[f.AgencyID], f)
		}
		for _, agency := range agencies {
			aud := newAudience()
			aud.add(b.who.liaisons[agency]...)
			aud.hook(b.who.webhooks[agency]...)
			key := msgKey{rule: fmt.Sprintf(RuleFollowUp, days), subject: fmt.Sprintf("meeting:%d", m.ID),
				occurrence: fmt.Sprintf("%s/agency:%d", m.HeldOn, agency), kind: model.KindReports}
			items := byAgency[agency]
			if err := b.queue(key, aud, func(t *tr) content { return t.followUps(m, items) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *tr) followUps(m *model.Meeting, items []model.FollowUp) content {
	c := content{Title: t.T("remind.prefix") + t.T("remind.followup.title", "Date", t.Date(m.HeldOn)),
		Lines: []string{t.T("remind.followup.text", "Date", t.Date(m.HeldOn), "Count", len(items))},
		Link:  fmt.Sprintf("%s/meetings/%d", t.r.baseURL, m.ID), Label: t.T("remind.followup.link")}
	for _, f := range items {
		c.Items = append(c.Items, fmt.Sprintf("%s (%s/followups/%d)", f.What, t.r.baseURL, f.ID))
	}
	return c
}

// PublishTranscripts publishes the transcripts whose ten working days of
// corrections are over: what the scheduled job runs. A transcript is
// published once, however often it runs.
func (r *Reminder) PublishTranscripts(ctx context.Context) ([]uint, error) {
	meetings, err := r.st.PublishDueTranscripts(ctx, r.st.Now())
	for _, id := range meetings {
		r.log.LogAttrs(ctx, slog.LevelInfo, "transcript published", slog.Uint64("meeting", uint64(id)))
	}
	return meetings, err
}

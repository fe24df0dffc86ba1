package web

import (
	"context"
	"html/template"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// questionView is a question as the public reads it: where its promise
// stands, and its thread with answers rendered from Markdown.
type questionView struct {
	Q     *model.Question
	Clock questionClock
	// Entries are the thread, oldest first (the question page only).
	Entries []entryView
}

// questionClock is where the promise stands: "answered in N days", "N
// days left", "due today" or "N days overdue"; a hidden question has none.
type questionClock struct {
	State  string // answered, left, today, overdue, hidden
	Days   int
	InTime bool // answered within the promise
}

type entryView struct {
	E       model.QuestionEntry
	Body    template.HTML // an answer's Markdown, made safe
	Reasons template.HTML
}

// clockOf is where q's promise stands as of now, in days of loc.
func clockOf(q *model.Question, now time.Time, loc *time.Location) questionClock {
	if q.Hidden() {
		return questionClock{State: "hidden"}
	}
	days, answered := q.Days(now, loc)
	switch {
	case answered:
		return questionClock{State: "answered", Days: days, InTime: q.AnsweredInTime()}
	case now.After(q.DueAt):
		return questionClock{State: "overdue", Days: max(-days, 1)}
	case days == 0:
		return questionClock{State: "today"}
	}
	return questionClock{State: "left", Days: days}
}

func (s *Server) viewQuestion(q *model.Question, thread bool) questionView {
	v := questionView{Q: q, Clock: clockOf(q, s.now(), s.location)}
	if thread {
		for _, e := range q.Entries {
			ev := entryView{E: e}
			if e.Kind == model.EntryAnswer {
				ev.Body, ev.Reasons = renderMarkdown(e.Body, 3), renderMarkdown(e.Reasons, 3)
			}
			v.Entries = append(v.Entries, ev)
		}
	}
	return v
}

// questionsSection is the questions part of a commitment's or a plan's
// page: every question, hidden ones in place, counted, most wanted or
// newest first. It holds links only, no form, so that the page stays one
// every anonymous visitor shares (pagecache.go): asking and voting happen
// on pages of their own.
type questionsSection struct {
	Base    string // "/commitments/12" or "/plans/3"
	Items   []questionView
	Counts  store.QuestionCounts
	Stats   store.QuestionStats
	ByVotes bool
	Days    int // the plan's promise
}

// questionsSectionFor reads the section of a commitment (commitmentID) or
// of a plan as a whole; sortBy is the ?sort= of the page.
func (s *Server) questionsSectionFor(ctx context.Context, base string, f store.QuestionFilter, sortBy string, days int) (questionsSection, error) {
	f.ByVotes = sortBy == "votes"
	qs, err := s.store.FindQuestions(ctx, f)
	if err != nil {
		return questionsSection{}, err
	}
	sec := questionsSection{Base: base, ByVotes: f.ByVotes, Counts: store.CountsOf(qs), Stats: store.StatsOf(qs, s.now()), Days: days}
	for i := range qs {
		sec.Items = append(sec.Items, s.viewQuestion(&qs[i], false))
	}
	return sec, nil
}

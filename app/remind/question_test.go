package remind_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// A question nobody answers: its agency's liaisons hear of it when it
// arrives, 3 days before the promise and on the day; once the promise has
// passed, the commitment's co-leads, the chair and the administrators
// do. Each message once, over real SMTP, however often the passes run.
func TestAnUnansweredQuestionRemindsItsLiaisonsThenEscalatesEachOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2022-02-07 10:00"))
	ctx := context.Background()
	c21, err := s.st.FindCommitmentByID(ctx, 6) // 2-1: CEC leads, DEMO-CIVICTECH co-leads
	if err != nil {
		t.Fatal(err)
	}
	q := &model.Question{CommitmentID: &c21.ID, Kind: model.AskQuestion, Text: "When will the donation records be open data?",
		Lang: "en", Channel: model.ChannelOnline}
	if err := s.st.AskQuestion(ctx, q, "", "", nil); err != nil {
		t.Fatal(err)
	}
	type step struct {
		when string
		to   map[string]string // recipient → the one question rule they get
	}
	steps := []step{
		{"2022-02-07 10:05", map[string]string{cecZH: "question-new"}},
		{"2022-02-07 18:00", nil},
		{"2022-02-12 09:00", nil},
		{"2022-02-18 09:00", map[string]string{cecZH: "question-due-3d"}},
		{"2022-02-19 09:00", nil},
		{"2022-02-21 08:00", map[string]string{cecZH: "question-due-0d"}},
		{"2022-02-21 09:59", nil},
		{"2022-02-21 10:01", map[string]string{civicTech: "question-overdue", chair: "question-overdue", admin: "question-overdue"}},
		{"2022-02-22 09:00", nil},
		{"2022-03-01 09:00", nil},
	}
	everyone := []string{cecZH, ndcEN, moiZH, civicTech, openData, chair, admin}
	for _, st := range steps {
		for range 2 { // every pass twice: the second queues nothing
			queued, _ := s.run(at(st.when))
			got := map[string]string{}
			for _, m := range queued {
				if strings.HasPrefix(m.Rule, "question-") {
					if got[m.To] != "" {
						t.Errorf("%s: %s got two question reminders", st.when, m.To)
					}
					got[m.To] = m.Rule
					if m.Subject != "question:"+itoa(q.ID) {
						t.Errorf("subject %q", m.Subject)
					}
				}
			}
			for _, who := range everyone {
				if got[who] != st.to[who] {
					t.Errorf("%s: %s got %q, want %q", st.when, who, got[who], st.to[who])
				}
			}
			st.to = nil
		}
	}
	// What arrived at the SMTP server: each rule once per recipient.
	count := func(to, title string) int {
		n := 0
		for _, m := range s.smtp.To(to) {
			if strings.Contains(m.Header("Subject"), title) {
				n++
			}
		}
		return n
	}
	for _, c := range []struct{ to, title string }{
		{cecZH, "新的民眾提問"}, {cecZH, "尚有 3 天"}, {cecZH, "今天是承諾回覆的最後一天"},
		{civicTech, "未於"}, {chair, "未於"}, {admin, "未於"},
	} {
		if n := count(c.to, c.title); n != 1 {
			t.Errorf("%s received %d messages titled %q, want 1", c.to, n, c.title)
		}
	}
	if n := count(openData, "提問") + count(moiZH, "提問") + count(ndcEN, "question"); n != 0 {
		t.Errorf("people with no part in the question heard of it %d times", n)
	}
	if m := s.smtp.To(cecZH); len(m) == 0 || !strings.Contains(m[0].Raw, "https://ogp.example.org/questions/"+itoa(q.ID)) {
		t.Errorf("the reminder does not link to the question")
	}

	// Answered: nothing more, even after a follow-up is answered in time.
	s.clock.Set(at("2022-03-02 10:00"))
	if err := s.st.AnswerQuestion(model.NewContextWithActor(ctx, s.users[cecZH].ActorThrough(model.DoorWeb)), q.ID,
		&model.QuestionEntry{Disposition: model.DispositionAdopted, Body: "By June.", Reasons: "It is in the plan."}, nil); err != nil {
		t.Fatal(err)
	}
	if queued, _ := s.run(at("2022-03-03 09:00")); len(questionRules(queued)) != 0 {
		t.Errorf("an answered question still reminds: %v", questionRules(queued))
	}
}

func questionRules(ms []model.OutboxMessage) []string {
	var out []string
	for _, m := range ms {
		if strings.HasPrefix(m.Rule, "question-") {
			out = append(out, m.To+" "+m.Rule)
		}
	}
	return out
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

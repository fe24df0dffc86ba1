package remind_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

var followLimits = store.FollowLimits{LinkLifetime: 48 * time.Hour, PerWindow: 5, Window: time.Hour}

// follow asks, as the form does, that email follow a thing, and returns
// the token of the confirmation link.
func (s *site) follow(email, lang string, target model.FollowTarget, id uint) string {
	s.t.Helper()
	var token string
	sent, err := s.st.RequestFollow(context.Background(), model.FollowRequest{Email: email, Language: lang, Target: target, TargetID: id},
		followLimits, func(tok string, f *model.Follower) model.OutboxMessage {
			token = tok
			return model.OutboxMessage{Lang: lang, Title: "Confirm following", Text: "Open " + tok}
		})
	if err != nil || !sent {
		s.t.Fatalf("follow %s: sent %v, %v", email, sent, err)
	}
	return token
}

// digestsTo is the follow digests the SMTP server received for an address.
func (s *site) digestsTo(email string) []string {
	var out []string
	for _, m := range s.smtp.To(email) {
		if m.Header("Subject") != "Confirm following" {
			out = append(out, m.Text())
		}
	}
	return out
}

func TestAFollowerReceivesTheWeeksNewsOnceInTheirLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t, at("2021-12-01 10:00"))
	ctx := context.Background()
	period := s.withPeriods()
	cec, err := s.st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	const (
		reader  = "reader@example.org"  // follows 2-1 in English
		plan    = "plan@example.org"    // follows the agency and the plan in Chinese
		quiet   = "quiet@example.org"   // follows 1-1, where nothing happens
		waiting = "waiting@example.org" // never confirms
	)
	s.clock.Set(at("2021-12-14 10:00"))
	for _, tok := range []string{
		s.follow(reader, "en", model.FollowCommitment, 6),
		s.follow(plan, "zh-TW", model.FollowAgency, cec.ID),
		s.follow(plan, "zh-TW", model.FollowPlan, 1),
		s.follow(quiet, "en", model.FollowCommitment, 1),
	} {
		if _, err := s.st.ConfirmFollow(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	s.follow(waiting, "en", model.FollowCommitment, 6)

	// In the week: a report on 2-1, and a milestone of 2-1 starts.
	s.clock.Set(at("2021-12-15 11:00"))
	s.submit(period)
	s.clock.Set(at("2021-12-16 15:30"))
	ms, err := s.st.FindMilestones(ctx, []uint{6})
	if err != nil || len(ms[6]) == 0 {
		t.Fatalf("milestones of 2-1: %v", err)
	}
	m := model.Leaves(ms[6])[0]
	if _, err := s.st.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: model.MilestoneInProgress}, model.DayOf(s.clock.Now())); err != nil {
		t.Fatal(err)
	}

	// A question from the public on 2-1, answered by its agency.
	s.clock.Set(at("2021-12-17 10:00"))
	q := &model.Question{CommitmentID: &ms[6][0].CommitmentID, Kind: model.AskQuestion, Text: "When will it open?", Lang: "en", Channel: model.ChannelOnline}
	if err := s.st.AskQuestion(ctx, q, "", "voter", nil); err != nil {
		t.Fatal(err)
	}
	s.clock.Set(at("2021-12-17 14:00"))
	liaison := model.NewContextWithActor(ctx, s.users[cecZH].ActorThrough(model.DoorWeb))
	if err := s.st.AnswerQuestion(liaison, q.ID, &model.QuestionEntry{Disposition: model.DispositionPartly, Body: "In June.", Reasons: "Tests first."}, nil); err != nil {
		t.Fatal(err)
	}

	// Sunday: no digest yet; the confirmation links have gone.
	queued, _ := s.run(at("2021-12-19 20:00"))
	if got := rules(queued, reader); got[remind.RuleFollowDigest] != 0 {
		t.Errorf("a digest before Monday: %v", got)
	}
	if got := len(s.smtp.To(waiting)); got != 1 {
		t.Errorf("the unconfirmed address received %d messages, want its confirmation", got)
	}

	queued, res := s.run(at("2021-12-20 09:00"))
	for _, to := range []string{reader, plan} {
		if got := rules(queued, to); got[remind.RuleFollowDigest] != 1 {
			t.Errorf("%s: queued %v, want one digest", to, got)
		}
	}
	if got := rules(queued, quiet); len(got) != 0 {
		t.Errorf("an address with nothing to tell got %v", got)
	}
	if got := rules(queued, waiting); len(got) != 0 {
		t.Errorf("the unconfirmed address got %v", got)
	}
	if res.Failed+res.Retrying != 0 {
		t.Errorf("send: %+v", res)
	}
	en := s.smtp.To(reader)
	if len(en) != 2 { // the confirmation, then the digest
		t.Fatalf("reader received %d messages, want the confirmation and one digest", len(en))
	}
	digest := en[1]
	if subj := digest.Header("Subject"); !strings.Contains(subj, "What changed in what you follow, week to 20 Dec 2021") {
		t.Errorf("subject %q", subj)
	}
	body := digest.Text()
	for _, want := range []string{
		"Commitment 2-1:", "Progress report submitted", "progress report for", "submitted 15 Dec 2021 11:00",
		"Milestone status changed", "Milestone 2-1 #", "from Not started to In progress (16 Dec 2021 15:30)",
		"https://ogp.example.org/reports/", "https://ogp.example.org/changes/",
		"Question from the public answered", fmt.Sprintf("Question no. %d on 2-1: answered, partly adopted (17 Dec 2021 14:00)", q.ID),
		fmt.Sprintf("https://ogp.example.org/questions/%d", q.ID),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the digest lacks %q:\n%s", want, body)
		}
	}
	if unsub := digest.Header("List-Unsubscribe"); !strings.HasPrefix(unsub, "<https://ogp.example.org/follow/stop/") ||
		digest.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe = %q", unsub)
	}
	// The agency and the plan cover the same news: told once, in Chinese,
	// under the agency, the narrower.
	zh := s.digestsTo(plan)
	if len(zh) != 1 {
		t.Fatalf("plan follower received %d digests", len(zh))
	}
	for _, want := range []string{"機關：", "提交的進度報告", "里程碑狀態變更", "由「尚未開始」改為「進行中」"} {
		if !strings.Contains(zh[0], want) {
			t.Errorf("the Chinese digest lacks %q:\n%s", want, zh[0])
		}
	}
	if strings.Contains(zh[0], "行動方案：") {
		t.Errorf("news told twice, under the plan too:\n%s", zh[0])
	}

	// Again, and later that day: nothing more.
	before := len(s.smtp.Messages())
	for _, when := range []time.Time{at("2021-12-20 09:00"), at("2021-12-20 15:00")} {
		if again, res := s.run(when); len(again) != 0 || res.Sent != 0 {
			t.Errorf("pass at %s queued %d and sent %d again", when, len(again), res.Sent)
		}
	}
	if n := len(s.smtp.Messages()); n != before {
		t.Errorf("%d more messages", n-before)
	}
	// The next week has nothing to tell.
	if queued, _ := s.run(at("2021-12-27 09:00")); len(rules(queued, reader)) != 0 {
		t.Errorf("a week without news: %v", rules(queued, reader))
	}
}

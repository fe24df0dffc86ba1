package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// questionStore is a store with the demo plan and one of its commitments
// that has a lead agency.
func questionStore(t *testing.T) (*store.Store, *model.Commitment, func(time.Duration)) {
	t.Helper()
	s, clock := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	plan, err := s.FindPlanByRef(context.Background(), demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := s.FindCommitments(context.Background(), store.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.LeadAgencyID != nil {
			return s, &c, clock.Advance
		}
	}
	t.Fatal("no commitment with a lead agency")
	return nil, nil, nil
}

func TestQuestionTablesMatchTheModel(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	db := s.DBForTest()
	for _, m := range []any{&model.Question{}, &model.QuestionEntry{}, &model.QuestionVote{}, &model.Plan{}} {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			t.Fatal(err)
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !db.Migrator().HasColumn(stmt.Schema.Table, f.DBName) {
				t.Errorf("%T.%s: no column %s.%s", m, f.Name, stmt.Schema.Table, f.DBName)
			}
		}
	}
}

// A question's life: asked with an address (kept sealed), voted on once
// per person, answered, followed up (reopened), answered again; the
// answers are listed by time window for digests.
func TestAQuestionIsAskedVotedAnsweredAndReopened(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c, advance := questionStore(t)
	var confirmTo, token string
	q := &model.Question{CommitmentID: &c.ID, Kind: model.AskQuestion, Text: "When will the data be published?", Lang: "en",
		Channel: model.ChannelOnline, FromHash: "addr-1"}
	err := s.AskQuestion(ctx, q, "Asker@Example.org", "voter-1", func(q *model.Question, to, tok string) model.OutboxMessage {
		confirmTo, token = to, tok
		return model.OutboxMessage{Rule: "question-confirm", Subject: "question", Recipient: "question", Occurrence: "1",
			Kind: model.KindAsker, Channel: model.ChannelEmail, To: to, Lang: "en", Title: "Confirm", Text: tok}
	})
	if err != nil {
		t.Fatal(err)
	}
	if q.AgencyID == nil || *q.AgencyID != *c.LeadAgencyID || q.PlanID != c.PlanID {
		t.Fatalf("agency %v plan %d, want the commitment's lead %d and plan %d", q.AgencyID, q.PlanID, *c.LeadAgencyID, c.PlanID)
	}
	if got := q.DueAt.Sub(q.ReceivedAt); got != 14*24*time.Hour {
		t.Errorf("due %v after asking, want 14 days", got)
	}
	if bytes.Contains(q.EmailSealed, []byte("example.org")) || strings.Contains(confirmTo, "example.org") || !strings.HasPrefix(confirmTo, store.SealedPrefix) {
		t.Errorf("the address is not sealed: %q", confirmTo)
	}
	if addr, err := s.OpenAddress(ctx, confirmTo); err != nil || addr != "asker@example.org" {
		t.Errorf("OpenAddress = %q, %v", addr, err)
	}
	if _, err := s.ConfirmQuestionEmail(ctx, "wrong"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a wrong token: %v", err)
	}
	if _, err := s.ConfirmQuestionEmail(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmQuestionEmail(ctx, token); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a link used twice: %v", err)
	}

	// Votes: the asker's own counts; once per voter; five per address.
	if added, err := s.VoteQuestion(ctx, q.ID, "voter-1", "addr-1"); err != nil || added {
		t.Errorf("the asker voting again: added %v, %v", added, err)
	}
	for i := range 4 {
		if added, err := s.VoteQuestion(ctx, q.ID, "v"+string(rune('a'+i)), "addr-2"); err != nil || !added {
			t.Fatalf("vote %d: %v %v", i, added, err)
		}
	}
	if _, err := s.VoteQuestion(ctx, q.ID, "v-last", "addr-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VoteQuestion(ctx, q.ID, "v-over", "addr-2"); !errors.Is(err, store.ErrVoteLimit) {
		t.Errorf("a sixth vote from one address: %v", err)
	}

	// An answer without reasons is refused, and nothing changes.
	bad := &model.QuestionEntry{Disposition: model.DispositionPartly, Body: "We will publish part."}
	var fe model.FieldErrors
	if err := s.AnswerQuestion(ctx, q.ID, bad, nil); !errors.As(err, &fe) || fe["reasons"] == "" {
		t.Fatalf("an answer without reasons: %v", err)
	}
	advance(3 * 24 * time.Hour)
	mailed := 0
	notify := func(q *model.Question, to, _ string) model.OutboxMessage {
		mailed++
		return model.OutboxMessage{Rule: "question-answer", Subject: "q", Recipient: "q", Occurrence: "a", Kind: model.KindAsker,
			Channel: model.ChannelEmail, To: to, Lang: "en", Title: "Answered", Text: q.Entries[0].Body}
	}
	from := s.Now()
	ans := &model.QuestionEntry{Disposition: model.DispositionPartly, Body: "We will publish **part**.", Reasons: "Some is personal data."}
	if err := s.AnswerQuestion(ctx, q.ID, ans, notify); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindQuestionByID(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Votes != 6 || got.AnsweredAt == nil || got.Disposition != model.DispositionPartly || len(got.Entries) != 1 || mailed != 1 {
		t.Fatalf("after the answer: votes %d answered %v disposition %q entries %d mailed %d", got.Votes, got.AnsweredAt, got.Disposition, len(got.Entries), mailed)
	}
	if days, answered := got.Days(s.Now(), time.UTC); !answered || days != 3 {
		t.Errorf("Days = %d, %v; want answered in 3", days, answered)
	}
	items, err := s.FindAnswersBetween(ctx, from, from.Add(time.Hour))
	if err != nil || len(items) != 1 || items[0].Question.ID != q.ID || items[0].Entry.Reasons != ans.Reasons {
		t.Fatalf("FindAnswersBetween = %+v, %v", items, err)
	}
	if items, _ := s.FindAnswersBetween(ctx, from.Add(time.Hour), from.Add(2*time.Hour)); len(items) != 0 {
		t.Errorf("an empty window lists %d answers", len(items))
	}

	// A follow-up reopens it with a new clock.
	advance(24 * time.Hour)
	if err := s.FollowUpQuestion(ctx, q.ID, "<script>alert(1)</script>", "", "addr-1"); !errors.As(err, &fe) || fe["body"] != model.MsgScript {
		t.Errorf("a script in a follow-up: %v", err)
	}
	if err := s.FollowUpQuestion(ctx, q.ID, "Which part?", "Lin", "addr-1"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindQuestionByID(ctx, q.ID)
	if got.AnsweredAt != nil || !got.ClockFrom.Equal(s.Now()) || len(got.Entries) != 2 {
		t.Errorf("after the follow-up: answered %v clock from %v entries %d", got.AnsweredAt, got.ClockFrom, len(got.Entries))
	}
	if n, err := s.CountPostsFrom(ctx, "addr-1", s.Now().Add(-time.Hour)); err != nil || n != 1 {
		t.Errorf("posts from addr-1 in the last hour: %d, %v", n, err)
	}
	st, err := s.FindQuestionStats(ctx, store.QuestionFilter{AgencyID: *c.LeadAgencyID})
	if err != nil || st.Asked != 1 || st.Open != 1 || st.Answered != 0 {
		t.Errorf("stats %+v, %v", st, err)
	}
}

// "Not our remit" passes the question and its clock to another agency;
// a hidden question keeps its place and reason.
func TestAQuestionIsTransferredAndHidden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c, _ := questionStore(t)
	agencies, err := s.FindAgencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var other uint
	for _, a := range agencies {
		if a.ID != *c.LeadAgencyID {
			other = a.ID
			break
		}
	}
	q := &model.Question{CommitmentID: &c.ID, Kind: model.AskSuggestion, Text: "Publish it as CSV.", Lang: "zh-TW", Channel: model.ChannelOnline}
	if err := s.AskQuestion(ctx, q, "", "", nil); err != nil {
		t.Fatal(err)
	}
	e := &model.QuestionEntry{Disposition: model.DispositionNotOurRemit, Body: "The statistics office holds it.", Reasons: "Not ours."}
	var fe model.FieldErrors
	if err := s.AnswerQuestion(ctx, q.ID, e, nil); !errors.As(err, &fe) || fe["to_agency"] == "" {
		t.Fatalf("not our remit without an agency: %v", err)
	}
	e.ToAgencyID = &other
	if err := s.AnswerQuestion(ctx, q.ID, e, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindQuestionByID(ctx, q.ID)
	if got.AgencyID == nil || *got.AgencyID != other || got.AnsweredAt != nil || !got.Open() {
		t.Errorf("after the transfer: agency %v answered %v", got.AgencyID, got.AnsweredAt)
	}
	if err := s.HideQuestion(ctx, q.ID, "spam", nil, ""); !errors.As(err, &fe) || fe["reason"] == "" {
		t.Errorf("an unlisted reason: %v", err)
	}
	if err := s.HideQuestion(ctx, q.ID, model.HideOffTopic, nil, "About another plan."); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindQuestionByID(ctx, q.ID)
	if !got.Hidden() || got.HiddenReason != model.HideOffTopic || got.Entries[len(got.Entries)-1].Kind != model.EntryHidden {
		t.Errorf("hidden %v reason %q", got.Hidden(), got.HiddenReason)
	}
	list, _ := s.FindQuestions(ctx, store.QuestionFilter{CommitmentID: c.ID})
	if n := store.CountsOf(list); n.All != 1 || n.Hidden != 1 {
		t.Errorf("counts %+v, want the hidden question counted", n)
	}
	if _, err := s.VoteQuestion(ctx, q.ID, "v", "a"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a vote on a hidden question: %v", err)
	}
}

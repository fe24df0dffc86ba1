package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// A request to follow keeps the address until its link expires
// unconfirmed; a confirmed follow is kept; a follow already confirmed sends
// no second link.
func TestUnconfirmedFollowsAreForgottenAndConfirmedOnesKept(t *testing.T) {
	t.Parallel()
	s, clock := openTestStore(t)
	limits := store.FollowLimits{LinkLifetime: 48 * time.Hour, PerWindow: 5, Window: time.Hour}
	ask := func(email string, id uint) (string, bool) {
		t.Helper()
		var token string
		sent, err := s.RequestFollow(ctx, model.FollowRequest{Email: email, Language: "en", Target: model.FollowPlan, TargetID: id}, limits,
			func(tok string, _ *model.Follower) model.OutboxMessage {
				token = tok
				return model.OutboxMessage{Title: "Confirm", Text: tok}
			})
		if err != nil {
			t.Fatal(err)
		}
		return token, sent
	}
	kept, _ := ask("kept@example.org", 1)
	if _, err := s.ConfirmFollow(ctx, kept); err != nil {
		t.Fatal(err)
	}
	if _, sent := ask("Kept@example.org", 1); sent {
		t.Error("a second link was sent for a follow already confirmed")
	}
	ask("typo@example.org", 1)
	if n, err := s.ForgetUnconfirmedFollows(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("before the link expires: forgot %d, %v", n, err)
	}
	clock.Advance(48 * time.Hour)
	if n, err := s.ForgetUnconfirmedFollows(ctx, clock.Now()); err != nil || n != 1 {
		t.Fatalf("after the link expired: forgot %d, %v; want the unconfirmed address", n, err)
	}
	counts, err := s.CountFollows(ctx)
	if err != nil || counts.Addresses != 1 || counts.Plans != 1 || counts.Waiting != 0 {
		t.Errorf("counts %+v, %v", counts, err)
	}
	// The address may ask again, and its new link works.
	again, _ := ask("typo@example.org", 1)
	if _, err := s.ConfirmFollow(ctx, again); err != nil {
		t.Errorf("a new request after forgetting: %v", err)
	}
	if _, err := s.ConfirmFollow(ctx, again); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a link confirmed twice: %v", err)
	}
}

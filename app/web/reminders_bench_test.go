package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
)

// BenchmarkReminderPass measures a reminder pass over the database of the
// page benchmarks (more than 5,000 commitments and 23,000 milestones), with
// a liaison for each generated agency and a committee member, as of a
// Monday morning when a milestone of every generated commitment falls due:
// the dry pass works everything out; the first real pass also queues it.
//
//	go test -run XXX -bench ReminderPass -benchtime 5x ./app/web/
func BenchmarkReminderPass(b *testing.B) {
	st, _ := loadedServer(b, true)
	ctx := context.Background()
	for i := range 10 {
		a, err := st.FindAgencyByCode(ctx, fmt.Sprintf("GEN-A%d", i))
		if err != nil {
			b.Fatal(err)
		}
		u := &model.User{Email: fmt.Sprintf("liaison%d@example.org", i), Name: "Liaison", Role: model.RoleLiaison, AgencyID: &a.ID, PasswordHash: "x"}
		if err := st.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.CreateUser(ctx, &model.User{Email: "committee@example.org", Name: "Committee", Role: model.RoleCommittee, PasswordHash: "x"}); err != nil {
		b.Fatal(err)
	}
	rem, err := remind.New(remind.Options{Store: st, Location: taipei, BaseURL: "http://example.test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2022, 6, 20, 9, 0, 0, 0, taipei)
	start := time.Now()
	queued, err := rem.Pass(ctx, at, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first pass queued %d messages in %v", len(queued), time.Since(start))
	start = time.Now()
	again, err := rem.Pass(ctx, at, false)
	if err != nil || len(again) != 0 {
		b.Fatalf("second pass queued %d: %v", len(again), err)
	}
	b.Logf("second pass (nothing new) took %v", time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		if _, err := rem.Pass(ctx, at, true); err != nil {
			b.Fatal(err)
		}
	}
}

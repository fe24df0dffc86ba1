package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// TestMain hashes the demo passwords at bcrypt's lowest cost; what is
// checked is the same.
func TestMain(m *testing.M) {
	model.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// openApp opens the tracker on a database that outlives each opening, as
// a restart would find it; the caller closes it.
func openApp(t *testing.T, databaseURL string) *App {
	t.Helper()
	cfg := config.Config{DatabaseURL: databaseURL, Location: time.UTC, Demo: true}
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A first start that fails after importing the plan (here at its last
// account, whose agency does not exist) leaves the database empty, and the
// next start loads the whole demo: plan, reporting periods and accounts.
func TestAFailedFirstStartLeavesNothingAndTheNextLoadsTheWholeDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t, "ogptracker.db")
	a := openApp(t, url)
	accounts := append(demo.Accounts(), demo.Account{Email: "nowhere.liaison@demo.example.org", Name: "Nobody",
		Role: model.RoleLiaison, Agency: "NOWHERE", Password: "a password long enough"})
	if got, err := a.loadDemo(ctx, accounts); err == nil || got != nil {
		t.Fatalf("a failing account step: %v, %v; want an error and no accounts", got, err)
	}
	emptyLike := func(a *App, what string) {
		t.Helper()
		counts, err := a.Store.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		users, err := a.Store.CountUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changes, total, err := a.Store.FindChanges(ctx, store.ChangeFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if counts != (store.Counts{}) || users != 0 || len(changes) != 0 || total != 0 {
			t.Errorf("%s: %+v, %d accounts, %d changes; want nothing", what, counts, users, total)
		}
	}
	emptyLike(a, "after the failed start")
	a.Close()

	a = openApp(t, url)
	defer a.Close()
	emptyLike(a, "reopened")
	got, err := a.LoadDemo(ctx)
	if err != nil || len(got) != len(demo.Accounts()) {
		t.Fatalf("the next start: %d accounts, %v; want %d", len(got), err, len(demo.Accounts()))
	}
	counts, err := a.Store.Count(ctx)
	// Taiwan's first plan (19 commitments, 37 milestones), its second (7
	// commitments, no milestone public) and the made-up plan (2 and 5).
	if err != nil || counts.Plans != 3 || counts.Commitments != 19+7+2 || counts.Milestones != 37+5 {
		t.Errorf("the next start loaded %+v, %v; want the two real plans' 26 commitments and 37 milestones and the made-up plan's 2 and 5", counts, err)
	}
	plan, err := a.Store.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	if periods, err := a.Store.FindPeriods(ctx, plan.ID); err != nil || len(periods) != len(demo.Periods()) {
		t.Errorf("%d reporting periods, %v; want %d", len(periods), err, len(demo.Periods()))
	}
	for _, acc := range got {
		u, err := a.Store.FindUserByEmail(ctx, acc.Email)
		if err != nil || !u.PasswordMatches(acc.Password) {
			t.Errorf("demo account %s: %v; want it to sign in with the password given", acc.Email, err)
		}
	}
	// A third start finds the demo there and changes nothing.
	if again, err := a.LoadDemo(ctx); err != nil || again != nil {
		t.Errorf("a third start: %v, %v; want nothing created", again, err)
	}
}

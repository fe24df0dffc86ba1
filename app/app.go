// Package app wires the tracker together: configuration, database, demo
// data and the web server, for each of the command's subcommands.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/web"
)

// App is an opened, migrated tracker.
type App struct {
	Config config.Config
	Store  *store.Store
	log    *slog.Logger
}

// Open connects to the configured database and applies pending migrations.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, now func() time.Time) (*App, error) {
	st, err := store.Open(cfg.DatabaseURL, store.Options{Logger: log, Now: now})
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if applied > 0 {
		log.Info("database migrated", "database", cfg.DatabaseURL, "steps", applied)
	}
	return &App{Config: cfg, Store: st, log: log}, nil
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }

// LoadDemo imports the demo plan when the database holds no plan yet and,
// when it holds no account either, creates the demo accounts. It returns
// the accounts it created, with their passwords: the only time anyone
// sees them, since only their hashes are kept.
func (a *App) LoadDemo(ctx context.Context) ([]demo.Account, error) {
	counts, err := a.Store.Count(ctx)
	if err != nil || counts.Plans > 0 {
		return nil, err
	}
	ds, err := demo.Dataset()
	if err != nil {
		return nil, fmt.Errorf("demo plan: %w", err)
	}
	res, err := a.Store.ImportDataset(model.NewContextWithActor(ctx, demo.Actor), ds, nil)
	if err != nil {
		return nil, fmt.Errorf("demo plan: %w", err)
	}
	a.log.Info("demo plan loaded", "plan", demo.PlanRef, "commitments", res.Commitments)
	if err := a.loadDemoPeriods(ctx); err != nil {
		return nil, fmt.Errorf("demo plan: reporting periods: %w", err)
	}
	if n, err := a.Store.CountUsers(ctx); err != nil || n > 0 {
		return nil, err
	}
	accounts := demo.Accounts()
	for _, acc := range accounts {
		u := &model.User{Email: acc.Email, Name: acc.Name, Role: acc.Role}
		if acc.Agency != "" {
			ag, err := a.Store.FindAgencyByCode(ctx, acc.Agency)
			if err != nil {
				return nil, fmt.Errorf("demo account %s: agency %s: %w", acc.Email, acc.Agency, err)
			}
			u.AgencyID = &ag.ID
		}
		if err := u.SetPassword(acc.Password); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", acc.Email, err)
		}
		if err := a.Store.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", acc.Email, err)
		}
	}
	a.log.Info("demo accounts created", "accounts", len(accounts))
	return accounts, nil
}

// loadDemoPeriods gives the demo plan its half-yearly reporting periods.
func (a *App) loadDemoPeriods(ctx context.Context) error {
	plan, err := a.Store.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		return err
	}
	for _, p := range demo.Periods() {
		p.PlanID = plan.ID
		if err := a.Store.SavePeriod(model.NewContextWithActor(ctx, demo.Actor), &p); err != nil {
			return err
		}
	}
	return nil
}

// Serve answers HTTP on the configured address until ctx is cancelled,
// then finishes the requests in flight. ready, when not nil, receives the
// address actually listened on.
func (a *App) Serve(ctx context.Context, ready func(addr net.Addr)) error {
	handler, err := web.New(web.Options{Store: a.Store, Logger: a.log, Location: a.Config.Location, BaseURL: a.Config.BaseURL})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

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
	"runtime/debug"
	"time"

	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
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
		log.Info("database migrated", "database", store.Redacted(cfg.DatabaseURL), "steps", applied)
	}
	return &App{Config: cfg, Store: st, log: log}, nil
}

// Mailer is the configured mail server, nil when SMTP_URL is not set.
func (a *App) Mailer() (*mail.Mailer, error) {
	if a.Config.SMTPURL == "" {
		return nil, nil
	}
	return mail.New(a.Config.SMTPURL, a.Config.MailFrom)
}

// Reminder builds the reminders of the tracker: email through the
// configured mail server, or kept in the outbox without one.
func (a *App) Reminder() (*remind.Reminder, error) {
	m, err := a.Mailer()
	if err != nil {
		return nil, err
	}
	return remind.New(remind.Options{Store: a.Store, Mailer: m, Logger: a.log, Location: a.Config.Location, BaseURL: a.Config.BaseURL})
}

// SendInvitation mails a new account its invitation link, in the account's
// language, when a mail server is configured; without one it does nothing.
func (a *App) SendInvitation(ctx context.Context, u *model.User, link string) error {
	m, err := a.Mailer()
	if err != nil || m == nil {
		return err
	}
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	t := catalog.Translator(u.Lang(), a.Config.Location)
	return m.SendOne(ctx, mail.Message{To: u.Email, Subject: t.T("remind.mail.invite.subject"),
		Text: t.T("remind.mail.invite.body", "Name", u.Name, "Link", link, "Days", int(model.InvitationLifetime/(24*time.Hour)))})
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }

// LoadDemo loads the demo when the database holds no plan yet: Taiwan's
// first plan with the progress and the task-force meeting its sources
// record, each dated as its source dates it; Taiwan's second plan, in
// force, as the home plan. When the database holds no account either, it
// creates the demo accounts and a made-up plan whose activity, dated from
// today, shows the workflow. It returns the accounts it created, with
// their passwords: the only time anyone sees them, since only their hashes
// are kept.
func (a *App) LoadDemo(ctx context.Context) ([]demo.Account, error) {
	return a.loadDemo(ctx, demo.Accounts())
}

// loadDemo loads the demo with the given accounts in one transaction: a
// start that fails half-way leaves the database empty, so that the next
// start loads the whole demo rather than finding a plan and stopping there.
func (a *App) loadDemo(ctx context.Context, accounts []demo.Account) ([]demo.Account, error) {
	ctx = model.NewContextWithActor(ctx, demo.Actor)
	var loaded *store.ImportResult // logged once committed
	var created []demo.Account
	began := time.Now()
	err := a.Store.Transaction(ctx, func(tx *store.Store) error {
		counts, err := tx.Count(ctx)
		if err != nil || counts.Plans > 0 {
			return err
		}
		now := tx.Now()
		ds, err := demo.Dataset()
		if err != nil {
			return fmt.Errorf("demo plan: %w", err)
		}
		published := tx.AsOf(demo.PlanPublished)
		res, err := published.ImportDataset(ctx, ds, nil)
		if err != nil {
			return fmt.Errorf("demo plan: %w", err)
		}
		loaded = &res
		if err := loadDemoPeriods(ctx, published); err != nil {
			return fmt.Errorf("demo plan: reporting periods: %w", err)
		}
		if err := demo.LoadRecord(ctx, tx); err != nil {
			return fmt.Errorf("demo plan: its record: %w", err)
		}
		second, err := demo.SecondPlan()
		if err != nil {
			return fmt.Errorf("second plan: %w", err)
		}
		if _, err := tx.AsOf(demo.SecondPlanApproved).ImportDataset(ctx, second, nil); err != nil {
			return fmt.Errorf("second plan: %w", err)
		}
		home, err := tx.FindPlanByRef(ctx, demo.SecondPlanRef)
		if err != nil {
			return err
		}
		if err := tx.SetHomePlan(ctx, home.ID); err != nil {
			return err
		}
		if n, err := tx.CountUsers(ctx); err != nil || n > 0 {
			return err
		}
		// The made-up part needs the accounts, who act in it, and its
		// agency, which one of them is liaison of.
		if err := demo.ImportIllustrative(ctx, tx, now, a.Config.Location); err != nil {
			return err
		}
		for _, acc := range accounts {
			if err := createDemoAccount(ctx, tx, acc); err != nil {
				return fmt.Errorf("demo account %s: %w", acc.Email, err)
			}
		}
		if err := demo.LoadIllustrative(ctx, tx, now, a.Config.Location); err != nil {
			return err
		}
		created = accounts
		return nil
	})
	if err != nil {
		return nil, err
	}
	if loaded != nil {
		a.log.Info("demo plan loaded", "plan", demo.PlanRef, "commitments", loaded.Commitments, "home_plan", demo.SecondPlanRef,
			"took", time.Since(began).Round(time.Millisecond))
	}
	if created != nil {
		a.log.Info("demo accounts created", "accounts", len(created))
	}
	return created, nil
}

// loadDemoPeriods gives the demo plan its half-yearly reporting periods.
func loadDemoPeriods(ctx context.Context, tx *store.Store) error {
	plan, err := tx.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		return err
	}
	for _, p := range demo.Periods() {
		p.PlanID = plan.ID
		if err := tx.SavePeriod(ctx, &p); err != nil {
			return err
		}
	}
	return nil
}

// createDemoAccount creates one demo account, a liaison with its agency.
func createDemoAccount(ctx context.Context, tx *store.Store, acc demo.Account) error {
	u := &model.User{Email: acc.Email, Name: acc.Name, Role: acc.Role, Chair: acc.Chair}
	if acc.Organisation != "" {
		org, err := tx.FindOrganisationByCode(ctx, acc.Organisation)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", acc.Organisation, err)
		}
		u.OrganisationID = &org.ID
	}
	if acc.Agency != "" {
		ag, err := tx.FindAgencyByCode(ctx, acc.Agency)
		if err != nil {
			return fmt.Errorf("agency %s: %w", acc.Agency, err)
		}
		u.AgencyID = &ag.ID
	}
	if err := u.SetPassword(acc.Password); err != nil {
		return err
	}
	return tx.CreateUser(ctx, u)
}

// Serve answers HTTP on the configured address until ctx is cancelled,
// then finishes the requests in flight. ready, when not nil, receives the
// address actually listened on.
func (a *App) Serve(ctx context.Context, ready func(addr net.Addr)) error {
	rem, err := a.Reminder()
	if err != nil {
		return err
	}
	if !rem.Mailing() {
		a.log.Info("no SMTP_URL: email stays in the outbox (/admin/outbox) and the log")
	}
	opts := web.Options{Store: a.Store, Logger: a.log, Location: a.Config.Location, BaseURL: a.Config.BaseURL, Reminder: rem,
		PageCache: PageCacheFor(debug.SetMemoryLimit(-1))} // -1 reads the limit, changing nothing
	if m, _ := a.Mailer(); m != nil {
		// Invitations go at once, through the mail server, rather than
		// through the outbox: the administrator is at the form, which says
		// what the server answered (web's invite).
		opts.Mailer = m
		// Account mail, queued by the web, goes out in the background
		// whether or not reminders are scheduled here.
		mailCtx, stopMail := context.WithCancel(ctx)
		accountMail := rem.StartAccountMail(mailCtx)
		defer func() {
			stopMail()
			accountMail.Wait()
		}()
		opts.MailQueued = accountMail.Kick
	}
	if a.Config.Reminders {
		jobCtx, stopJobs := context.WithCancel(ctx)
		sched, err := rem.Start(jobCtx)
		if err != nil {
			stopJobs()
			return err
		}
		defer func() {
			stopJobs()
			if err := sched.Stop(); err != nil {
				a.log.Warn("stopping reminders", "err", err)
			}
		}()
		opts.NextRuns = func() []web.ScheduledRun {
			var out []web.ScheduledRun
			for _, r := range sched.NextRuns() {
				out = append(out, web.ScheduledRun{ID: r.ID, Name: r.Name, Next: r.Next})
			}
			return out
		}
		opts.SendsReminders = sched.Leading
		a.log.Info("reminders scheduled", "time_zone", a.Config.Location.String())
	}
	handler, err := web.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return err
	}
	srv := heldAnswers(&http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	})
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(holdingListener{ln}) }()
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

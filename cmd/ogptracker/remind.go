package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ogptracker/ogptracker/app/config"
)

type remindFlags struct {
	at     *string
	dryRun *bool
}

func newRemindFlags(fs *flag.FlagSet) any {
	return &remindFlags{
		at:     fs.String("at", "", "run the pass as of this `TIME` (RFC 3339, e.g. 2021-12-20T09:00:00+08:00; default now)"),
		dryRun: fs.Bool("dry-run", false, "print what the pass would queue; queue and send nothing"),
	}
}

// remindOnce runs one reminder pass as of --at, then sends what is due,
// printing what it queued and sent.
func remindOnce(ctx context.Context, e env, cfg config.Config, _ []string, flags any) error {
	f := flags.(*remindFlags)
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Config.Demo { // as serve does: a fresh database gets the demo plan
		accounts, err := a.LoadDemo(ctx)
		if err != nil {
			return err
		}
		printDemoAccounts(e.stdout, accounts, a.Config.BaseURL+"/signin")
	}
	at := a.Store.Now()
	if *f.at != "" {
		if at, err = time.Parse(time.RFC3339, *f.at); err != nil {
			return fmt.Errorf("--at: %q is not a time like 2021-12-20T09:00:00+08:00", *f.at)
		}
	}
	rem, err := a.Reminder()
	if err != nil {
		return err
	}
	msgs, err := rem.Pass(ctx, at, *f.dryRun)
	if err != nil {
		return err
	}
	verb := "Queued"
	if *f.dryRun {
		verb = "Would queue"
	}
	fmt.Fprintf(e.stdout, "%s %d reminders as of %s.\n", verb, len(msgs), at.In(cfg.Location).Format(time.RFC3339))
	for _, m := range msgs {
		fmt.Fprintf(e.stdout, "  %-22s %-16s %s  %s\n", m.Rule, m.Subject, m.To, m.Title)
	}
	if *f.dryRun {
		return nil
	}
	res, err := rem.Send(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Sent %d, %d to try again later, %d failed.\n", res.Sent, res.Retrying, res.Failed)
	for _, m := range res.Delivered {
		fmt.Fprintf(e.stdout, "  sent (%s) %s  %s\n", m.Channel, m.To, m.Title)
	}
	if !rem.Mailing() {
		fmt.Fprintln(e.stdout, "No SMTP_URL: email stays in the outbox (see /admin/outbox).")
	}
	return nil
}

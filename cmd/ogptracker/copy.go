package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/store"
)

type copyFlags struct {
	from, to *string
}

func newCopyFlags(fs *flag.FlagSet) any {
	return &copyFlags{
		from: fs.String("from", "", "the tracker's database `URL` to copy (sqlite:PATH or postgres://…)"),
		to:   fs.String("to", "", "the empty database `URL` to copy it into (sqlite:PATH or postgres://…)"),
	}
}

// copyTracker moves a whole tracker from one database to another: it
// migrates both, copies every table in one transaction on the target and
// prints the rows copied per table.
func copyTracker(ctx context.Context, e env, _ config.Config, _ []string, flags any) error {
	f := flags.(*copyFlags)
	if *f.from == "" || *f.to == "" {
		return errors.New("both --from and --to are needed, e.g. --from sqlite:data/ogptracker.db --to postgres://user@host/ogptracker")
	}
	if *f.from == *f.to {
		return errors.New("--from and --to name the same database")
	}
	if path, ok := strings.CutPrefix(*f.from, "sqlite:"); ok {
		// Opening a SQLite file that is not there makes an empty one: a
		// mistyped --from would copy nothing and leave a stray file.
		if _, err := os.Stat(strings.TrimPrefix(path, "//")); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opts := store.Options{Logger: log, Now: e.now}
	src, err := store.Open(*f.from, opts)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(*f.to, opts)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	// As every subcommand does: the source is brought up to this version first.
	if _, err := src.Migrate(ctx); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		return err
	}
	var total int64
	for _, c := range copied {
		total += c.Rows
	}
	fmt.Fprintf(e.stdout, "Copied %d rows in %d tables from %s to %s; every table's count matches:\n",
		total, len(copied), store.Redacted(*f.from), store.Redacted(*f.to))
	for _, c := range copied {
		fmt.Fprintf(e.stdout, "  %-26s %8d\n", c.Table, c.Rows)
	}
	return nil
}

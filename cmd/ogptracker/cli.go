package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"

	"github.com/ogptracker/ogptracker/app"
	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// env is what a run of the command sees of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time // nil: the wall clock
	ready          func(net.Addr)   // serve calls it once listening (tests)
	ownProcess     bool             // the process is this run's alone: serve may set how it manages memory
}

type subcommand struct {
	name, args, summary string
	nargs               int                     // positional arguments required
	flags               func(*flag.FlagSet) any // extra flags, handed back to run
	run                 func(ctx context.Context, e env, cfg config.Config, args []string, flags any) error
}

var subcommands = []subcommand{
	{name: "serve", summary: "run the web server (the default)", run: serve},
	{name: "migrate", summary: "apply pending database migrations and exit", run: migrate},
	{name: "import", args: "[--dry-run] FILE", nargs: 1, summary: "import an OGP commitment-data CSV or an ogptracker JSON file",
		flags: func(fs *flag.FlagSet) any {
			return fs.Bool("dry-run", false, "print what the import would create and update, per plan, and change nothing")
		}, run: importFile},
	{name: "export", args: "[-o FILE]", summary: "write all plan data as ogptracker JSON (to standard output by default)",
		flags: func(fs *flag.FlagSet) any { return fs.String("o", "", "write to `FILE` instead of standard output") }, run: export},
	{name: "user", args: "add", nargs: 1, summary: "create an account (--email, --name, --role, --agency, --organisation, --chair); the password is read from standard input",
		flags: newUserFlags, run: user},
	{name: "remind", args: "[--at TIME] [--dry-run]", summary: "run one reminder pass as of --at (default now), then send what is due",
		flags: newRemindFlags, run: remindOnce},
	{name: "copy", args: "--from URL --to URL", summary: "copy the whole tracker, every table, into an empty database (SQLite or PostgreSQL)",
		flags: newCopyFlags, run: copyTracker},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ogptracker tracks open-government action-plan commitments.")
	fmt.Fprintln(w, "\nUsage: ogptracker [SUBCOMMAND] [FLAGS] [ARGS]")
	fmt.Fprintln(w, "\nSubcommands:")
	for _, s := range subcommands {
		fmt.Fprintf(w, "  %-8s %-10s %s\n", s.name, s.args, s.summary)
	}
	fmt.Fprintln(w, "\nRun 'ogptracker SUBCOMMAND --help' for its flags. Every subcommand reads ADDR,")
	fmt.Fprintln(w, "DATABASE_URL, BASE_URL, TZ, DEMO, SMTP_URL, MAIL_FROM and REMINDERS from the environment; a flag of the same name wins.")
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, e env) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(e.stdout)
		return 0
	}
	if name == "help" {
		usage(e.stdout)
		return 0
	}
	var sc *subcommand
	for i := range subcommands {
		if subcommands[i].name == name {
			sc = &subcommands[i]
		}
	}
	if sc == nil {
		fmt.Fprintf(e.stderr, "ogptracker: unknown subcommand %q\n\n", name)
		usage(e.stderr)
		return 2
	}
	fs := flag.NewFlagSet("ogptracker "+sc.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ogptracker %s [FLAGS] %s\n\n%s.\n\nFlags:\n", sc.name, sc.args, strings.ToUpper(sc.summary[:1])+sc.summary[1:])
		fs.PrintDefaults()
	}
	cfgFn := config.Flags(fs, e.getenv)
	var extra any
	if sc.flags != nil {
		extra = sc.flags(fs)
	}
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(positional) != sc.nargs {
		fmt.Fprintf(e.stderr, "ogptracker %s: expected %s, got %q\n", sc.name, orNothing(sc.args), positional)
		fs.Usage()
		return 2
	}
	cfg, err := cfgFn()
	if err == nil {
		err = sc.run(ctx, e, cfg, positional, extra)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ogptracker %s: %v\n", sc.name, err)
		return 1
	}
	return 0
}

func orNothing(s string) string {
	if s == "" {
		return "no arguments"
	}
	return s
}

// parseInterspersed parses flags that may stand before or after the
// positional arguments ("import f.csv --database-url …").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// open opens the migrated tracker, logging to standard error.
func open(ctx context.Context, e env, cfg config.Config) (*app.App, error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	return app.Open(ctx, cfg, log, e.now)
}

func serve(ctx context.Context, e env, cfg config.Config, _ []string, _ any) error {
	if f, ok := e.stderr.(*os.File); ok {
		// The access log writes a line per request: written as they come,
		// each was a system call, about a twentieth of what a kept page
		// costs. Buffered, they leave at most a tenth of a second later,
		// and all of them when the server stops. The buffer only writes:
		// handed the file itself, each flush also fsynced it, holding the
		// lock every request's line waits on for as long as the disk took.
		logs := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(struct{ io.Writer }{f}), Size: 256 << 10, FlushInterval: 100 * time.Millisecond}
		defer logs.Stop()
		e.stderr = logs
	}
	if e.ownProcess {
		app.ManageMemory(e.getenv)
	}
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var accounts []demo.Account
	if a.Config.Demo {
		if accounts, err = a.LoadDemo(ctx); err != nil {
			return err
		}
	}
	return a.Serve(ctx, func(addr net.Addr) {
		fmt.Fprintf(e.stdout, "ogptracker is running at %s (database %s). Press Ctrl-C to stop.\n", browsable(addr), store.Redacted(a.Config.DatabaseURL))
		printDemoAccounts(e.stdout, accounts, browsable(addr)+"signin")
		if e.ready != nil {
			e.ready(addr)
		}
	})
}

// browsable turns a listening address into one a person can open.
func browsable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d/", tcp.Port)
	}
	return "http://" + addr.String() + "/"
}

func migrate(ctx context.Context, e env, cfg config.Config, _ []string, _ any) error {
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "%s is up to date.\n", store.Redacted(a.Config.DatabaseURL))
	return nil
}

func importFile(ctx context.Context, e env, cfg config.Config, args []string, flags any) error {
	path := args[0]
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, err := transfer.ReadFile(path, content)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	ds, unknown := file.Dataset, file.UnknownColumns
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if dryRun, _ := flags.(*bool); dryRun != nil && *dryRun {
		pv, err := a.Store.PreviewImport(ctx, ds, nil)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing would be imported)", path, err)
		}
		printPreview(e.stdout, path, pv)
		if len(unknown) > 0 {
			fmt.Fprintf(e.stdout, "Not imported: %d columns that are not part of OGP's layout: %s.\n", len(unknown), strings.Join(unknown, ", "))
		}
		return nil
	}
	before, err := a.Store.Count(ctx)
	if err != nil {
		return err
	}
	var progress func(done, total int)
	if file, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(file), progressbar.OptionSetDescription("importing commitments"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		progress = func(done, total int) {
			bar.ChangeMax(total)
			_ = bar.Set(done)
		}
		defer bar.Finish()
	}
	// The record of changes names the file each record came from.
	ctx = model.NewContextWithActor(ctx, model.Actor{Door: model.DoorImport, Label: filepath.Base(path)})
	res, err := a.Store.ImportDataset(ctx, ds, progress)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", path, err)
	}
	after, err := a.Store.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Imported %s: %d plans, %d commitments of %d members, %d agencies (%d records created, %d updated, %d unchanged).\n",
		path, res.Plans, res.Commitments, members(ds), res.Agencies, res.Created, res.Updated, res.Unchanged)
	fmt.Fprintf(e.stdout, "The tracker now holds %d plans, %d commitments, %d milestones, %d agencies (was %d, %d, %d, %d).\n",
		after.Plans, after.Commitments, after.Milestones, after.Agencies, before.Plans, before.Commitments, before.Milestones, before.Agencies)
	if len(unknown) > 0 {
		fmt.Fprintf(e.stdout, "Not imported: %d columns that are not part of OGP's layout: %s.\n", len(unknown), strings.Join(unknown, ", "))
	}
	return nil
}

// members counts the distinct jurisdictions whose plans a dataset holds.
func members(ds *model.Dataset) int {
	seen := map[string]bool{}
	for _, p := range ds.Plans {
		seen[p.JurisdictionCode+"|"+p.Jurisdiction.String()] = true
	}
	return len(seen)
}

func export(ctx context.Context, e env, cfg config.Config, _ []string, flags any) error {
	out := flags.(*string)
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	ds, err := a.Store.ExportDataset(ctx, store.ExportOptions{Private: true}) // an operator's full copy
	if err != nil {
		return err
	}
	if *out == "" {
		return transfer.WriteJSON(e.stdout, ds)
	}
	// Write beside the target and rename, so a failed export never leaves half a file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".ogptracker-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := transfer.WriteJSON(tmp, ds); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Exported %d plans to %s.\n", len(ds.Plans), *out)
	return nil
}

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/ogptracker/ogptracker/app/config"
	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
)

type userFlags struct {
	email, name, role, agency, organisation *string
	invite, chair                           *bool
}

func newUserFlags(fs *flag.FlagSet) any {
	return &userFlags{
		email:        fs.String("email", "", "the person's `EMAIL`, used to sign in"),
		name:         fs.String("name", "", "the person's `NAME`, as shown when signed in"),
		role:         fs.String("role", "", "`ROLE`: admin, committee or liaison"),
		agency:       fs.String("agency", "", "agency `CODE` of a liaison (liaisons only)"),
		organisation: fs.String("organisation", "", "organisation `CODE` a committee member speaks for (committee members only)"),
		chair:        fs.Bool("chair", false, "the committee member chairs the committee (committee members only)"),
		invite:       fs.Bool("invite", false, "read no password: print a link, valid for 7 days, with which the person chooses one"),
	}
}

// user manages accounts. "user add" creates one; the password comes from
// standard input, so that it never appears in a command line or a shell's history.
func user(ctx context.Context, e env, cfg config.Config, args []string, flags any) error {
	if args[0] != "add" {
		return fmt.Errorf("unknown action %q: the only one is add", args[0])
	}
	f := flags.(*userFlags)
	role := model.Role(*f.role)
	switch {
	case *f.email == "" || *f.name == "":
		return errors.New("--email and --name are required")
	case role != model.RoleAdmin && role != model.RoleCommittee && role != model.RoleLiaison:
		return fmt.Errorf("--role %q is not a role: use admin, committee or liaison", *f.role)
	case role == model.RoleLiaison && *f.agency == "":
		return errors.New("a liaison belongs to an agency: give its code with --agency (for example --agency CEC)")
	case role != model.RoleLiaison && *f.agency != "":
		return fmt.Errorf("only a liaison belongs to an agency: leave out --agency for the %s role", role)
	case role != model.RoleCommittee && *f.organisation != "":
		return fmt.Errorf("only a committee member speaks for an organisation: leave out --organisation for the %s role", role)
	case role != model.RoleCommittee && *f.chair:
		return fmt.Errorf("only a committee member chairs the committee: leave out --chair for the %s role", role)
	}
	password := rand.Text() // an invitation's: no one knows it, and the link replaces it
	if !*f.invite {
		var err error
		if password, err = readPassword(e); err != nil {
			return err
		}
	}
	u := &model.User{Email: *f.email, Name: *f.name, Role: role, Chair: *f.chair}
	if err := u.SetPassword(password); err != nil {
		return err
	}
	a, err := open(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *f.agency != "" {
		ag, err := a.Store.FindAgencyByCode(ctx, *f.agency)
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("--agency %q: no agency has this code", *f.agency)
		}
		if err != nil {
			return err
		}
		u.AgencyID = &ag.ID
	}
	if *f.organisation != "" {
		org, err := a.Store.FindOrganisationByCode(ctx, *f.organisation)
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("--organisation %q: no organisation has this code", *f.organisation)
		}
		if err != nil {
			return err
		}
		u.OrganisationID = &org.ID
	}
	if err := a.Store.CreateUser(ctx, u); err != nil {
		return err
	}
	where := ""
	switch {
	case *f.agency != "":
		where = " of agency " + *f.agency
	case *f.organisation != "":
		where = " for organisation " + *f.organisation
	}
	if u.Chair {
		where += ", chairing the committee,"
	}
	fmt.Fprintf(e.stdout, "Created the %s account%s for %s (%s).\n", role, where, u.Name, u.Email)
	if *f.invite {
		token, err := a.Store.CreateOneTimeLink(ctx, u.ID, model.LinkInvitation, model.InvitationLifetime)
		if err != nil {
			return err
		}
		link := a.Config.BaseURL + "/password/reset/" + token
		fmt.Fprintf(e.stdout, "Send them this link to choose their password; it works once, within 7 days:\n%s\n", link)
		// With a mail server, the invitation goes to them directly.
		if err := a.SendInvitation(ctx, u, link); err != nil {
			return fmt.Errorf("the account is created, but the invitation could not be mailed (pass the link on): %w", err)
		} else if a.Config.SMTPURL != "" {
			fmt.Fprintf(e.stdout, "The invitation was mailed to %s.\n", u.Email)
		}
	}
	return nil
}

// readPassword reads the password from standard input: without echo from a
// terminal, otherwise its first line.
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	if e.stdin == nil {
		return "", errors.New("no password on standard input")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input: pipe it in, for example: printf '%s\\n' \"$PASSWORD\" | ogptracker user add …")
	}
	return line, nil
}

// printDemoAccounts shows the demo accounts' passwords, the only time they are shown.
func printDemoAccounts(w io.Writer, accounts []demo.Account, signIn string) {
	if len(accounts) == 0 {
		return
	}
	fmt.Fprintf(w, "\nDemo accounts, one for each role of the demo's stories (see README, \"Try the demo\"). Sign in at %s.\nWrite the passwords down: they are shown only this once.\n\n", signIn)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Role, a.Email, a.Password, a.Try)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

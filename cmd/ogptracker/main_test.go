package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"golang.org/x/crypto/bcrypt"
)

// childEnv, set to 1, makes the test binary run as the ogptracker command
// (its arguments after "--"), on the clock of childClock: a test can then
// kill a real process of the command mid-work and look at what it left.
const (
	childEnv   = "OGPTRACKER_TEST_CHILD"
	childClock = "OGPTRACKER_TEST_NOW"
)

// TestMain runs the tests, hashing passwords at bcrypt's lowest cost (they
// make and sign in to accounts by the dozen, and what they check is the
// same), or, in a child, the command itself as it ships.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "1" {
		model.PasswordCost = bcrypt.MinCost
		os.Exit(m.Run())
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	now, err := time.Parse(time.RFC3339, os.Getenv(childClock))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", childClock, err)
		os.Exit(2)
	}
	os.Exit(run(context.Background(), args, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, ownProcess: true,
		now: func() time.Time { return now }}))
}

// child is the command with args as a process of its own, on the tracker's
// settings and a clock stopped at now.
func (tr *tracker) child(now time.Time, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1", childClock+"="+now.Format(time.RFC3339))
	// Only the tracker's settings count, not those of whoever runs the tests.
	for _, k := range []string{"ADDR", "DATABASE_URL", "BASE_URL", "TZ", "DEMO", "SMTP_URL", "MAIL_FROM", "REMINDERS"} {
		cmd.Env = append(cmd.Env, k+"=")
	}
	for k, v := range tr.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

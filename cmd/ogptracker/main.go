// Command ogptracker runs the open-government action-plan tracker:
// the web server and the tools to migrate, import and export its data.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, ownProcess: true})
	stop()
	os.Exit(code)
}

// Package config reads the tracker's settings from the environment and
// from command-line flags of the same meaning; a flag wins over the
// environment, and every setting has a default that works on a laptop.
package config

import (
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

// Config holds every setting.
type Config struct {
	Addr        string         // ADDR: where serve listens
	DatabaseURL string         // DATABASE_URL: sqlite:PATH or postgres://…
	BaseURL     string         // BASE_URL: the public address, for absolute links
	Location    *time.Location // TZ: the plan's local time
	Demo        bool           // DEMO: load the demo plan into an empty database
	SMTPURL     string         // SMTP_URL: smtp://user:pass@host:port or smtps://…; empty keeps mail in the outbox
	MailFrom    string         // MAIL_FROM: the sender of the tracker's email
	Reminders   bool           // REMINDERS: run the reminders scheduler inside serve
}

// settings lists each setting once: environment name, flag name, default, help.
var settings = []struct{ env, flag, def, help string }{
	{"ADDR", "addr", ":8080", "address to listen on"},
	{"DATABASE_URL", "database-url", "sqlite:data/ogptracker.db", "database: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/NAME"},
	{"BASE_URL", "base-url", "", "public address of the tracker, for absolute links (default http://localhost plus the port)"},
	{"TZ", "tz", "Asia/Taipei", "time zone of the plan's dates and reminders"},
	{"DEMO", "demo", "1", "load the demo plan when the database is empty (0 to start empty)"},
	{"SMTP_URL", "smtp-url", "", "mail server: smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS); empty keeps email in the outbox"},
	{"MAIL_FROM", "mail-from", "", "sender address of the tracker's email (default ogptracker@ the mail server's host)"},
	{"REMINDERS", "reminders", "on", "run the reminders scheduler inside serve (off to disable)"},
}

// secret settings are never shown as a flag's default in --help, since
// the environment's value may hold a password.
var secret = map[string]bool{"SMTP_URL": true}

// Flags registers the settings on fs, with defaults taken from getenv,
// and returns a function that builds the Config once fs is parsed.
func Flags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	values := make(map[string]*string, len(settings))
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" && !secret[s.env] {
			def = v
		}
		values[s.env] = fs.String(s.flag, def, fmt.Sprintf("%s (env %s)", s.help, s.env))
	}
	return func() (Config, error) {
		c := Config{
			Addr:        *values["ADDR"],
			DatabaseURL: *values["DATABASE_URL"],
			BaseURL:     strings.TrimRight(*values["BASE_URL"], "/"),
		}
		loc, err := time.LoadLocation(*values["TZ"])
		if err != nil {
			return c, fmt.Errorf("TZ: unknown time zone %q", *values["TZ"])
		}
		c.Location = loc
		c.SMTPURL, c.MailFrom = *values["SMTP_URL"], *values["MAIL_FROM"]
		if c.SMTPURL == "" {
			c.SMTPURL = getenv("SMTP_URL")
		}
		switch strings.ToLower(*values["REMINDERS"]) {
		case "1", "true", "yes", "on":
			c.Reminders = true
		case "0", "false", "no", "off":
		default:
			return c, fmt.Errorf("REMINDERS: %q is not on or off", *values["REMINDERS"])
		}
		switch strings.ToLower(*values["DEMO"]) {
		case "1", "true", "yes", "on":
			c.Demo = true
		case "0", "false", "no", "off":
		default:
			return c, fmt.Errorf("DEMO: %q is not 0 or 1", *values["DEMO"])
		}
		if c.BaseURL == "" {
			c.BaseURL = "http://localhost" + portOf(c.Addr)
		} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("BASE_URL: %q is not an http(s) address", c.BaseURL)
		}
		return c, nil
	}
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 && addr[i+1:] != "80" {
		return addr[i:]
	}
	return ""
}

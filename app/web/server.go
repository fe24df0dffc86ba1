// Package web is the only package that speaks HTTP: routes, handlers,
// middleware and page rendering.
package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

// Server serves the tracker's pages.
type Server struct {
	store    *store.Store
	catalog  *i18n.Catalog
	pages    *renderer
	log      *slog.Logger
	location *time.Location
	baseURL  string
	router   *gin.Engine
	sendMail SendMail         // nil: no mail settings, invitation links are shown to the administrator
	mailer   *mail.Mailer     // nil: no mail settings
	reminder *remind.Reminder // nil: the outbox page cannot preview or run a pass
	// mailQueued wakes the sender of account mail; nil: no mail settings,
	// password reset links are written to the log.
	mailQueued     func()
	nextRuns       func() []ScheduledRun
	sendsReminders func() bool
	limits         *clientLimits
	followClients  *clientLimits // requests to follow by email, per client (follow.go)
	formKey        formKey       // signs the form tokens of browsers not signed in
	bound          *heavyBound
	pageCache      *pageCache
	workCounts     workCounts // the header's counts of My work (my_work.go)
	imports        *importRunner
}

// ScheduledRun is a scheduled job of the reminders and when it runs next.
type ScheduledRun struct {
	ID   string // remind.JobPass, JobDigest, JobSend or JobPublish: the page names it in its language
	Name string
	Next time.Time
}

// Options are what the web layer needs from the outside.
type Options struct {
	Store    *store.Store
	Logger   *slog.Logger
	Location *time.Location
	BaseURL  string
	SendMail SendMail // delivers invitation links; nil: through Mailer, else shown to the administrator
	// Mailer is the configured mail server, nil without mail settings: the
	// test message of the outbox page goes through it.
	Mailer *mail.Mailer
	// Reminder works out the reminders: the outbox page shows what a pass
	// would queue on a date and runs one on request; nil leaves both out.
	Reminder *remind.Reminder
	// MailQueued wakes the sender of the account mail the web queues in the
	// outbox (password reset links); nil: no mail settings, the links are
	// written to the log.
	MailQueued func()
	// NextRuns lists the reminders' scheduled jobs; nil when reminders
	// are not scheduled (REMINDERS=off, or a test).
	NextRuns func() []ScheduledRun
	// SendsReminders reports whether this instance sends the reminders now
	// (of several on one database, one does); nil when reminders are not
	// scheduled here.
	SendsReminders func() bool
	// RateLimit is how often one client may call the API, files and feeds;
	// the zero value is DefaultRateLimit.
	RateLimit RateLimit
	// Heavy bounds the expensive requests served at once (the lists,
	// exports and feeds); the zero value is DefaultHeavyLimit().
	Heavy HeavyLimit
	// PageCache is the memory, in bytes, the public pages kept for
	// anonymous visitors may take; 0 is DefaultPageCache, below 0 keeps
	// none.
	PageCache int64
}

// New builds the server, parsing every template up front so that a broken
// template stops the start instead of a visitor's page.
func New(opts Options) (*Server, error) {
	catalog, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	pages, err := parsedTemplates()
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.SendMail == nil && opts.Mailer != nil {
		opts.SendMail = mailerSendMail(opts.Mailer)
	}
	s := &Server{mailer: opts.Mailer, reminder: opts.Reminder, store: opts.Store, catalog: catalog, pages: pages, log: opts.Logger,
		location: opts.Location, baseURL: opts.BaseURL, sendMail: opts.SendMail, mailQueued: opts.MailQueued, nextRuns: opts.NextRuns,
		sendsReminders: opts.SendsReminders,
		limits:         newClientLimits(opts.RateLimit), followClients: newClientLimits(followClientLimit), bound: newHeavyBound(opts.Heavy),
		imports: newImportRunner()}
	s.pageCache = newPageCache(opts.PageCache, s.cachePublic)
	s.router = s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler. A HEAD request (link
// checkers, uptime monitors) is answered as its GET, whose body net/http
// leaves out because the request it answers is still a HEAD. A page
// already kept for an anonymous visitor is sent before the router
// (sendKept): most of a crowd's requests end there.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	if s.sendKept(w, r) {
		return
	}
	s.router.ServeHTTP(w, r)
}

// now is the current instant in the plan's time zone.
func (s *Server) now() time.Time { return s.store.Now().In(s.location) }

// overHTTPS reports whether the tracker is served over https, as its
// BASE_URL says, though a proxy in front may end TLS.
func (s *Server) overHTTPS() bool { return strings.HasPrefix(s.baseURL, "https://") }

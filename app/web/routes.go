package web

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/static"
)

// routes lists every route of the tracker in one place.
func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = true
	r.HandleMethodNotAllowed = true
	r.Use(s.requestID, s.accessLog, compress(s.pageCache.answers), s.recoverPanic, s.securityHeaders, s.limitBody, s.language, caching(), s.session, s.checkCSRF)

	r.GET("/healthz", s.healthz)
	// Files only: a folder answers 404 rather than listing its contents.
	r.GET("/static/*file", func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("file"), "/")
		if info, err := fs.Stat(static.FS, name); err != nil || info.IsDir() {
			s.fail(c, errNotFound)
			return
		}
		c.FileFromFS(name, http.FS(static.FS))
	})

	// Who may call each route is the group it sits in: public, signedIn, or
	// one of the administration's permissions (guard.go). A route that
	// changes one record also asks that record's rule (model/permission.go)
	// through permit, and says which in a comment. The administration's
	// forms are editors (form.go): blank and edit show a form, create and
	// update save it.
	public := r.Group("", s.cachePublic) // anonymous visitors get kept pages (pagecache.go)
	signedIn := r.Group("", s.require(signedInPeople))
	admin := r.Group("/admin", s.require(administrators))
	planData := r.Group("/admin", s.require(planManagers))
	periods := r.Group("/admin/periods", s.require(periodManagers))
	people := r.Group("/admin", s.require(peopleManagers))
	reminders := r.Group("/admin", s.require(reminderManager))

	// Public pages. The lists, like the exports and feeds below, judge
	// every commitment they cover on each call: s.heavy bounds how many
	// are served at once and answers the excess 503 (bound.go).
	public.GET("/", s.home)
	public.GET("/plans", s.listPlans)
	public.GET("/plans/:id", s.showPlan)
	public.GET("/commitments", s.heavy, s.listCommitments)
	public.GET("/commitments/:id", s.showCommitment)
	public.GET("/commitments/:id/evidence", s.showEvidence)
	public.GET("/changes/:id", s.showChange)
	public.GET("/themes/:id", s.showTheme)
	public.GET("/agencies/:id", s.showAgency)
	public.GET("/milestones", s.heavy, s.listMilestones)
	public.GET("/about", s.about)
	public.GET("/api", s.apiPage)
	public.GET("/reports/:id", s.showReport) // a draft: MaySeeReport, 404 for anyone else
	public.GET("/meetings", s.listMeetings)
	public.GET("/meetings/:id", s.showMeeting)
	public.GET("/meetings/:id/transcript", s.showTranscript) // a draft: its participants, 404 for anyone else
	public.GET("/followups/:id", s.showFollowUp)

	// Questions from the public: anyone asks, votes and follows up, without
	// an account, within the limits per address (question_new.go); staff
	// record one received offline (MayRecordQuestion). The forms are pages
	// of their own, so that the commitment and plan pages stay shared.
	public.GET("/commitments/:id/questions/new", s.newQuestion(false))
	public.POST("/commitments/:id/questions", s.askQuestion(false))
	public.GET("/plans/:id/questions/new", s.newQuestion(true))
	public.POST("/plans/:id/questions", s.askQuestion(true))
	public.GET("/questions/:id", s.showQuestion)
	public.POST("/questions/:id/vote", s.voteQuestion)
	public.POST("/questions/:id/follow-ups", s.followUpQuestion)
	public.GET("/questions/:id/confirm/:token", s.showConfirmQuestion)
	public.POST("/questions/:id/confirm/:token", s.confirmQuestion)

	// Accounts: signing in, and a forgotten password, need no account.
	public.GET("/signin", s.showSignIn)
	public.POST("/signin", s.signIn)
	public.POST("/signout", s.signOut)
	public.GET("/password/forgot", s.showForgot)
	public.POST("/password/forgot", s.sendResetLink)
	public.GET("/password/reset/:token", s.showReset)
	public.POST("/password/reset/:token", s.resetPassword)
	// An unsubscribe link works without signing in: its token is the key,
	// and one-click POSTs need no form token (see oneClickUnsubscribe).
	public.GET("/unsubscribe/:token", s.showUnsubscribe)
	public.POST("/unsubscribe/:token", s.unsubscribe)
	// Following by email needs no account: the address confirms by a link
	// first, and the link of each digest stops it (one-click too). Forms
	// with tokens, so their own pages, never the cached public ones.
	public.GET("/follow", s.showFollow)
	public.POST("/follow", s.requestFollow)
	public.GET("/follow/confirm/:token", s.showFollowConfirm)
	public.POST("/follow/confirm/:token", s.confirmFollow)
	public.GET("/follow/stop/:token", s.showFollowing)
	public.POST("/follow/stop/:token", s.stopFollowing)

	// Open data: the read API, files and feeds, for anyone, from any
	// origin, within a rate limit per client (see openData).
	open := public.Group("", s.openData)
	open.GET("/api/openapi.json", s.serveOpenAPI)
	open.GET(apiPrefix+"/plans", s.apiPlans)
	open.GET(apiPrefix+"/plans/:id", s.apiPlan)
	open.GET(apiPrefix+"/commitments", s.heavy, s.apiCommitments)
	open.GET(apiPrefix+"/commitments/:id", s.apiCommitment)
	open.GET(apiPrefix+"/commitments/:id/evidence", s.apiEvidence)
	open.GET(apiPrefix+"/agencies", s.apiAgencies)
	open.GET(apiPrefix+"/milestones", s.heavy, s.apiMilestones)
	open.GET(apiPrefix+"/milestones/:id", s.apiMilestone)
	open.GET(apiPrefix+"/meetings", s.apiMeetings)
	open.GET(apiPrefix+"/meetings/:id", s.apiMeetingDetail)
	open.GET(apiPrefix+"/questions", s.apiQuestions)
	open.GET(apiPrefix+"/questions/:id", s.apiQuestion)
	open.OPTIONS("/api/*path", func(*gin.Context) {})
	open.GET("/export/:file", s.heavy, s.export)
	open.GET("/feed.atom", s.heavy, s.feed)
	open.GET("/calendar.ics", s.heavy, s.calendar)
	open.GET("/meetings.ics", s.meetingsCalendar)

	// The write API: an agency's API token (Authorization: Bearer), never a
	// session; apiToken answers 401 without one.
	tokens := open.Group("", s.apiToken)
	tokens.PATCH(apiPrefix+"/milestones/:id", s.apiUpdateMilestone) // APIToken.MayChangeMilestone
	tokens.POST(apiPrefix+"/reports", s.apiCreateReport)            // APIToken.MayDraftReport

	// The work of the agencies and the committee.
	signedIn.GET("/me", s.myWork)                                     // each role sees its own queue
	signedIn.GET("/milestones/:id/edit", s.editMilestone)             // MayChangeMilestone
	signedIn.POST("/milestones/:id", s.updateMilestone)               // MayChangeMilestone
	signedIn.GET("/commitments/:id/reports/new", s.newReport)         // MayDraftReport
	signedIn.POST("/commitments/:id/reports", s.createReport)         // MayDraftReport
	signedIn.GET("/reports/:id/edit", s.editReport)                   // MaySeeReport, MayDraftReport
	signedIn.POST("/reports/:id", s.updateReport)                     // MaySeeReport, MayDraftReport
	signedIn.GET("/reports/:id/submit", s.confirmSubmit)              // MaySeeReport, MayDraftReport
	signedIn.POST("/reports/:id/submit", s.submitReport)              // MaySeeReport, MayDraftReport
	signedIn.POST("/reviews/:id/answer", s.answerDissent)             // MayAnswerDissent
	signedIn.POST("/reports/:id/reviews", s.reviewReport)             // MaySeeReport, MayReview
	signedIn.POST("/commitments/:id/assessments", s.assessCommitment) // MayAssess
	signedIn.POST("/followups/:id/notes", s.addFollowUpNote)          // MayNoteFollowUp
	signedIn.GET("/speeches/:id/edit", s.editSpeech)                  // MayEditSpeech
	signedIn.POST("/speeches/:id", s.updateSpeech)                    // MayEditSpeech
	signedIn.POST("/questions/:id/answer", s.answerQuestion)          // MayAnswerQuestion
	signedIn.POST("/questions/:id/hide", s.hideQuestion)              // MayHideQuestion
	// Every signed-in person chooses their own reminders, and no one else's.
	signedIn.GET("/account/reminders", s.showReminderPrefs)
	signedIn.POST("/account/reminders", s.updateReminderPrefs)

	// Administration (model.User.MayAdminister); its parts are listed in
	// adminSections (admin.go).
	admin.GET("", s.adminIndex)
	admin.GET("/tokens", s.listAPITokens)
	admin.POST("/tokens", s.createAPIToken)
	admin.POST("/tokens/:id/revoke", s.revokeAPIToken)
	// The whole tracker to take away: the data as JSON, the SQLite file.
	admin.GET("/export/tracker.json", s.exportAll)
	admin.GET("/backup/ogptracker.db", s.backupDatabase)

	// The plan data (MayManagePlans). Nothing is deleted.
	planData.GET("/plans", s.adminPlans)
	planData.GET("/plans/new", plans.blank(s))
	planData.POST("/plans/home", s.setHomePlan)
	planData.POST("/plans", plans.create(s))
	planData.GET("/plans/:id/edit", plans.edit(s))
	planData.POST("/plans/:id", plans.update(s))
	planData.GET("/themes", s.adminThemes)
	planData.GET("/themes/new", themes.blank(s))
	planData.POST("/themes", themes.create(s))
	planData.GET("/themes/:id/edit", themes.edit(s))
	planData.POST("/themes/:id", themes.update(s))
	planData.GET("/commitments", s.adminCommitments)
	planData.GET("/commitments/new", commitments.blank(s))
	planData.POST("/commitments", commitments.create(s))
	planData.GET("/commitments/:id/edit", commitments.edit(s))
	planData.POST("/commitments/:id", commitments.update(s))
	planData.GET("/milestones", s.adminMilestones)
	planData.GET("/milestones/new", milestones.blank(s))
	planData.POST("/milestones", milestones.create(s))
	planData.GET("/milestones/:id/edit", milestones.edit(s))
	planData.POST("/milestones/:id", milestones.update(s))
	// Import with a preview: a job of the administrator who started it
	// (another's is not found); it works in the background.
	planData.GET("/import", s.showImport)
	planData.POST("/import", s.uploadImport)
	planData.GET("/import/:id", s.showImportJob)
	planData.POST("/import/:id/apply", s.applyImport)

	// Reporting periods (MayManagePeriods).
	periods.GET("", s.listPeriods)
	periods.GET("/new", s.newPeriod)
	periods.POST("", s.savePeriod)
	periods.GET("/:id/edit", s.editPeriod)
	periods.POST("/:id", s.savePeriod)

	// The people of the plan (MayManagePeople): agencies and their
	// contacts, organisations, accounts.
	people.GET("/agencies", s.listAgenciesAdmin)
	people.GET("/agencies/new", agencies.blank(s))
	people.POST("/agencies", agencies.create(s))
	people.GET("/agencies/:id", agencies.edit(s))
	people.POST("/agencies/:id", agencies.update(s))
	people.GET("/agencies/:id/contacts/new", contacts.blank(s))
	people.POST("/agencies/:id/contacts", contacts.create(s))
	people.GET("/contacts/:id", contacts.edit(s))
	people.POST("/contacts/:id", contacts.update(s))
	people.GET("/contacts/:id/handover", handovers.edit(s))
	people.POST("/contacts/:id/handover", handovers.update(s))
	people.GET("/organisations", s.listOrganisationsAdmin)
	people.GET("/organisations/new", organisations.blank(s))
	people.POST("/organisations", organisations.create(s))
	people.GET("/organisations/:id", organisations.edit(s))
	people.POST("/organisations/:id", organisations.update(s))
	people.GET("/users", s.listUsers)
	people.GET("/users/new", users.blank(s))
	people.POST("/users", users.create(s))
	people.GET("/users/:id", users.edit(s))
	people.POST("/users/:id", users.update(s)) // MayChangeAccount
	people.POST("/users/:id/disable", accountSwitches[true].update(s))
	people.POST("/users/:id/enable", accountSwitches[false].update(s))
	people.POST("/users/:id/invite", s.resendInvitation)

	// Reminders (MayManageReminders): the outbox, meetings, webhooks.
	reminders.GET("/outbox", s.showOutbox)
	reminders.POST("/outbox/:id/retry", s.retryMessage)
	reminders.POST("/outbox/run", s.runReminderPass)
	reminders.POST("/outbox/test-mail", s.sendTestMail)
	reminders.POST("/meetings", s.recordMeeting) // the outbox page's record of a day
	// The forum's meetings (MayManageMeetings, the same people): their
	// follow-up items, transcripts, and the holidays edit windows skip.
	reminders.GET("/meetings", s.adminMeetings)
	reminders.GET("/meetings/new", s.newMeeting)
	reminders.POST("/meetings/new", s.saveMeeting)
	reminders.GET("/meetings/:id/edit", s.editMeeting)
	reminders.POST("/meetings/:id", s.saveMeeting)
	reminders.POST("/meetings/:id/followups", s.decideFollowUp)
	reminders.POST("/meetings/:id/close", s.closeFollowUps)
	reminders.POST("/meetings/:id/transcript", s.uploadTranscript)
	reminders.GET("/holidays", s.showHolidays)
	reminders.POST("/holidays", s.importHolidays)
	reminders.GET("/webhooks", s.showWebhooks)
	reminders.POST("/webhooks", s.createWebhook)
	reminders.POST("/webhooks/:id/delete", s.deleteWebhook)

	r.NoRoute(func(c *gin.Context) { s.fail(c, errNotFound) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, errMethodNotAllowed) })
	return r
}

// Routes lists the routes the server answers, for tests that must cover
// every one of them (the authorization table).
func (s *Server) Routes() gin.RoutesInfo { return s.router.Routes() }

package web

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/static"
)

// routes lists every route of the tracker in one place.
func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = true
	r.HandleMethodNotAllowed = true
	r.Use(s.requestID, s.accessLog, compress(), s.recoverPanic, securityHeaders, s.limitBody, s.language, caching(), s.session, s.checkCSRF)

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

	// Public pages: no sign-in.
	r.GET("/", s.home)
	r.GET("/plans", s.listPlans)
	r.GET("/plans/:id", s.showPlan)
	r.GET("/commitments", s.listCommitments)
	r.GET("/commitments/:id", s.showCommitment)
	r.GET("/commitments/:id/evidence", s.showEvidence)
	r.GET("/changes/:id", s.showChange)
	r.GET("/themes/:id", s.showTheme)
	r.GET("/agencies/:id", s.showAgency)
	r.GET("/milestones", s.listMilestones)
	r.GET("/about", s.about)
	r.GET("/reports/:id", s.showReport) // a draft: its agency's liaisons only, 404 for anyone else

	// Accounts.
	r.GET("/signin", s.showSignIn)
	r.POST("/signin", s.signIn)
	r.POST("/signout", s.signOut)
	r.GET("/password/forgot", s.showForgot)
	r.POST("/password/forgot", s.sendResetLink)
	r.GET("/password/reset/:token", s.showReset)
	r.POST("/password/reset/:token", s.resetPassword)

	// Changes: signed in, and allowed (see model.User.MayChangeMilestone).
	r.GET("/milestones/:id/edit", s.editMilestone)
	r.POST("/milestones/:id", s.updateMilestone)

	// Open data: the read API, files and feeds, for anyone, from any
	// origin, within a rate limit per client (see openData).
	open := r.Group("/", s.openData)
	open.GET("/api/openapi.json", s.serveOpenAPI)
	open.GET(apiPrefix+"/plans", s.apiPlans)
	open.GET(apiPrefix+"/plans/:id", s.apiPlan)
	open.GET(apiPrefix+"/commitments", s.apiCommitments)
	open.GET(apiPrefix+"/commitments/:id", s.apiCommitment)
	open.GET(apiPrefix+"/commitments/:id/evidence", s.apiEvidence)
	open.GET(apiPrefix+"/agencies", s.apiAgencies)
	open.GET(apiPrefix+"/milestones", s.apiMilestones)
	open.GET(apiPrefix+"/milestones/:id", s.apiMilestone)
	open.OPTIONS("/api/*path", func(*gin.Context) {})
	open.GET("/export/:file", s.export)
	open.GET("/feed.atom", s.feed)
	open.GET("/calendar.ics", s.calendar)
	r.GET("/api", s.apiPage)

	// The write API: an agency's API token (Authorization: Bearer), never a
	// session; see model.APIToken.MayChangeMilestone and MayDraftReport.
	open.PATCH(apiPrefix+"/milestones/:id", s.apiUpdateMilestone)
	open.POST(apiPrefix+"/reports", s.apiCreateReport)

	// Progress reporting (see report.go, period.go and the rules in
	// app/model/permission.go). Reporting periods: administrators
	// (MayManagePeriods). Drafts and submissions: liaisons of the lead
	// agency (MayDraftReport). Reviews and assessments: committee members
	// (MayReview, MayAssess).
	r.GET("/admin/periods", s.listPeriods)
	r.GET("/admin/periods/new", s.newPeriod)
	r.POST("/admin/periods", s.savePeriod)
	r.GET("/admin/periods/:id/edit", s.editPeriod)
	r.POST("/admin/periods/:id", s.savePeriod)
	r.GET("/commitments/:id/reports/new", s.newReport)
	r.POST("/commitments/:id/reports", s.createReport)
	r.GET("/reports/:id/edit", s.editReport)
	r.POST("/reports/:id", s.updateReport)
	r.POST("/reports/:id/reviews", s.reviewReport)
	r.POST("/commitments/:id/assessments", s.assessCommitment)
	// Administration: administrators only (model.User.MayAdminister); its
	// parts are listed in adminSections (admin.go).
	admin := r.Group("/admin", s.allow((*model.User).MayAdminister))
	admin.GET("", s.adminIndex)
	admin.GET("/tokens", s.listAPITokens)
	admin.POST("/tokens", s.createAPIToken)
	admin.POST("/tokens/:id/revoke", s.revokeAPIToken)
	// The plan data: model.User.MayManagePlans. Nothing is deleted.
	planData := admin.Group("", s.allow((*model.User).MayManagePlans))
	planData.GET("/plans", s.adminPlans)
	planData.GET("/plans/new", s.newPlan)
	planData.POST("/plans", s.createPlan)
	planData.GET("/plans/:id/edit", s.editPlan)
	planData.POST("/plans/:id", s.updatePlan)
	planData.GET("/themes", s.adminThemes)
	planData.GET("/themes/new", s.newTheme)
	planData.POST("/themes", s.createTheme)
	planData.GET("/themes/:id/edit", s.editTheme)
	planData.POST("/themes/:id", s.updateTheme)
	planData.GET("/commitments", s.adminCommitments)
	planData.GET("/commitments/new", s.newCommitment)
	planData.POST("/commitments", s.createCommitment)
	planData.GET("/commitments/:id/edit", s.editCommitment)
	planData.POST("/commitments/:id", s.updateCommitment)
	planData.GET("/milestones", s.adminMilestones)
	planData.GET("/milestones/new", s.newMilestone)
	planData.POST("/milestones", s.createMilestone)
	planData.GET("/milestones/:id/edit", s.editMilestoneData)
	planData.POST("/milestones/:id", s.updateMilestoneData)
	// The people of the plan: administrators only (model.User.MayManagePeople).
	r.GET("/admin/agencies", s.listAgenciesAdmin)
	r.GET("/admin/agencies/new", s.newAgency)
	r.POST("/admin/agencies", s.createAgency)
	r.GET("/admin/agencies/:id", s.editAgency)
	r.POST("/admin/agencies/:id", s.updateAgency)
	r.GET("/admin/agencies/:id/contacts/new", s.newContact)
	r.POST("/admin/agencies/:id/contacts", s.createContact)
	r.GET("/admin/contacts/:id", s.editContact)
	r.POST("/admin/contacts/:id", s.updateContact)
	r.GET("/admin/contacts/:id/handover", s.showHandover)
	r.POST("/admin/contacts/:id/handover", s.handOverContact)
	r.GET("/admin/organisations", s.listOrganisationsAdmin)
	r.GET("/admin/organisations/new", s.newOrganisation)
	r.POST("/admin/organisations", s.createOrganisation)
	r.GET("/admin/organisations/:id", s.editOrganisation)
	r.POST("/admin/organisations/:id", s.updateOrganisation)
	r.GET("/admin/users", s.listUsers)
	r.GET("/admin/users/new", s.newUser)
	r.POST("/admin/users", s.createUser)
	r.GET("/admin/users/:id", s.editUser)
	r.POST("/admin/users/:id", s.updateUser)
	r.POST("/admin/users/:id/disable", s.setUserDisabled(true))
	r.POST("/admin/users/:id/enable", s.setUserDisabled(false))
	r.POST("/admin/users/:id/invite", s.resendInvitation)

	// Reminders: every signed-in person chooses their own; an unsubscribe
	// link works without signing in (its token is the key, and one-click
	// POSTs need no form token: see oneClickUnsubscribe); administrators
	// (model.User.MayManageReminders) read the outbox and set webhooks.
	r.GET("/account/reminders", s.showReminderPrefs)
	r.POST("/account/reminders", s.updateReminderPrefs)
	r.GET("/unsubscribe/:token", s.showUnsubscribe)
	r.POST("/unsubscribe/:token", s.unsubscribe)
	r.GET("/admin/outbox", s.showOutbox)
	r.POST("/admin/outbox/:id/retry", s.retryMessage)
	r.POST("/admin/meetings", s.recordMeeting)
	r.GET("/admin/webhooks", s.showWebhooks)
	r.POST("/admin/webhooks", s.createWebhook)
	r.POST("/admin/webhooks/:id/delete", s.deleteWebhook)

	r.NoRoute(func(c *gin.Context) { s.fail(c, errNotFound) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, errMethodNotAllowed) })
	return r
}

// Routes lists the routes the server answers, for tests that must cover
// every one of them (the authorization table).
func (s *Server) Routes() gin.RoutesInfo { return s.router.Routes() }

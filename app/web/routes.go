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
	r.Use(s.requestID, s.accessLog, compress(), s.recoverPanic, securityHeaders, s.language, caching(), s.session, s.checkCSRF)

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
	r.GET("/changes/:id", s.showChange)
	r.GET("/themes/:id", s.showTheme)
	r.GET("/agencies/:id", s.showAgency)
	r.GET("/milestones", s.listMilestones)
	r.GET("/about", s.about)

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

	r.NoRoute(func(c *gin.Context) { s.fail(c, errNotFound) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, errMethodNotAllowed) })
	return r
}

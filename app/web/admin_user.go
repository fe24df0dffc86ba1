package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// userFields are the fields of an account's form, in their order; the
// email is given once, when the account is made.
var userFields = []string{"email", "name", "role", "agency", "organisation", "chair"}

var userLabels = map[string]string{
	"email": "people.user.email", "name": "people.user.name", "role": "people.user.role", "agency": "people.user.agency",
	"organisation": "people.user.organisation", "chair": "people.user.chair", "disabled": "people.user.disabled",
}

// Messages of the refusals of an administrator's own account.
const (
	msgSelfDisable = "you cannot disable your own account"
	msgSelfDemote  = "you cannot take away your own administrator role"
)

type userListPage struct {
	Page
	Sections []peopleSection
	Users    []model.User
}

type userFormPage struct {
	peopleForm
	Account       *model.User // nil for a new one
	Roles         []model.Role
	Agencies      []option
	Organisations []option
	Invited       string // "1" an invitation was sent, "0" it could not be
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.store.FindUsers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "people/users", userListPage{Page: s.page(c), Sections: peopleSections, Users: us})
}

func userValues(u *model.User) map[string]string {
	return map[string]string{"email": u.Email, "name": u.Name, "role": string(u.Role), "agency": idValue(u.AgencyID),
		"organisation": idValue(u.OrganisationID), "chair": boolValue(u.Chair)}
}

// userOf reads an account from its form. A choice the role does not use
// (an agency for a committee member) is left out, so that switching the
// role in the form is enough.
func userOf(v map[string]string, fe model.FieldErrors) *model.User {
	u := &model.User{Email: model.NormalizeEmail(v["email"]), Name: v["name"], Role: model.Role(v["role"])}
	agency, organisation := formID(v, "agency", fe), formID(v, "organisation", fe)
	switch u.Role {
	case model.RoleLiaison:
		u.AgencyID = agency
	case model.RoleCommittee:
		u.OrganisationID, u.Chair = organisation, v["chair"] != ""
	}
	return u
}

func (s *Server) newUser(c *gin.Context) {
	s.renderUserForm(c, http.StatusOK, &userFormPage{peopleForm: peopleForm{Values: map[string]string{"role": string(model.RoleCommittee)}}})
}

// createUser makes an account and sends the person an invitation: a link
// with which they choose their own password. No one else ever knows one.
func (s *Server) createUser(c *gin.Context) {
	p := &userFormPage{peopleForm: peopleForm{Values: typedFields(c, userFields...)}}
	fe := model.FieldErrors{}
	u := userOf(p.Values, fe)
	err := fe.Err()
	if err == nil {
		// A password no one knows until the invitation replaces it.
		if err = u.SetPassword(rand.Text()); err == nil {
			err = s.store.CreateUser(writeContext(c), u)
		}
	}
	if err == nil {
		sent := s.invite(c, u)
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d?invited=%s", u.ID, sent))
		return
	}
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderUserForm(c, http.StatusUnprocessableEntity, p)
	}, nil) {
		s.fail(c, err)
	}
}

// invite makes an invitation link for u and mails it, in the language of
// the page, or writes it to the log when there are no mail settings. It
// reports "1" when the link went out, "0" when it could not.
func (s *Server) invite(c *gin.Context, u *model.User) string {
	ctx := c.Request.Context()
	token, err := s.store.CreateOneTimeLink(ctx, u.ID, model.LinkInvitation, model.InvitationLifetime)
	if err == nil {
		link := s.baseURL + "/password/reset/" + token
		days := int(model.InvitationLifetime.Hours() / 24)
		t := s.page(c).T
		if s.sendMail == nil {
			s.log.LogAttrs(ctx, slog.LevelInfo, "invitation link (no mail settings, so not sent)",
				slog.Uint64("user", uint64(u.ID)), slog.String("to", u.Email), slog.String("link", link))
			return "1"
		}
		err = s.sendMail(context.WithoutCancel(ctx), u.Email, t.T("people.mail.invite.subject"),
			t.T("people.mail.invite.body", "Name", u.Name, "Link", link, "Days", days))
	}
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "invitation not sent", slog.Uint64("user", uint64(u.ID)),
			slog.String("request_id", c.GetString(requestIDKey)), slog.String("err", err.Error()))
		return "0"
	}
	return "1"
}

// userOfPath finds the account of the path for an administrator.
func (s *Server) userOfPath(c *gin.Context) (account, admin *model.User, ok bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	admin = visitor(c)
	account, err = s.store.FindUserByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return account, admin, true
}

func (s *Server) editUser(c *gin.Context) {
	u, _, ok := s.userOfPath(c)
	if !ok {
		return
	}
	s.renderUserForm(c, http.StatusOK, &userFormPage{Account: u, Invited: c.Query("invited"),
		peopleForm: peopleForm{Values: userValues(u), Version: u.Version}})
}

func (s *Server) updateUser(c *gin.Context) {
	u, admin, ok := s.userOfPath(c)
	if !ok {
		return
	}
	version, err := formVersion(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := &userFormPage{Account: u, peopleForm: peopleForm{Values: typedFields(c, userFields...), Version: version}}
	p.Values["email"] = u.Email // given once
	fe := model.FieldErrors{}
	after := userOf(p.Values, fe)
	after.ID, after.Email, after.Disabled = u.ID, u.Email, u.Disabled
	s.saveUser(c, admin, u, after, version, fe, p)
}

// setUserDisabled disables or enables an account from the buttons of its
// page. Disabling signs the person out everywhere.
func (s *Server) setUserDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, admin, ok := s.userOfPath(c)
		if !ok {
			return
		}
		version, err := formVersion(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p := &userFormPage{Account: u, peopleForm: peopleForm{Values: userValues(u), Version: version}}
		after := *u
		after.Agency, after.Organisation, after.Disabled = nil, nil, disabled
		s.saveUser(c, admin, u, &after, version, model.FieldErrors{}, p)
	}
}

// saveUser changes account u to after for admin, unless admin would
// disable or demote themself, and answers.
func (s *Server) saveUser(c *gin.Context, admin, u, after *model.User, version int, fe model.FieldErrors, p *userFormPage) {
	switch field, ok := admin.MayChangeAccount(u, after); {
	case ok:
	case field == "disabled":
		fe.Add("disabled", msgSelfDisable)
	case field == "role":
		fe.Add("role", msgSelfDemote)
	}
	err := fe.Err()
	if err == nil {
		err = s.store.UpdateUser(writeContext(c), after, version)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d?saved=1", u.ID))
		return
	}
	if !writeOutcome(err, func(fe model.FieldErrors) {
		p.Errors = fieldErrorWords(s.page(c).T, fe)
		s.renderUserForm(c, http.StatusUnprocessableEntity, p)
	}, func() {
		saved, err := s.store.FindUserByID(c.Request.Context(), u.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Account, p.Version = saved, saved.Version
		t := s.page(c).T
		savedValues := userValues(saved)
		words := userValues(saved)
		words["role"] = t.T("people.role." + words["role"])
		if saved.Agency != nil {
			words["agency"] = saved.Agency.Code + " · " + t.Text(saved.Agency.Name).Value
		}
		if saved.Organisation != nil {
			words["organisation"] = saved.Organisation.Code + " · " + t.Text(saved.Organisation.Name).Value
		}
		yesNo := map[bool]string{true: t.T("history.yes"), false: t.T("history.no")}
		words["chair"], words["disabled"] = yesNo[saved.Chair], yesNo[saved.Disabled]
		savedValues["disabled"], p.Values["disabled"] = boolValue(saved.Disabled), boolValue(after.Disabled)
		p.Conflict = conflictRows(t, append(userFields, "disabled"), userLabels, p.Values, savedValues, words)
		if len(p.Conflict) == 0 {
			p.Conflict = []conflictRow{{Label: t.T("people.user.disabled"), Saved: words["disabled"]}}
		}
		s.renderUserForm(c, http.StatusConflict, p)
	}) {
		s.fail(c, err)
	}
}

// resendInvitation sends an account a new invitation link; the earlier
// ones still work until they expire or one is used.
func (s *Server) resendInvitation(c *gin.Context) {
	u, _, ok := s.userOfPath(c)
	if !ok {
		return
	}
	if u.Disabled {
		p := &userFormPage{Account: u, peopleForm: peopleForm{Values: userValues(u), Version: u.Version}}
		p.Errors = map[string]string{"invite": s.page(c).T.T("people.error.invite.disabled")}
		s.renderUserForm(c, http.StatusUnprocessableEntity, p)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d?invited=%s", u.ID, s.invite(c, u)))
}

func (s *Server) renderUserForm(c *gin.Context, status int, p *userFormPage) {
	ctx := c.Request.Context()
	p.Page, p.Sections, p.Roles = s.page(c), peopleSections, model.Roles
	p.Action = "/admin/users"
	if p.Account != nil {
		p.Action = fmt.Sprintf("/admin/users/%d", p.Account.ID)
	}
	as, err := s.store.FindAgencies(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	os, err := s.store.FindOrganisations(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Agencies, p.Organisations = agencyOptions(p.T, as), organisationOptions(p.T, os)
	p.Saved = p.Errors == nil && p.Conflict == nil && c.Query("saved") == "1"
	s.render(c, status, "people/user", p)
}

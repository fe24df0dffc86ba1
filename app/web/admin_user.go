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
	sentDisabled  bool   // whether the account was to be disabled, for a conflict
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

// users is how the administration makes accounts and changes them. A new
// account gets an invitation: a link with which the person chooses their
// own password, which no one else ever knows.
var users = editor[*userFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*userFormPage, error) {
		if id == 0 {
			return &userFormPage{peopleForm: s.peopleFormOf(c, map[string]string{"role": string(model.RoleCommittee)}, 0)}, nil
		}
		u, err := s.store.FindUserByID(c.Request.Context(), id)
		if err != nil {
			return nil, err
		}
		return &userFormPage{Account: u, Invited: c.Query("invited"), peopleForm: s.peopleFormOf(c, userValues(u), u.Version)}, nil
	},
	save: func(s *Server, c *gin.Context, p *userFormPage) (string, error) {
		p.Values = typedFields(c, userFields...)
		if p.Account != nil {
			p.Values["email"] = p.Account.Email // given once
		}
		fe := model.FieldErrors{}
		after := userOf(p.Values, fe)
		if p.Account != nil {
			after.ID, after.Email, after.Disabled = p.Account.ID, p.Account.Email, p.Account.Disabled
			return s.saveUser(c, p, after, fe)
		}
		err := saveValid(fe, func() error {
			// A password no one knows until the invitation replaces it.
			if err := after.SetPassword(rand.Text()); err != nil {
				return err
			}
			return s.store.CreateUser(writeContext(c), after)
		})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/admin/users/%d?invited=%s", after.ID, s.invite(c, after)), nil
	},
	reload: (*Server).reloadUser,
	render: (*Server).renderUserForm,
}

// accountSwitches disable or enable an account from the buttons of its
// page. Disabling signs the person out everywhere.
var accountSwitches = map[bool]editor[*userFormPage]{}

func init() {
	for _, disabled := range []bool{true, false} {
		accountSwitches[disabled] = editor[*userFormPage]{load: users.load, reload: users.reload, render: users.render,
			save: func(s *Server, c *gin.Context, p *userFormPage) (string, error) {
				after := *p.Account
				after.Agency, after.Organisation, after.Disabled = nil, nil, disabled
				return s.saveUser(c, p, &after, model.FieldErrors{})
			}}
	}
}

// saveUser changes the form's account to after, unless the administrator
// would disable or demote themself (model.User.MayChangeAccount).
func (s *Server) saveUser(c *gin.Context, p *userFormPage, after *model.User, fe model.FieldErrors) (string, error) {
	switch field, ok := visitor(c).MayChangeAccount(p.Account, after); {
	case ok:
	case field == "disabled":
		fe.Add("disabled", msgSelfDisable)
	case field == "role":
		fe.Add("role", msgSelfDemote)
	}
	p.sentDisabled = after.Disabled
	return fmt.Sprintf("/admin/users/%d?saved=1", p.Account.ID), saveValid(fe, func() error {
		return s.store.UpdateUser(writeContext(c), after, p.Version)
	})
}

// reloadUser puts on an account's form what was saved meanwhile.
func (s *Server) reloadUser(c *gin.Context, p *userFormPage) error {
	saved, err := s.store.FindUserByID(c.Request.Context(), p.Account.ID)
	if err != nil {
		return err
	}
	p.Account, p.Version = saved, saved.Version
	t := p.T
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
	savedValues["disabled"], p.Values["disabled"] = boolValue(saved.Disabled), boolValue(p.sentDisabled)
	p.Conflict = conflictRows(t, append(userFields, "disabled"), userLabels, p.Values, savedValues, words)
	if len(p.Conflict) == 0 {
		p.Conflict = []conflictRow{{Label: t.T("people.user.disabled"), Saved: words["disabled"]}}
	}
	return nil
}

// resendInvitation sends an account a new invitation link; the earlier
// ones still work until they expire or one is used.
func (s *Server) resendInvitation(c *gin.Context) {
	p, ok := users.form(s, c, true)
	if !ok {
		return
	}
	if p.Account.Disabled {
		p.Errors = map[string]string{"invite": p.T.T("people.error.invite.disabled")}
		s.renderUserForm(c, http.StatusUnprocessableEntity, p)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d?invited=%s", p.Account.ID, s.invite(c, p.Account)))
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

package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
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
	Sections    []peopleSection
	Users       []model.User
	Invitations []store.PendingInvitation
}

type userFormPage struct {
	peopleForm
	Account       *model.User // nil for a new one
	Roles         []model.Role
	Agencies      []option
	Organisations []option
	Invited       string      // "1" an invitation was sent
	Invitation    *invitation // a link just made and not sent, to pass on
	invited       *invitation // the invitation of an account just made
	sentDisabled  bool        // whether the account was to be disabled, for a conflict
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.store.FindUsers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	invs, err := s.store.FindPendingInvitations(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "people/users", userListPage{Page: s.page(c), Sections: peopleSections, Users: us, Invitations: invs})
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

// invitation is what became of an invitation link: mailed, or shown to
// the administrator to pass on, with why it was not mailed.
type invitation struct {
	Sent    bool
	Link    string    // shown when not sent: the only time anyone sees it (only its hash is kept)
	Expires time.Time // when the link stops working
	NoMail  bool      // no mail settings
	Refusal string    // what the mail server answered, when it refused or could not be reached
}

// mailerSendMail delivers a plain-text message through the mail server.
func mailerSendMail(m *mail.Mailer) SendMail {
	return func(ctx context.Context, to, subject, body string) error {
		return m.SendOne(ctx, mail.Message{To: to, Subject: subject, Text: body})
	}
}

// invite makes an invitation link for u, ending the unused ones made
// before, and mails it in the language of the page. Without mail
// settings, or when the mail server refuses, the link is given back to be
// shown to the administrator, who passes it on: never said to be sent.
func (s *Server) invite(c *gin.Context, u *model.User) (invitation, error) {
	ctx := c.Request.Context()
	token, err := s.store.ReplaceInvitation(ctx, u.ID)
	if err != nil {
		return invitation{}, err
	}
	link := s.baseURL + "/password/reset/" + token
	inv := invitation{Expires: s.store.Now().Add(model.InvitationLifetime), Link: link}
	if s.sendMail == nil {
		inv.NoMail = true
		s.log.LogAttrs(ctx, slog.LevelInfo, "invitation link shown to the administrator (no mail settings)",
			slog.Uint64("user", uint64(u.ID)), slog.Uint64("by", uint64(visitor(c).ID)))
		return inv, nil
	}
	t := s.page(c).T
	err = s.sendMail(context.WithoutCancel(ctx), u.Email, t.T("people.mail.invite.subject"),
		t.T("people.mail.invite.body", "Name", u.Name, "Link", link, "Days", int(model.InvitationLifetime.Hours()/24)))
	if err != nil {
		inv.Refusal = err.Error()
		s.log.LogAttrs(ctx, slog.LevelWarn, "invitation not sent; link shown to the administrator", slog.Uint64("user", uint64(u.ID)),
			slog.String("request_id", c.GetString(requestIDKey)), slog.String("err", err.Error()))
		return inv, nil
	}
	inv.Sent, inv.Link = true, ""
	return inv, nil
}

// answerInvitation answers the form that made an invitation: to the
// account's page saying it was sent, or with the link on the page itself
// (never in an address, which logs and histories keep) to be passed on.
func (s *Server) answerInvitation(c *gin.Context, u *model.User, inv invitation) {
	if inv.Sent {
		s.flashNext(c, setupUser, 0)
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d?invited=1", u.ID))
		return
	}
	saved, err := s.store.FindUserByID(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := &userFormPage{Account: saved, Invitation: &inv, peopleForm: s.peopleFormOf(c, userValues(saved), saved.Version)}
	c.Set(noStoreKey, true)
	s.renderUserForm(c, http.StatusOK, p)
}

// users is how the administration makes accounts and changes them. A new
// account gets an invitation: a link with which the person chooses their
// own password, which no one else ever knows.
var users = editor[*userFormPage]{
	load: func(s *Server, c *gin.Context, id uint) (*userFormPage, error) {
		if id == 0 {
			// The checklist links here for an agency's liaison: ?role=liaison&agency=3.
			v := map[string]string{"role": string(model.RoleCommittee)}
			if r := model.Role(c.Query("role")); slices.Contains(model.Roles, r) {
				v["role"] = string(r)
			}
			if a, err := optionalID(c.Query("agency")); err == nil && a != 0 {
				v["agency"] = strconv.FormatUint(uint64(a), 10)
			}
			return &userFormPage{peopleForm: s.peopleFormOf(c, v, 0)}, nil
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
		p.Account = after
		inv, err := s.invite(c, after)
		if err != nil {
			// The account is saved: its page offers a new invitation.
			s.log.LogAttrs(c.Request.Context(), slog.LevelError, "invitation not made", slog.Uint64("user", uint64(after.ID)),
				slog.String("request_id", c.GetString(requestIDKey)), slog.String("err", err.Error()))
			return fmt.Sprintf("/admin/users/%d", after.ID), nil
		}
		p.invited = &inv
		return fmt.Sprintf("/admin/users/%d?invited=1", after.ID), nil
	},
	respond: func(s *Server, c *gin.Context, p *userFormPage, to string) {
		if p.invited == nil {
			s.flash(c, "flash.saved")
			c.Redirect(http.StatusSeeOther, to)
			return
		}
		s.answerInvitation(c, p.Account, *p.invited)
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

// resendInvitation makes an account a new invitation link, which ends
// the unused ones made before, and mails it or shows it.
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
	inv, err := s.invite(c, p.Account)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerInvitation(c, p.Account, inv)
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

package model

import "slices"

// MayChangeMilestone is the one rule of who may change milestone m of
// commitment c (c with its supporting agencies loaded): an administrator
// any; a liaison only those of commitments their agency leads or supports,
// or those their agency answers for; committee members and the public none.
func (u *User) MayChangeMilestone(m *Milestone, c *Commitment) bool {
	if !u.IsActive() {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleLiaison:
		return u.AgencyID != nil && agencyMayChangeMilestone(*u.AgencyID, m, c)
	}
	return false
}

// MayManagePeriods is the rule of who defines reporting periods: administrators.
func (u *User) MayManagePeriods() bool {
	return u.MayAdminister()
}

// MayDraftReport is the rule of who writes, edits and submits the progress
// reports of commitment c: the liaisons of its lead agency, and no one else
// (not even administrators, who may not see drafts either).
func (u *User) MayDraftReport(c *Commitment) bool {
	return u.IsActive() && u.Role == RoleLiaison && u.AgencyID != nil && agencyMayDraftReport(*u.AgencyID, c)
}

// MayAnswerDissent is the rule of who may answer the dissents on report r:
// the liaisons of the agency that reported.
func (u *User) MayAnswerDissent(r *ProgressReport) bool {
	return u.IsActive() && u.Role == RoleLiaison && u.AgencyID != nil && *u.AgencyID == r.AgencyID &&
		r.Status == ReportSubmitted
}

// MaySeeReport is the rule of who may read report r: everyone once it is
// submitted; a draft only the liaisons of the agency it is written for.
func (u *User) MaySeeReport(r *ProgressReport) bool {
	if r.Status == ReportSubmitted {
		return true
	}
	return u.IsActive() && u.Role == RoleLiaison && u.AgencyID != nil && *u.AgencyID == r.AgencyID
}

// MayReview is the rule of who confirms a submitted report or records a
// dissent: committee members, who speak for civil society; liaisons and
// administrators do not review.
func (u *User) MayReview() bool {
	return u.IsActive() && u.Role == RoleCommittee
}

// MayAssess is the rule of who assesses a commitment's completion:
// committee members.
func (u *User) MayAssess() bool {
	return u.IsActive() && u.Role == RoleCommittee
}

// IsCoLead reports whether u is the civil-society co-lead of commitment c
// (c with its organisations loaded): a committee member speaking for an
// organisation that co-leads it.
func (u *User) IsCoLead(c *Commitment) bool {
	if u == nil || u.Role != RoleCommittee || u.OrganisationID == nil {
		return false
	}
	return slices.ContainsFunc(c.Organisations, func(o CommitmentOrganisation) bool {
		return o.Role == RoleCoLead && o.OrganisationID == *u.OrganisationID
	})
}

// MayAdminister is the rule of who may open the administration (/admin):
// administrators, the plan's secretariat; nobody else.
func (u *User) MayAdminister() bool {
	return u.IsActive() && u.Role == RoleAdmin
}

// IsActive is whether u is someone signed in whose account is not
// disabled: every rule below starts from it.
func (u *User) IsActive() bool {
	return u != nil && !u.Disabled
}

// MayManagePlans is the rule of who may create and change plans, themes,
// commitments and milestones (their wording, dates, agencies and
// organisations; a milestone's reported status is MayChangeMilestone's):
// administrators only. Nobody deletes them: the record is public and
// historical.
func (u *User) MayManagePlans() bool {
	return u.MayAdminister()
}

// agencyMayChangeMilestone is the agency part of MayChangeMilestone: an
// agency may change the milestones of commitments it leads or supports,
// and those it answers for.
func agencyMayChangeMilestone(agency uint, m *Milestone, c *Commitment) bool {
	if m.AnswersFor(agency, c) {
		return true
	}
	if c.LeadAgencyID != nil && *c.LeadAgencyID == agency {
		return true
	}
	return slices.ContainsFunc(c.SupportingAgencies, func(a Agency) bool { return a.ID == agency })
}

// agencyMayDraftReport is the agency part of MayDraftReport: the lead
// agency reports on a commitment.
func agencyMayDraftReport(agency uint, c *Commitment) bool {
	return c.LeadAgencyID != nil && agency == *c.LeadAgencyID
}

// MayChangeMilestone is the rule of the API: a token that is not revoked
// and carries the milestones:write scope may change what a liaison of its
// agency may (agencyMayChangeMilestone), and nothing else.
func (t *APIToken) MayChangeMilestone(m *Milestone, c *Commitment) bool {
	if t == nil || t.Revoked() || !t.Has(ScopeMilestonesWrite) {
		return false
	}
	return agencyMayChangeMilestone(t.AgencyID, m, c)
}

// MayDraftReport is the rule of the API for report drafts: a token that is
// not revoked and carries the reports:write scope may draft what a liaison
// of its agency may (agencyMayDraftReport).
func (t *APIToken) MayDraftReport(c *Commitment) bool {
	if t == nil || t.Revoked() || !t.Has(ScopeReportsWrite) {
		return false
	}
	return agencyMayDraftReport(t.AgencyID, c)
}

// MayManagePeople is the one rule of who may add and change agencies,
// civil-society organisations, their contacts and accounts: an
// administrator only, while enabled.
func (u *User) MayManagePeople() bool {
	return u.MayAdminister()
}

// MayChangeAccount says whether admin may give account u the values of
// after: an administrator may change any account but may not disable
// themself or take away their own administrator role, so that the tracker
// always keeps one who can undo a mistake. It returns the field refused.
func (u *User) MayChangeAccount(account, after *User) (field string, ok bool) {
	if !u.MayManagePeople() {
		return "", false
	}
	if account.ID == u.ID {
		if after.Disabled {
			return "disabled", false
		}
		if after.Role != RoleAdmin {
			return "role", false
		}
	}
	return "", true
}

// MayManageReminders is the rule of who may read the outbox of reminders,
// retry a message, record the committee's meetings and set webhooks: the
// secretariat (administrators) only. Every signed-in person chooses their
// own reminders (see /account/reminders), and no one else's.
func (u *User) MayManageReminders() bool {
	return u.MayAdminister()
}

// MayAnswerQuestion is the rule of who answers question q: the liaisons of
// the agency that owns its clock (the commitment's lead agency, or the one
// it was transferred to); the secretariat (administrators) for a question
// on a plan as a whole. Nobody answers a hidden question.
func (u *User) MayAnswerQuestion(q *Question) bool {
	if !u.IsActive() || q.Hidden() {
		return false
	}
	if q.AgencyID == nil {
		return u.Role == RoleAdmin
	}
	return u.Role == RoleLiaison && u.AgencyID != nil && *u.AgencyID == *q.AgencyID
}

// MayHideQuestion is the rule of who hides a question, for a stated
// reason shown in its place: administrators.
func (u *User) MayHideQuestion() bool { return u.MayAdminister() }

// MayRecordQuestion is the rule of who records a question received
// offline on someone's behalf, for commitment c (nil: the plan as a
// whole): administrators any; liaisons those on the commitments their
// agency leads.
func (u *User) MayRecordQuestion(c *Commitment) bool {
	if !u.IsActive() {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleLiaison:
		return c != nil && u.AgencyID != nil && c.LeadAgencyID != nil && *c.LeadAgencyID == *u.AgencyID
	}
	return false
}

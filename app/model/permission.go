package model

import "slices"

// MayChangeMilestone is the one rule of who may change milestone m of
// commitment c (c with its supporting agencies loaded): an administrator
// any; a liaison only those of commitments their agency leads or supports,
// or those their agency answers for; committee members and the public none.
func (u *User) MayChangeMilestone(m *Milestone, c *Commitment) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleLiaison:
		if u.AgencyID == nil {
			return false
		}
		agency := *u.AgencyID
		if id := m.ResponsibleAgencyID(c); id != nil && *id == agency {
			return true
		}
		if c.LeadAgencyID != nil && *c.LeadAgencyID == agency {
			return true
		}
		return slices.ContainsFunc(c.SupportingAgencies, func(a Agency) bool { return a.ID == agency })
	}
	return false
}

// MayManageReminders is the rule of who may read the outbox of reminders,
// retry a message, record the committee's meetings and set webhooks: the
// secretariat (administrators) only. Every signed-in person chooses their
// own reminders (see /account/reminders), and no one else's.
func (u *User) MayManageReminders() bool {
	return u != nil && !u.Disabled && u.Role == RoleAdmin
}

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

// MayManagePeople is the one rule of who may add and change agencies,
// civil-society organisations, their contacts and accounts: an
// administrator only, while enabled.
func (u *User) MayManagePeople() bool {
	return u != nil && !u.Disabled && u.Role == RoleAdmin
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

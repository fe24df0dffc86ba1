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

// MayAdminister is the rule of who may open the administration (/admin):
// administrators, the plan's secretariat; nobody else.
func (u *User) MayAdminister() bool {
	return u != nil && !u.Disabled && u.Role == RoleAdmin
}

// MayManagePlans is the rule of who may create and change plans, themes,
// commitments and milestones (their wording, dates, agencies and
// organisations; a milestone's reported status is MayChangeMilestone's):
// administrators only. Nobody deletes them: the record is public and
// historical.
func (u *User) MayManagePlans() bool {
	return u.MayAdminister()
}

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
		return u.AgencyID != nil && agencyMayChangeMilestone(*u.AgencyID, m, c)
	}
	return false
}

// agencyMayChangeMilestone is the agency part of MayChangeMilestone: an
// agency may change the milestones of commitments it leads or supports,
// and those it answers for.
func agencyMayChangeMilestone(agency uint, m *Milestone, c *Commitment) bool {
	if id := m.ResponsibleAgencyID(c); id != nil && *id == agency {
		return true
	}
	if c.LeadAgencyID != nil && *c.LeadAgencyID == agency {
		return true
	}
	return slices.ContainsFunc(c.SupportingAgencies, func(a Agency) bool { return a.ID == agency })
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

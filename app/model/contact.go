package model

import (
	"net/mail"
	"time"
)

// ContactRole is what a person does for the plan.
type ContactRole string

const (
	ContactLiaison        ContactRole = "liaison" // an agency's open-government liaison
	ContactDeputy         ContactRole = "deputy"
	ContactCivilSociety   ContactRole = "civil-society"
	ContactCommitteeChair ContactRole = "committee-chair"
)

// ContactRoles lists every role.
var ContactRoles = []ContactRole{ContactLiaison, ContactDeputy, ContactCivilSociety, ContactCommitteeChair}

// Contact is a person in a role for a while. Liaisons rotate: a handover
// closes the old contact (ActiveTo) and opens a new one, so the history stays.
type Contact struct {
	ID             uint          `gorm:"primaryKey"`
	Ref            string        `gorm:"size:80;uniqueIndex;not null"`
	Name           string        `gorm:"size:200;not null"`
	AgencyID       *uint         `gorm:"index"`
	Agency         *Agency       `gorm:"constraint:OnDelete:SET NULL"`
	OrganisationID *uint         `gorm:"index"`
	Organisation   *Organisation `gorm:"constraint:OnDelete:SET NULL"`
	Role           ContactRole   `gorm:"size:30;not null"`
	Email          string        `gorm:"size:254"`
	Phone          string        `gorm:"size:50"`
	ActiveFrom     Date
	ActiveTo       Date
	Public         bool // whether email and phone may be shown; name and role always are
	Demo           bool // made up for the demo plan
	Version        int  `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Validate checks a contact before it is saved.
func (c *Contact) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "ref", c.Ref, 80)
	checkName(fe, "name", c.Name, 200)
	checkEnum(fe, "role", c.Role, ContactRoles)
	checkLine(fe, "email", c.Email)
	if len(c.Email) > 254 {
		fe.Add("email", "is longer than 254 characters")
	} else if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			fe.Add("email", "is not an email address")
		}
	}
	checkLine(fe, "phone", c.Phone)
	if len([]rune(c.Phone)) > 50 {
		fe.Add("phone", "is longer than 50 characters")
	}
	checkPeriod(fe, "active_from", c.ActiveFrom, c.ActiveTo)
	return fe.Err()
}

// ActiveOn reports whether the contact holds the role on day d; a
// month-precision ActiveFrom or ActiveTo covers its whole month.
func (c *Contact) ActiveOn(d Date) bool {
	if !c.ActiveFrom.IsZero() && d.Last(time.UTC).Before(c.ActiveFrom.First(time.UTC)) {
		return false
	}
	return c.ActiveTo.IsZero() || !d.First(time.UTC).After(c.ActiveTo.Last(time.UTC))
}

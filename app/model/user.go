package model

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Role is what an account may do.
type Role string

const (
	RoleAdmin     Role = "admin"     // the plan's secretariat: manages everything
	RoleCommittee Role = "committee" // a member of the joint government/civil-society committee
	RoleLiaison   Role = "liaison"   // an agency's liaison: reports for that agency only
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCommittee, RoleLiaison}

// Password limits: long enough to resist guessing, and within the 72 bytes
// bcrypt reads (it refuses longer ones rather than silently cutting them).
const (
	MinPasswordLength = 12
	MaxPasswordBytes  = 72
)

// User is a person who signs in. Email is kept in lower case, so that it
// is unique however it is typed.
type User struct {
	ID       uint    `gorm:"primaryKey"`
	Email    string  `gorm:"size:254;uniqueIndex;not null"`
	Name     string  `gorm:"size:200;not null"`
	Role     Role    `gorm:"size:20;not null"`
	AgencyID *uint   `gorm:"index"`
	Agency   *Agency `gorm:"constraint:OnDelete:RESTRICT"`
	// OrganisationID is the civil-society organisation a committee member
	// speaks for: where it co-leads a commitment, so does the member.
	OrganisationID *uint         `gorm:"index"`
	Organisation   *Organisation `gorm:"constraint:OnDelete:RESTRICT"`
	// Chair marks the committee's chair, whom late work reaches last.
	Chair bool `gorm:"not null;default:false"`
	// Language is the one messages to the person are written in (zh-TW or en).
	Language     string `gorm:"size:10;not null;default:zh-TW"`
	PasswordHash string `gorm:"size:100;not null" json:"-"`
	Disabled     bool   `gorm:"not null;default:false"`
	Version      int    `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Lang is the language of messages to the person, zh-TW unless chosen.
func (u *User) Lang() string {
	if u.Language == "" {
		return Languages[0]
	}
	return u.Language
}

// ActorThrough is the person as the record of changes names them for a
// change made through door: name, role and, for a liaison, agency (Agency
// loaded).
func (u *User) ActorThrough(door Door) Actor {
	a := Actor{Door: door, Label: u.Name, UserID: &u.ID, Role: u.Role}
	if u.Agency != nil {
		a.Agency = u.Agency.Code
	}
	return a
}

// NormalizeEmail is the form an address is stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Validate checks an account before it is saved. Only a liaison belongs
// to an agency: the agency decides what the liaison may change.
func (u *User) Validate() error {
	fe := FieldErrors{}
	if u.Email == "" {
		fe.Add("email", "is required")
	} else if len(u.Email) > 254 {
		fe.Add("email", "is longer than 254 characters")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		fe.Add("email", "is not an email address")
	} else if u.Email != NormalizeEmail(u.Email) {
		fe.Add("email", "must be in lower case")
	}
	checkName(fe, "name", u.Name, 200)
	checkEnum(fe, "role", u.Role, Roles)
	switch {
	case u.Role == RoleLiaison && u.AgencyID == nil:
		fe.Add("agency", "is required for a liaison")
	case u.Role != RoleLiaison && u.AgencyID != nil:
		fe.Add("agency", "only a liaison belongs to an agency")
	}
	if u.Role != RoleCommittee && u.OrganisationID != nil {
		fe.Add("organisation", "only a committee member speaks for an organisation")
	}
	if u.Role != RoleCommittee && u.Chair {
		fe.Add("chair", "only a committee member chairs the committee")
	}
	if u.Language != "" && !slices.Contains(Languages, u.Language) {
		fe.Add("language", "is not one of zh-TW, en")
	}
	if u.PasswordHash == "" {
		fe.Add("password", "is required")
	}
	return fe.Err()
}

// ErrPasswordTooShort and ErrPasswordTooLong say why a password was refused.
var (
	ErrPasswordTooShort = fmt.Errorf("a password needs at least %d characters", MinPasswordLength)
	ErrPasswordTooLong  = fmt.Errorf("a password may have at most %d bytes", MaxPasswordBytes)
)

// CheckPassword says whether a password is acceptable.
func CheckPassword(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrPasswordTooShort
	}
	if len(password) > MaxPasswordBytes {
		return ErrPasswordTooLong
	}
	return nil
}

// PasswordCost is bcrypt's work factor for new password hashes. Tests that
// create hundreds of accounts lower it; a hash keeps its own cost, so
// checking a password costs what hashing it did.
var PasswordCost = bcrypt.DefaultCost

// SetPassword checks password and keeps only its bcrypt hash.
func (u *User) SetPassword(password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return err
	}
	u.PasswordHash = string(hash)
	return nil
}

// decoy is compared against when no account has the address typed, so that
// a wrong address takes as long as a wrong password and betrays nothing.
var decoy, _ = bcrypt.GenerateFromPassword([]byte("no account has this password"), bcrypt.DefaultCost)

// PasswordMatches reports whether password is the account's. A nil user
// (no such account) never matches but costs the same time.
func (u *User) PasswordMatches(password string) bool {
	if u == nil || u.PasswordHash == "" {
		_ = bcrypt.CompareHashAndPassword(decoy, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}

// Session is a signed-in browser. The browser holds a random token; the
// database keeps only its SHA-256, so a copy of the database signs no one in.
// Deleting the row signs the browser out.
type Session struct {
	ID        uint   `gorm:"primaryKey"`
	TokenHash string `gorm:"size:64;uniqueIndex;not null"`
	UserID    uint   `gorm:"not null;index"`
	User      *User  `gorm:"constraint:OnDelete:CASCADE"`
	CSRFToken string `gorm:"size:64;not null"` // the form token bound to this session
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null;index"`
}

// SignInFailure is one failed sign-in, kept for throttling.
type SignInFailure struct {
	ID      uint      `gorm:"primaryKey"`
	At      time.Time `gorm:"not null;index"`
	Email   string    `gorm:"size:254;not null;index"`
	Address string    `gorm:"size:64;not null;index"`
}

// LinkPurpose says what a one-time link is for.
type LinkPurpose string

const (
	LinkPasswordReset LinkPurpose = "reset"  // a forgotten password
	LinkInvitation    LinkPurpose = "invite" // a new account's first password
)

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// OneTimeLink lets the holder of its token set the account's password, once,
// before it expires. As with sessions, only the token's SHA-256 is kept.
type OneTimeLink struct {
	ID        uint        `gorm:"primaryKey"`
	TokenHash string      `gorm:"size:64;uniqueIndex;not null"`
	UserID    uint        `gorm:"not null;index"`
	User      *User       `gorm:"constraint:OnDelete:CASCADE"`
	Purpose   LinkPurpose `gorm:"size:20;not null"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

package model

import (
	"slices"
	"time"
)

// TokenScope names what an API token may do.
type TokenScope string

const (
	ScopeMilestonesWrite TokenScope = "milestones:write" // change a milestone's status and completion date
	ScopeReportsWrite    TokenScope = "reports:write"    // draft progress reports
)

// TokenScopes lists every scope.
var TokenScopes = []TokenScope{ScopeMilestonesWrite, ScopeReportsWrite}

// APIToken lets an agency's own system write through the API on behalf of
// that agency, within its scopes. As with sessions, only the SHA-256 of the
// token is kept; the token itself is shown once, when it is issued.
type APIToken struct {
	ID          uint    `gorm:"primaryKey"`
	Name        string  `gorm:"size:100;not null"`
	TokenHash   string  `gorm:"size:64;uniqueIndex;not null"`
	Hint        string  `gorm:"size:16;not null"` // the token's first characters, to tell tokens apart
	AgencyID    uint    `gorm:"not null;index"`
	Agency      *Agency `gorm:"constraint:OnDelete:RESTRICT"`
	Scopes      Strings `gorm:"not null"` // TokenScope
	CreatedByID *uint
	CreatedBy   *User `gorm:"constraint:OnDelete:SET NULL"`
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// Validate checks a token before it is issued.
func (t *APIToken) Validate() error {
	fe := FieldErrors{}
	checkName(fe, "name", t.Name, 100)
	if t.AgencyID == 0 {
		fe.Add("agency", "is required")
	}
	if len(t.Scopes) == 0 {
		fe.Add("scopes", "at least one scope is required")
	}
	for _, s := range t.Scopes {
		checkEnum(fe, "scopes", TokenScope(s), TokenScopes)
	}
	return fe.Err()
}

// Has reports whether the token carries scope.
func (t *APIToken) Has(scope TokenScope) bool {
	return t != nil && slices.Contains(t.Scopes, string(scope))
}

// Revoked reports whether the token no longer works.
func (t *APIToken) Revoked() bool { return t.RevokedAt != nil }

// ActorLabel is how the record of changes names a write made with the
// token (its agency loaded).
func (t *APIToken) ActorLabel() string {
	code := ""
	if t.Agency != nil {
		code = t.Agency.Code
	}
	return "API token " + t.Name + " of agency " + code
}

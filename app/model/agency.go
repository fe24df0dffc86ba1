package model

import "time"

// AgencyLevel places a government body.
type AgencyLevel string

const (
	AgencyCentral     AgencyLevel = "central"
	AgencyLocal       AgencyLevel = "local"
	AgencyOtherBranch AgencyLevel = "other-branch" // legislature, judiciary, control, oversight
	AgencyUnknown     AgencyLevel = ""             // not recorded (most imported institutions)
)

// AgencyLevels lists the levels that may be recorded.
var AgencyLevels = []AgencyLevel{AgencyCentral, AgencyLocal, AgencyOtherBranch, AgencyUnknown}

// Agency is a government body that leads or supports commitments.
type Agency struct {
	ID               uint   `gorm:"primaryKey"`
	Code             string `gorm:"size:80;uniqueIndex;not null"` // stable identifier, e.g. "NDC"
	Name             Text   `gorm:"not null"`
	ShortName        Text
	JurisdictionCode string      `gorm:"size:16;index"`
	Level            AgencyLevel `gorm:"size:20"`
	ParentID         *uint
	Parent           *Agency `gorm:"constraint:OnDelete:SET NULL"`
	Version          int     `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Validate checks an agency before it is saved.
func (a *Agency) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "code", a.Code, 80)
	checkLine(fe, "jurisdiction_code", a.JurisdictionCode)
	requireText(fe, "name", a.Name, 2000) // OGP data lists a dozen bodies in one cell
	checkText(fe, "short_name", a.ShortName, 100)
	checkEnum(fe, "level", a.Level, AgencyLevels)
	if a.ParentID != nil && a.ID != 0 && *a.ParentID == a.ID {
		fe.Add("parent", MsgOwnParent)
	}
	return fe.Err()
}

// MsgOwnParent refuses a parent that is the agency itself, or one of the
// agencies below it.
const MsgOwnParent = "an agency cannot be its own parent"

// ParentCycle is the rule of agencies' parents, shared by the
// administration's form (agencies by id) and the import (agencies by code):
// going up from parent must never come back to agency, or the agencies
// would sit in a circle with no top. parentOf gives an agency's parent, the
// zero K for none. It returns the circle, agency first and last, or nil.
func ParentCycle[K comparable](agency, parent K, parentOf func(K) (K, error)) ([]K, error) {
	var zero K
	chain := []K{agency}
	seen := map[K]bool{}
	for id := parent; id != zero && !seen[id]; {
		chain = append(chain, id)
		if id == agency {
			return chain, nil
		}
		seen[id] = true // a circle above agency, not through it, is not agency's
		next, err := parentOf(id)
		if err != nil {
			return nil, err
		}
		id = next
	}
	return nil, nil
}

// Label is the short name where there is one, else the name.
func (a *Agency) Label(lang string) (value, shown string) {
	if !a.ShortName.IsEmpty() {
		return a.ShortName.Get(lang)
	}
	return a.Name.Get(lang)
}

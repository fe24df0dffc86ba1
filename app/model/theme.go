package model

import "time"

// Theme groups a plan's commitments.
type Theme struct {
	ID        uint  `gorm:"primaryKey"`
	PlanID    uint  `gorm:"not null;uniqueIndex:idx_theme_plan_number"`
	Plan      *Plan `gorm:"constraint:OnDelete:CASCADE"`
	Number    int   `gorm:"not null;uniqueIndex:idx_theme_plan_number"` // order within the plan
	Name      Text  `gorm:"not null"`
	Version   int   `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks a theme before it is saved.
func (t *Theme) Validate() error {
	fe := FieldErrors{}
	if t.Number < 1 {
		fe.Add("number", "must be 1 or more")
	}
	requireText(fe, "name", t.Name, 300)
	return fe.Err()
}

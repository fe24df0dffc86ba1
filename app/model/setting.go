package model

import "time"

// Setting is one choice of the administrators kept in the database, so
// that every instance of the tracker reads the same.
type Setting struct {
	Name      string `gorm:"primaryKey;size:40"`
	Value     string `gorm:"size:200;not null"`
	UpdatedAt time.Time
}

// Settings the administration changes.
const (
	// SettingHomePlan is the id of the plan the home page shows; without
	// it, the current plan of the tracker's own member (CurrentPlan).
	SettingHomePlan = "home_plan"
)

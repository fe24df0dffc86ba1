package model

import "time"

// Organisation is a civil-society organisation that co-leads or partners on commitments.
type Organisation struct {
	ID        uint   `gorm:"primaryKey"`
	Code      string `gorm:"size:80;uniqueIndex;not null"`
	Name      Text   `gorm:"not null"`
	URL       string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks an organisation before it is saved.
func (o *Organisation) Validate() error {
	fe := FieldErrors{}
	if o.Code == "" {
		fe.Add("code", "is required")
	}
	requireText(fe, "name", o.Name, 500)
	if o.URL != "" {
		checkURL(fe, "url", o.URL)
	}
	return fe.Err()
}

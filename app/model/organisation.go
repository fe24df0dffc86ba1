package model

import "time"

// Organisation is a civil-society organisation that co-leads or partners on commitments.
type Organisation struct {
	ID        uint   `gorm:"primaryKey"`
	Code      string `gorm:"size:80;uniqueIndex;not null"`
	Name      Text   `gorm:"not null"`
	URL       string
	Version   int `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks an organisation before it is saved.
func (o *Organisation) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "code", o.Code, 80)
	requireText(fe, "name", o.Name, 500)
	if len(o.URL) > 2000 {
		fe.Add("url", "is longer than 2000 characters")
	} else if o.URL != "" {
		checkURL(fe, "url", o.URL)
	}
	return fe.Err()
}

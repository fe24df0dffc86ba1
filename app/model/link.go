package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"net/url"
)

// Link is a titled address: an official document, a piece of evidence.
type Link struct {
	Title Text   `json:"title"`
	URL   string `json:"url"`
}

// Links is a list of links stored as JSON.
type Links []Link

func (ls Links) validate(fe FieldErrors, field string) {
	for i, l := range ls {
		checkURL(fe, fmt.Sprintf("%s[%d].url", field, i), l.URL)
		checkText(fe, fmt.Sprintf("%s[%d].title", field, i), l.Title, 500)
	}
}

// Value stores the list as JSON.
func (ls Links) Value() (driver.Value, error) {
	if ls == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Link(ls))
	return string(b), err
}

// Scan reads the JSON form back.
func (ls *Links) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*ls = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("model.Links: cannot scan %T", src)
	}
	var out []Link
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			return fmt.Errorf("model.Links: %w", err)
		}
	}
	*ls = out
	return nil
}

// GormDataType keeps the column a plain text column on every database.
func (Links) GormDataType() string { return "text" }

// checkURL records an error unless s is an absolute http(s) address.
func checkURL(fe FieldErrors, field, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fe.Add(field, "must be an http or https address")
	}
}

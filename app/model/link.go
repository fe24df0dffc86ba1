package model

import (
	"database/sql/driver"
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
	return jsonValue([]Link(ls), ls == nil, "[]")
}

// Scan reads the JSON form back.
func (ls *Links) Scan(src any) error {
	var out []Link
	err := scanJSON(src, &out, "Links")
	*ls = out
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (Links) GormDataType() string { return "text" }

// checkURL records an error unless s is an absolute http(s) address.
func checkURL(fe FieldErrors, field, s string) {
	if err := CheckLine(s); err != nil {
		fe.Add(field, err.Error())
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fe.Add(field, "must be an http or https address")
	}
}

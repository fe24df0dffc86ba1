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

// Limits of a list of links, the same for a plan's documents, a
// milestone's evidence and a report's: the report form's, the stricter,
// since a list of links is read on one page (the evidence pack prints them
// all) and an address longer than 2000 characters does not work in every
// browser. A title may be missing, as in data that gives only addresses:
// pages then show the address.
const (
	MaxLinks     = 20 // links in one list
	MaxLinkTitle = 500
	MaxLinkURL   = 2000
)

// validate checks a list of links: at most MaxLinks, each with an http or
// https address and a title within their limits.
func (ls Links) validate(fe FieldErrors, field string) {
	if len(ls) > MaxLinks {
		fe.Add(field, MsgTooMany)
	}
	for i, l := range ls {
		at := fmt.Sprintf("%s[%d]", field, i)
		checkText(fe, at+".title", l.Title, MaxLinkTitle)
		switch {
		case l.URL == "":
			fe.Add(at+".url", MsgRequired)
		case len(l.URL) > MaxLinkURL:
			fe.Add(at+".url", fmt.Sprintf("is longer than %d characters", MaxLinkURL))
		default:
			checkURL(fe, at+".url", l.URL)
		}
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
		fe.Add(field, MsgNotURL)
	}
}

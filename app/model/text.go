package model

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Languages the interface is written in; the first is the default.
var Languages = []string{"zh-TW", "en"}

// Text is a value people read, kept in every language it was given in,
// keyed by BCP 47 tag. It is stored as a JSON object so that it works
// the same on SQLite and PostgreSQL.
type Text map[string]string

// T builds a Text from tag/value pairs: T("zh-TW", "標題", "en", "Title").
func T(pairs ...string) Text {
	t := Text{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := strings.TrimSpace(pairs[i+1]); v != "" {
			t[pairs[i]] = v
		}
	}
	return t
}

// Get returns the value in lang, or falls back to another language.
// shown is the tag of the value returned; it differs from lang on a
// fallback, so that the page can mark it.
func (t Text) Get(lang string) (value, shown string) {
	if v, ok := t[lang]; ok && v != "" {
		return v, lang
	}
	// Same base language (zh-Hant vs zh-TW, en-GB vs en).
	base, _ := language.Make(lang).Base()
	for _, tag := range t.Tags() {
		b, _ := language.Make(tag).Base()
		if b == base && t[tag] != "" {
			return t[tag], tag
		}
	}
	for _, tag := range append(append([]string{}, Languages...), t.Tags()...) {
		if v := t[tag]; v != "" {
			return v, tag
		}
	}
	return "", lang
}

// String returns the value in the default language, falling back.
func (t Text) String() string { v, _ := t.Get(Languages[0]); return v }

// IsEmpty reports whether no language has a value.
func (t Text) IsEmpty() bool {
	for _, v := range t {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// Tags lists the languages present, sorted.
func (t Text) Tags() []string {
	tags := make([]string, 0, len(t))
	for k := range t {
		tags = append(tags, k)
	}
	sort.Strings(tags)
	return tags
}

// Validate checks that every key is a well-formed BCP 47 tag.
func (t Text) Validate() error {
	for k := range t {
		if _, err := language.Parse(k); err != nil {
			return fmt.Errorf("%q is not a language tag", k)
		}
	}
	return nil
}

// Value stores the Text as JSON; an empty Text is stored as "{}".
func (t Text) Value() (driver.Value, error) {
	return jsonValue(map[string]string(t), t == nil, "{}")
}

// Scan reads the JSON form back.
func (t *Text) Scan(src any) error {
	m := map[string]string{}
	err := scanJSON(src, &m, "Text")
	*t = m
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (Text) GormDataType() string { return "text" }

// Strings is a list of short values (tags, OGP values) stored as JSON.
type Strings []string

// Has reports whether s contains v.
func (s Strings) Has(v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Value stores the list as a JSON array.
func (s Strings) Value() (driver.Value, error) {
	return jsonValue([]string(s), s == nil, "[]")
}

// Scan reads the JSON array back.
func (s *Strings) Scan(src any) error {
	var out []string
	err := scanJSON(src, &out, "Strings")
	*s = out
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (Strings) GormDataType() string { return "text" }

// Messages of the text rule, the same for forms, imports and the API.
const (
	MsgNotUTF8    = "is not valid UTF-8 text"
	MsgControl    = "contains a control character"
	MsgMultiLine  = "must be one line, without line breaks or tabs"
	lineSeparator = '\u2028'
	paraSeparator = '\u2029'
)

// CheckLine checks a value that is one line: a code, a reference, a name,
// an address. It must be valid UTF-8 (a file in Latin-1 would otherwise be
// stored as U+FFFD) and hold no control character at all: NUL, tabs and
// line breaks in an identifier break matching, CSV cells and mail headers.
func CheckLine(s string) error {
	return checkChars(s, false)
}

// CheckLines checks a value that may run over several lines (a
// description, an account of progress, a title or name copied from a
// document): valid UTF-8, line breaks and tabs kept, no other control
// character.
func CheckLines(s string) error {
	return checkChars(s, true)
}

func checkChars(s string, multiLine bool) error {
	if !utf8.ValidString(s) {
		return errors.New(MsgNotUTF8)
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == lineSeparator || r == paraSeparator:
			if !multiLine {
				return errors.New(MsgMultiLine)
			}
		case unicode.IsControl(r):
			return errors.New(MsgControl)
		}
	}
	return nil
}

// checkLine records the text rule's verdict on a one-line value.
func checkLine(fe FieldErrors, field, s string) {
	if err := CheckLine(s); err != nil {
		fe.Add(field, err.Error())
	}
}

// checkLines records the text rule's verdict on a multi-line value.
func checkLines(fe FieldErrors, field, s string) {
	if err := CheckLines(s); err != nil {
		fe.Add(field, err.Error())
	}
}

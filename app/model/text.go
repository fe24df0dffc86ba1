package model

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/ogptracker/ogptracker/app/i18n/locales"
)

// Languages the interface is written in, the default first: those with
// catalog files (app/i18n/locales), so that a language added there can be
// chosen everywhere a language is (interface, messages, translations).
var Languages = locales.Languages()

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
// fallback, so that the page can say so. The order of the fallback: the
// same language in another region or script (fr-CA for fr, zh-Hant for
// zh-TW), then English, the language most readers of another one read, then
// the interface languages in their order, then whatever the text has.
func (t Text) Get(lang string) (value, shown string) {
	if v := t[lang]; v != "" {
		return v, lang
	}
	if len(t) == 0 {
		return "", lang
	}
	for _, tag := range FallbackOrder(lang, t.Tags()) {
		if v := t[tag]; v != "" {
			return v, tag
		}
	}
	return "", lang
}

// FallbackOrder orders the tags a text has for a reader of lang: lang
// itself, the same language and script, the same language, English, the
// interface languages, the rest in the order given.
func FallbackOrder(lang string, tags []string) []string {
	want := parseTag(lang)
	rank := func(tag string) int {
		if tag == lang {
			return 0
		}
		got := parseTag(tag)
		switch {
		case got.base == want.base && got.script == want.script:
			return 1
		case got.base == want.base:
			return 2
		case got.base == english:
			return 3
		}
		if i := slices.Index(Languages, tag); i >= 0 {
			return 4 + i
		}
		return 4 + len(Languages)
	}
	out := slices.Clone(tags)
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}

var english, _ = language.English.Base()

type parsedTag struct {
	base   language.Base
	script language.Script
}

// parsedTags keeps what texts' few distinct tags parse to: Get runs for
// every text of every page.
var parsedTags sync.Map

func parseTag(tag string) parsedTag {
	if p, ok := parsedTags.Load(tag); ok {
		return p.(parsedTag)
	}
	t := language.Make(tag)
	b, _ := t.Base()
	s, _ := t.Script()
	p := parsedTag{b, s}
	parsedTags.Store(tag, p)
	return p
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

// Validate checks that every key is a language tag in its canonical BCP 47
// form (en, fr-CA, zh-TW): a tag written otherwise (EN_us, zh-tw) would be
// read by some and not matched by others, so it is refused rather than
// stored as given.
func (t Text) Validate() error {
	for _, k := range t.Tags() {
		if err := CheckTag(k); err != nil {
			return err
		}
	}
	return nil
}

// CheckTag checks that s is a canonical BCP 47 language tag.
func CheckTag(s string) error {
	tag, err := language.Parse(s)
	switch {
	case err != nil || strings.ContainsRune(s, '_'):
		return fmt.Errorf("%q is not a language tag (such as en, fr or zh-TW)", s)
	case tag.String() != s:
		return fmt.Errorf("%q is not a language tag as BCP 47 writes it: write %q", s, tag.String())
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

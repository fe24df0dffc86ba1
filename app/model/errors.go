package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ErrNotFound is returned by every lookup that finds nothing.
var ErrNotFound = errors.New("not found")

// FieldErrors maps a field name to what is wrong with it. It is the one
// shape of validation failure, shown beside form fields and named in API
// answers.
type FieldErrors map[string]string

// Add records a message for field, keeping the first one.
func (fe FieldErrors) Add(field, msg string) {
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
}

// Err returns nil when there are no errors.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, fe[k])
	}
	return strings.Join(parts, "; ")
}

// requireText records an error when t has no value in any language,
// and checks the language tags.
func requireText(fe FieldErrors, field string, t Text, max int) {
	if t.IsEmpty() {
		fe.Add(field, "is required")
	}
	checkText(fe, field, t, max)
}

func checkText(fe FieldErrors, field string, t Text, max int) {
	if err := t.Validate(); err != nil {
		fe.Add(field, err.Error())
	}
	for _, tag := range t.Tags() { // in order, so the same text gives the same message
		checkLines(fe, field, t[tag])
	}
	for _, v := range t {
		if len([]rune(v)) > max {
			fe.Add(field, fmt.Sprintf("is longer than %d characters", max))
		}
	}
}

func checkEnum[T ~string](fe FieldErrors, field string, v T, allowed []T) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	fe.Add(field, fmt.Sprintf("%q is not one of %s", string(v), strings.Join(names, ", ")))
}

// checkPeriod records an error when end is over before start begins; a
// month-precision end covers its whole month ("2021-12-15" to "2021-12" is fine).
func checkPeriod(fe FieldErrors, startField string, start, end Date) {
	if !start.IsZero() && !end.IsZero() && end.Last(time.UTC).Before(start.First(time.UTC)) {
		fe.Add(startField, "the end is before the start")
	}
}

// checkCode records an error when a code or reference is missing, is not
// one line or is longer than max characters (the column's size).
func checkCode(fe FieldErrors, field, code string, max int) {
	switch {
	case strings.TrimSpace(code) == "":
		fe.Add(field, "is required")
	case CheckLine(code) != nil:
		checkLine(fe, field, code)
	case len([]rune(code)) > max:
		fe.Add(field, fmt.Sprintf("is longer than %d characters", max))
	}
}

// checkName records an error when a person's name is missing or too long.
func checkName(fe FieldErrors, field, name string, max int) {
	switch {
	case strings.TrimSpace(name) == "":
		fe.Add(field, "is required")
	case CheckLine(name) != nil:
		checkLine(fe, field, name)
	case len([]rune(name)) > max:
		fe.Add(field, fmt.Sprintf("is longer than %d characters", max))
	}
}

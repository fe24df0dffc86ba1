package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date that keeps the precision it was written with:
// real plans often give only a month ("2021/12"). The zero Date means
// "not given". It is stored as ISO text ("2021-12" or "2021-12-31"),
// which sorts correctly and reads the same on every database.
type Date struct {
	Year, Month, Day int // Day is 0 for a month-precision date
}

// ParseDate accepts 2021-12-31, 2021-12, 2021/12/31, 2021/12, and "" (no date).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) != 4 {
		return Date{}, fmt.Errorf("%q is not a date (use 2021-12-31 or 2021-12)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return Date{}, fmt.Errorf("%q is not a date (use 2021-12-31 or 2021-12)", s)
		}
		n[i] = v
	}
	d := Date{Year: n[0], Month: n[1], Day: n[2]}
	if d.Month < 1 || d.Month > 12 || d.Year < 1900 || d.Year > 2200 {
		return Date{}, fmt.Errorf("%q is not a date", s)
	}
	if len(parts) == 3 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if d.Day < 1 || t.Day() != d.Day {
			return Date{}, fmt.Errorf("%q is not a day of the calendar", s)
		}
	}
	return d, nil
}

// MustDate is ParseDate for literals in code and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DayOf returns the day-precision Date of t in its own location.
func DayOf(t time.Time) Date { return Date{t.Year(), int(t.Month()), t.Day()} }

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d.Year == 0 }

// MonthOnly reports whether the date is known only to the month.
func (d Date) MonthOnly() bool { return !d.IsZero() && d.Day == 0 }

// First is the first day the date covers, at midnight in loc.
func (d Date) First(loc *time.Location) time.Time {
	day := d.Day
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, time.Month(d.Month), day, 0, 0, 0, 0, loc)
}

// Last is the last day the date covers (the month's end for a month-precision
// date), at midnight in loc.
func (d Date) Last(loc *time.Location) time.Time {
	if d.Day == 0 {
		return time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, loc)
	}
	return d.First(loc)
}

// String is the ISO form: "2021-12-31", "2021-12", or "".
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

// Compare orders dates by the first day they cover, then month-precision first.
func (d Date) Compare(o Date) int {
	a, b := [3]int{d.Year, d.Month, d.Day}, [3]int{o.Year, o.Month, o.Day}
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Value stores the ISO form, or NULL when no date was given.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads the ISO form back.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		p, err := ParseDate(v)
		*d = p
		return err
	case []byte:
		p, err := ParseDate(string(v))
		*d = p
		return err
	case time.Time:
		*d = DayOf(v)
		return nil
	}
	return fmt.Errorf("model.Date: cannot scan %T", src)
}

// GormDataType keeps the column a text column of ISO dates.
func (Date) GormDataType() string { return "varchar(10)" }

// MarshalJSON writes the ISO form, or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads the ISO form or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string such as \"2021-12-31\" or \"2021-12\"")
	}
	p, err := ParseDate(s)
	*d = p
	return err
}

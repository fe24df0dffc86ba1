package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date that keeps the precision it was written with:
// real plans often give only a month ("2021/12"), a quarter ("Q3 2023")
// or a year. The zero Date means "not given". It is stored as ISO text
// ("2021-12-31", "2021-12", "2023-Q3" or "2023"), which reads the same on
// every database.
type Date struct {
	Year, Month, Day int // Day is 0 below day precision, Month 0 below month precision
	Quarter          int // 1–4 for a quarter-precision date, else 0
}

// DatePrecision says how precisely a date is known.
type DatePrecision int

const (
	PrecisionNone DatePrecision = iota
	PrecisionYear
	PrecisionQuarter
	PrecisionMonth
	PrecisionDay
)

// quarterDate matches "2023-Q3" and "2023/q3".
var quarterDate = regexp.MustCompile(`^(\d{4})[-/ ]?[Qq]([1-4])$`)

// ParseDate accepts 2021-12-31, 2021-12, 2021/12/31, 2021/12, a quarter
// 2023-Q3, a year 2023, and "" (no date).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	if m := quarterDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		if y < 1900 || y > 2200 {
			return Date{}, fmt.Errorf("%q is not a date", s)
		}
		return Date{Year: y, Quarter: q}, nil
	}
	if len(s) == 4 && strings.Trim(s, "0123456789") == "" {
		y, _ := strconv.Atoi(s)
		if y < 1900 || y > 2200 {
			return Date{}, fmt.Errorf("%q is not a date", s)
		}
		return Date{Year: y}, nil
	}
	if strings.ContainsAny(s, "Qq") {
		return Date{}, fmt.Errorf("%q is not a quarter (use 2023-Q3)", s)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) != 4 {
		return Date{}, fmt.Errorf("%q is not a date (use 2021-12-31, 2021-12, 2023-Q3 or 2023)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return Date{}, fmt.Errorf("%q is not a date (use 2021-12-31, 2021-12, 2023-Q3 or 2023)", s)
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
func DayOf(t time.Time) Date { return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()} }

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d.Year == 0 }

// MonthOnly reports whether the date is known less precisely than the day
// (to the month, the quarter or the year): not a day of the calendar.
func (d Date) MonthOnly() bool { return !d.IsZero() && d.Day == 0 }

// Precision says how precisely the date is known.
func (d Date) Precision() DatePrecision {
	switch {
	case d.IsZero():
		return PrecisionNone
	case d.Day != 0:
		return PrecisionDay
	case d.Month != 0:
		return PrecisionMonth
	case d.Quarter != 0:
		return PrecisionQuarter
	}
	return PrecisionYear
}

// months is the first and last month the date covers.
func (d Date) months() (first, last int) {
	switch d.Precision() {
	case PrecisionYear:
		return 1, 12
	case PrecisionQuarter:
		return 3*d.Quarter - 2, 3 * d.Quarter
	}
	return d.Month, d.Month
}

// First is the first day the date covers (1 January of a year, the first
// day of a quarter or month), at midnight in loc.
func (d Date) First(loc *time.Location) time.Time {
	day := d.Day
	if day == 0 {
		day = 1
	}
	month, _ := d.months()
	return time.Date(d.Year, time.Month(month), day, 0, 0, 0, 0, loc)
}

// Last is the last day the date covers (the end of the month, quarter or
// year of a less precise date), at midnight in loc.
func (d Date) Last(loc *time.Location) time.Time {
	if d.Day == 0 {
		_, month := d.months()
		return time.Date(d.Year, time.Month(month)+1, 0, 0, 0, 0, 0, loc)
	}
	return d.First(loc)
}

// String is the ISO form: "2021-12-31", "2021-12", "2023-Q3", "2023" or "".
func (d Date) String() string {
	switch d.Precision() {
	case PrecisionNone:
		return ""
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionQuarter:
		return fmt.Sprintf("%04d-Q%d", d.Year, d.Quarter)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

// Compare orders dates by the first day they cover, then the less precise
// first (2023, 2023-Q1, 2023-01, 2023-01-01).
func (d Date) Compare(o Date) int {
	key := func(x Date) [4]int {
		first, _ := x.months()
		return [4]int{x.Year, first, x.Day, int(x.Precision())}
	}
	a, b := key(d), key(o)
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
		return fmt.Errorf("a date must be a string such as \"2021-12-31\", \"2021-12\", \"2023-Q3\" or \"2023\"")
	}
	p, err := ParseDate(s)
	*d = p
	return err
}

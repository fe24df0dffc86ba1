package transfer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ogptracker/ogptracker/app/model"
)

// The layout's dates are M/D/YYYY, but the real file also holds D/M/YYYY,
// two-digit years, Excel day numbers, bare years, months ("August 2014"),
// quarters ("Quarter 4 2016", "IV quarter of 2022"), a season and words
// such as "Ongoing". All of them are read; anything else is refused.
var (
	numericDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$`)
	excelDay    = regexp.MustCompile(`^\d{5}$`)
	yearOnly    = regexp.MustCompile(`^\d{4}$`)
)

// notDates are states written where a date belongs: nothing to record.
var notDates = map[string]bool{"ongoing": true, "underway": true, "in progress": true, "permanent activity": true}

// periods maps the words before a year to the first and last month they cover.
var periods = func() map[string][2]int {
	p := map[string][2]int{"spring": {3, 5}, "summer": {6, 8}, "autumn": {9, 11}, "fall": {9, 11}}
	for m := 1; m <= 12; m++ {
		p[strings.ToLower(time.Month(m).String())] = [2]int{m, m}
	}
	return p
}()

// quarters maps the words before a year that name a quarter to its number.
var quarters = func() map[string]int {
	q := map[string]int{}
	for i, roman := range []string{"i", "ii", "iii", "iv"} {
		q[fmt.Sprintf("quarter %d", i+1)] = i + 1
		q[roman+" quarter of"] = i + 1
		q[fmt.Sprintf("q%d", i+1)] = i + 1
	}
	return q
}()

// parseOGPDate reads a trimmed Start Date (end false) or End Date (end true)
// cell. A bare year or a quarter is a date of that precision; another
// period (a season) gives its first month for a start and its last month for
// an end, at month precision, so nothing more precise than the source is
// made up. dayFirst reads an ambiguous 1/7/2014 as 1 July; a date valid only
// the other way round is read that way.
func parseOGPDate(s string, end, dayFirst bool) (model.Date, error) {
	lower := strings.ToLower(s)
	if s == "" || notDates[lower] {
		return model.Date{}, nil
	}
	if yearOnly.MatchString(s) {
		return model.ParseDate(s)
	}
	if m := numericDate.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		if y < 100 {
			y += 2000
		}
		if dayFirst {
			a, b = b, a
		}
		for _, md := range [][2]int{{a, b}, {b, a}} {
			if d, err := model.ParseDate(fmt.Sprintf("%04d-%d-%d", y, md[0], md[1])); err == nil {
				return d, nil
			}
		}
	}
	if excelDay.MatchString(s) {
		n, _ := strconv.Atoi(s)
		return model.DayOf(time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC)), nil // Excel's day numbers count from 30 Dec 1899 (after Feb 1900)
	}
	if words := strings.Fields(lower); len(words) > 0 && yearOnly.MatchString(words[len(words)-1]) {
		if q, ok := quarters[strings.Join(words[:len(words)-1], " ")]; ok {
			if d, err := model.ParseDate(fmt.Sprintf("%s-Q%d", words[len(words)-1], q)); err == nil {
				return d, nil
			}
		}
		if span, ok := periods[strings.Join(words[:len(words)-1], " ")]; ok {
			month := span[0]
			if end {
				month = span[1]
			}
			if d, err := model.ParseDate(fmt.Sprintf("%s-%d", words[len(words)-1], month)); err == nil {
				return d, nil
			}
		}
	}
	return model.Date{}, fmt.Errorf("%q is not a date (M/D/YYYY)", s)
}

// ogpWording is the wording of a date cell worth keeping beside the date
// read from it: words ("Ongoing", "Quarter 4 2016", "Spring 2015"), not
// numbers, which the date says in full.
func ogpWording(s string) model.Text {
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return nil
	}
	return model.T("en", s)
}

// writesDayFirst reports whether s is a numeric date that can only be D/M/Y.
func writesDayFirst(s string) bool {
	m := numericDate.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	a, _ := strconv.Atoi(m[1])
	return a > 12
}

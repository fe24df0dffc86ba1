package model_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in        string
		want      model.Date
		wantStr   string
		monthOnly bool
	}{
		{"2021-12-31", model.Date{Year: 2021, Month: 12, Day: 31}, "2021-12-31", false},
		{"2021/12/31", model.Date{Year: 2021, Month: 12, Day: 31}, "2021-12-31", false},
		{"2021/12", model.Date{Year: 2021, Month: 12}, "2021-12", true},
		{"2021-01", model.Date{Year: 2021, Month: 1}, "2021-01", true},
		{" 2024/02/29 ", model.Date{Year: 2024, Month: 2, Day: 29}, "2024-02-29", false},
		{"2023-Q3", model.Date{Year: 2023, Quarter: 3}, "2023-Q3", true},
		{"2023/q1", model.Date{Year: 2023, Quarter: 1}, "2023-Q1", true},
		{"2023", model.Date{Year: 2023}, "2023", true},
		{"", model.Date{}, "", false},
	}
	for _, tt := range tests {
		d, err := model.ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if d != tt.want || d.String() != tt.wantStr || d.MonthOnly() != tt.monthOnly {
			t.Errorf("ParseDate(%q) = %#v (%q, month only %v), want %#v (%q, month only %v)",
				tt.in, d, d.String(), d.MonthOnly(), tt.want, tt.wantStr, tt.monthOnly)
		}
	}
}

func TestParseDateRefuses(t *testing.T) {
	for _, in := range []string{"2021/02/30", "2023-02-29", "2021-13", "2021-00", "2021-12-00", "21-12-31", "2021-Q5", "2021-Q0", "Q3 2021", "2021-Q3-01", "1850", "31/12/2021", "2021-12-31-01", "soon"} {
		if d, err := model.ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
}

func TestDateFirstAndLast(t *testing.T) {
	tests := []struct {
		date        string
		first, last string
	}{
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2023-02", "2023-02-01", "2023-02-28"},
		{"2021-12", "2021-12-01", "2021-12-31"},
		{"2021-12-15", "2021-12-15", "2021-12-15"},
		{"2023-Q1", "2023-01-01", "2023-03-31"},
		{"2023-Q3", "2023-07-01", "2023-09-30"},
		{"2023-Q4", "2023-10-01", "2023-12-31"},
		{"2024", "2024-01-01", "2024-12-31"},
	}
	for _, tt := range tests {
		d := model.MustDate(tt.date)
		first, last := d.First(taipei), d.Last(taipei)
		if got := first.Format(time.DateOnly); got != tt.first {
			t.Errorf("%s: first day %s, want %s", tt.date, got, tt.first)
		}
		if got := last.Format(time.DateOnly); got != tt.last {
			t.Errorf("%s: last day %s, want %s", tt.date, got, tt.last)
		}
		if first.Location() != taipei || last.Location() != taipei || first.Hour() != 0 || last.Hour() != 0 {
			t.Errorf("%s: first %v, last %v; want midnight in Taipei", tt.date, first, last)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Due model.Date `json:"due"`
	}
	tests := []struct {
		date string
		json string
	}{
		{"2021-12", `{"due":"2021-12"}`},
		{"2021-12-31", `{"due":"2021-12-31"}`},
		{"", `{"due":null}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(doc{Due: model.MustDate(tt.date)})
		if err != nil || string(b) != tt.json {
			t.Errorf("marshal %q: %s, %v; want %s", tt.date, b, err, tt.json)
		}
		var back doc
		if err := json.Unmarshal([]byte(tt.json), &back); err != nil || back.Due != model.MustDate(tt.date) {
			t.Errorf("unmarshal %s: %#v, %v; want %q", tt.json, back.Due, err, tt.date)
		}
	}
	for _, bad := range []string{`{"due":"2021/02/30"}`, `{"due":20211231}`, `{"due":"later"}`} {
		var d doc
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("unmarshal %s = %v, want an error", bad, d.Due)
		}
	}
}

func TestDateValueAndScan(t *testing.T) {
	for _, s := range []string{"2021-12", "2021-12-31", ""} {
		d := model.MustDate(s)
		v, err := d.Value()
		if err != nil {
			t.Fatal(err)
		}
		if s == "" && v != nil {
			t.Errorf("no date is stored as %v, want NULL", v)
		}
		var back model.Date
		if err := back.Scan(v); err != nil || back != d {
			t.Errorf("%q: stored %v, read back %#v, %v", s, v, back, err)
		}
	}
	var d model.Date
	if err := d.Scan([]byte("2022-07")); err != nil || d != model.MustDate("2022-07") {
		t.Errorf("Scan([]byte) = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) succeeded, want an error")
	}
}

func TestContactActiveOn(t *testing.T) {
	tests := []struct {
		from, to, day string
		want          bool
	}{
		{"2021-01-01", "2022-06-30", "2022-06-30", true},
		{"2021-01-01", "2022-06-30", "2022-07-01", false},
		{"2022-07-01", "", "2022-06-30", false},
		{"2022-07-01", "", "2030-01-01", true},
		{"", "", "2022-01-01", true},
		// Month precision covers the whole month.
		{"2021-01-01", "2022-06", "2022-06-15", true},
		{"2021-01-01", "2022-06", "2022-07-01", false},
		{"2022-07", "", "2022-07-01", true},
		{"2022-07", "", "2022-06-30", false},
	}
	for _, tt := range tests {
		c := model.Contact{ActiveFrom: model.MustDate(tt.from), ActiveTo: model.MustDate(tt.to)}
		if got := c.ActiveOn(model.MustDate(tt.day)); got != tt.want {
			t.Errorf("active %q to %q, on %s: %v, want %v", tt.from, tt.to, tt.day, got, tt.want)
		}
	}
}

func TestDateCompareOrdersLessPreciseFirst(t *testing.T) {
	order := []string{"2022-12-31", "2023", "2023-Q1", "2023-01", "2023-01-01", "2023-03-31", "2023-Q2", "2023-04", "2023-Q4", "2023-12"}
	for i := 1; i < len(order); i++ {
		a, b := model.MustDate(order[i-1]), model.MustDate(order[i])
		if a.Compare(b) >= 0 || b.Compare(a) <= 0 {
			t.Errorf("%s should come before %s", a, b)
		}
	}
}

func TestDateQuarterAndYearJSON(t *testing.T) {
	var got struct{ D, E model.Date }
	if err := json.Unmarshal([]byte(`{"D":"2023-Q3","E":"2024"}`), &got); err != nil {
		t.Fatal(err)
	}
	if got.D.Precision() != model.PrecisionQuarter || got.E.Precision() != model.PrecisionYear {
		t.Fatalf("precisions %v %v", got.D.Precision(), got.E.Precision())
	}
	b, _ := json.Marshal(got)
	if string(b) != `{"D":"2023-Q3","E":"2024"}` {
		t.Errorf("written back as %s", b)
	}
	if err := json.Unmarshal([]byte(`{"D":"2023-Q5"}`), &got); err == nil {
		t.Error("a fifth quarter was accepted")
	}
}

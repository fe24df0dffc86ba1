package transfer

import "testing"

func TestParseOGPDate(t *testing.T) {
	for _, tc := range []struct {
		in         string
		dayFirst   bool
		start, end string // "!" for refused
	}{
		{"", false, "", ""},
		{"9/1/2018", false, "2018-09-01", "2018-09-01"},
		{"1/7/2014", true, "2014-07-01", "2014-07-01"},
		{"12/31/2016", true, "2016-12-31", "2016-12-31"}, // only valid month first
		{"31/12/2016", false, "2016-12-31", "2016-12-31"},
		{"8/21/20", false, "2020-08-21", "2020-08-21"},
		{"43525", false, "2019-03-01", "2019-03-01"},
		{"2013", false, "2013", "2013"},
		{"August 2014", false, "2014-08", "2014-08"},
		{"Quarter 4 2016", false, "2016-Q4", "2016-Q4"},
		{"II quarter of 2021", false, "2021-Q2", "2021-Q2"},
		{"Q3 2023", false, "2023-Q3", "2023-Q3"},
		{"Quarter 5 2016", false, "!", "!"},
		{"Spring 2015", false, "2015-03", "2015-05"},
		{"Ongoing", false, "", ""},
		{"Permanent activity", false, "", ""},
		{"13/45/2019", false, "!", "!"},
		{"30/2/2015", true, "!", "!"},
		{"Smarch 2015", false, "!", "!"},
		{"1/1/0999", false, "!", "!"},
		{"soon", false, "!", "!"},
	} {
		for _, end := range []bool{false, true} {
			want := tc.start
			if end {
				want = tc.end
			}
			d, err := parseOGPDate(tc.in, end, tc.dayFirst)
			got := d.String()
			if err != nil {
				got = "!"
			}
			if got != want {
				t.Errorf("parseOGPDate(%q, end %v, dayFirst %v) = %q, %v; want %q", tc.in, end, tc.dayFirst, got, err, want)
			}
		}
	}
}

func TestOGPWordingIsKeptForWordsOnly(t *testing.T) {
	for in, want := range map[string]string{"Ongoing": "Ongoing", "Quarter 4 2016": "Quarter 4 2016", "By fall 2022": "By fall 2022",
		"9/1/2018": "", "2013": "", "43525": "", "": ""} {
		if got := ogpWording(in)["en"]; got != want {
			t.Errorf("ogpWording(%q) = %q, want %q", in, got, want)
		}
	}
}

package i18n_test

import (
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The interface languages are the catalog files' languages, the default
// first, and a browser's languages find the nearest of them.
func TestNegotiateFindsTheNearestCatalog(t *testing.T) {
	if got := i18n.Supported; len(got) < 3 || got[0].String() != "zh-TW" || got[1].String() != "en" || got[2].String() != "fr" {
		t.Fatalf("Supported = %v, want zh-TW, en, fr from the catalog files", got)
	}
	c := catalog(t)
	for _, tc := range []struct {
		accept, want string
		ok           bool
	}{
		{"fr-CA,fr", "fr", true},
		{"fr-CA", "fr", true},
		{"fr-BE;q=0.8, nl", "fr", true},
		{"en-GB", "en", true},
		{"en-US,fr;q=0.8", "en", true},
		{"de,fr;q=0.5", "fr", true},
		{"zh-Hant", "zh-TW", true},
		{"zh-HK", "zh-TW", true},
		{"zh-TW,zh;q=0.9", "zh-TW", true},
		{"de", "", false}, // no German: nobody chose a language the tracker has
		{"", "", false},
		{"!!", "", false},
	} {
		got, ok := c.Negotiate(tc.accept)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Negotiate(%q) = %q, %v; want %q, %v", tc.accept, got, ok, tc.want, tc.ok)
		}
	}
	if got := c.Match("de", "fr-CA"); got != "fr" {
		t.Errorf(`Match("de", "fr-CA") = %q, want the first near one, fr`, got)
	}
	if got := c.Match("de"); got != "zh-TW" {
		t.Errorf(`Match("de") = %q, want the default`, got)
	}
}

func TestWellFormedRefusesWhatIsNotOneTag(t *testing.T) {
	for s, want := range map[string]bool{
		"fr": true, "fr-ca": true, "zh-TW": true, "zh-Hant-TW": true, "en": true,
		"EN_us": false, "en_US": false, "garbage words": false, "x": false, "fr,en": false, "fr;q=1": false, "": false,
	} {
		if got := i18n.WellFormed(s); got != want {
			t.Errorf("WellFormed(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFrenchDatesTimesNumbersAndPlurals(t *testing.T) {
	c := catalog(t)
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		t.Fatal(err)
	}
	fr := c.Translator("fr", taipei)
	for d, want := range map[model.Date]string{
		{Year: 2026, Month: 12, Day: 2}: "2 décembre 2026",
		{Year: 2026, Month: 12, Day: 1}: "1er décembre 2026",
		{Year: 2022, Month: 8, Day: 15}: "15 août 2022",
		{Year: 2021, Month: 12}:         "décembre 2021",
		{Year: 2024, Month: 2, Day: 29}: "29 février 2024",
		{}:                              "",
	} {
		if got := fr.Date(d); got != want {
			t.Errorf("Date(%v) = %q, want %q", d, got, want)
		}
	}
	if got, want := fr.Time(time.Date(2026, 12, 2, 6, 5, 0, 0, time.UTC)), "2 décembre 2026 à 14 h 05"; got != want {
		t.Errorf("Time = %q, want %q", got, want)
	}
	if got, want := fr.Number(1234567), "1\u00a0234\u00a0567"; got != want {
		t.Errorf("Number = %q, want %q", got, want)
	}
	if got, want := fr.Percent(42), "42\u00a0%"; got != want {
		t.Errorf("Percent = %q, want %q", got, want)
	}
	// French counts 0 and 1 as one, unlike English.
	en := c.Translator("en", taipei)
	for n, want := range map[int]string{0: "0 engagement", 1: "1 engagement", 2: "2 engagements", 19: "19 engagements"} {
		if got := fr.T("plan.commitments", "Count", n); got != want {
			t.Errorf("fr plan.commitments(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en.T("plan.commitments", "Count", 0); got != "0 commitments" {
		t.Errorf("en plan.commitments(0) = %q", got)
	}
	if got := fr.T("nav.home"); got != "Accueil" {
		t.Errorf("fr nav.home = %q", got)
	}
}

// A page says once which of its texts are in another language than the
// visitor's, naming the languages as a sentence does.
func TestFallbackNoticeNamesTheLanguagesShown(t *testing.T) {
	c := catalog(t)
	fr := c.Translator("fr", time.UTC)
	if s := fr.Text(model.T("fr", "Données ouvertes", "en", "Open data")); s.Fallback || s.Value != "Données ouvertes" {
		t.Errorf("Text = %+v", s)
	}
	if s := fr.Text(model.T("fr-CA", "Données ouvertes")); s.Fallback {
		t.Errorf("French of Canada is French to a French reader: %+v", s)
	}
	if n := fr.FallbackNotice(); n != "" {
		t.Errorf("no fallback, yet the notice %q", n)
	}
	if s := fr.Text(model.T("en", "Open data", "zh-TW", "開放資料")); !s.Fallback || s.Lang != "en" || s.Value != "Open data" {
		t.Errorf("Text = %+v", s)
	}
	fr.Text(model.T("en", "Budget"))
	if got, want := fr.FallbackNotice(), "Certains textes de cette page sont en anglais\u00a0: ils n’ont pas été fournis en français."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	fr.Text(model.T("zh-TW", "開放資料"))
	if got, want := fr.FallbackNotice(), "Certains textes de cette page sont en anglais ou chinois traditionnel\u00a0: ils n’ont pas été fournis en français."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}

	en := c.Translator("en", time.UTC)
	en.Text(model.T("zh-TW", "開放資料"))
	if got, want := en.FallbackNotice(), "Some texts on this page are in Traditional Chinese: they were not given in English."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	zh := c.Translator("zh-TW", time.UTC)
	zh.Text(model.T("en", "Open data"))
	zh.Text(model.T("fr", "Données ouvertes"))
	if got, want := zh.FallbackNotice(), "本頁部分文字以英文或法文顯示：這些內容沒有提供繁體中文版本。"; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
}

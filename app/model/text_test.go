package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestTextGet(t *testing.T) {
	both := model.T("zh-TW", "開放資料", "en", "Open data")
	tests := []struct {
		name      string
		text      model.Text
		lang      string
		want      string
		wantShown string
	}{
		{"the language asked for", both, "en", "Open data", "en"},
		{"the default language asked for", both, "zh-TW", "開放資料", "zh-TW"},
		{"same base language: en-GB finds en", both, "en-GB", "Open data", "en"},
		{"same base language: zh-Hant finds zh-TW", both, "zh-Hant", "開放資料", "zh-TW"},
		{"no English: falls back to the default language and says so", model.T("zh-TW", "開放資料"), "en", "開放資料", "zh-TW"},
		{"no Chinese: falls back to English and says so", model.T("en", "Open data"), "zh-TW", "Open data", "en"},
		{"only another language: falls back to it", model.T("fr", "Données ouvertes"), "en", "Données ouvertes", "fr"},
		{"an empty value is skipped", model.Text{"en": "", "zh-TW": "開放資料"}, "en", "開放資料", "zh-TW"},
		{"nothing at all", model.Text{}, "en", "", "en"},
		// French readers: French, then French of another region, then
		// English, then the default language.
		{"French asked for", model.T("zh-TW", "開放資料", "en", "Open data", "fr", "Données ouvertes"), "fr", "Données ouvertes", "fr"},
		{"fr finds fr-CA", model.T("en", "Open data", "fr-CA", "Données ouvertes"), "fr", "Données ouvertes", "fr-CA"},
		{"no French: English before Chinese", both, "fr", "Open data", "en"},
		{"no French nor English: Chinese", model.T("zh-TW", "開放資料", "es", "Datos abiertos"), "fr", "開放資料", "zh-TW"},
		{"English readers: Chinese before another language", model.T("zh-TW", "開放資料", "fr", "Données ouvertes"), "en", "開放資料", "zh-TW"},
		{"Chinese readers: English before French", model.T("fr", "Données ouvertes", "en", "Open data"), "zh-TW", "Open data", "en"},
		{"Chinese readers: French when it is all there is", model.T("fr", "Données ouvertes", "es", "Datos abiertos"), "zh-TW", "Données ouvertes", "fr"},
		{"Traditional before Simplified Chinese", model.T("zh-CN", "开放数据", "zh-HK", "開放資料"), "zh-TW", "開放資料", "zh-HK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, shown := tt.text.Get(tt.lang)
			if got != tt.want || shown != tt.wantShown {
				t.Errorf("Get(%q) = %q, %q; want %q, %q", tt.lang, got, shown, tt.want, tt.wantShown)
			}
		})
	}
}

func TestTextT(t *testing.T) {
	got := model.T("zh-TW", " 標題 ", "en", "  ")
	if len(got) != 1 || got["zh-TW"] != "標題" {
		t.Errorf("T trims values and drops blank ones: got %v", got)
	}
	if got.String() != "標題" {
		t.Errorf("String() = %q, want the value in the default language", got.String())
	}
	if !model.T("en", " ").IsEmpty() || model.T("en", "x").IsEmpty() {
		t.Error("IsEmpty is wrong")
	}
}

func TestTextValidate(t *testing.T) {
	if err := model.T("zh-TW", "標題", "en", "Title", "en-GB", "Title").Validate(); err != nil {
		t.Errorf("well-formed tags refused: %v", err)
	}
	if err := model.T("fr", "Titre", "fr-CA", "Titre", "zh-Hant-TW", "標題", "es-419", "Título").Validate(); err != nil {
		t.Errorf("canonical tags refused: %v", err)
	}
	// Refused: what is not a tag, and tags not written as BCP 47 writes
	// them (some readers would match them, others not).
	for _, tag := range []string{"bad tag", "en_US!", "x", "EN_us", "en_US", "zh-tw", "EN", "fr-ca", ""} {
		if err := (model.Text{tag: "value"}).Validate(); err == nil {
			t.Errorf("tag %q accepted, want an error", tag)
		}
	}
	if err := model.CheckTag("zh-tw"); err == nil || !strings.Contains(err.Error(), `write "zh-TW"`) {
		t.Errorf("CheckTag(zh-tw) = %v, want it to say how to write it", err)
	}
}

// The interface languages are the catalogs' (app/i18n/locales), the
// default first.
func TestLanguagesComeFromTheCatalogs(t *testing.T) {
	if len(model.Languages) < 3 || model.Languages[0] != "zh-TW" || !slices.Contains(model.Languages, "en") || !slices.Contains(model.Languages, "fr") {
		t.Errorf("Languages = %v, want zh-TW first, en and fr", model.Languages)
	}
}

func TestTextValueAndScan(t *testing.T) {
	for _, text := range []model.Text{model.T("zh-TW", "標題 \"引號\" & <b>", "en", "Title"), {}, nil} {
		v, err := text.Value()
		if err != nil {
			t.Fatal(err)
		}
		var back model.Text
		if err := back.Scan(v); err != nil {
			t.Fatalf("Scan(%v): %v", v, err)
		}
		if len(back) != len(text) || back.String() != text.String() {
			t.Errorf("stored %v as %v, read back %v", text, v, back)
		}
		for k, val := range text {
			if back[k] != val {
				t.Errorf("%s: read back %q, want %q", k, back[k], val)
			}
		}
		var fromBytes model.Text
		if err := fromBytes.Scan([]byte(v.(string))); err != nil || len(fromBytes) != len(text) {
			t.Errorf("Scan([]byte %s) = %v, %v", v, fromBytes, err)
		}
	}
	var t1 model.Text
	if err := t1.Scan(nil); err != nil || t1 == nil || len(t1) != 0 {
		t.Errorf("Scan(nil) = %#v, %v; want an empty Text", t1, err)
	}
	if err := t1.Scan("not json"); err == nil {
		t.Error("Scan of bad JSON succeeded")
	}
}

func TestCheckLineAndLines(t *testing.T) {
	tests := []struct {
		name        string
		value       string
		line, lines string // the message of CheckLine and CheckLines, "" when accepted
	}{
		{"plain text", "行政院 NDC-1", "", ""},
		{"empty", "", "", ""},
		{"a NUL byte", "AL\x000002", model.MsgControl, model.MsgControl},
		{"a bell", "title\a", model.MsgControl, model.MsgControl},
		{"DEL", "x\x7f", model.MsgControl, model.MsgControl},
		{"a C1 control (U+0085)", "x\u0085y", model.MsgControl, model.MsgControl},
		{"a line feed", "line one\nline two", model.MsgMultiLine, ""},
		{"a carriage return", "1-1\r", model.MsgMultiLine, ""},
		{"a tab", "a\tb", model.MsgMultiLine, ""},
		{"a line separator", "a\u2028b", model.MsgMultiLine, ""},
		{"a Latin-1 byte", "caf\xe9", model.MsgNotUTF8, model.MsgNotUTF8},
		{"a lone continuation byte", "\x80", model.MsgNotUTF8, model.MsgNotUTF8},
		{"U+FFFD itself is text", "\uFFFD", "", ""},
	}
	msg := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := msg(model.CheckLine(tt.value)); got != tt.line {
				t.Errorf("CheckLine(%q) = %q, want %q", tt.value, got, tt.line)
			}
			if got := msg(model.CheckLines(tt.value)); got != tt.lines {
				t.Errorf("CheckLines(%q) = %q, want %q", tt.value, got, tt.lines)
			}
		})
	}
}

// Package i18n holds the interface's message catalogs and
// the Translator each page receives: messages, dates and numbers in the
// visitor's language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ogptracker/ogptracker/app/model"
)

// The catalogs are split by area of the interface, one file per area and
// language: locales/AREA.LANG.json (pages.en.json, list.zh-TW.json).
//
//go:embed locales/*.json
var locales embed.FS

// Catalog holds the messages of every supported language.
type Catalog struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	tags    []language.Tag
}

// Supported are the interface languages, the default first.
var Supported = []language.Tag{language.MustParse("zh-TW"), language.English}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(Supported[0])
	for _, tag := range Supported {
		msgs, err := Messages(tag.String())
		if err != nil {
			return nil, err
		}
		for id, text := range msgs {
			if err := b.AddMessages(tag, messageOf(id, text)); err != nil {
				return nil, fmt.Errorf("catalog %s, message %s: %w", tag, id, err)
			}
		}
	}
	return &Catalog{bundle: b, matcher: language.NewMatcher(Supported), tags: Supported}, nil
}

// Messages returns every message of one language, from all its area files.
// A message defined in two files is an error: which one wins would be luck.
func Messages(lang string) (map[string]any, error) {
	files, err := fs.Glob(locales, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no catalog for %s", lang)
	}
	all := map[string]any{}
	seen := map[string]string{}
	for _, f := range files {
		data, err := locales.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var msgs map[string]any
		if err := json.Unmarshal(data, &msgs); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", f, err)
		}
		for id, text := range msgs {
			if other, dup := seen[id]; dup {
				return nil, fmt.Errorf("message %s is in both %s and %s", id, other, f)
			}
			seen[id], all[id] = f, text
		}
	}
	return all, nil
}

// messageOf turns a catalog entry, a plain string or an object of plural
// forms ({"one": …, "other": …}), into a go-i18n message.
func messageOf(id string, text any) *goi18n.Message {
	m := &goi18n.Message{ID: id}
	switch v := text.(type) {
	case string:
		m.Other = v
	case map[string]any:
		get := func(k string) string { s, _ := v[k].(string); return s }
		m.Zero, m.One, m.Two, m.Few, m.Many, m.Other = get("zero"), get("one"), get("two"), get("few"), get("many"), get("other")
	}
	return m
}

// Match picks the interface language for a requested tag or an
// Accept-Language header; it returns the BCP 47 tag ("zh-TW" or "en").
func (c *Catalog) Match(requested ...string) string {
	var tags []language.Tag
	for _, r := range requested {
		if r == "" {
			continue
		}
		t, _, err := language.ParseAcceptLanguage(r)
		if err == nil {
			tags = append(tags, t...)
		}
	}
	if len(tags) == 0 {
		return Supported[0].String()
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Supported[0].String()
	}
	return Supported[i].String()
}

// Translator renders messages for one language.
type Translator struct {
	Lang      string
	localizer *goi18n.Localizer
	printer   *message.Printer
	loc       *time.Location
}

// Translator returns the translator for lang, showing times in loc.
func (c *Catalog) Translator(lang string, loc *time.Location) *Translator {
	return &Translator{Lang: lang, localizer: goi18n.NewLocalizer(c.bundle, lang),
		printer: message.NewPrinter(language.MustParse(lang)), loc: loc}
}

// T returns message id filled with key/value pairs: T("plan.count", "Count", 19).
// A key "Count" chooses the plural form. A missing message shows its id,
// so that a gap in a catalog is visible and never blank.
func (t *Translator) T(id string, pairs ...any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(pairs) > 0 {
		data := make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			k := fmt.Sprint(pairs[i])
			data[k] = pairs[i+1]
			if k == "Count" {
				cfg.PluralCount = pairs[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := t.localizer.Localize(cfg)
	if err != nil {
		slog.Warn("missing message", "id", id, "lang", t.Lang, "err", err)
		return id
	}
	return s
}

// Date formats a date in the language, keeping month precision.
func (t *Translator) Date(d model.Date) string {
	switch {
	case d.IsZero():
		return ""
	case d.Precision() == model.PrecisionYear:
		return yearOrQuarter(t.Lang, d)
	case d.Precision() == model.PrecisionQuarter:
		return yearOrQuarter(t.Lang, d)
	case t.Lang == "en" && d.MonthOnly():
		return time.Month(d.Month).String()[:3] + " " + fmt.Sprint(d.Year)
	case t.Lang == "en":
		return fmt.Sprintf("%d %s %d", d.Day, time.Month(d.Month).String()[:3], d.Year)
	case d.MonthOnly():
		return fmt.Sprintf("%d年%d月", d.Year, d.Month)
	default:
		return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
	}
}

// yearOrQuarter formats a date known to the year or the quarter only.
func yearOrQuarter(lang string, d model.Date) string {
	chinese := strings.HasPrefix(lang, "zh")
	switch {
	case d.Quarter == 0 && chinese:
		return fmt.Sprintf("%d年", d.Year)
	case d.Quarter == 0:
		return fmt.Sprint(d.Year)
	case chinese:
		return fmt.Sprintf("%d年第%d季", d.Year, d.Quarter)
	case strings.HasPrefix(lang, "fr"):
		return fmt.Sprintf("T%d %d", d.Quarter, d.Year) // trimestre
	default:
		return fmt.Sprintf("Q%d %d", d.Quarter, d.Year)
	}
}

// Time formats an instant as a local date and time.
func (t *Translator) Time(ts time.Time) string {
	if ts.IsZero() {
		return ""
	}
	lt := ts.In(t.loc)
	if t.Lang == "en" {
		return lt.Format("2 Jan 2006 15:04")
	}
	return lt.Format("2006年1月2日 15:04")
}

// Number formats an integer with the language's grouping.
func (t *Translator) Number(n any) string { return t.printer.Sprint(n) }

// Text picks the value of a translatable text in the language. Fallback is
// true when the value is in another language, so the page can mark it.
func (t *Translator) Text(v model.Text) Shown {
	value, shown := v.Get(t.Lang)
	return Shown{Value: value, Lang: shown, Fallback: value != "" && !sameBase(shown, t.Lang)}
}

// Shown is a text value with the language it is shown in.
type Shown struct {
	Value    string
	Lang     string
	Fallback bool
}

func sameBase(a, b string) bool {
	return strings.EqualFold(a, b) || strings.SplitN(strings.ToLower(a), "-", 2)[0] == strings.SplitN(strings.ToLower(b), "-", 2)[0]
}

// Package i18n holds the interface's message catalogs and
// the Translator each page receives: messages, dates and numbers in the
// visitor's language.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"

	"github.com/ogptracker/ogptracker/app/i18n/locales"
	"github.com/ogptracker/ogptracker/app/model"
)

// Catalog holds the messages of every supported language.
type Catalog struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
}

// Supported are the interface languages, the default first: one for each
// LANG of the catalog files locales/AREA.LANG.json (see package locales).
var Supported = tagsOf(locales.Languages())

// supportedNames are Supported's tags as strings, made once: a language is
// negotiated on every request, and Tag.String builds a new string each call.
var supportedNames = namesOf(Supported)

func namesOf(tags []language.Tag) []string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.String()
	}
	return names
}

func tagsOf(langs []string) []language.Tag {
	tags := make([]language.Tag, len(langs))
	for i, l := range langs {
		tags[i] = language.MustParse(l)
	}
	return tags
}

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
	return &Catalog{bundle: b, matcher: language.NewMatcher(Supported)}, nil
}

// Messages returns every message of one language, from all its area files.
// A message defined in two files is an error: which one wins would be luck.
func Messages(lang string) (map[string]any, error) {
	files, err := fs.Glob(locales.FS, "*."+lang+".json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no catalog for %s", lang)
	}
	all := map[string]any{}
	seen := map[string]string{}
	for _, f := range files {
		data, err := locales.FS.ReadFile(f)
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

// Match picks the interface language for a tag or an Accept-Language
// header; it returns the BCP 47 tag of a catalog ("zh-TW", "en", "fr"),
// the default when nothing requested is near one.
func (c *Catalog) Match(requested ...string) string {
	for _, r := range requested {
		if lang, ok := c.Negotiate(r); ok {
			return lang
		}
	}
	return supportedNames[0]
}

// Negotiate picks the catalog nearest to an Accept-Language header or a
// tag: fr-CA finds fr, en-GB en, zh-Hant and zh-HK zh-TW. ok is false when
// none is near enough to be the visitor's choice (de when there is no
// German), or the value is not a language list.
func (c *Catalog) Negotiate(accept string) (lang string, ok bool) {
	if accept == "" {
		return "", false
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return "", false
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return "", false
	}
	return supportedNames[i], true
}

// WellFormed reports whether s is one language tag as BCP 47 writes it,
// letters and digits separated by hyphens in any case (en, fr-ca, zh-TW):
// EN_us or a stray word is refused rather than guessed at.
func WellFormed(s string) bool {
	if strings.ContainsAny(s, "_,;= ") {
		return false
	}
	_, err := language.Parse(s)
	return err == nil
}

// Translator renders messages for one language. It also notes the
// languages of the texts it showed in another language (see Text), so that
// the page can say so once.
type Translator struct {
	Lang      string
	localizer *goi18n.Localizer
	printer   *message.Printer
	names     display.Namer
	loc       *time.Location

	mu    sync.Mutex
	shown []string // languages of the texts shown in place of Lang, in order of first use
}

// Translator returns the translator for lang, showing times in loc.
func (c *Catalog) Translator(lang string, loc *time.Location) *Translator {
	tag := language.MustParse(lang)
	return &Translator{Lang: lang, localizer: goi18n.NewLocalizer(c.bundle, lang),
		printer: message.NewPrinter(tag), names: display.Tags(tag), loc: loc}
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

// frenchMonths are the months as French writes them in a date.
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// Date formats a date in the language, keeping month precision: 2 Dec
// 2026, 2 décembre 2026 (1er for the first), 2026年12月2日.
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
	case t.Lang == "fr" && d.MonthOnly():
		return frenchMonths[d.Month-1] + " " + fmt.Sprint(d.Year)
	case t.Lang == "fr":
		return frenchDay(d.Day) + " " + frenchMonths[d.Month-1] + " " + fmt.Sprint(d.Year)
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

// frenchDay is the day of the month as French writes it: 1er, 2, 3…
func frenchDay(day int) string {
	if day == 1 {
		return "1er"
	}
	return fmt.Sprint(day)
}

// Time formats an instant as a local date and time.
func (t *Translator) Time(ts time.Time) string {
	if ts.IsZero() {
		return ""
	}
	lt := ts.In(t.loc)
	switch t.Lang {
	case "en":
		return lt.Format("2 Jan 2006 15:04")
	case "fr":
		return fmt.Sprintf("%s %s %d à %d h %02d", frenchDay(lt.Day()), frenchMonths[lt.Month()-1], lt.Year(), lt.Hour(), lt.Minute())
	}
	return lt.Format("2006年1月2日 15:04")
}

// Number formats an integer with the language's grouping.
func (t *Translator) Number(n any) string { return t.printer.Sprint(n) }

// Percent formats a whole percentage as the language writes it: 42%, or
// 42 % (with a no-break space) in French.
func (t *Translator) Percent(n int) string {
	if t.Lang == "fr" {
		return t.Number(n) + "\u00a0%"
	}
	return t.Number(n) + "%"
}

// Text picks the value of a translatable text in the language. Fallback is
// true when the value is in another language: the element showing it then
// carries its lang attribute, and the page says once, at its top, which
// texts are not in the visitor's language (FallbackNotice).
func (t *Translator) Text(v model.Text) Shown {
	value, shown := v.Get(t.Lang)
	fallback := value != "" && !sameLanguage(shown, t.Lang)
	if fallback {
		t.mu.Lock()
		if !slices.Contains(t.shown, shown) {
			t.shown = append(t.shown, shown)
		}
		t.mu.Unlock()
	}
	return Shown{Value: value, Lang: shown, Fallback: fallback}
}

// FallbackNotice is the sentence saying which texts Text has shown in
// another language than the visitor's, or "" when all were in it: "Some
// texts on this page are in Traditional Chinese: they were not given in
// English."
func (t *Translator) FallbackNotice() string {
	t.mu.Lock()
	shown := slices.Clone(t.shown)
	t.mu.Unlock()
	if len(shown) == 0 {
		return ""
	}
	var names []string
	for _, tag := range shown {
		if n := t.LanguageName(tag); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	list := names[len(names)-1]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], t.T("fallback.list.comma")) + t.T("fallback.list.or") + list
	}
	return t.T("fallback.notice", "Shown", list, "Wanted", t.LanguageName(t.Lang))
}

// LanguageName is the name of the language of tag in the visitor's
// language, as a sentence uses it: "Traditional Chinese", "anglais",
// "英文". The region is left out (a reader of fr-CA reads French); the
// script is kept where it tells two written forms apart (Traditional and
// Simplified Chinese). A language the names do not know is named by its tag.
func (t *Translator) LanguageName(tag string) string {
	lt := language.Make(tag)
	base, _ := lt.Base()
	name := t.names.Name(language.Make(base.String()))
	if script, conf := lt.Script(); conf != language.No {
		withScript := t.names.Name(language.Make(base.String() + "-" + script.String()))
		if withScript != "" && !strings.ContainsAny(withScript, "(（") {
			name = withScript
		}
	}
	if name == "" {
		return tag
	}
	return name
}

// Shown is a text value with the language it is shown in.
type Shown struct {
	Value    string
	Lang     string
	Fallback bool
}

// sameLanguage reports whether a reader of b reads a text tagged a as in
// their language: the same language in the same script (en-GB for en,
// zh-Hant for zh-TW, but not zh-CN, Simplified, for zh-TW).
func sameLanguage(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	ta, tb := language.Make(a), language.Make(b)
	ba, _ := ta.Base()
	bb, _ := tb.Base()
	sa, _ := ta.Script()
	sb, _ := tb.Script()
	return ba == bb && sa == sb
}

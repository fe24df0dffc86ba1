// Package locales holds the interface's message catalogs, one file per
// area and language: AREA.LANG.json (pages.en.json, list.fr.json). The
// interface languages are the LANGs of these files, so adding a language is
// adding its files. It is a package of its own, importing nothing of the
// tracker, so that the model (which checks what languages a preference may
// name) and the i18n package read the same list.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

//go:embed *.json
var FS embed.FS

// Default is the language of a visitor who asks for none the tracker has,
// and the first in every list of languages.
const Default = "zh-TW"

// Languages lists the languages with catalog files: Default first, then
// the others in the order of their tags. A file name whose LANG is not a
// canonical BCP 47 tag is a mistake of whoever added it, found here at
// start-up (and by the catalog test) rather than shown as a stray language.
func Languages() []string {
	files, err := fs.Glob(FS, "*.json")
	if err != nil {
		panic(err)
	}
	var langs []string
	for _, f := range files {
		name := strings.TrimSuffix(f, ".json")
		i := strings.IndexByte(name, '.')
		if i < 0 {
			panic(fmt.Sprintf("catalog %s: the name is not AREA.LANG.json", f))
		}
		lang := name[i+1:]
		if t, err := language.Parse(lang); err != nil || t.String() != lang {
			panic(fmt.Sprintf("catalog %s: %q is not a canonical BCP 47 tag", f, lang))
		}
		if !slices.Contains(langs, lang) {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)
	if i := slices.Index(langs, Default); i > 0 {
		langs = slices.Insert(slices.Delete(langs, i, i+1), 0, Default)
	} else if i < 0 {
		panic("no catalog for the default language " + Default)
	}
	return langs
}

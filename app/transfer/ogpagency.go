package transfer

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// agencyCode names an institution the same way on every import: country
// code, a readable slug, and a hash of the full text so that two names with
// the same slug stay apart. E.g. "KGZ-the-jogorku-kenesh-of-the-kyrgyz-3f2a1c".
func agencyCode(jurisdiction, name string) string {
	sum := sha1.Sum([]byte(name))
	parts := []string{jurisdiction, slug(name, 40), hex.EncodeToString(sum[:3])}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "-")
}

// slug keeps the ASCII letters and digits of s (accents dropped), joined by
// hyphens, cut at a word boundary to at most max bytes.
func slug(s string, max int) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			gap = false
		case unicode.Is(unicode.Mn, r): // the accent of a decomposed letter
		default:
			gap = true
		}
	}
	out := b.String()
	if len(out) > max {
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i]
		}
	}
	return out
}

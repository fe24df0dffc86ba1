package web

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

// Remembered keys order titles exactly as fresh ones do, in each language,
// and the memory stays bounded.
func TestSortKeysOrderLikeTheCollator(t *testing.T) {
	var k sortKeys
	titles := []string{"資料開放", "公共參與", "Zebra", "apple", "Äpfel", "性別平等", "apple"}
	for _, lang := range []string{"zh-TW", "en"} {
		order := func() []string {
			keys := k.keysOf(lang, titles)
			idx := []int{0, 1, 2, 3, 4, 5, 6}
			slices.SortStableFunc(idx, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
			out := make([]string, len(idx))
			for i, j := range idx {
				out[i] = titles[j]
			}
			return out
		}
		fresh, remembered := order(), order()
		if !slices.Equal(fresh, remembered) {
			t.Errorf("%s: remembered order %q differs from fresh %q", lang, remembered, fresh)
		}
		if lang == "en" && !slices.Equal(fresh[:4], []string{"Äpfel", "apple", "apple", "Zebra"}) {
			t.Errorf("English order %q, want Äpfel, apple, apple, Zebra first (accents and case second to letters)", fresh)
		}
		if lang == "zh-TW" && slices.Index(fresh, "公共參與") > slices.Index(fresh, "資料開放") {
			t.Errorf("Chinese order %q: 公共參與 (4 strokes) should come before 資料開放 (13 strokes)", fresh)
		}
	}
	many := make([]string, maxKeys+10)
	for i := range many {
		many[i] = fmt.Sprint("title ", i)
	}
	k.keysOf("en", many)
	if n := len(k.keys); n > maxKeys+10 || n == 0 {
		t.Errorf("remembers %d keys, want at most %d", n, maxKeys+10)
	}
}

package web

import (
	"bytes"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// collationKeys remembers the collation keys of the texts pages order by
// (titles, names), per language. A key depends only on its language and
// text, so one memory serves every page and every server.
var collationKeys sortKeys

// sortByText orders xs by a text in lang as its readers expect: stroke
// order in Chinese, alphabetical in English. Ties keep their order.
func sortByText[X any](xs []X, text func(X) string, lang string) {
	texts := make([]string, len(xs))
	for i, x := range xs {
		texts[i] = text(x)
	}
	keys := collationKeys.keysOf(lang, texts)
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	sorted := make([]X, len(xs))
	for i, j := range idx {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
}

// sortKeys remembers the collation keys of texts (titles, names) per
// language. Building a key is the costly part of ordering thousands of
// titles the way their readers expect, and titles rarely change, so each
// is built once; the whole memory is dropped when it grows past maxKeys,
// which also lets go of keys of titles since edited.
type sortKeys struct {
	mu   sync.Mutex
	keys map[sortKeyID][]byte
}

type sortKeyID struct{ lang, text string }

const maxKeys = 50_000

// keysOf returns the collation key of each text in lang, in order. The
// returned keys are shared: callers must not modify them.
func (k *sortKeys) keysOf(lang string, texts []string) [][]byte {
	out := make([][]byte, len(texts))
	var missing []int
	k.mu.Lock()
	for i, t := range texts {
		if key, ok := k.keys[sortKeyID{lang, t}]; ok {
			out[i] = key
		} else {
			missing = append(missing, i)
		}
	}
	k.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	// A collator is not safe for concurrent use: one per call.
	coll := collate.New(language.Make(lang))
	var buf collate.Buffer
	for _, i := range missing {
		out[i] = append([]byte(nil), coll.KeyFromString(&buf, texts[i])...)
		buf.Reset()
	}
	k.mu.Lock()
	if k.keys == nil || len(k.keys)+len(missing) > maxKeys {
		k.keys = make(map[sortKeyID][]byte, len(missing))
	}
	for _, i := range missing {
		k.keys[sortKeyID{lang, texts[i]}] = out[i]
	}
	k.mu.Unlock()
	return out
}

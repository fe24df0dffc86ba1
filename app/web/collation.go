package web

import (
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

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

package store

import (
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// The search of commitments looks words up in an index of their texts
// before it reads any: the table search_grams holds, for each commitment,
// the short runs of characters (grams) its code, titles and descriptions
// contain, without case. A word then narrows the search to the
// commitments having all its grams, and only these are read and matched
// as before (wordCondition), so the index changes how fast, never what,
// a search finds. A Chinese word of one or two characters is found in the
// index alone, which holds it whole.
//
// The grams are runs of three characters, which few commitments share;
// and in the scripts written without spaces between words (Chinese,
// Japanese, Korean), where a word is often two characters or one, also
// runs of two and one starting with such a character. A Latin word of
// fewer than three letters is matched on every commitment, as before.
//
// Neither engine's own index fits: this SQLite build has no FTS5 (it needs
// a build tag), FTS4 splits no Chinese text into words, and a trigram
// index (FTS5's trigram, PostgreSQL's pg_trgm) finds no two-character
// word, and pg_trgm ignores Chinese in a database of the C locale. This
// one is the same on both engines, kept in the transaction of every write
// of a commitment (indexCommitment), and rebuilt by a copy.

// searchGramsTable is the index; the store keeps it (internalTable).
const searchGramsTable = "search_grams"

// searchIndexOff makes searches match every commitment as they did
// before the index, for benchmarks to compare.
var searchIndexOff atomic.Bool

// maxWordGrams is how many of a word's grams are looked up: enough to
// narrow a search to few commitments, few enough to read fast.
const maxWordGrams = 4

// foldCase is r in one case for every case form it has ("a", "A": "A";
// "ſ", "s", "S": "S"): the smallest of the forms unicode.SimpleFold goes
// round, which is how textMatch matches a letter in any case.
func foldCase(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// spaceless reports whether r is of a script written without spaces
// between words, whose words may be one or two characters long.
func spaceless(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}

// textGrams is every gram of the texts, each once.
func textGrams(texts ...string) []string {
	seen := map[string]bool{}
	for _, text := range texts {
		for _, word := range strings.Fields(text) {
			rs := foldRunes(word)
			for i := range rs {
				if i+3 <= len(rs) {
					seen[string(rs[i:i+3])] = true
				}
				if spaceless(rs[i]) {
					seen[string(rs[i:i+1])] = true
					if i+2 <= len(rs) {
						seen[string(rs[i:i+2])] = true
					}
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// wordGrams is the grams a text containing word has (up to maxWordGrams,
// spread over the word), or none when the index cannot tell; exact when
// a text has them if and only if it contains word: a word of one or two
// characters, the first written without spaces, none with case forms.
func wordGrams(word string) (grams []string, exact bool) {
	if strings.ContainsRune(word, 0) { // in no text; and no JSON text of PostgreSQL's holds it
		return nil, false
	}
	rs := foldRunes(word)
	switch {
	case len(rs) >= 3:
		n := len(rs) - 2 // trigrams
		picks := min(n, maxWordGrams)
		grams := make([]string, 0, picks)
		for k := range picks {
			i := 0
			if picks > 1 {
				i = k * (n - 1) / (picks - 1) // first and last, and evenly between
			}
			grams = append(grams, string(rs[i:i+3]))
		}
		slices.Sort(grams)
		return slices.Compact(grams), false
	case len(rs) > 0 && spaceless(rs[0]):
		caseless := !strings.ContainsFunc(word, func(r rune) bool { return unicode.SimpleFold(r) != r })
		return []string{string(rs)}, caseless
	}
	return nil, false
}

func foldRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldCase(r)
	}
	return rs
}

// gramCondition is the SQL condition that a commitment has every gram of
// word in the index, with its arguments; "" when the index cannot tell.
// When exact, it is all the condition a commitment must meet: reading the
// commitments to match the word again would find the same, slower.
func gramCondition(word string) (cond string, args []any, exact bool) {
	grams, exact := wordGrams(word)
	if len(grams) == 0 || searchIndexOff.Load() {
		return "", nil, false
	}
	// The grams as a list of parameters, not a JSON array: either planner
	// then knows how few they are, and reads them from the index.
	if len(grams) == 1 {
		return "commitments.id IN (SELECT commitment_id FROM " + searchGramsTable + " WHERE gram = @gram)", []any{sql.Named("gram", grams[0])}, exact
	}
	return "commitments.id IN (SELECT commitment_id FROM " + searchGramsTable + " WHERE gram IN @grams GROUP BY commitment_id HAVING COUNT(*) = " +
		strconv.Itoa(len(grams)) + ")", []any{sql.Named("grams", grams)}, false
}

// indexCommitment makes the index hold the grams of commitment c as it is
// written, within the writing transaction tx.
func indexCommitment(tx *gorm.DB, c *model.Commitment) error {
	if err := tx.Exec("DELETE FROM "+searchGramsTable+" WHERE commitment_id = ?", c.ID).Error; err != nil {
		return err
	}
	return insertGrams(tx, c)
}

// insertGrams adds the grams of commitment c to the index, within tx.
func insertGrams(tx *gorm.DB, c *model.Commitment) error {
	texts := []string{c.Code}
	for _, t := range []model.Text{c.Title, c.Description} {
		for _, v := range t {
			texts = append(texts, v)
		}
	}
	d := dialectOf(tx)
	grams, err := json.Marshal(textGrams(texts...))
	if err != nil {
		return err
	}
	return tx.Exec("INSERT INTO "+searchGramsTable+" (gram, commitment_id) SELECT value, CAST(@id AS bigint) FROM ("+d.jsonValues("grams")+") AS g",
		sql.Named("id", c.ID), sql.Named("grams", string(grams))).Error
}

// indexAllCommitments fills the index anew for every commitment, within tx.
func indexAllCommitments(tx *gorm.DB) error {
	if err := tx.Exec("DELETE FROM " + searchGramsTable).Error; err != nil {
		return err
	}
	var cs []model.Commitment
	return tx.Select("id", "code", "title", "description").FindInBatches(&cs, 500, func(*gorm.DB, int) error {
		for i := range cs {
			if err := insertGrams(tx, &cs[i]); err != nil {
				return err
			}
		}
		return nil
	}).Error
}

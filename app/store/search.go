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
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// The search of commitments looks words up in an index of their texts
// before it reads any, and finds what matching every commitment's code,
// titles and descriptions (wordCondition) finds: the index changes how
// fast, never what, a search finds. It has two parts, for the two kinds
// of writing.
//
// Terms, for the languages written with spaces. The table search_terms
// holds every term of every commitment's texts as written: the runs of
// characters between spaces (and characters of the scripts written
// without them), and search_term_commitments which commitments have each.
// A word without spaces lies whole in a term of every text that has it,
// so the commitments having the word are those having a term that has
// it: the terms are matched as the texts would be (d.textMatch), which is
// exact, and ten thousand short terms are read rather than the texts of
// every commitment that may have the word: a common English word, in two
// commitments of three, costs the few milliseconds of listing their ids
// (BenchmarkSearch). A long run of characters is held in pieces that
// overlap by maxTermWord (textTerms); a longer word goes to the grams.
//
// Grams, for Chinese, Japanese and Korean, written without spaces, where
// a text is one long term. The table search_grams holds, for each
// commitment, the short runs of characters (grams) of its texts without
// case: runs of three, and runs of two and one starting with a character
// of those scripts, since a Chinese word is often two characters or one.
// A word of one or two such characters is found in the index alone, which
// holds it whole; a longer one narrows the search to the commitments
// having its grams (up to maxWordGrams), whose texts are then matched.
//
// The ids a word finds in the index alone are read without the
// commitments (FindCommitmentOutlines): a list shows one page, but counts
// its matches and sorts them by code, so it takes them all, and reading
// each matching commitment's row to list them was most of the time of a
// common word. On PostgreSQL the ids come from the index's B-trees alone
// once autovacuum has marked the tables' pages visible. Each word's ids
// come packed in one value (dialect.idList), the words' lists at once,
// and the answer points to the kept outlines rather than copying them:
// what is left of a common word's time is the SQL that lists its ids.
//
// Neither engine's own full-text index fits: this SQLite build has no
// FTS5 (go test and go run would need a build tag), FTS4 splits no
// Chinese text into words, a trigram index (FTS5's trigram, PostgreSQL's
// pg_trgm) finds no two-character word, pg_trgm needs an extension that
// not every database may create and ignores Chinese in a database of the
// C locale, and either, like the grams, reads every candidate's text
// again for a common word. This index is the same on both engines, kept
// in the transaction of every write of a commitment (indexCommitment),
// and rebuilt by a copy.

// The tables of the index, which the store keeps (internalTable): the
// grams of each commitment, the terms of all, and the terms of each.
const (
	searchGramsTable           = "search_grams"
	searchTermsTable           = "search_terms"
	searchTermCommitmentsTable = "search_term_commitments"
)

// termRunes is the longest term the index holds, in characters; a word up
// to maxTermWord long is found in the terms.
const (
	termRunes   = 64
	maxTermWord = termRunes / 2
)

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

// wordIndex is a subquery of the ids of the commitments that may have word,
// as the index tells, with its arguments; exact when they are the
// commitments that have it, which then need not be read; "" when the
// index cannot tell.
func wordIndex(d dialect, word string) (ids string, args []any, exact bool) {
	if searchIndexOff.Load() {
		return "", nil, false
	}
	if termWord(word) {
		// The terms that have the word, found as the commitments' texts
		// are (d.textMatch), and the commitments that have these terms.
		match, pattern := d.textMatch(word)
		return "SELECT commitment_id FROM " + searchTermCommitmentsTable + " WHERE term IN (SELECT term FROM " + searchTermsTable +
			" WHERE " + match("term") + ")", []any{sql.Named("p", pattern)}, true
	}
	grams, exact := wordGrams(word)
	if len(grams) == 0 {
		return "", nil, false
	}
	// The grams as a list of parameters, not a JSON array: either planner
	// then knows how few they are, and reads them from the index.
	if len(grams) == 1 {
		return "SELECT commitment_id FROM " + searchGramsTable + " WHERE gram = @gram", []any{sql.Named("gram", grams[0])}, exact
	}
	return "SELECT commitment_id FROM " + searchGramsTable + " WHERE gram IN @grams GROUP BY commitment_id HAVING COUNT(*) = " +
		strconv.Itoa(len(grams)), []any{sql.Named("grams", grams)}, false
}

// termWord reports whether the terms tell which commitments have word:
// a word without characters of the scripts written without spaces, no
// longer than maxTermWord, which lies whole in a term of every text that
// has it.
func termWord(word string) bool {
	return word != "" && utf8.ValidString(word) && utf8.RuneCountInString(word) <= maxTermWord && !strings.ContainsFunc(word, splitsTerms)
}

// splitsTerms reports whether r ends a term: a space, a character of a
// script written without spaces, or a NUL, none of which a term word has.
func splitsTerms(r rune) bool {
	return unicode.IsSpace(r) || spaceless(r) || r == 0
}

// textTerms is every term of the texts, as written, each once: the runs
// of characters between those that split terms (splitsTerms) and bytes
// that are not UTF-8. A run longer than termRunes is held in pieces of
// termRunes, each starting maxTermWord after the one before, so that
// every part of it up to maxTermWord long lies whole in a piece.
func textTerms(texts ...string) []string {
	seen := map[string]bool{}
	add := func(run string) {
		if run == "" {
			return
		}
		rs := []rune(run)
		for from := 0; ; from += maxTermWord {
			to := min(from+termRunes, len(rs))
			seen[string(rs[from:to])] = true
			if to == len(rs) {
				return
			}
		}
	}
	for _, text := range texts {
		from := 0
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			if splitsTerms(r) || r == utf8.RuneError && size == 1 {
				add(text[from:i])
				from = i + size
			}
			i += size
		}
		add(text[from:])
	}
	return slices.Sorted(maps.Keys(seen))
}

// indexCommitment makes the index hold the grams and terms of commitment c
// as it is written, within the writing transaction tx.
func indexCommitment(tx *gorm.DB, c *model.Commitment) error {
	for _, table := range []string{searchGramsTable, searchTermCommitmentsTable} {
		if err := tx.Exec("DELETE FROM "+table+" WHERE commitment_id = ?", c.ID).Error; err != nil {
			return err
		}
	}
	return insertIndex(tx, c)
}

// insertIndex adds the grams and terms of commitment c to the index,
// within tx. A term no commitment has any more stays in search_terms,
// where it matches no commitment, until the index is filled anew.
func insertIndex(tx *gorm.DB, c *model.Commitment) error {
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
	terms, err := json.Marshal(textTerms(texts...))
	if err != nil {
		return err
	}
	id := sql.Named("id", c.ID)
	err = tx.Exec("INSERT INTO "+searchGramsTable+" (gram, commitment_id) SELECT value, CAST(@id AS bigint) FROM ("+d.jsonValues("grams")+") AS g",
		id, sql.Named("grams", string(grams))).Error
	if err != nil {
		return err
	}
	// WHERE true: SQLite would read ON CONFLICT as the join's ON.
	err = tx.Exec("INSERT INTO "+searchTermsTable+" (term) SELECT value FROM ("+d.jsonValues("terms")+") AS t WHERE true ON CONFLICT DO NOTHING",
		sql.Named("terms", string(terms))).Error
	if err != nil {
		return err
	}
	return tx.Exec("INSERT INTO "+searchTermCommitmentsTable+" (term, commitment_id) SELECT value, CAST(@id AS bigint) FROM ("+d.jsonValues("terms")+") AS t",
		id, sql.Named("terms", string(terms))).Error
}

// indexAllCommitments fills the index anew for every commitment, within tx.
func indexAllCommitments(tx *gorm.DB) error {
	for _, table := range []string{searchGramsTable, searchTermCommitmentsTable, searchTermsTable} {
		if err := tx.Exec("DELETE FROM " + table).Error; err != nil {
			return err
		}
	}
	var cs []model.Commitment
	return tx.Select("id", "code", "title", "description").FindInBatches(&cs, 500, func(*gorm.DB, int) error {
		for i := range cs {
			if err := insertIndex(tx, &cs[i]); err != nil {
				return err
			}
		}
		return nil
	}).Error
}

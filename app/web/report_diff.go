package web

import (
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/ogptracker/ogptracker/app/model"
)

// What changed between two versions of a report, as reviewers and the
// public read it: the texts word by word (a Chinese character is a word),
// the evidence links added and removed, and the milestone statuses that
// differ. The differences are found by diffmatchpatch (Myers' algorithm
// with its clean-ups for people), run on words rather than characters.

// versionDiff is what changed from version Against to the shown one.
type versionDiff struct {
	Against  int
	Texts    []textDiff
	Added    []model.Link
	Removed  []model.Link
	Statuses []statusDiff
}

// Empty reports whether nothing changed.
func (d *versionDiff) Empty() bool {
	return len(d.Texts) == 0 && len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Statuses) == 0
}

// textDiff is one text field's change, in runs.
type textDiff struct {
	Label string // message id of the field's name
	Parts []diffPart
}

// diffPart is a run of words removed (-1), kept (0) or added (1).
type diffPart struct {
	Op   int
	Text string
}

// statusDiff is a milestone whose proposed status differs.
type statusDiff struct {
	Ref      string
	Before   model.MilestoneStatus // "" when the earlier version proposed none
	After    model.MilestoneStatus
	Complete model.Date
}

// keptContext is how much unchanged text is shown around a change, in runes.
const keptContext = 60

// diffReports compares version cur with the earlier version prev.
func diffReports(prev, cur *model.ProgressReport) *versionDiff {
	d := &versionDiff{Against: prev.Version}
	for _, f := range []struct {
		label      string
		before, at string
	}{
		{"report.narrative", prev.Narrative, cur.Narrative},
		{"report.translation", prev.Translation, cur.Translation},
		{"report.challenges", prev.Challenges, cur.Challenges},
		{"report.next_steps", prev.NextSteps, cur.NextSteps},
	} {
		if f.before != f.at {
			d.Texts = append(d.Texts, textDiff{Label: f.label, Parts: diffWords(f.before, f.at)})
		}
	}
	had := map[string]bool{}
	for _, l := range prev.Evidence {
		had[l.URL] = true
	}
	has := map[string]bool{}
	for _, l := range cur.Evidence {
		has[l.URL] = true
		if !had[l.URL] {
			d.Added = append(d.Added, l)
		}
	}
	for _, l := range prev.Evidence {
		if !has[l.URL] {
			d.Removed = append(d.Removed, l)
		}
	}
	before := map[uint]model.StatusProposal{}
	for _, p := range prev.Proposals {
		before[p.MilestoneID] = p
	}
	for _, p := range cur.Proposals {
		if b, ok := before[p.MilestoneID]; !ok || b.Status != p.Status || b.CompletedOn != p.CompletedOn {
			d.Statuses = append(d.Statuses, statusDiff{Ref: p.Ref, Before: b.Status, After: p.Status, Complete: p.CompletedOn})
		}
	}
	return d
}

// diffWords compares two texts word by word, keeping keptContext runes of
// unchanged text around each change.
func diffWords(a, b string) []diffPart {
	words := map[string]rune{}
	var dict []string
	encode := func(s string) []rune {
		var out []rune
		for _, w := range splitWords(s) {
			r, ok := words[w]
			if !ok {
				// Each distinct word is one rune past the surrogates and the
				// basic plane, so that diffmatchpatch compares words.
				r = rune(0x10000 + len(dict))
				words[w] = r
				dict = append(dict, w)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	var parts []diffPart
	for i, df := range diffs {
		var text []byte
		for _, r := range df.Text {
			text = append(text, dict[r-0x10000]...)
		}
		op := map[diffmatchpatch.Operation]int{diffmatchpatch.DiffDelete: -1, diffmatchpatch.DiffEqual: 0, diffmatchpatch.DiffInsert: 1}[df.Type]
		s := string(text)
		if op == 0 {
			s = trimContext(s, i > 0, i < len(diffs)-1)
		}
		parts = append(parts, diffPart{Op: op, Text: s})
	}
	return parts
}

// trimContext shortens unchanged text to keptContext runes after the
// change before it and before the change after it.
func trimContext(s string, after, before bool) string {
	n := utf8.RuneCountInString(s)
	keep := 0
	if after {
		keep += keptContext
	}
	if before {
		keep += keptContext
	}
	if n <= keep+3 {
		return s
	}
	r := []rune(s)
	switch {
	case after && before:
		return string(r[:keptContext]) + " … " + string(r[n-keptContext:])
	case after:
		return string(r[:keptContext]) + " …"
	default:
		return "… " + string(r[n-keptContext:])
	}
}

// splitWords cuts a text into words, the spaces and punctuation between
// them, and single characters of scripts written without spaces (Han,
// kana, Hangul), keeping every character: joined, the words are the text.
func splitWords(s string) []string {
	var out []string
	start := -1 // start of the current run of letters and digits
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		single := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		if word && !single {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
		out = append(out, string(r))
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

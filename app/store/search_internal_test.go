package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestWordGrams(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		word  string
		want  []string
		exact bool
	}{
		{"開放", []string{"開放"}, true},
		{"水", []string{"水"}, true},
		{"開k", []string{"開k"}, false}, // "k" has a case form beyond ASCII, the Kelvin sign
		{"開放政府", []string{"開放政", "放政府"}, false},
		{"Open", []string{"OPE", "PEN"}, false}, // one case: the least of each letter's forms
		{"ökonomie", []string{"ÖKO", "KON", "NOM", "MIE"}, false},
		{"participation", []string{"PAR", "TIC", "IPA", "ION"}, false}, // 4 of 11, first and last among them
		{"EU", nil, false},                                             // too short to tell
		{"a資", nil, false},
	} {
		got, exact := wordGrams(tt.word)
		for i, g := range tt.want {
			tt.want[i] = string(foldRunes(g))
		}
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) || exact != tt.exact {
			t.Errorf("wordGrams(%q) = %q, %t; want %q, %t", tt.word, got, exact, tt.want, tt.exact)
		}
	}
}

// Every write of a commitment (an import, a form's creation and update)
// leaves in the index the grams of the commitment as written, in its
// transaction.
func TestSearchIndexFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	s := memoStore(t)
	ctx := context.Background()
	check := func(when string) {
		t.Helper()
		var cs []model.Commitment
		if err := s.db.Find(&cs).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			var got []string
			if err := s.db.Raw("SELECT gram FROM "+searchGramsTable+" WHERE commitment_id = ? ORDER BY gram", c.ID).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			texts := []string{c.Code}
			for _, txt := range []model.Text{c.Title, c.Description} {
				for _, v := range txt {
					texts = append(texts, v)
				}
			}
			want := textGrams(texts...)
			slices.Sort(got) // the engines' collations differ
			if !slices.Equal(got, want) {
				t.Errorf("%s: commitment %s has grams %q, want %q", when, c.Code, got, want)
			}
			got = nil
			if err := s.db.Raw("SELECT term FROM "+searchTermCommitmentsTable+" WHERE commitment_id = ?", c.ID).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if want := textTerms(texts...); !slices.Equal(got, want) {
				t.Errorf("%s: commitment %s has terms %q, want %q", when, c.Code, got, want)
			}
		}
	}
	ds := &model.Dataset{Format: model.DatasetFormat,
		Agencies: []model.AgencyRecord{{Code: "A", Name: model.T("en", "Agency"), Jurisdiction: "X"}},
		Plans: []model.PlanRecord{{Ref: "P", Jurisdiction: model.T("en", "X"), JurisdictionCode: "X", Number: 1, Title: model.T("en", "Plan"),
			Start: model.MustDate("2024-01"), End: model.MustDate("2025-12"), Status: model.PlanImplementation,
			Commitments: []model.CommitmentRecord{{Ref: "P/1", Code: "1", Title: model.T("en", "Open budgets", "zh-TW", "開放預算"),
				Description: model.T("en", "Every line."), Start: model.MustDate("2024-01"), End: model.MustDate("2025-12")}}}}}
	if _, err := s.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	check("imported")
	ds.Plans[0].Commitments[0].Title = model.T("en", "Public hearings", "zh-TW", "公聽會")
	if _, err := s.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	check("imported again")
	plan, err := s.FindPlanByRef(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	in := CommitmentInput{Commitment: model.Commitment{PlanID: plan.ID, Ref: "P/2", Code: "2", Title: model.T("en", "Lobbying register", "zh-TW", "遊說登記"),
		Start: model.MustDate("2024-01"), End: model.MustDate("2025-12")}}
	id, err := s.CreateCommitment(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check("created")
	in.Commitment.Title = model.T("en", "Beneficial ownership", "zh-TW", "實質受益人")
	if err := s.UpdateCommitment(ctx, id, 1, in); err != nil {
		t.Fatal(err)
	}
	check("updated")
	for _, q := range []string{"實質", "益", "OWNERSHIP", "hear", "公聽"} {
		if cs, n, err := s.FindCommitments(ctx, CommitmentFilter{Query: q}); err != nil || n != 1 {
			t.Errorf("search %q: %d found (%v), want 1", q, len(cs), err)
		}
	}
	for _, q := range []string{"遊說", "lobbying", "budgets", "開放"} { // words written over
		if _, n, err := s.FindCommitments(ctx, CommitmentFilter{Query: q}); err != nil || n != 0 {
			t.Errorf("search %q: %d found (%v), want none", q, n, err)
		}
	}
}

func TestTextTerms(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("abcdefghij", 10) // 100 letters: pieces from 0, 32 and 64
	for _, tt := range []struct {
		texts []string
		want  []string
	}{
		{[]string{"Open budgets.", "open  BUDGETS"}, []string{"BUDGETS", "Open", "budgets.", "open"}}, // as written
		{[]string{"開放data平台 OCDS"}, []string{"OCDS", "data"}},                                         // Chinese splits terms
		{[]string{"a\x00b\xffc\u00a0d"}, []string{"a", "b", "c", "d"}},                                // NUL, a byte not UTF-8, a no-break space
		{[]string{long}, []string{long[:64], long[32:96], long[64:]}},
		{[]string{"", "公開。"}, []string{"。"}}, // the full stop is of no script
	} {
		if got := textTerms(tt.texts...); !slices.Equal(got, tt.want) {
			t.Errorf("textTerms(%q) = %q, want %q", tt.texts, got, tt.want)
		}
	}
}

// The index changes how fast a search finds commitments, never which:
// every word finds what matching every commitment's texts finds, whether
// the terms tell (words of scripts with spaces, up to maxTermWord long),
// the grams tell (Chinese of one or two characters) or the grams narrow
// and the texts decide.
func TestSearchIndexFindsWhatMatchingEveryCommitmentFinds(t *testing.T) {
	s := memoStore(t)
	ctx := context.Background()
	long := strings.Repeat("Transparenzregister", 5) // 95 letters, one term in pieces
	texts := []model.Text{
		model.T("en", "Open budgets, line by line.", "zh-TW", "開放預算"),
		model.T("en", "OCDS-based contracting (open data)", "fr", "Données ouvertes"),
		model.T("de", "Ökonomie der STRASSE und Straße; "+long, "zh-TW", "開放data平台"),
		model.T("en", "The \u212a sign: 5\u212a, and \u017fmall letters", "ja", "オープンデータ"),
		model.T("en", "100% open_data <now> & \"then\""),
		model.T("zh-TW", "政府資料開放平臺", "en", "e-Government"),
	}
	ds := &model.Dataset{Format: model.DatasetFormat,
		Agencies: []model.AgencyRecord{{Code: "A", Name: model.T("en", "Agency"), Jurisdiction: "X"}},
		Plans: []model.PlanRecord{{Ref: "P", Jurisdiction: model.T("en", "X"), JurisdictionCode: "X", Number: 1, Title: model.T("en", "Plan"),
			Start: model.MustDate("2024-01"), End: model.MustDate("2025-12"), Status: model.PlanImplementation}}}
	for i, txt := range texts {
		code := string(rune('1'+i)) + "-a"
		ds.Plans[0].Commitments = append(ds.Plans[0].Commitments, model.CommitmentRecord{Ref: "P/" + code, Code: code, Title: txt,
			Description: model.T("en", "Commitment number "+code), Start: model.MustDate("2024-01"), End: model.MustDate("2025-12")})
	}
	if _, err := s.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	found := func(q string) []string {
		t.Helper()
		cs, err := s.FindCommitmentOutlines(ctx, CommitmentFilter{Query: q}, false)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var refs []string
		for _, c := range cs {
			refs = append(refs, c.Ref)
		}
		return refs
	}
	words := []string{"open", "OPEN", "Budgets,", "line", "ne", "e", "1-a", "-a", "a", "OCDS-based", "(open", "data)", "données", "DONNÉES",
		"strasse", "straße", "STRASSE", "ökonomie", "k", "K", "\u212a", "5k", "s", "\u017fmall", "SMALL", "100%", "open_data", "<now>", "&", `"then"`,
		"e-government", "government", long, long[10:60], long[:33], "registerTrans", "開放", "開", "放預", "開放預算", "資料開放", "data", "data平台",
		"平台", "開放data", "オープン", "データ", "no-such", "zz", "budgets open", "open 開放", "line open e"}
	for _, q := range words {
		withIndex := found(q)
		searchIndexOff.Store(true)
		matchingAll := found(q)
		searchIndexOff.Store(false)
		if !slices.Equal(withIndex, matchingAll) {
			t.Errorf("search %q finds %q with the index, %q matching every commitment", q, withIndex, matchingAll)
		}
	}
}

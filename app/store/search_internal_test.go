package store

import (
	"context"
	"slices"
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

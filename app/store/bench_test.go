package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
)

// The store's benchmarks read a tracker of many members' plans, imported
// in one go as the web benchmarks' (app/web/bench_test.go): plans of 200
// commitments, whose titles and descriptions, in English and Chinese, are
// drawn from made-up vocabularies where a few words are common and most
// are rare, as in real plans. Run them with
//
//	go test -run XXX -bench . -benchtime 100x ./app/store/
//
// and with OGPTRACKER_TEST_POSTGRES set for PostgreSQL.

// benchTemplates are the generated trackers: 1× is the web benchmarks'
// 5,200 commitments with 4 milestones each; 16× has 83,200 commitments,
// without milestones, which searches do not read.
var benchTemplates = map[string]*storetest.Template{
	"1x":  storetest.NewTemplate("bench-1x", func(ctx context.Context, st *store.Store) error { return importBench(ctx, st, 26, 4) }),
	"16x": storetest.NewTemplate("bench-16x", func(ctx context.Context, st *store.Store) error { return importBench(ctx, st, 416, 0) }),
}

func importBench(ctx context.Context, st *store.Store, plans, milestones int) error {
	rnd := rand.New(rand.NewPCG(1, 2))
	en := vocabulary(rnd, 5000, func() string {
		var b strings.Builder
		for range 2 + rnd.IntN(2) {
			b.WriteString(syllables[rnd.IntN(len(syllables))])
		}
		return b.String()
	})
	zh := vocabulary(rnd, 3000, func() string {
		r := []rune(hanzi)
		return string(r[rnd.IntN(len(r))]) + string(r[rnd.IntN(len(r))])
	})
	enZipf, zhZipf := rand.NewZipf(rnd, 1.1, 8, uint64(len(en)-1)), rand.NewZipf(rnd, 1.1, 8, uint64(len(zh)-1))
	words := func(n int, sep string, vocab []string, z *rand.Zipf) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = vocab[z.Uint64()]
		}
		return strings.Join(ws, sep)
	}
	ds := &model.Dataset{Format: model.DatasetFormat}
	for i := range 10 {
		code := fmt.Sprintf("BEN-A%d", i)
		ds.Agencies = append(ds.Agencies, model.AgencyRecord{Code: code, Name: model.T("en", "Agency "+code, "zh-TW", "機關 "+code), Jurisdiction: "BEN"})
	}
	for p := range plans {
		ref := fmt.Sprintf("BEN-%d", p+1)
		plan := model.PlanRecord{Ref: ref, Jurisdiction: model.T("en", "Benchland"), JurisdictionCode: "BEN", Number: p + 1,
			Title: model.T("en", "Plan "+ref), Start: model.MustDate("2022-01"), End: model.MustDate("2025-12"), Status: model.PlanImplementation}
		for i := range 200 {
			code := fmt.Sprintf("%d-%d", i%5+1, i/5+1)
			c := model.CommitmentRecord{Ref: ref + "/" + code, Code: code,
				Title:       model.T("en", words(6+rnd.IntN(6), " ", en, enZipf), "zh-TW", words(4+rnd.IntN(4), "", zh, zhZipf)),
				Description: model.T("en", words(20+rnd.IntN(30), " ", en, enZipf)+".", "zh-TW", words(15+rnd.IntN(25), "", zh, zhZipf)+"。"),
				LeadAgency:  fmt.Sprintf("BEN-A%d", i%10), Start: model.MustDate("2022-01"), End: model.MustDate("2025-12")}
			for m := range milestones {
				c.Milestones = append(c.Milestones, model.MilestoneRecord{Ref: fmt.Sprintf("%s/%d", c.Ref, m+1),
					Title: model.T("en", words(5, " ", en, enZipf)), Start: model.MustDate("2022-01"), Due: model.MustDate(fmt.Sprintf("%d-06", 2022+m%4)),
					Agency: fmt.Sprintf("BEN-A%d", (i+m)%10), Status: model.MilestoneStatuses[(i+m)%len(model.MilestoneStatuses)], Weight: 1})
			}
			plan.Commitments = append(plan.Commitments, c)
		}
		ds.Plans = append(ds.Plans, plan)
	}
	_, err := st.ImportDataset(ctx, ds, nil)
	return err
}

// vocabulary is n distinct words made by word, the commonest first.
func vocabulary(rnd *rand.Rand, n int, word func() string) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		if w := word(); !seen[w] {
			seen[w], out = true, append(out, w)
		}
	}
	return out
}

var syllables = strings.Fields("ka lo mi ne ru sa to vi po de an ter gro ben str ul fy pla cor dit ment ion ex pro tra dis com par ver sel qu ob jec zin wa ha yo")

const hanzi = "資料開放公共參與政府透明治理機關計畫推動建立制度法規審查社會民眾意見平台數位服務提升效能監督預算採購環境永續能源教育醫療交通城市地方中央合作夥伴評估報告執行進度目標成果指標"

var benchDay = time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)

// benchStore is a copy of the generated tracker of the given scale.
func benchStore(b *testing.B, scale string) *store.Store {
	b.Helper()
	url := benchTemplates[scale].Copy(b)
	st, err := store.Open(url, store.Options{Now: func() time.Time { return benchDay }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkFeed reads the 50 newest entries of the record of changes, as
// /feed.atom does, after an import has made every entry at one instant.
func BenchmarkFeed(b *testing.B) {
	st := benchStore(b, "1x")
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		cs, err := st.FindRecentChanges(ctx, store.ChangeFilter{Limit: 50})
		if err != nil || len(cs) != 50 {
			b.Fatalf("feed: %d entries, %v", len(cs), err)
		}
	}
}

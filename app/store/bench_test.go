package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/store/testdb"
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
// 5,200 commitments with 4 milestones each, imported; 16× has 83,200
// commitments, without milestones, which searches do not read, written
// directly (an import of them all takes a quarter of an hour) and then
// indexed for search.
var benchTemplates = map[string]*storetest.Template{
	"1x": storetest.NewTemplate("bench-1x", func(ctx context.Context, st *store.Store) error {
		_, err := st.ImportDataset(ctx, benchDataset(26, 4), nil)
		return err
	}),
	"16x": storetest.NewTemplate("bench-16x", func(ctx context.Context, st *store.Store) error {
		ds := benchDataset(416, 0)
		commitments := make([][]model.CommitmentRecord, len(ds.Plans))
		for i := range ds.Plans {
			commitments[i], ds.Plans[i].Commitments = ds.Plans[i].Commitments, nil
		}
		if _, err := st.ImportDataset(ctx, ds, nil); err != nil {
			return err
		}
		return st.DBForTest().Transaction(func(tx *gorm.DB) error {
			if !testdb.OnPostgres() { // room for the index being built, or it is rewritten page by page
				if err := tx.Exec("PRAGMA cache_size = -262144").Error; err != nil {
					return err
				}
			}
			for k, p := range ds.Plans {
				var planID uint
				if err := tx.Table("plans").Select("id").Where("ref = ?", p.Ref).Scan(&planID).Error; err != nil {
					return err
				}
				cs := make([]model.Commitment, len(commitments[k]))
				for i, c := range commitments[k] {
					cs[i] = model.Commitment{Ref: c.Ref, PlanID: planID, Code: c.Code, Title: c.Title, Description: c.Description,
						Start: c.Start, End: c.End, Version: 1}
				}
				if err := tx.Omit(clause.Associations).CreateInBatches(cs, 100).Error; err != nil {
					return err
				}
			}
			return store.IndexSearchForTest(tx)
		})
	}),
}

// benchDataset is plans of 200 commitments, each with the given number of
// milestones.
func benchDataset(plans, milestones int) *model.Dataset {
	rnd := rand.New(rand.NewPCG(1, 2))
	en, zh := benchVocabularies()
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
	return ds
}

// benchVocabularies are the made-up English and Chinese words of the
// generated trackers, the commonest first.
func benchVocabularies() (en, zh []string) {
	rnd := rand.New(rand.NewPCG(3, 4))
	en = vocabulary(5000, func() string {
		var b strings.Builder
		for range 2 + rnd.IntN(2) {
			b.WriteString(syllables[rnd.IntN(len(syllables))])
		}
		return b.String()
	})
	zh = vocabulary(3000, func() string {
		r := []rune(hanzi)
		return string(r[rnd.IntN(len(r))]) + string(r[rnd.IntN(len(r))])
	})
	return en, zh
}

// vocabulary is n distinct words made by word.
func vocabulary(n int, word func() string) []string {
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
	// What autovacuum leaves within a minute of an import: the statistics,
	// and the pages marked visible to all, which lets PostgreSQL read a
	// word's commitments from the search index alone.
	if testdb.OnPostgres() {
		if err := st.DBForTest().Exec("VACUUM ANALYZE").Error; err != nil {
			b.Fatal(err)
		}
	}
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

// BenchmarkSearch searches every plan, as the list of commitments does,
// for words common and rare, English (in another case than written) and
// Chinese, at 1× and 16× the web benchmarks' 5,200 commitments, with the
// index and, for comparison, matching every commitment as before it.
func BenchmarkSearch(b *testing.B) {
	en, zh := benchVocabularies()
	queries := []struct{ name, q string }{
		{"en-common", strings.ToUpper(en[0])},
		{"en-mid", strings.ToUpper(en[200])},
		{"en-rare", strings.ToUpper(en[3000])},
		{"en-two-words", en[5] + " " + en[50]},
		{"zh-common", zh[0]},
		{"zh-rare", zh[2000]},
		{"zh-one-character", string([]rune(zh[500])[:1])},
	}
	for _, scale := range []string{"1x", "16x"} {
		b.Run(scale, func(b *testing.B) {
			st := benchStore(b, scale)
			ctx := context.Background()
			for _, index := range []string{"index", "scan"} {
				for _, q := range queries {
					b.Run(index+"/"+q.name, func(b *testing.B) {
						store.SearchWithoutIndex(index == "scan")
						defer store.SearchWithoutIndex(false)
						var found int
						for range b.N {
							cs, err := st.FindCommitmentOutlines(ctx, store.CommitmentFilter{Query: q.q}, false)
							if err != nil {
								b.Fatal(err)
							}
							found = len(cs)
						}
						if found == 0 {
							b.Fatalf("%q found nothing", q.q)
						}
						b.ReportMetric(float64(found), "found")
					})
				}
			}
		})
	}
}

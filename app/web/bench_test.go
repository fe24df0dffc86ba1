package web_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/store/testdb"
	"github.com/ogptracker/ogptracker/app/transfer"
	"github.com/ogptracker/ogptracker/app/web"
)

// loadedDatabases hold the demo plan and the generated plans and, the
// second, also OGP's parliament commitments and filler plans, for at least
// 5,000 commitments and 23,000 milestones in all: each loaded once per
// test binary, on day, and copied for each server.
var loadedDatabases = [2]*storetest.Template{
	storetest.NewTemplate("loaded", func(ctx context.Context, st *store.Store) error { return load(ctx, st, false) }),
	storetest.NewTemplate("loaded-many", func(ctx context.Context, st *store.Store) error { return load(ctx, st, true) }),
}

func load(ctx context.Context, st *store.Store, many bool) error {
	ds, err := demo.Dataset()
	if err != nil {
		return err
	}
	datasets := []*model.Dataset{ds, demo.Generated(0)}
	if many {
		f, err := os.Open("../transfer/testdata/open_parliament_0703.csv")
		if err != nil {
			return err
		}
		ogp, err := transfer.ReadOGPCSV(f)
		f.Close()
		if err != nil {
			return err
		}
		datasets = append(datasets, ogp, demo.Generated(22))
	}
	for _, ds := range datasets {
		if _, err := st.ImportDataset(ctx, ds, nil); err != nil {
			return err
		}
	}
	return nil
}

// loadedServer returns a server on a store holding the demo plan and the
// generated plans; with many, also OGP's parliament commitments and
// filler plans. The store is on the engine the tests run on, as every
// test's (storetest): an SQLite file, or a PostgreSQL database when
// OGPTRACKER_TEST_POSTGRES is set. On PostgreSQL the copy is analyzed,
// as autovacuum does within a minute of an import, so that the planner
// knows the tables' sizes.
func loadedServer(tb testing.TB, many bool, options ...func(*web.Options)) (*store.Store, http.Handler) {
	tb.Helper()
	now := func() time.Time { return day }
	databaseURL := loadedDatabases[btoi(many)].CopyAt(tb, now)
	if testdb.OnPostgres() {
		if _, err := testdb.SQL(tb, databaseURL).Exec("ANALYZE"); err != nil {
			tb.Fatal(err)
		}
	}
	st, err := store.Open(databaseURL, store.Options{Now: now, Logger: slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close the store: %v", err)
		}
	})
	if _, err := st.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	// Benchmarks call far faster than the API's limit per client allows,
	// and measure rendering: no page is kept.
	opts := web.Options{Store: st, Logger: slog.New(slog.DiscardHandler), Location: taipei, BaseURL: "http://example.test",
		RateLimit: web.RateLimit{Rate: 1e9, Burst: 1e9}, PageCache: -1}
	for _, o := range options {
		o(&opts)
	}
	h, err := web.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return st, h
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func planID(tb testing.TB, st *store.Store, ref string) uint {
	tb.Helper()
	p, err := st.FindPlanByRef(context.Background(), ref)
	if err != nil {
		tb.Fatal(err)
	}
	return p.ID
}

// serve answers one GET through the router, without a network.
func serve(h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// engine names the database the benchmarks run on, in their names
// (BenchmarkPages/engine=postgres/plan-200), so that figures of both
// engines can be set side by side (benchstat -col /engine).
func engine() string {
	if testdb.OnPostgres() {
		return "engine=postgres"
	}
	return "engine=sqlite"
}

type page struct{ name, path string }

// measurePages measures each page, under the engine's name.
func measurePages(b *testing.B, h http.Handler, pages []page) {
	b.Run(engine(), func(b *testing.B) {
		for _, p := range pages {
			b.Run(p.name, func(b *testing.B) { measurePage(b, h, p.path) })
		}
	})
}

// BenchmarkPages measures the plan overview of the 200-commitment plan and
// one of its commitments, as a browser asks for them (gzip accepted), in a
// database of more than 5,000 commitments. Run it with
//
//	go test -run XXX -bench . -benchtime 200x ./app/web/
//
// on SQLite, and on PostgreSQL with OGPTRACKER_TEST_POSTGRES set (see README, Speed).
func BenchmarkPages(b *testing.B) {
	st, h := loadedServer(b, true)
	counts, err := st.Count(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if counts.Commitments < 5000 {
		b.Fatalf("only %d commitments", counts.Commitments)
	}
	big := planID(b, st, demo.GeneratedBigPlanRef)
	cs, _, err := st.FindCommitments(context.Background(), store.CommitmentFilter{PlanID: big, Limit: 1})
	if err != nil || len(cs) == 0 {
		b.Fatalf("commitments of the big plan: %v", err)
	}
	measurePages(b, h, []page{
		{"plan-200", fmt.Sprintf("/plans/%d", big)},
		{"commitment", fmt.Sprintf("/commitments/%d", cs[0].ID)},
		{"milestones-200", fmt.Sprintf("/milestones?plan=%d&asof=2023-06-30", big)}, // 240 overdue, 120 due in 60 days
	})
}

// BenchmarkCommitmentList measures the list of commitments in the same
// database: the current plan, every plan (judging 5,000 commitments on
// 23,000 milestones), filtered on a derived state, searched and sorted on
// derived progress, and sorted by title.
func BenchmarkCommitmentList(b *testing.B) {
	_, h := loadedServer(b, true)
	measurePages(b, h, []page{
		{"default", "/commitments"},
		{"all", "/commitments?plan=all"},
		{"all-overdue", "/commitments?plan=all&state=overdue"},
		{"all-search-progress", "/commitments?plan=all&q=open&sort=-progress&page=2"},
		{"all-title", "/commitments?plan=all&sort=title&lang=en"},
	})
}

// BenchmarkAPI measures the API's list of commitments in the same
// database (JSON, gzip accepted), the current plan and every plan, and a
// commitment with its history.
func BenchmarkAPI(b *testing.B) {
	st, h := loadedServer(b, true)
	cs, _, err := st.FindCommitments(context.Background(), store.CommitmentFilter{PlanID: planID(b, st, demo.GeneratedBigPlanRef), Limit: 1})
	if err != nil || len(cs) == 0 {
		b.Fatalf("commitments of the big plan: %v", err)
	}
	measurePages(b, h, []page{
		{"commitments", "/api/v1/commitments"},
		{"commitments-all", "/api/v1/commitments?plan=all"},
		{"commitments-all-overdue-progress", "/api/v1/commitments?plan=all&state=overdue&sort=-progress&page=2"},
		{"commitment", fmt.Sprintf("/api/v1/commitments/%d", cs[0].ID)},
		{"milestones-agency", fmt.Sprintf("/api/v1/milestones?plan=%d&agency=%d&due_before=2024-01-01", planID(b, st, demo.GeneratedBigPlanRef), cs[0].LeadAgency.ID)},
	})
}

// BenchmarkListsUnderLoad sends 64 lists of every plan sorted by title at
// once, over real HTTP, to the database of more than 5,000 commitments,
// while one visitor keeps reading a commitment, with the bound on
// expensive requests as it is by default and with no bound to speak of.
// It reports how many lists were served and turned away (503), how long
// the slowest list took to be answered either way, and how long the
// commitment page took meanwhile. Run it with
//
//	go test -run XXX -bench ListsUnderLoad -benchtime 3x ./app/web/
func BenchmarkListsUnderLoad(b *testing.B) {
	for _, bound := range []struct {
		name  string
		limit web.HeavyLimit
	}{
		{"bounded", web.DefaultHeavyLimit()},
		{"unbounded", web.HeavyLimit{InFlight: 1 << 20, Wait: time.Second}},
	} {
		b.Run(engine()+"/"+bound.name, func(b *testing.B) {
			st, h := loadedServer(b, true, func(o *web.Options) { o.Heavy = bound.limit })
			cs, _, err := st.FindCommitments(context.Background(), store.CommitmentFilter{PlanID: planID(b, st, demo.GeneratedBigPlanRef), Limit: 1})
			if err != nil || len(cs) == 0 {
				b.Fatalf("commitments of the big plan: %v", err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
			fetch := func(path string) (int, time.Duration) {
				start := time.Now()
				res, err := client.Get(srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				return res.StatusCode, time.Since(start)
			}
			const concurrent = 64
			list := "/commitments?plan=all&sort=title&q=a"
			page := fmt.Sprintf("/commitments/%d", cs[0].ID)
			var served, refused, other atomic.Int64
			var slowestList time.Duration
			var pageTimes []time.Duration
			b.ResetTimer()
			for range b.N {
				done := make(chan time.Duration, concurrent)
				for range concurrent {
					go func() {
						code, d := fetch(list)
						switch code {
						case http.StatusOK:
							served.Add(1)
						case http.StatusServiceUnavailable:
							refused.Add(1)
						default:
							other.Add(1)
						}
						done <- d
					}()
				}
				// The commitment page, read again and again until every list is answered.
				stop := make(chan struct{})
				pagesDone := make(chan []time.Duration)
				go func() {
					var times []time.Duration
					for {
						select {
						case <-stop:
							pagesDone <- times
							return
						default:
						}
						code, d := fetch(page)
						if code != http.StatusOK {
							b.Errorf("%s during the load: %d", page, code)
						}
						times = append(times, d)
					}
				}()
				for range concurrent {
					slowestList = max(slowestList, <-done)
				}
				close(stop)
				pageTimes = append(pageTimes, <-pagesDone...)
			}
			b.StopTimer()
			if other.Load() > 0 {
				b.Errorf("%d lists answered neither 200 nor 503", other.Load())
			}
			slices.Sort(pageTimes)
			n := float64(b.N)
			b.ReportMetric(float64(served.Load())/n, "lists-served/op")
			b.ReportMetric(float64(refused.Load())/n, "lists-503/op")
			b.ReportMetric(float64(slowestList.Milliseconds()), "slowest-list-ms")
			b.ReportMetric(float64(len(pageTimes))/n, "commitment-pages/op")
			if len(pageTimes) > 0 {
				b.ReportMetric(float64(pageTimes[len(pageTimes)/2].Microseconds())/1000, "commitment-p50-ms")
				b.ReportMetric(float64(pageTimes[len(pageTimes)-1].Microseconds())/1000, "commitment-max-ms")
			}
		})
	}
}

// measurePage serves path b.N times as a browser asks for it (gzip
// accepted) and reports the 95th percentile and the page's weight.
func measurePage(b *testing.B, h http.Handler, path string) {
	first := serve(h, path, "Accept-Encoding", "gzip")
	if first.Code != 200 || first.Header().Get("Content-Encoding") != "gzip" {
		b.Fatalf("%s: status %d, encoding %q", path, first.Code, first.Header().Get("Content-Encoding"))
	}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		start := time.Now()
		rec := serve(h, path, "Accept-Encoding", "gzip")
		durations = append(durations, time.Since(start))
		if rec.Code != 200 {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
	}
	cpu = cpuTime() - cpu
	b.StopTimer()
	slices.Sort(durations)
	p95 := durations[(len(durations)*95+99)/100-1]
	// After the loop: ResetTimer drops metrics reported before it.
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	// CPU time tells a slow page from a busy machine.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(first.Body.Len()), "gzip-bytes")
	zr, err := gzip.NewReader(first.Body)
	if err != nil {
		b.Fatal(err)
	}
	html, _ := io.Copy(io.Discard, zr)
	b.ReportMetric(float64(html), "html-bytes")
}

// cpuTime is the CPU time the process has used, in user and system mode.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestPlanPageQueriesDoNotGrowWithCommitments guards against N+1 queries:
// the plan overview costs the same number of queries for 19 commitments as
// for 200.
func TestPlanPageQueriesDoNotGrowWithCommitments(t *testing.T) {
	st, h := loadedServer(t, false)
	var queries atomic.Int64
	if err := st.OnQuery(func() { queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	count := func(path string) int64 {
		queries.Store(0)
		if rec := serve(h, path); rec.Code != 200 {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		return queries.Load()
	}
	// Plans of the same shape: GORM leaves out a preload that has no keys
	// (the demo's milestones name no agency), which is not N+1.
	smallPath := fmt.Sprintf("/plans/%d", planID(t, st, demo.GeneratedSmallPlanRef))
	largePath := fmt.Sprintf("/plans/%d", planID(t, st, demo.GeneratedBigPlanRef))
	// Counted once what the page keeps (until the database changes) is
	// kept: the schedules of every milestone, the outline of each plan.
	count(smallPath)
	count(largePath)
	small, large := count(smallPath), count(largePath)
	if small == 0 || small != large {
		t.Errorf("plan overview: %d queries for 19 commitments, %d for 200", small, large)
	}
	t.Logf("plan overview: %d queries", small)

	// The list of commitments judges every candidate on the milestones of
	// all commitments, read in one query and kept until the database
	// changes, and loads in full only the page it shows. Counted once what
	// it keeps is loaded, as it mostly runs.
	list := func(path string) int64 {
		t.Helper()
		count(path)
		return count(path)
	}
	smallList := list(strings.Replace(smallPath, "/plans/", "/commitments?plan=", 1))
	if largeList := list(strings.Replace(largePath, "/plans/", "/commitments?plan=", 1) + "&sort=-progress&page=2"); smallList == 0 || smallList != largeList {
		t.Errorf("list of one plan: %d queries for 19 commitments, %d for 200", smallList, largeList)
	}
	all := list("/commitments?plan=all")
	for _, path := range []string{"/commitments?plan=all&state=on-track&sort=state&page=2", "/commitments?plan=all&sort=title"} {
		if n := list(path); all == 0 || n != all {
			t.Errorf("%s: %d queries, %d for the first page of every plan", path, n, all)
		}
	}
	filtered := list("/commitments?plan=all&q=open")
	if n := list("/commitments?plan=all&q=generated&state=on-track&sort=-updated&page=2"); filtered == 0 || n != filtered {
		t.Errorf("searching every plan: %d queries for one page, %d for another", filtered, n)
	}
	t.Logf("list of commitments: %d queries for one plan, %d for every plan, %d searching", smallList, all, filtered)
}

// BenchmarkFirstPageAfterAWrite measures the page a visitor asks for right
// after a change elsewhere in the data (a milestone's note in another
// plan, as an agency would write it): what is kept while the data stays
// the same is let go, and the page is made anew. The write is not timed.
//
//	go test -run XXX -bench FirstPageAfterAWrite -benchtime 20x ./app/web/
func BenchmarkFirstPageAfterAWrite(b *testing.B) {
	st, h := loadedServer(b, true)
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: "benchmark"})
	big := planID(b, st, demo.GeneratedBigPlanRef)
	cs, _, err := st.FindCommitments(ctx, store.CommitmentFilter{PlanID: big, Limit: 1})
	if err != nil || len(cs) == 0 {
		b.Fatalf("commitments of the big plan: %v", err)
	}
	demoPlan, _, err := st.FindCommitments(ctx, store.CommitmentFilter{PlanID: planID(b, st, demo.PlanRef), Limit: 1})
	if err != nil || len(demoPlan) == 0 {
		b.Fatalf("a commitment of the demo plan: %v", err)
	}
	ms, err := st.FindMilestones(ctx, []uint{demoPlan[0].ID})
	if err != nil || len(ms[demoPlan[0].ID]) == 0 {
		b.Fatalf("a milestone of the demo plan: %v", err)
	}
	m := ms[demoPlan[0].ID][0]
	// A generated agency answers for commitments in every generated plan.
	agency, err := st.FindAgencyByCode(ctx, "GEN-A0")
	if err != nil {
		b.Fatal(err)
	}
	b.Run(engine(), func(b *testing.B) {
		for _, p := range []page{
			{"plan-200", fmt.Sprintf("/plans/%d", big)},
			{"commitment", fmt.Sprintf("/commitments/%d", cs[0].ID)},
			{"home", "/"},
			{"agency", fmt.Sprintf("/agencies/%d", agency.ID)},
		} {
			b.Run(p.name, func(b *testing.B) {
				for i := range b.N {
					b.StopTimer()
					note := fmt.Sprintf("benchmark %d", i)
					got, err := st.UpdateMilestoneProgress(ctx, m.ID, m.Version, model.ProgressUpdate{Status: m.Status, CompletedOn: m.CompletedOn, Note: &note}, model.DayOf(day))
					if err != nil {
						b.Fatal(err)
					}
					m = *got
					b.StartTimer()
					if rec := serve(h, p.path, "Accept-Encoding", "gzip"); rec.Code != 200 {
						b.Fatalf("%s: %d", p.path, rec.Code)
					}
				}
			})
		}
	})
}

// BenchmarkKeptPages measures pages answered from the page cache, as a
// crowd of anonymous visitors gets them, every request logged as in
// production (to a discarded text log): what each request costs besides
// rendering. Run it with -cpu 2 for two cores at once:
//
//	go test -run XXX -bench KeptPages -benchtime 20000x ./app/web/
func BenchmarkKeptPages(b *testing.B) {
	st, h := loadedServer(b, true, func(o *web.Options) {
		o.PageCache = 0 // the default limit
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	})
	big := planID(b, st, demo.GeneratedBigPlanRef)
	b.Run(engine(), func(b *testing.B) {
		for _, p := range []page{
			{"plan-200", fmt.Sprintf("/plans/%d", big)},
			{"api-commitments", fmt.Sprintf("/api/v1/commitments?plan=%d", big)},
		} {
			b.Run(p.name, func(b *testing.B) {
				serve(h, p.path, "Accept-Encoding", "gzip")
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if rec := serve(h, p.path, "Accept-Encoding", "gzip"); rec.Code != 200 {
							b.Errorf("%s: %d", p.path, rec.Code)
							return
						}
					}
				})
			})
		}
	})
}

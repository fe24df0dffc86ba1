package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/web"
)

// trackerWithClock serves the demo plan, loaded as at first start, from a
// store whose clock the test moves, so that later imports are later changes.
func trackerWithClock(t *testing.T) (*httptest.Server, *store.Store, *storetest.Clock) {
	t.Helper()
	clock := storetest.NewClock(day)
	st := storetest.Open(t, clock.Now)
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportDataset(model.NewContextWithActor(context.Background(), demo.Actor), ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Store: st, Location: taipei, BaseURL: "http://example.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st, clock
}

// importFile imports the demo plan changed by edit, as the import of a file.
func importFile(t *testing.T, st *store.Store, name string, edit func(ds *model.Dataset)) {
	t.Helper()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	edit(ds)
	ctx := model.NewContextWithActor(context.Background(), model.Actor{Door: model.DoorImport, Label: name})
	if _, err := st.ImportDataset(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
}

func demoCommitment(t *testing.T, ds *model.Dataset, code string) *model.CommitmentRecord {
	t.Helper()
	for i := range ds.Plans[0].Commitments {
		if c := &ds.Plans[0].Commitments[i]; c.Code == code {
			return c
		}
	}
	t.Fatalf("no commitment %s", code)
	return nil
}

func TestEachMilestoneShowsItsEvidenceLinksOrNothing(t *testing.T) {
	srv := newServer(t, day)
	home := mustGet(t, srv, "/")
	youth := linkBefore(t, home, "/commitments/", "青年政策參與")
	body := mustGet(t, srv, youth)
	rows := strings.Split(section(t, body, `<table class="milestones">`, "</table>"), "<tr")
	// The header row, then milestones 1 to 12: only milestone 2 has evidence.
	for i, row := range rows[2:] {
		if has := strings.Contains(row, `class="evidence"`); has != (i == 1) {
			t.Errorf("milestone %d: evidence shown %v", i+1, has)
		}
	}
	wantIn(t, "2-2, milestone 2", rows[3], `佐證資料`,
		`<a href="https://www.youthhub.tw/Content/Uploads/File/3920eaaf-5902-46f4-a68e-adab42856307.pdf" rel="external">110年Talk討論主題「心理健康」建議討論面向盤點說明</a>`,
		`部會提供之政策計畫參考資料</a>`)

	body = mustGet(t, srv, youth+"?lang=en")
	wantIn(t, "English 2-2", body, `Evidence</span>`,
		`<span lang="zh-TW">110年Talk討論主題「心理健康」建議討論面向盤點說明</span></a>`)

	// A commitment whose milestones have no evidence shows none.
	body = mustGet(t, srv, linkBefore(t, home, "/commitments/", "全國性公民投票案電子連署"))
	wantNotIn(t, "2-1", body, `class="evidence"`)
}

func TestCommitmentPageShowsItsRecordOfChangesNewestFirst(t *testing.T) {
	srv, st, clock := trackerWithClock(t)
	link := linkBefore(t, mustGet(t, srv, "/"), "/commitments/", "全國性公民投票案電子連署")
	longer := strings.Repeat("公投電子連署系統上線前開放民眾測試，蒐集意見以增修系統功能。", 4)

	clock.Set(time.Date(2022, 1, 15, 14, 30, 0, 0, taipei))
	importFile(t, st, "taiwan-nap1-update.json", func(ds *model.Dataset) {
		c := demoCommitment(t, ds, "2-1")
		c.Title = model.T("zh-TW", c.Title["zh-TW"], "en", "Electronic co-signing of national referendums")
		c.Description = model.T("zh-TW", longer)
		m := &c.Milestones[3]
		m.Status, m.CompletedOn = model.MilestoneCompleted, model.MustDate("2021-12-28")
		m.Evidence = model.Links{{Title: model.T("zh-TW", "中選會新聞稿", "en", "CEC press release"), URL: "https://example.org/cec-release"}}
	})

	recent, _, err := st.FindChanges(context.Background(), store.ChangeFilter{Limit: 1})
	if err != nil || recent[0].Entity != model.EntityCommitment {
		t.Fatalf("the newest change: %+v, %v", recent, err)
	}
	changeURL := fmt.Sprintf("/changes/%d", recent[0].ID)

	body := mustGet(t, srv, link)
	history := section(t, body, `<h2 id="history">`, "</main>")
	wantIn(t, "2-1's record of changes", history, `<a href="`+changeURL+`">更新承諾事項</a>`,
		"異動紀錄", "共 8 筆異動，由新到舊。",
		`<time datetime="2022-01-15T06:30:00Z">2022年1月15日 14:30</time> · 匯入自「taiwan-nap1-update.json」`,
		`<time datetime="2021-12-20T01:00:00Z">2021年12月20日 09:00</time> · 隨示範計畫載入`,
		"更新承諾事項", `<span class="history-label">標題（英文）</span> <span class="unknown">（無）</span> <span aria-hidden="true">→</span><span class="visually-hidden">改為</span> <span lang="en">Electronic co-signing of national referendums</span>`,
		`<span class="history-label">內容</span> <span class="unknown">（無）</span>`,
		`<span>`+string([]rune(longer)[:80])+`…</span> <a class="more" href="`+changeURL+`#f-description-zh-TW">全文</a>`,
		"更新里程碑 4", `<span class="history-label">回報狀態</span> <span>尚未開始</span>`, `<span>已完成</span>`,
		`<span class="history-label">完成日期</span> <span class="unknown">（無）</span>`, `<span>2021年12月28日</span>`,
		`<span class="history-label">佐證資料</span> <span class="unknown">（無）</span>`, `<span>中選會新聞稿 &lt;https://example.org/cec-release&gt;</span>`,
		"建立承諾事項", "新增里程碑 5", "全國性公民投票案電子連署系統上線")
	// Newest first: the update above the demo plan's creation.
	if strings.Index(history, "taiwan-nap1-update.json") > strings.Index(history, "隨示範計畫載入") {
		t.Error("the older change is listed first")
	}
	// Only what changed: the title's Chinese and the other milestones are not in the update.
	update := section(t, history, "taiwan-nap1-update.json", "隨示範計畫載入")
	wantNotIn(t, "the update", update, "標題（中文）", "更新里程碑 1", "到期")
	// The milestone row shows its new evidence.
	wantIn(t, "2-1's milestones", section(t, body, `<table class="milestones">`, "</table>"),
		`<a href="https://example.org/cec-release" rel="external">中選會新聞稿</a>`)

	body = mustGet(t, srv, link+"?lang=en")
	history = section(t, body, `<h2 id="history">`, "</main>")
	wantIn(t, "2-1's record of changes in English", history,
		"Record of changes", "8 changes, newest first.",
		`15 Jan 2022 14:30</time> · Imported from “taiwan-nap1-update.json”`, `20 Dec 2021 09:00</time> · Loaded with the demo plan`,
		"Commitment updated", `<span class="history-label">Title (English)</span> <span class="unknown">(none)</span>`,
		`<span class="visually-hidden">changed to</span> <span>Electronic co-signing of national referendums</span>`,
		`<span class="history-label">Description (Chinese)</span> <span class="unknown">(none)</span>`,
		`<span lang="zh-TW">`+string([]rune(longer)[:80])+`…</span> <a class="more" href="`+changeURL+`#f-description-zh-TW">full text</a>`,
		"Milestone 4 updated", `<span class="history-label">Reported status</span> <span>Not started</span>`, `<span>Completed</span>`,
		`<span class="history-label">Completed on</span> <span class="unknown">(none)</span>`, `<span>28 Dec 2021</span>`,
		`<span>CEC press release &lt;https://example.org/cec-release&gt;</span>`,
		"Commitment created", "Milestone 5 added")
}

func TestTheRecordOfChangesShowsTheMostRecentWithTheirCount(t *testing.T) {
	srv, st, clock := trackerWithClock(t)
	link := linkBefore(t, mustGet(t, srv, "/"), "/commitments/", "青年政策參與")
	// 2-2 and its 12 milestones were created: 13 changes; each edit updates the 12 milestones.
	for i := 1; i <= 4; i++ {
		clock.Advance(24 * time.Hour)
		importFile(t, st, fmt.Sprintf("weights-%d.json", i), func(ds *model.Dataset) {
			for j := range demoCommitment(t, ds, "2-2").Milestones {
				demoCommitment(t, ds, "2-2").Milestones[j].Weight = float64(i + 1)
			}
		})
	}
	body := mustGet(t, srv, link)
	history := section(t, body, `<h2 id="history">`, "</main>")
	wantIn(t, "2-2's record", history, "顯示最近 20 筆，共 61 筆異動，由新到舊。", "匯入自「weights-4.json」",
		`<span class="history-label">權重</span> <span>4</span> <span aria-hidden="true">→</span><span class="visually-hidden">改為</span> <span>5</span>`)
	if n := strings.Count(history, "更新里程碑"); n != 20 {
		t.Errorf("%d changes listed, want the 20 most recent", n)
	}
	wantNotIn(t, "2-2's record", history, "weights-2.json", "隨示範計畫載入")
	_, body = get(t, srv, link+"?lang=en")
	wantIn(t, "2-2's record in English", body, "Showing the 20 most recent of 61 changes, newest first.")
}

// The record costs the commitment page one query, however long it is.
func TestCommitmentPageQueriesDoNotGrowWithTheRecordOfChanges(t *testing.T) {
	srv, st, clock := trackerWithClock(t)
	link := linkBefore(t, mustGet(t, srv, "/"), "/commitments/", "青年政策參與")
	var queries atomic.Int64
	if err := st.OnQuery(func() { queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	count := func() int64 {
		queries.Store(0)
		mustGet(t, srv, link)
		return queries.Load()
	}
	few := count()
	for i := 1; i <= 3; i++ {
		clock.Advance(time.Hour)
		importFile(t, st, fmt.Sprintf("edit-%d.json", i), func(ds *model.Dataset) {
			for j := range demoCommitment(t, ds, "2-2").Milestones {
				m := &demoCommitment(t, ds, "2-2").Milestones[j]
				m.Weight = float64(i + 1)
				m.Evidence = model.Links{{URL: fmt.Sprintf("https://example.org/%d/%d", i, j)}}
			}
		})
	}
	if many := count(); few == 0 || many != few {
		t.Errorf("commitment page: %d queries with 13 changes, %d with 49", few, many)
	}
}

func TestAChangeHasItsOwnPageWithEveryValueWhole(t *testing.T) {
	srv, st, clock := trackerWithClock(t)
	link := linkBefore(t, mustGet(t, srv, "/"), "/commitments/", "全國性公民投票案電子連署")
	longer := strings.Repeat("公投電子連署系統上線前開放民眾測試，蒐集意見以增修系統功能。", 4)
	clock.Advance(time.Hour)
	importFile(t, st, "taiwan-nap1-update.json", func(ds *model.Dataset) {
		c := demoCommitment(t, ds, "2-1")
		c.Description = model.T("zh-TW", longer)
		c.SupportingAgencies = append(c.SupportingAgencies, "MOI")
		ds.Contacts[0].Email = "someone.else@example.org"
	})
	recent, _, err := st.FindChanges(context.Background(), store.ChangeFilter{})
	if err != nil || len(recent) < 2 || recent[0].Entity != model.EntityCommitment || recent[1].Entity != model.EntityContact {
		t.Fatalf("the newest changes: %+v, %v; want 2-1's, then a contact's", recent[:2], err)
	}
	page := mustGet(t, srv, fmt.Sprintf("/changes/%d", recent[0].ID))
	wantIn(t, "the change's page", page, "<h1>更新承諾事項</h1>", "匯入自「taiwan-nap1-update.json」",
		`<a href="`+link+`"><span class="code">2-1</span> 全國性公民投票案電子連署</a> › <a href="`+link+`#history">異動紀錄</a>`,
		`<caption>各欄位異動前後的值</caption>`,
		`<th scope="col">欄位</th><th scope="col">異動前</th><th scope="col">異動後</th>`,
		`<tr id="f-description-zh-TW">`, `<span>`+longer+`</span>`,
		`<tr id="f-supporting_agencies">`, `<span>行政院資通安全處</span>`, `<span>行政院資通安全處、內政部</span>`)
	wantNotIn(t, "the change's page", page, "全文", "…")

	// A creation lists every value it set.
	demoCreation := recent[len(recent)-1]
	page = mustGet(t, srv, fmt.Sprintf("/changes/%d?lang=en", demoCreation.ID))
	wantIn(t, "a creation's page", page, "Loaded with the demo plan", "Each field&#39;s value when created",
		`<th scope="col">Field</th><th scope="col">Value</th>`)
	wantNotIn(t, "a creation's page", page, `<th scope="col">Before</th>`)

	// A contact's email is not public: the record says it changed, not what it is.
	page = mustGet(t, srv, fmt.Sprintf("/changes/%d", recent[1].ID))
	wantIn(t, "a contact's change", page, "更新聯絡人", `<th scope="row">電子郵件</th>`, "<span>不公開</span>")
	wantNotIn(t, "a contact's change", page, "someone.else@example.org", "@example.org", `class="crumbs"`)

	for path, status := range map[string]int{"/changes/999999": 404, "/changes/abc": 404, "/changes/0": 404} {
		if res, body := get(t, srv, path); res.StatusCode != status || !strings.Contains(body, "<h1>") {
			t.Errorf("%s: status %d, want %d and a real page", path, res.StatusCode, status)
		}
	}
}

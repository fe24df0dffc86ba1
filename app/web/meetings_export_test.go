package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// The open-data file of meetings and the plan's feed read each kind of
// record once, however many meetings they list: one query per meeting made
// a plan's file of a hundred meetings cost seven hundred.
func TestTheMeetingsFileAndFeedQueriesDoNotGrowWithMeetings(t *testing.T) {
	srv, st, clock := trackerWithClock(t)
	ctx := context.Background()
	plan, err := st.FindPlanOrHome(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	day := 3 // of January 2022: a meeting a week
	add := func(n int) {
		for range n {
			held := model.MustDate(fmt.Sprintf("2022-01-%02d", day))
			m := &model.Meeting{PlanID: &plan.ID, HeldOn: held, Kind: model.MeetingTaskForce, Title: "會議 " + held.String(),
				Agenda:    []model.AgendaItem{{Position: 1, Title: "進度報告"}},
				Attendees: []model.Attendee{{Position: 1, Side: model.SideGovernment, Name: "林聯絡"}, {Position: 2, Side: model.SideCivilSociety, Name: "陳委員"}},
				Documents: []model.MeetingDocument{{Position: 1, Title: "議程", URL: "https://example.org/agenda"}}}
			if err := st.SaveMeeting(ctx, m, 0); err != nil {
				t.Fatal(err)
			}
			now := clock.Now()
			tr := &model.Transcript{MeetingID: m.ID, UploadedAt: now, ClosesAt: now.Add(time.Hour), Speeches: []model.Speech{{Position: 1, Speaker: "主席", Text: "開會。"}}}
			if err := st.CreateTranscript(ctx, tr); err != nil {
				t.Fatal(err)
			}
			day += 7
		}
		if _, err := st.PublishDueTranscripts(ctx, clock.Now().Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	var queries atomic.Int64
	if err := st.OnQuery(func() { queries.Add(1) }); err != nil {
		t.Fatal(err)
	}
	path, feedPath := fmt.Sprintf("/export/meetings.csv?plan=%d", plan.ID), fmt.Sprintf("/feed.atom?plan=%d", plan.ID)
	read := func() (int64, [][]string, int64, string) {
		queries.Store(0)
		body := mustGet(t, srv, path)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		file := queries.Load()
		queries.Store(0)
		feed := mustGet(t, srv, feedPath)
		return file, rows, queries.Load(), feed
	}
	add(1)
	few, rows, fewFeed, _ := read()
	before := len(rows)
	add(4)
	many, rows, manyFeed, feed := read()
	if few == 0 || many != few {
		t.Errorf("meetings.csv: %d queries with %d meetings, %d with %d", few, before-1, many, len(rows)-1)
	}
	if fewFeed == 0 || manyFeed != fewFeed {
		t.Errorf("the plan's feed: %d queries with %d meetings, %d with %d", fewFeed, before-1, manyFeed, len(rows)-1)
	}
	if n := strings.Count(feed, "/transcript</id>"); n != len(rows)-1 {
		t.Errorf("the plan's feed tells %d published transcripts, want %d", n, len(rows)-1)
	}
	if len(rows) != before+4 {
		t.Fatalf("meetings.csv: %d rows, want %d", len(rows), before+4)
	}
	last := rows[len(rows)-1] // oldest first: the last added
	if last[2] != "2022-01-31" || last[8] != "進度報告" || last[9] != "1" || last[10] != "1" ||
		last[11] != "議程 | https://example.org/agenda" || !strings.HasSuffix(last[13], "/transcript") || last[12] == "" {
		t.Errorf("meetings.csv, the last meeting: %q", last)
	}
}

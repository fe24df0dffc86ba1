package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/remind"
)

var speechEdit = regexp.MustCompile(`href="/speeches/(\d+)/edit"`)

func TestATranscriptOpensTenWorkingDaysForItsSpeakersThenIsPublishedOnce(t *testing.T) {
	site := newEditSite(t)
	ctx := context.Background()
	plan, err := site.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	// Friday 7 October 2022, the day before the National Day weekend.
	site.clock.Set(time.Date(2022, 10, 7, 16, 30, 0, 0, taipei))
	admin := site.as(adminEmailM)

	// The secretariat enters the year's holidays from DGPA's calendar.
	dgpa := "西元日期,星期,是否放假,備註\n20221007,五,0,\n20221008,六,2,\n20221009,日,2,\n20221010,一,2,國慶日\n20221011,二,0,\n"
	if res, page := admin.send("/admin/holidays", url.Values{"csv": {"not a calendar"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "not a calendar") {
		t.Fatalf("a bad CSV: %d", res.StatusCode)
	}
	if res, _ := admin.send("/admin/holidays", url.Values{"csv": {dgpa}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("holidays: %d", res.StatusCode)
	}
	if hs, _ := site.st.FindHolidays(ctx, 2022); len(hs) != 3 || hs[2].Name != "國慶日" {
		t.Fatalf("holidays entered: %+v", hs)
	}

	meeting := createMeeting(t, admin, meetingForm(plan.ID, "2022-10-06", "第五次會議"))
	path := fmt.Sprintf("/meetings/%d/transcript", meeting)
	transcript := "主席：各位好，今天討論選舉資訊公開。\n\n林聯絡：中選會已完成投開票所清冊，下月上線，網址稍後補上。\n\n陳委員：建議同時公開無障礙設施。\n"
	// Speakers are matched to accounts: 林聯絡 by name, the member as the secretariat says.
	res, page := admin.send(fmt.Sprintf("/admin/meetings/%d/transcript", meeting), url.Values{"transcript": {transcript}, "speakers": {"陳委員 = nobody@example.org"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "nobody@example.org") {
		t.Fatalf("an unknown account: %d", res.StatusCode)
	}
	if _, err := site.st.FindTranscriptByMeeting(ctx, meeting); err == nil {
		t.Fatal("a refused upload stored a transcript")
	}
	res, _ = admin.send(fmt.Sprintf("/admin/meetings/%d/transcript", meeting), url.Values{"transcript": {transcript}, "speakers": {"陳委員 = " + memberEmail}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
		t.Fatalf("upload: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	tr, err := site.st.FindTranscriptByMeeting(ctx, meeting)
	if err != nil || len(tr.Speeches) != 3 || tr.Speeches[1].UserID == nil || tr.Speeches[2].UserID == nil || tr.Speeches[0].UserID != nil {
		t.Fatalf("transcript: %v %+v", err, tr)
	}
	// Ten working days: 11–14, 17–21 and 24 October (the 10th a holiday).
	if want := time.Date(2022, 10, 25, 0, 0, 0, 0, taipei); !tr.ClosesAt.Equal(want) {
		t.Fatalf("the window closes %s, want %s", tr.ClosesAt.In(taipei), want)
	}

	// Before publication the draft is its participants' only.
	anon := site.as("")
	if res, _ := anon.do("GET", path, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the public read the draft: %d", res.StatusCode)
	}
	if res, _ := site.as("liaison@moe.example.org").do("GET", path, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a non-participant read the draft: %d", res.StatusCode)
	}
	if _, page := anon.do("GET", fmt.Sprintf("/meetings/%d", meeting), nil); strings.Contains(page, "投開票所清冊") {
		t.Errorf("the meeting page shows the draft to the public")
	}
	liaison := site.as(cecLiaison)
	res, page = liaison.do("GET", path, nil)
	m := speechEdit.FindAllStringSubmatch(page, -1)
	if res.StatusCode != http.StatusOK || len(m) != 1 || !strings.Contains(page, "草稿") {
		t.Fatalf("the speaker's draft: %d, %d edit links\n%.3000s", res.StatusCode, len(m), page)
	}
	speech := m[0][1]
	// A speaker edits only their own speech.
	member := site.as(memberEmail)
	if res, _ := member.send("/speeches/"+speech, url.Values{"text": {"改別人的話"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the member edited the liaison's speech: %d", res.StatusCode)
	}
	if res, _ := liaison.send("/speeches/"+speech, url.Values{"text": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an empty speech: %d", res.StatusCode)
	}
	edited := "中選會已完成投開票所清冊，11 月 15 日上線：<https://www.cec.gov.tw/stations>。"
	site.clock.Set(time.Date(2022, 10, 24, 23, 59, 0, 0, taipei)) // the last minute of the window
	liaison = site.as(cecLiaison)
	if res, _ := liaison.send("/speeches/"+speech, url.Values{"text": {edited}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the speaker's edit in the window: %d", res.StatusCode)
	}

	// The scheduled job publishes nothing while the window is open, then the transcript, once.
	rem, err := remind.New(remind.Options{Store: site.st, Location: taipei, BaseURL: "https://ogp.example.org",
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	if published, err := rem.PublishTranscripts(ctx); err != nil || len(published) != 0 {
		t.Fatalf("published in the window: %v %v", published, err)
	}
	site.clock.Set(time.Date(2022, 10, 25, 0, 0, 0, 0, taipei))
	liaison = site.as(cecLiaison)
	if res, _ := liaison.send("/speeches/"+speech, url.Values{"text": {"太晚的修改"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an edit after the window: %d, want 403", res.StatusCode)
	}
	if published, err := rem.PublishTranscripts(ctx); err != nil || len(published) != 1 || published[0] != meeting {
		t.Fatalf("publish: %v %v", published, err)
	}
	first, _ := site.st.FindTranscriptByMeeting(ctx, meeting)
	site.clock.Set(time.Date(2022, 10, 25, 0, 10, 0, 0, taipei))
	if published, err := rem.PublishTranscripts(ctx); err != nil || len(published) != 0 {
		t.Fatalf("published twice: %v %v", published, err)
	}
	final, _ := site.st.FindTranscriptByMeeting(ctx, meeting)
	if !final.Published() || !final.PublishedAt.Equal(*first.PublishedAt) || final.Speeches[1].Text != edited {
		t.Fatalf("final: %+v", final)
	}
	// Nor after publication: nothing changes.
	if res, _ := liaison.send("/speeches/"+speech, url.Values{"text": {"太晚的修改"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an edit after publication: %d", res.StatusCode)
	}
	if now, _ := site.st.FindTranscriptByMeeting(ctx, meeting); now.Speeches[1].Text != edited {
		t.Errorf("a refused edit changed the speech: %q", now.Speeches[1].Text)
	}

	// Public and final: the edited text, marked, each speech addressable.
	res, page = anon.do("GET", path, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("published transcript: %d", res.StatusCode)
	}
	for _, want := range []string{`id="speech-1"`, `id="speech-2"`, `href="#speech-3"`, "11 月 15 日上線", `href="https://www.cec.gov.tw/stations"`,
		"發言者本人於", "有 1 段發言於公開前經發言者本人修正"} {
		if !strings.Contains(page, want) {
			t.Errorf("the published transcript lacks %q", want)
		}
	}
	if strings.Contains(page, "網址稍後補上") || strings.Count(page, "發言者本人於") != 1 || strings.Contains(page, "/speeches/") {
		t.Errorf("the published transcript shows the old text, marks unedited speeches, or offers edits")
	}
	if _, page := anon.do("GET", path+"?lang=en", nil); !strings.Contains(page, "Corrected by the speaker on") {
		t.Errorf("the English page does not mark the edited speech")
	}
	if _, page := anon.do("GET", fmt.Sprintf("/meetings/%d", meeting), nil); !strings.Contains(page, path) {
		t.Errorf("the meeting page does not link its transcript")
	}
}

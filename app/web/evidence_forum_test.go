package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// A commitment's evidence pack carries what the forum decided on it and
// what was said of it in the published transcripts of its plan's meetings:
// a speech naming its code, not one naming another commitment whose code
// holds it, nor a draft's.
func TestTheEvidencePackCarriesTheForumsFollowUpsAndSpeeches(t *testing.T) {
	site := newReportSite(t)
	ctx := context.Background()
	c, err := site.st.FindCommitmentByID(ctx, site.commitmentID)
	if err != nil || c.Code != "2-1" {
		t.Fatalf("commitment 2-1: %v %+v", err, c)
	}
	path := fmt.Sprintf("/commitments/%d/evidence", c.ID)
	_, before := get(t, site.srv, path)
	if !strings.Contains(before, "論壇未就本承諾事項決議追蹤事項") || !strings.Contains(before, "沒有提及本承諾事項的發言") {
		t.Errorf("the pack of a commitment the forum never spoke of does not say so:\n%.3000s", before)
	}

	meeting := apiMeetingWithTranscript(t, site.st, c.ID, *c.LeadAgencyID)
	now := site.st.Now()
	draftOf := &model.Meeting{PlanID: &c.PlanID, HeldOn: model.MustDate("2021-12-20"), Kind: model.MeetingTaskForce, Title: "草稿會議"}
	if err := site.st.SaveMeeting(ctx, draftOf, 0); err != nil {
		t.Fatal(err)
	}
	spoken := &model.Meeting{PlanID: &c.PlanID, HeldOn: model.MustDate("2021-12-01"), Kind: model.MeetingTaskForce, Title: "第二次會議"}
	if err := site.st.SaveMeeting(ctx, spoken, 0); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []*model.Transcript{
		{MeetingID: spoken.ID, UploadedAt: now, ClosesAt: now.Add(time.Hour), Speeches: []model.Speech{
			{Position: 1, Speaker: "主席", Text: "先談 12-1 的進度。"},
			{Position: 2, Speaker: "林聯絡", Text: "承諾事項2-1：投開票所清冊已完成。"},
			{Position: 3, Speaker: "陳委員", Text: "2-10 另案處理。"},
		}},
		{MeetingID: draftOf.ID, UploadedAt: now, ClosesAt: now.Add(30 * 24 * time.Hour), Speeches: []model.Speech{
			{Position: 1, Speaker: "主席", Text: "2-1 草稿中的發言。"},
		}},
	} {
		if err := site.st.CreateTranscript(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := site.st.PublishDueTranscripts(ctx, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	_, page := get(t, site.srv, path)
	for _, want := range []string{
		"公開清單", "/followups/", // the item decided on it, and closed
		fmt.Sprintf(`/meetings/%d/transcript#speech-2`, spoken.ID), "投開票所清冊已完成",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the evidence pack lacks %q", want)
		}
	}
	for _, not := range []string{"12-1 的進度", "2-10 另案", "草稿中的發言", fmt.Sprintf(`/meetings/%d/transcript#speech-1"`, meeting)} {
		if strings.Contains(page, not) {
			t.Errorf("the evidence pack shows %q, which does not speak of 2-1 or is not public", not)
		}
	}

	// The pack as open data carries the same follow-up and speech, and the
	// public's questions with their threads, a hidden one without its text.
	for _, text := range []string{"何時公開清冊？", "與本案無關的廣告"} {
		q := &model.Question{CommitmentID: &c.ID, Kind: model.AskQuestion, Text: text, Lang: "zh-TW", Channel: model.ChannelOnline}
		if err := site.st.AskQuestion(ctx, q, "", "", nil); err != nil {
			t.Fatal(err)
		}
		if text == "與本案無關的廣告" {
			if err := site.st.HideQuestion(ctx, q.ID, model.HideOffTopic, nil, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	var pack struct {
		Questions []struct {
			Text   *string `json:"text"`
			Status string  `json:"status"`
		} `json:"questions"`
		FollowUps []struct {
			What    string `json:"what"`
			Status  string `json:"status"`
			Closing string `json:"closing"`
		} `json:"follow_ups"`
		Speeches []struct {
			MeetingID uint   `json:"meeting_id"`
			Position  int    `json:"position"`
			Text      string `json:"text"`
			HTML      string `json:"html"`
		} `json:"speeches"`
	}
	if res, body := getRaw(t, site.srv, fmt.Sprintf("/api/v1/commitments/%d/evidence", c.ID)); res.StatusCode != 200 || json.Unmarshal(body, &pack) != nil {
		t.Fatalf("the pack as JSON: %d\n%.500s", res.StatusCode, body)
	}
	if len(pack.FollowUps) != 1 || pack.FollowUps[0].What != "公開清單" || pack.FollowUps[0].Status != "closed" || pack.FollowUps[0].Closing != "解除列管" {
		t.Errorf("the JSON pack's follow-ups: %+v", pack.FollowUps)
	}
	if len(pack.Questions) != 2 || pack.Questions[0].Text == nil || *pack.Questions[0].Text != "何時公開清冊？" ||
		pack.Questions[1].Status != "hidden" || pack.Questions[1].Text != nil {
		t.Errorf("the JSON pack's questions, in the order asked, the hidden one without its text: %+v", pack.Questions)
	}
	if len(pack.Speeches) != 1 || pack.Speeches[0].MeetingID != spoken.ID || pack.Speeches[0].Position != 2 ||
		!strings.Contains(pack.Speeches[0].Text, "投開票所清冊已完成") || !strings.HasSuffix(pack.Speeches[0].HTML, fmt.Sprintf("/meetings/%d/transcript#speech-2", spoken.ID)) {
		t.Errorf("the JSON pack's speeches, only the published one naming 2-1: %+v", pack.Speeches)
	}

	// The commitment's feed tells the item's decision, its note and its closing.
	res, feed := getRaw(t, site.srv, fmt.Sprintf("/feed.atom?commitment=%d", c.ID), "Accept-Language", "en")
	if res.StatusCode != 200 {
		t.Fatalf("feed: %d", res.StatusCode)
	}
	for _, want := range []string{"Follow-up item · Decided: 公開清單", "Follow-up item · Progress note: 公開清單", "Follow-up item · Closed by the forum: 公開清單", "解除列管", "/followups/"} {
		if !strings.Contains(string(feed), want) {
			t.Errorf("the commitment's feed lacks %q", want)
		}
	}

	// The open-data file of follow-up items has it, with both meetings and its note.
	res, file := getRaw(t, site.srv, fmt.Sprintf("/export/followups.csv?plan=%d", c.PlanID))
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("followups.csv: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("followups.csv: %v, %d rows\n%s", err, len(rows), file)
	}
	got := map[string]string{}
	for i, col := range rows[0] {
		got[col] = rows[1][i]
	}
	if got["what"] != "公開清單" || got["status"] != "closed" || got["decided_on"] != "2021-11-15" || got["closed_on"] != "2021-12-10" ||
		got["closing"] != "解除列管" || !strings.HasSuffix(got["notes"], " 進行中") || got["commitment"] != c.Ref {
		t.Errorf("followups.csv: %v", got)
	}
	if res, _ := getRaw(t, site.srv, "/export/followups.csv?plan=x"); res.StatusCode != 400 {
		t.Errorf("followups.csv?plan=x: %d, want 400", res.StatusCode)
	}

	// The plan's feed tells its meetings and their published transcripts.
	_, planFeed := getRaw(t, site.srv, fmt.Sprintf("/feed.atom?plan=%d", c.PlanID), "Accept-Language", "en")
	for _, want := range []string{"Task force meeting · ", "第二次會議", fmt.Sprintf("/meetings/%d/transcript", spoken.ID), "Transcript · "} {
		if !strings.Contains(string(planFeed), want) {
			t.Errorf("the plan's feed lacks %q", want)
		}
	}
	if strings.Contains(string(planFeed), fmt.Sprintf("/meetings/%d/transcript<", draftOf.ID)) || strings.Contains(string(planFeed), fmt.Sprintf(`/meetings/%d/transcript"`, draftOf.ID)) {
		t.Error("the plan's feed links a transcript still in its edit window")
	}

	// The open-data file of meetings: the plan's three, oldest first, the
	// published transcript's address only.
	res, file = getRaw(t, site.srv, fmt.Sprintf("/export/meetings.csv?plan=%d", c.PlanID))
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file), "\ufeff"))).ReadAll()
	if res.StatusCode != 200 || err != nil || len(rows) != 5 {
		t.Fatalf("meetings.csv: %d %v, %d rows\n%s", res.StatusCode, err, len(rows), file)
	}
	published := map[string]string{}
	for _, r := range rows[1:] {
		published[r[5]] = r[13]
	}
	if !strings.HasSuffix(published["第二次會議"], fmt.Sprintf("/meetings/%d/transcript", spoken.ID)) || published["草稿會議"] != "" {
		t.Errorf("meetings.csv transcripts: %v", published)
	}
	if rows[1][2] != "2021-11-15" || rows[1][9] != "0" || rows[1][10] != "1" || !strings.HasPrefix(rows[1][8], "2-1 ") {
		t.Errorf("meetings.csv, the first meeting: %v", rows[1])
	}
}

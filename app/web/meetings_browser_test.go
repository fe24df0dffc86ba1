package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// TestMeetingPagesInABrowser runs the browser checks (axe wide and at 320
// px, the document's language, no sideways scrolling) over the meeting,
// transcript and follow-up pages, public and as their users see them.
func TestMeetingPagesInABrowser(t *testing.T) {
	browser(t)
	site := newEditSite(t)
	ctx := context.Background()
	plan, err := site.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	cec, _ := site.st.FindAgencyByCode(ctx, "CEC")
	liaison, _ := site.st.FindUserByEmail(ctx, cecLiaison)
	admin, _ := site.st.FindUserByEmail(ctx, adminEmailM)
	var meetings []uint
	for _, day := range []string{"2021-11-15", "2021-12-10", "2022-01-20"} {
		m := &model.Meeting{PlanID: &plan.ID, HeldOn: model.MustDate(day), StartsAt: "14:00", Kind: model.MeetingTaskForce,
			Title: "開放政府專案小組 " + day, Place: "國家發展委員會 B1 會議室", Link: "https://meet.example.org/ogp",
			Agenda:    []model.AgendaItem{{Position: 1, Title: "2-1 選舉資訊公開", CommitmentID: &site.commitmentID}, {Position: 2, Title: "臨時動議"}},
			Attendees: append(model.ParseAttendees(model.SideGovernment, "林聯絡, 中央選舉委員會"), model.ParseAttendees(model.SideCivilSociety, "陳委員, 開放文化基金會")...),
			Documents: []model.MeetingDocument{{Position: 1, Title: "會議紀錄", URL: "https://example.org/minutes.pdf"}}}
		if err := site.st.SaveMeeting(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
		meetings = append(meetings, m.ID)
	}
	for _, what := range []string{"公開各選區投開票所無障礙設施清單", "檢討選舉公報開放格式"} {
		if err := site.st.CreateFollowUp(ctx, &model.FollowUp{MeetingID: meetings[0], What: what, AgencyID: cec.ID, CommitmentID: &site.commitmentID,
			DueOn: model.MustDate("2022-01-31")}); err != nil {
			t.Fatal(err)
		}
	}
	items, _ := site.st.FindFollowUps(ctx, store.FollowUpFilter{})
	if err := site.st.AddFollowUpNote(ctx, &model.FollowUpNote{FollowUpID: items[0].ID, Text: "已完成 80% 盤點。\n清單草稿徵詢意見中。", AuthorID: &liaison.ID}); err != nil {
		t.Fatal(err)
	}
	if err := site.st.CloseFollowUps(ctx, meetings[1], []uint{items[0].ID}, "清單已公開，解除列管。"); err != nil {
		t.Fatal(err)
	}
	now := site.st.Now()
	published := &model.Transcript{MeetingID: meetings[0], UploadedAt: now, ClosesAt: now.Add(time.Hour), Speeches: []model.Speech{
		{Position: 1, Speaker: "主席", Text: "各位好，開會。"}, {Position: 2, Speaker: "林聯絡", UserID: &liaison.ID, Text: "報告進度。"},
		{Position: 3, Speaker: "陳委員", Text: "建議公開**無障礙**設施，參見 <https://example.org/a11y>。"}}}
	draft := &model.Transcript{MeetingID: meetings[1], UploadedAt: now, ClosesAt: now.Add(14 * 24 * time.Hour), Speeches: []model.Speech{
		{Position: 1, Speaker: "主席", Text: "開會。"}, {Position: 2, Speaker: "林聯絡", UserID: &liaison.ID, Text: "中選會報告。"}}}
	for _, tr := range []*model.Transcript{published, draft} {
		if err := site.st.CreateTranscript(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := site.st.EditSpeech(ctx, published.Speeches[1].ID, liaison.ID, "報告進度，清冊見 <https://www.cec.gov.tw/>。"); err != nil {
		t.Fatal(err)
	}
	if _, err := site.st.PublishDueTranscripts(ctx, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := site.st.AddHolidays(ctx, []model.Holiday{{Day: model.MustDate("2021-12-31"), Name: "元旦補假"}}); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name string
		who  *model.User
		path string
	}{
		{"meetings", nil, "/meetings"},
		{"meeting", nil, fmt.Sprintf("/meetings/%d", meetings[1])},
		{"transcript", nil, fmt.Sprintf("/meetings/%d/transcript", meetings[0])},
		{"follow-up", nil, fmt.Sprintf("/followups/%d", items[0].ID)},
		{"follow-up as its owner", liaison, fmt.Sprintf("/followups/%d", items[1].ID)},
		{"draft transcript", liaison, fmt.Sprintf("/meetings/%d/transcript", meetings[1])},
		{"speech edit", liaison, fmt.Sprintf("/speeches/%d/edit", draft.Speeches[1].ID)},
		{"my work", liaison, "/me"},
		{"commitment", nil, fmt.Sprintf("/commitments/%d", site.commitmentID)},
		{"meeting form", admin, fmt.Sprintf("/admin/meetings/%d/edit", meetings[2])},
		{"new meeting", admin, "/admin/meetings/new"},
		{"meetings admin", admin, "/admin/meetings"},
		{"holidays", admin, "/admin/holidays?year=2021"},
	}
	for _, pg := range pages {
		var token string
		if pg.who != nil {
			if token, _, err = site.st.CreateSession(ctx, pg.who.ID); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()               // the pages only read
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			if token != "" {
				tb.signInWith(token)
			}
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					tb.checkPage(withLang(pg.path, lang), lang)
				})
			}
		})
	}
}

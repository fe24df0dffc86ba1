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
	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/remind"
	"github.com/ogptracker/ogptracker/app/store"
)

const (
	adminEmailM = "admin@secretariat.example.org"
	cecLiaison  = "liaison@cec.example.org" // 林聯絡, of the Central Election Commission, which leads 2-1
	memberEmail = "member@committee.example.org"
)

var editLocation = regexp.MustCompile(`^/admin/meetings/(\d+)/edit`)

// createMeeting sends the meeting form as the secretariat and returns the
// new meeting's id.
func createMeeting(t *testing.T, admin *visitor, form url.Values) uint {
	t.Helper()
	res, page := admin.send("/admin/meetings/new", form)
	m := editLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create meeting: %d %q\n%.3000s", res.StatusCode, res.Header.Get("Location"), page)
	}
	var id uint
	fmt.Sscan(m[1], &id)
	return id
}

func meetingForm(planID uint, heldOn, title string) url.Values {
	return url.Values{"plan": {fmt.Sprint(planID)}, "held_on": {heldOn}, "starts_at": {"14:00"}, "kind": {"task_force"},
		"title": {title}, "place": {"行政院第一會議室"}, "link": {"https://meet.example.org/ogp"},
		"agenda":                  {"2-1 選舉資訊公開進度\n臨時動議"},
		"attendees.government":    {"林聯絡, 中央選舉委員會\n王主任，國家發展委員會"},
		"attendees.civil_society": {"陳委員、開放文化基金會"},
		"documents":               {"會議紀錄 | https://example.org/minutes.pdf"}}
}

func TestAFollowUpItemIsTrackedRemindedAndClosedByALaterMeeting(t *testing.T) {
	site := newEditSite(t)
	ctx := context.Background()
	plan, err := site.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	cec, err := site.st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	admin := site.as(adminEmailM)

	// A form with a bad date is refused, keeps what was typed, and records nothing.
	bad := meetingForm(plan.ID, "next Tuesday", "第一次會議")
	res, page := admin.send("/admin/meetings/new", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="next Tuesday"`) || !strings.Contains(page, "行政院第一會議室") {
		t.Fatalf("bad date: %d\n%.3000s", res.StatusCode, page)
	}
	if ms, _ := site.st.FindMeetings(ctx, 0); len(ms) != 0 {
		t.Fatalf("a refused form recorded %d meetings", len(ms))
	}

	// The first meeting, held on 10 December, decides an item for the CEC.
	first := createMeeting(t, admin, meetingForm(plan.ID, "2021-12-10", "第一次會議"))
	m1, err := site.st.FindMeetingByID(ctx, first)
	if err != nil || len(m1.Agenda) != 2 || m1.Agenda[0].CommitmentID == nil || *m1.Agenda[0].CommitmentID != site.commitmentID ||
		len(m1.Side(model.SideGovernment)) != 2 || m1.Side(model.SideCivilSociety)[0].Organisation != "開放文化基金會" || len(m1.Documents) != 1 {
		t.Fatalf("meeting as stored: %v %+v", err, m1)
	}
	res, page = admin.send(fmt.Sprintf("/admin/meetings/%d/followups", first), url.Values{"what": {""}, "agency": {fmt.Sprint(cec.ID)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an item without words: %d", res.StatusCode)
	}
	res, _ = admin.send(fmt.Sprintf("/admin/meetings/%d/followups", first), url.Values{"what": {"公開各選區投開票所無障礙設施清單"},
		"agency": {fmt.Sprint(cec.ID)}, "commitment": {fmt.Sprint(site.commitmentID)}, "due_on": {"2022-01-31"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: %d", res.StatusCode)
	}
	items, _ := site.st.FindFollowUps(ctx, store.FollowUpFilter{DecidedAt: first})
	if len(items) != 1 || items[0].Status != model.FollowUpTracked {
		t.Fatalf("items decided: %+v", items)
	}
	item := items[0]

	// The next meeting, on 27 December, has it on its agenda by itself.
	second := createMeeting(t, admin, meetingForm(plan.ID, "2021-12-27", "第二次會議"))
	anon := site.as("")
	_, page = anon.do("GET", fmt.Sprintf("/meetings/%d", second), nil)
	if !strings.Contains(page, "公開各選區投開票所無障礙設施清單") || !strings.Contains(page, "持續列管") {
		t.Errorf("the second meeting does not carry the item over:\n%.4000s", page)
	}
	// The liaison finds it on their work queue.
	liaison := site.as(cecLiaison)
	if _, page := liaison.do("GET", "/me", nil); !strings.Contains(page, "公開各選區投開票所無障礙設施清單") {
		t.Errorf("My work does not list the open item:\n%.3000s", page)
	}

	// A week before the second meeting, its owner's liaison is asked to report, by real mail, once.
	smtp := mailtest.Start(t)
	mailer, err := mail.New(smtp.URL(), "tracker@ogp.example.org")
	if err != nil {
		t.Fatal(err)
	}
	rem, err := remind.New(remind.Options{Store: site.st, Mailer: mailer, Location: taipei, BaseURL: "https://ogp.example.org",
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	pass := func(at time.Time) []model.OutboxMessage {
		t.Helper()
		site.clock.Set(at)
		queued, err := rem.Pass(ctx, at, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rem.Send(ctx); err != nil {
			t.Fatal(err)
		}
		var out []model.OutboxMessage
		for _, m := range queued {
			if m.Rule == "followup-report-7d" {
				out = append(out, m)
			}
		}
		return out
	}
	if got := pass(time.Date(2021, 12, 19, 9, 0, 0, 0, taipei)); len(got) != 0 {
		t.Errorf("eight days before the meeting: %d follow-up reminders", len(got))
	}
	got := pass(time.Date(2021, 12, 20, 9, 0, 0, 0, taipei))
	if len(got) != 1 || got[0].To != cecLiaison {
		t.Fatalf("seven days before: %+v", got)
	}
	mails := smtp.To(cecLiaison)
	var reminder *mailtest.Message
	for i := range mails {
		if strings.Contains(mails[i].Header("Subject"), "列管事項") {
			reminder = &mails[i]
		}
	}
	if reminder == nil || !strings.Contains(reminder.Text(), "公開各選區投開票所無障礙設施清單") ||
		!strings.Contains(reminder.Text(), fmt.Sprintf("https://ogp.example.org/followups/%d", item.ID)) {
		t.Fatalf("the reminder by mail: %+v", mails)
	}
	if again := pass(time.Date(2021, 12, 21, 9, 0, 0, 0, taipei)); len(again) != 0 {
		t.Errorf("the next day's pass asked again: %+v", again)
	}

	// The liaison reports progress; another agency's liaison may not.
	if res, _ := site.as("liaison@moe.example.org").send(fmt.Sprintf("/followups/%d/notes", item.ID), url.Values{"text": {"不是我們的事項"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("another agency's note: %d, want 403", res.StatusCode)
	}
	if res, page := liaison.send(fmt.Sprintf("/followups/%d/notes", item.ID), url.Values{"text": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "請填寫") {
		t.Errorf("an empty note: %d", res.StatusCode)
	}
	if res, _ := liaison.send(fmt.Sprintf("/followups/%d/notes", item.ID), url.Values{"text": {"已完成 80% 投開票所盤點，清單草稿於官網徵詢意見。"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", res.StatusCode)
	}

	// The second meeting keeps it tracked; the third, on 10 January, closes it.
	site.clock.Set(time.Date(2022, 1, 10, 16, 0, 0, 0, taipei))
	admin, liaison = site.as(adminEmailM), site.as(cecLiaison) // their sessions lapsed meanwhile
	third := createMeeting(t, admin, meetingForm(plan.ID, "2022-01-10", "第三次會議"))
	// The meeting that decided it cannot close it: nothing changes.
	res, _ = admin.send(fmt.Sprintf("/admin/meetings/%d/close", first), url.Values{"close": {fmt.Sprint(item.ID)}, "decision": {"解除列管"}})
	if now, _ := site.st.FindFollowUpByID(ctx, item.ID); res.StatusCode != http.StatusUnprocessableEntity || !now.IsOpen() {
		t.Fatalf("closed by its own meeting: %d, open %v\n%s", res.StatusCode, now.IsOpen(), site.logs.String())
	}
	_, page = admin.do("GET", fmt.Sprintf("/admin/meetings/%d/edit", third), nil)
	if !strings.Contains(page, fmt.Sprintf(`name="close" value="%d"`, item.ID)) {
		t.Fatalf("the third meeting's page offers no closing of the item:\n%.5000s", page)
	}
	res, _ = admin.send(fmt.Sprintf("/admin/meetings/%d/close", third), url.Values{"close": {fmt.Sprint(item.ID)}, "decision": {"清單已公開，解除列管。"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", res.StatusCode)
	}
	closed, _ := site.st.FindFollowUpByID(ctx, item.ID)
	if closed.IsOpen() || closed.ClosedAtID == nil || *closed.ClosedAtID != third {
		t.Fatalf("closed: %+v", closed)
	}
	// Closed, it stays off a later agenda and the liaison's queue; the second meeting still showed it.
	if _, page := liaison.do("GET", "/me", nil); strings.Contains(page, "公開各選區投開票所無障礙設施清單") {
		t.Errorf("My work still lists the closed item")
	}
	fourth := createMeeting(t, admin, meetingForm(plan.ID, "2022-03-01", "第四次會議"))
	if carried, _ := site.st.FindCarriedFollowUps(ctx, mustMeeting(t, site.st, fourth)); len(carried) != 0 {
		t.Errorf("a closed item came back: %+v", carried)
	}
	if carried, _ := site.st.FindCarriedFollowUps(ctx, mustMeeting(t, site.st, second)); len(carried) != 1 {
		t.Errorf("the second meeting lost the item it discussed")
	}

	// The commitment page shows its history: decided, the note, closed.
	_, page = anon.do("GET", fmt.Sprintf("/commitments/%d", site.commitmentID), nil)
	for _, want := range []string{"公開各選區投開票所無障礙設施清單", "會議決議", "已完成 80% 投開票所盤點", "論壇解除列管", "清單已公開，解除列管。", "第三次會議"} {
		if !strings.Contains(page, want) {
			t.Errorf("the commitment page lacks %q", want)
		}
	}
	if i, j := strings.Index(page, "已完成 80%"), strings.Index(page, "論壇解除列管"); i < 0 || j < i {
		t.Errorf("the history is out of order")
	}
	// So do the agency's scorecard and the item's own page, in English too.
	if _, page := anon.do("GET", fmt.Sprintf("/agencies/%d", cec.ID), nil); !strings.Contains(page, "公開各選區投開票所無障礙設施清單") {
		t.Errorf("the scorecard lacks the item")
	}
	if _, page := anon.do("GET", fmt.Sprintf("/followups/%d?lang=en", item.ID), nil); !strings.Contains(page, "Closed by the forum") || !strings.Contains(page, "Progress note") {
		t.Errorf("the item's page in English:\n%.3000s", page)
	}
}

func mustMeeting(t *testing.T, st *store.Store, id uint) *model.Meeting {
	t.Helper()
	m, err := st.FindMeetingByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUpcomingMeetingsAreAnICalendarFeed(t *testing.T) {
	site := newEditSite(t) // the clock stands at 20 December 2021, 09:00 in Taipei
	ctx := context.Background()
	plan, err := site.st.FindPlanByRef(ctx, demo.PlanRef)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*model.Meeting{
		{PlanID: &plan.ID, HeldOn: model.MustDate("2021-12-10"), Kind: model.MeetingTaskForce, Title: "已開過的會"},
		{PlanID: &plan.ID, HeldOn: model.MustDate("2021-12-27"), StartsAt: "14:00", Kind: model.MeetingTaskForce, Title: "第二次會議", Place: "行政院第一會議室"},
		{HeldOn: model.MustDate("2022-01-05"), Kind: model.MeetingConsultation},
	} {
		if err := site.st.SaveMeeting(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	res, body := site.as("").do("GET", "/meetings.ics", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if strings.Contains(body, "已開過的會") || strings.Count(body, "BEGIN:VEVENT") != 2 {
		t.Errorf("the feed holds meetings past, or misses some:\n%s", body)
	}
	// 14:00 in Taipei is 06:00 UTC; a meeting without an hour takes the whole day.
	for _, want := range []string{"DTSTART:20211227T060000Z", "SUMMARY:第二次會議", "LOCATION:行政院第一會議室", "DTSTART;VALUE=DATE:20220105", "SUMMARY:公眾諮詢會議"} {
		if !strings.Contains(body, want) {
			t.Errorf("the feed lacks %q:\n%s", want, body)
		}
	}
	if _, body := site.as("").do("GET", fmt.Sprintf("/meetings.ics?plan=%d", plan.ID), nil); strings.Count(body, "BEGIN:VEVENT") != 1 {
		t.Errorf("one plan's feed:\n%s", body)
	}
	if res, _ := site.as("").do("GET", "/meetings.ics?plan=x", nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad plan: %d", res.StatusCode)
	}
	// The list shows them, upcoming first.
	_, page := site.as("").do("GET", fmt.Sprintf("/meetings?plan=%d", plan.ID), nil)
	if i, j := strings.Index(page, "第二次會議"), strings.Index(page, "已開過的會"); i < 0 || j < i {
		t.Errorf("the list of meetings:\n%.3000s", page)
	}
}

// apiMeetingWithTranscript records a meeting that decided an item, closed
// by a later one, with a published transcript whose speech was edited, and
// returns the first meeting's id: the read API's answers about meetings
// hold every part.
func apiMeetingWithTranscript(t *testing.T, st *store.Store, commitmentID, agencyID uint) uint {
	t.Helper()
	ctx := context.Background()
	c, err := st.FindCommitmentByID(ctx, commitmentID)
	if err != nil {
		t.Fatal(err)
	}
	first := &model.Meeting{PlanID: &c.PlanID, HeldOn: model.MustDate("2021-11-15"), StartsAt: "14:00", Kind: model.MeetingTaskForce, Title: "第一次會議",
		Agenda:    []model.AgendaItem{{Position: 1, Title: "2-1 進度", CommitmentID: &commitmentID}},
		Attendees: model.ParseAttendees(model.SideCivilSociety, "陳委員, 開放文化基金會"),
		Documents: []model.MeetingDocument{{Position: 1, Title: "紀錄", URL: "https://example.org/m.pdf"}}}
	later := &model.Meeting{PlanID: &c.PlanID, HeldOn: model.MustDate("2021-12-10"), Kind: model.MeetingWorkingGroup}
	for _, m := range []*model.Meeting{first, later} {
		if err := st.SaveMeeting(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	item := &model.FollowUp{MeetingID: first.ID, What: "公開清單", AgencyID: agencyID, CommitmentID: &commitmentID, DueOn: model.MustDate("2022-01-31")}
	if err := st.CreateFollowUp(ctx, item); err != nil {
		t.Fatal(err)
	}
	if err := st.AddFollowUpNote(ctx, &model.FollowUpNote{FollowUpID: item.ID, Text: "進行中"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CloseFollowUps(ctx, later.ID, []uint{item.ID}, "解除列管"); err != nil {
		t.Fatal(err)
	}
	now := st.Now()
	tr := &model.Transcript{MeetingID: first.ID, UploadedAt: now, ClosesAt: now.Add(time.Hour), Speeches: []model.Speech{{Position: 1, Speaker: "主席", Text: "開會。"}}}
	if err := st.CreateTranscript(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishDueTranscripts(ctx, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return first.ID
}

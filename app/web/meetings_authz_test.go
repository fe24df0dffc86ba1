package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The meetings' routes in the authorization tables (authz_test.go,
// authz_read_test.go). Their subjects are the latest meeting, item and
// speech, which the rows' setups write.
func init() {
	publicReads = append(publicReads, "GET /meetings", "GET /meetings/:id", "GET /followups/:id", "GET /meetings.ics",
		"GET /api/v1/meetings", "GET /api/v1/meetings/:id",
		"GET /meetings/:id/transcript") // a draft answers 404 to all but its participants: TestATranscriptOpensTenWorkingDays…
	adminOnly := [...]int{toSignIn, forbidden, forbidden, forbidden, done}
	latest := func(s *authzSite) *model.Meeting {
		ms, err := s.st.FindMeetings(s.t.Context(), 0)
		if err != nil || len(ms) == 0 {
			s.t.Fatalf("no meeting: %v", err)
		}
		return &ms[0]
	}
	meetingPath := func(format string) func(*authzSite) string {
		return func(s *authzSite) string { return fmt.Sprintf(format, latest(s).ID) }
	}
	writeCases = append(writeCases,
		writeCase{route: "POST /admin/meetings/new", path: fixedPath("/admin/meetings/new"), want: adminOnly,
			form: func(s *authzSite) url.Values {
				return url.Values{"plan": {fmt.Sprint(s.period.PlanID)}, "held_on": {"2021-12-01"}, "kind": {"task_force"}}
			}},
		writeCase{route: "POST /admin/meetings/:id", setup: withMeetings, path: meetingPath("/admin/meetings/%d"), want: adminOnly,
			form: func(s *authzSite) url.Values {
				m := latest(s)
				return url.Values{"held_on": {m.HeldOn.String()}, "kind": {"working_group"}, "version": {fmt.Sprint(m.Version)}}
			}},
		writeCase{route: "POST /admin/meetings/:id/followups", setup: withMeetings, path: meetingPath("/admin/meetings/%d/followups"), want: adminOnly,
			form: func(s *authzSite) url.Values {
				return url.Values{"what": {"公開清單"}, "agency": {fmt.Sprint(cecID(s))}}
			}},
		writeCase{route: "POST /admin/meetings/:id/close", setup: withMeetings, path: meetingPath("/admin/meetings/%d/close"), want: adminOnly,
			form: func(s *authzSite) url.Values {
				return url.Values{"close": {fmt.Sprint(openItem(s).ID)}, "decision": {"解除列管"}}
			}},
		writeCase{route: "POST /admin/meetings/:id/transcript", setup: withMeetings, path: meetingPath("/admin/meetings/%d/transcript"), want: adminOnly,
			form: func(*authzSite) url.Values { return url.Values{"transcript": {"主席：開會。"}} }},
		writeCase{route: "POST /admin/holidays", path: fixedPath("/admin/holidays"), want: adminOnly,
			form: func(*authzSite) url.Values { return url.Values{"csv": {"2021-12-31,補假"}} }},
		// The owner agency's liaisons note progress; nobody else.
		writeCase{route: "POST /followups/:id/notes", setup: withMeetings,
			path: func(s *authzSite) string { return fmt.Sprintf("/followups/%d/notes", openItem(s).ID) },
			form: func(*authzSite) url.Values { return url.Values{"text": {"已完成盤點。"}} },
			want: [...]int{toSignIn, forbidden, forbidden, done, forbidden}},
		// A draft's speech: its speaker edits it; others who are no
		// participants do not find it; the secretariat reads but does not edit it.
		writeCase{route: "POST /speeches/:id", setup: withDraft, path: speechPath(""),
			form: func(*authzSite) url.Values { return url.Values{"text": {"修正後的發言。"}} },
			want: [...]int{toSignIn, notFound, notFound, done, forbidden}},
	)
	readCases = append(readCases,
		adminPage("GET /admin/meetings", fixedPath("/admin/meetings")),
		adminPage("GET /admin/meetings/new", fixedPath("/admin/meetings/new")),
		adminPage("GET /admin/holidays", fixedPath("/admin/holidays")),
		readCase{route: "GET /admin/meetings/:id/edit", setup: withMeetings, path: meetingPath("/admin/meetings/%d/edit"),
			want: [...]int{toSignIn, forbidden, forbidden, forbidden, http.StatusOK}},
		readCase{route: "GET /speeches/:id/edit", setup: withDraft, path: speechPath("/edit"),
			want: [...]int{toSignIn, notFound, notFound, http.StatusOK, forbidden}},
	)
}

func cecID(s *authzSite) uint {
	a, err := s.st.FindAgencyByCode(s.t.Context(), "CEC")
	if err != nil {
		s.t.Fatal(err)
	}
	return a.ID
}

// withMeetings records two meetings, the first deciding an item for the
// Central Election Commission.
func withMeetings(s *authzSite) {
	ctx := s.t.Context()
	plan := s.period.PlanID
	for _, day := range []string{"2021-11-01", "2021-12-15"} {
		if err := s.st.SaveMeeting(ctx, &model.Meeting{PlanID: &plan, HeldOn: model.MustDate(day), Kind: model.MeetingTaskForce}, 0); err != nil {
			s.t.Fatal(err)
		}
	}
	ms, _ := s.st.FindMeetings(ctx, 0)
	if err := s.st.CreateFollowUp(ctx, &model.FollowUp{MeetingID: ms[1].ID, What: "公開清單", AgencyID: cecID(s)}); err != nil {
		s.t.Fatal(err)
	}
}

func openItem(s *authzSite) *model.FollowUp {
	fs, err := s.st.FindFollowUps(s.t.Context(), store.FollowUpFilter{OpenOnly: true})
	if err != nil || len(fs) == 0 {
		s.t.Fatalf("no open item: %v", err)
	}
	return &fs[0]
}

// withDraft adds a draft transcript whose second speech is the CEC
// liaison's, its window open for two weeks.
func withDraft(s *authzSite) {
	withMeetings(s)
	ctx := s.t.Context()
	ms, _ := s.st.FindMeetings(ctx, 0)
	u, err := s.st.FindUserByEmail(ctx, "liaison@cec.example.org")
	if err != nil {
		s.t.Fatal(err)
	}
	now := s.st.Now()
	t := &model.Transcript{MeetingID: ms[0].ID, UploadedAt: now, ClosesAt: now.Add(14 * 24 * time.Hour), Speeches: []model.Speech{
		{Position: 1, Speaker: "主席", Text: "開會。"}, {Position: 2, Speaker: "林聯絡", UserID: &u.ID, Text: "報告。"}}}
	if err := s.st.CreateTranscript(ctx, t); err != nil {
		s.t.Fatal(err)
	}
}

func speechPath(suffix string) func(*authzSite) string {
	return func(s *authzSite) string {
		ms, _ := s.st.FindMeetings(s.t.Context(), 0)
		t, err := s.st.FindTranscriptByMeeting(s.t.Context(), ms[0].ID)
		if err != nil {
			s.t.Fatal(err)
		}
		return fmt.Sprintf("/speeches/%d%s", t.Speeches[1].ID, suffix)
	}
}

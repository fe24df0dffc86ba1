package web

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// apiMeeting is a meeting of the forum in the read API.
type apiMeeting struct {
	ID       uint         `json:"id"`
	PlanID   *uint        `json:"plan_id"`
	HeldOn   model.Date   `json:"held_on"`
	StartsAt string       `json:"starts_at"` // "14:00" local time, or ""
	Kind     string       `json:"kind"`
	Title    string       `json:"title"`
	Place    string       `json:"place"`
	Link     string       `json:"link"`
	Links    apiSelfLinks `json:"links"`
}

func (s *Server) apiMeetingOf(m *model.Meeting) apiMeeting {
	return apiMeeting{ID: m.ID, PlanID: m.PlanID, HeldOn: m.HeldOn, StartsAt: m.StartsAt, Kind: string(m.Kind), Title: m.Title,
		Place: m.Place, Link: m.Link, Links: apiSelfLinks{Self: fmt.Sprintf("%s/meetings/%d", apiPrefix, m.ID), HTML: s.absolute(fmt.Sprintf("/meetings/%d", m.ID))}}
}

// apiMeetingDetail is a meeting with its agenda, attendance, documents,
// the follow-up items it decided, and its transcript once published.
type apiMeetingDetail struct {
	apiMeeting
	Agenda     []apiAgendaItem `json:"agenda"`
	Attendees  []apiAttendee   `json:"attendees"`
	Documents  []apiDocument   `json:"documents"`
	FollowUps  []apiFollowUp   `json:"follow_ups"`
	Transcript *apiTranscript  `json:"transcript"` // null until published
}

type apiAgendaItem struct {
	Title        string `json:"title"`
	CommitmentID *uint  `json:"commitment_id"`
}

type apiAttendee struct {
	Side         string `json:"side"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
}

type apiDocument struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiFollowUp is a follow-up item with its history.
type apiFollowUp struct {
	ID           uint         `json:"id"`
	What         string       `json:"what"`
	AgencyID     uint         `json:"agency_id"`
	CommitmentID *uint        `json:"commitment_id"`
	DueOn        model.Date   `json:"due_on"`
	Status       string       `json:"status"`
	DecidedAt    uint         `json:"decided_at"` // the meeting
	ClosedAt     *uint        `json:"closed_at"`  // the meeting that closed it
	Closing      string       `json:"closing"`
	Notes        []apiNote    `json:"notes"`
	Links        apiSelfLinks `json:"links"`
}

type apiNote struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

type apiTranscript struct {
	PublishedAt time.Time   `json:"published_at"`
	Speeches    []apiSpeech `json:"speeches"`
}

type apiSpeech struct {
	Position int    `json:"position"`
	Speaker  string `json:"speaker"`
	Text     string `json:"text"`
	Edited   bool   `json:"edited"` // corrected by its speaker in the window
	HTML     string `json:"html"`
}

// apiSpeechOf is speech sp of meeting meetingID's transcript, as open data.
func (s *Server) apiSpeechOf(meetingID uint, sp *model.Speech) apiSpeech {
	return apiSpeech{Position: sp.Position, Speaker: sp.Speaker, Text: sp.Text, Edited: sp.Edited(),
		HTML: s.absolute(fmt.Sprintf("/meetings/%d/transcript#speech-%d", meetingID, sp.Position))}
}

func (s *Server) apiFollowUpOf(f *model.FollowUp) apiFollowUp {
	out := apiFollowUp{ID: f.ID, What: f.What, AgencyID: f.AgencyID, CommitmentID: f.CommitmentID, DueOn: f.DueOn, Status: string(f.Status),
		DecidedAt: f.MeetingID, ClosedAt: f.ClosedAtID, Closing: f.Closing, Notes: []apiNote{},
		Links: apiSelfLinks{Self: fmt.Sprintf("%s/meetings/%d", apiPrefix, f.MeetingID), HTML: s.absolute(fmt.Sprintf("/followups/%d", f.ID))}}
	for _, n := range f.Notes {
		out.Notes = append(out.Notes, apiNote{At: n.At.UTC(), Text: n.Text})
	}
	return out
}

// apiMeetings lists the meetings, latest first; ?plan= keeps one plan's.
func (s *Server) apiMeetings(c *gin.Context) {
	var planID uint64
	if v := c.Query("plan"); v != "" {
		var err error
		if planID, err = strconv.ParseUint(v, 10, 32); err != nil || planID == 0 {
			s.failAPI(c, &apiError{status: 400, detail: "plan must be a plan's id",
				fields: []fieldProblem{{Field: "plan", Detail: "is not a plan's id"}}})
			return
		}
	}
	ms, err := s.store.FindMeetings(c.Request.Context(), uint(planID))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiList[apiMeeting]{Items: make([]apiMeeting, len(ms)), Total: len(ms), Links: apiListNav{Self: apiPrefix + "/meetings"}}
	for i := range ms {
		out.Items[i] = s.apiMeetingOf(&ms[i])
	}
	s.sendJSON(c, 200, out, "")
}

func (s *Server) apiMeetingDetail(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.store.FindMeetingByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiMeetingDetail{apiMeeting: s.apiMeetingOf(m), Agenda: []apiAgendaItem{}, Attendees: []apiAttendee{}, Documents: []apiDocument{}, FollowUps: []apiFollowUp{}}
	for _, a := range m.Agenda {
		out.Agenda = append(out.Agenda, apiAgendaItem{Title: a.Title, CommitmentID: a.CommitmentID})
	}
	for _, a := range m.Attendees {
		out.Attendees = append(out.Attendees, apiAttendee{Side: string(a.Side), Name: a.Name, Organisation: a.Organisation})
	}
	for _, d := range m.Documents {
		out.Documents = append(out.Documents, apiDocument{Title: d.Title, URL: d.URL})
	}
	fs, err := s.store.FindFollowUps(ctx, store.FollowUpFilter{DecidedAt: m.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	for i := range fs {
		out.FollowUps = append(out.FollowUps, s.apiFollowUpOf(&fs[i]))
	}
	t, err := s.store.FindTranscriptByMeeting(ctx, m.ID)
	switch {
	case err == nil && t.Published():
		out.Transcript = &apiTranscript{PublishedAt: t.PublishedAt.UTC(), Speeches: []apiSpeech{}}
		for _, sp := range t.Speeches {
			out.Transcript.Speeches = append(out.Transcript.Speeches, s.apiSpeechOf(m.ID, &sp))
		}
	case err != nil && !errors.Is(err, model.ErrNotFound):
		s.fail(c, err)
		return
	}
	s.sendJSON(c, 200, out, "")
}

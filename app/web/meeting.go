package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// meetingsPage lists the forum's meetings, of one plan or all.
type meetingsPage struct {
	Page
	Plan     *model.Plan // nil: every plan
	Upcoming []model.Meeting
	Past     []model.Meeting
}

// listMeetings shows the meetings, upcoming first, then those held;
// ?plan= keeps those of one plan.
func (s *Server) listMeetings(c *gin.Context) {
	ctx := c.Request.Context()
	p := meetingsPage{Page: s.page(c)}
	var planID uint
	if v := c.Query("plan"); v != "" {
		id, err := strconv.ParseUint(v, 10, 32)
		if err != nil || id == 0 {
			s.fail(c, errBadRequest)
			return
		}
		if p.Plan, err = s.store.FindPlanByID(ctx, uint(id)); err != nil {
			s.fail(c, err)
			return
		}
		planID = p.Plan.ID
	}
	ms, err := s.store.FindMeetings(ctx, planID)
	if err != nil {
		s.fail(c, err)
		return
	}
	today := model.DayOf(s.now().In(s.location))
	for _, m := range ms {
		if m.HeldOn.Compare(today) >= 0 {
			p.Upcoming = append([]model.Meeting{m}, p.Upcoming...) // soonest first
		} else {
			p.Past = append(p.Past, m)
		}
	}
	s.render(c, http.StatusOK, "meetings/index", p)
}

// meetingPage is one meeting: its agenda with the items carried over,
// who attended, its documents, what it decided and closed.
type meetingPage struct {
	Page
	Meeting    *model.Meeting
	Carried    []model.FollowUp // tracked from earlier meetings, on its agenda by themselves
	Decided    []model.FollowUp
	Closed     []model.FollowUp
	Transcript *model.Transcript // nil: none uploaded
	Draft      bool              // the transcript is a draft the visitor may read
	Upcoming   bool
	MayManage  bool
}

func (s *Server) showMeeting(c *gin.Context) {
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
	p := meetingPage{Page: s.page(c), Meeting: m, Upcoming: m.HeldOn.Compare(model.DayOf(s.now().In(s.location))) >= 0}
	p.MayManage = p.User != nil && p.User.MayManageMeetings()
	if p.Carried, err = s.store.FindCarriedFollowUps(ctx, m); err != nil {
		s.fail(c, err)
		return
	}
	if p.Decided, err = s.store.FindFollowUps(ctx, store.FollowUpFilter{DecidedAt: m.ID}); err != nil {
		s.fail(c, err)
		return
	}
	if p.Closed, err = s.store.FindFollowUps(ctx, store.FollowUpFilter{ClosedAt: m.ID}); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.FindTranscriptByMeeting(ctx, m.ID)
	switch {
	case err == nil && t.Published():
		p.Transcript = t
	case err == nil && mayReadDraft(p.User, t):
		p.Transcript, p.Draft = t, true
	case err != nil && !errors.Is(err, model.ErrNotFound):
		s.fail(c, err)
		return
	}
	if p.Draft {
		c.Set(noStoreKey, true) // a participant's page
	}
	s.render(c, http.StatusOK, "meetings/show", p)
}

// mayReadDraft is the rule of who reads a transcript before it is
// published: its speakers who have an account, and the secretariat.
func mayReadDraft(u *model.User, t *model.Transcript) bool {
	if u == nil || !u.IsActive() {
		return false
	}
	if u.MayManageMeetings() {
		return true
	}
	for _, sp := range t.Speeches {
		if sp.UserID != nil && *sp.UserID == u.ID {
			return true
		}
	}
	return false
}

// meetingsCalendar is the iCalendar feed of upcoming meetings, for
// anyone's calendar; ?plan= keeps those of one plan.
func (s *Server) meetingsCalendar(c *gin.Context) {
	var planID uint64
	if v := c.Query("plan"); v != "" {
		var err error
		if planID, err = strconv.ParseUint(v, 10, 32); err != nil || planID == 0 {
			s.fail(c, errBadRequest)
			return
		}
	}
	pg := s.page(c)
	ms, err := s.store.FindUpcomingMeetings(c.Request.Context(), model.DayOf(s.now().In(s.location)))
	if err != nil {
		s.fail(c, err)
		return
	}
	b, host, stamp := s.newCalendar("meetings", pg.Lang, pg.T.T("meeting.calendar.name"))
	for i := range ms {
		m := &ms[i]
		if planID != 0 && (m.PlanID == nil || uint64(*m.PlanID) != planID) {
			continue
		}
		link := s.absolute(fmt.Sprintf("/meetings/%d", m.ID))
		b.line("BEGIN:VEVENT")
		b.line(fmt.Sprintf("UID:meeting-%d@%s", m.ID, host))
		b.line("DTSTAMP:" + stamp)
		if m.StartsAt != "" {
			start := m.Starts(s.location).UTC()
			b.line("DTSTART:" + start.Format("20060102T150405Z"))
			b.line("DTEND:" + start.Add(2*time.Hour).Format("20060102T150405Z"))
		} else {
			day := m.HeldOn.First(time.UTC)
			b.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
			b.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		}
		b.prop("SUMMARY", meetingName(pg, m))
		if m.Place != "" {
			b.prop("LOCATION", m.Place)
		}
		desc := link
		if m.Link != "" {
			desc = m.Link + "\n" + link
		}
		b.prop("DESCRIPTION", desc)
		b.prop("URL", link)
		b.line("END:VEVENT")
	}
	b.line("END:VCALENDAR")
	s.sendBytes(c, 200, "text/calendar; charset=utf-8", b.Bytes(), "")
}

// meetingName is a meeting's title, or its kind when it has none.
func meetingName(pg Page, m *model.Meeting) string {
	if m.Title != "" {
		return m.Title
	}
	return pg.T.T("meeting.kind." + string(m.Kind))
}

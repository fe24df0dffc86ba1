package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
)

// meetingColumns are the columns of /export/meetings.csv: one row per
// meeting of the forum, its agenda one item a line, the attendance counted
// by side, and its transcript's address once published.
var meetingColumns = []string{"id", "plan", "held_on", "starts_at", "kind", "title", "place", "link", "agenda",
	"government_attendees", "civil_society_attendees", "documents", "transcript_published_at", "transcript_url", "url"}

// exportMeetings is GET /export/meetings.csv (?plan=ID: one plan's).
func (s *Server) exportMeetings(c *gin.Context) {
	ctx := c.Request.Context()
	planID, name, ok := s.planOfQuery(c)
	if !ok {
		return
	}
	list, err := s.store.FindMeetingsInFull(ctx, planID)
	if err != nil {
		s.fail(c, err)
		return
	}
	published, err := s.store.FindTranscriptsPublished(ctx, planID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendCSV(c, fmt.Sprintf("meetings-plan-%s.csv", name), meetingColumns, func(write func([]string) error) error {
		for i := range list {
			m := &list[i]
			row := make([]string, len(meetingColumns))
			row[0] = strconv.FormatUint(uint64(m.ID), 10)
			if m.Plan != nil {
				row[1] = m.Plan.Ref
			}
			row[2], row[3], row[4], row[5], row[6], row[7] = m.HeldOn.String(), m.StartsAt, string(m.Kind), m.Title, m.Place, m.Link
			agenda := make([]string, len(m.Agenda))
			for j, a := range m.Agenda {
				agenda[j] = a.Title
			}
			sides := map[model.Side]int{}
			for _, a := range m.Attendees {
				sides[a.Side]++
			}
			docs := make([]string, len(m.Documents))
			for j, d := range m.Documents {
				docs[j] = d.Title + " | " + d.URL
			}
			row[8], row[9], row[10], row[11] = strings.Join(agenda, "\n"), strconv.Itoa(sides[model.SideGovernment]),
				strconv.Itoa(sides[model.SideCivilSociety]), strings.Join(docs, "\n")
			if at, ok := published[m.ID]; ok {
				row[12], row[13] = at.UTC().Format(time.RFC3339), s.absolute(fmt.Sprintf("/meetings/%d/transcript", m.ID))
			}
			row[14] = s.absolute(fmt.Sprintf("/meetings/%d", m.ID))
			if err := write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/store"
)

// followUpColumns are the columns of /export/followups.csv: one row per
// item the forum decided, with the meetings that decided and closed it and
// its progress notes, oldest first, one a line.
var followUpColumns = []string{"id", "plan", "decided_on", "decided_at_meeting", "what", "agency", "commitment", "due_on",
	"status", "closed_on", "closed_at_meeting", "closing", "notes", "url"}

// exportFollowUps is GET /export/followups.csv (?plan=ID: one plan's).
func (s *Server) exportFollowUps(c *gin.Context) {
	planID, name, ok := s.planOfQuery(c)
	if !ok {
		return
	}
	items, err := s.store.FindFollowUps(c.Request.Context(), store.FollowUpFilter{})
	if err != nil {
		s.fail(c, err)
		return
	}
	plans := map[uint]string{}
	s.sendCSV(c, fmt.Sprintf("followups-plan-%s.csv", name), followUpColumns, func(write func([]string) error) error {
		for i := range items {
			fu := &items[i]
			m := fu.Meeting
			if m == nil || planID != 0 && (m.PlanID == nil || *m.PlanID != planID) {
				continue
			}
			row := make([]string, len(followUpColumns))
			row[0] = strconv.FormatUint(uint64(fu.ID), 10)
			if m.PlanID != nil {
				ref, ok := plans[*m.PlanID]
				if !ok {
					if p, err := s.store.FindPlanByID(c.Request.Context(), *m.PlanID); err == nil {
						ref = p.Ref
					}
					plans[*m.PlanID] = ref
				}
				row[1] = ref
			}
			row[2], row[3], row[4] = m.HeldOn.String(), s.absolute(fmt.Sprintf("/meetings/%d", m.ID)), fu.What
			if fu.Agency != nil {
				row[5] = fu.Agency.Code
			}
			if fu.Commitment != nil {
				row[6] = fu.Commitment.Ref
			}
			row[7], row[8] = fu.DueOn.String(), string(fu.Status)
			if fu.ClosedAt != nil {
				row[9], row[10], row[11] = fu.ClosedAt.HeldOn.String(), s.absolute(fmt.Sprintf("/meetings/%d", fu.ClosedAt.ID)), fu.Closing
			}
			notes := make([]string, len(fu.Notes))
			for j, n := range fu.Notes {
				notes[j] = n.At.In(s.location).Format("2006-01-02") + " " + n.Text
			}
			row[12], row[13] = strings.Join(notes, "\n"), s.absolute(fmt.Sprintf("/followups/%d", fu.ID))
			if err := write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

package web

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// export serves the open-data files:
//   - /export/plan-{id}.json: a plan in the tracker's import format
//     (app/transfer/FORMAT.md), without contact details not marked public;
//   - /export/commitments.csv and /export/milestones.csv: the current plan,
//     ?plan={id} or ?plan=all, with the OGP/IRM columns (transfer.WriteCommitmentsCSV);
//   - /export/questions.csv, /export/meetings.csv and /export/followups.csv:
//     the questions from the public, the forum's meetings and its follow-up
//     items, every plan's or ?plan={id}.
func (s *Server) export(c *gin.Context) {
	file := c.Param("file")
	switch {
	case file == "commitments.csv" || file == "milestones.csv":
		s.exportCSV(c, file)
	case file == "questions.csv":
		s.exportQuestions(c)
	case file == "followups.csv":
		s.exportFollowUps(c)
	case file == "meetings.csv":
		s.exportMeetings(c)
	case strings.HasPrefix(file, "plan-") && strings.HasSuffix(file, ".json"):
		id, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(file, "plan-"), ".json"), 10, 32)
		if err != nil || id == 0 {
			s.fail(c, errNotFound)
			return
		}
		s.exportPlan(c, uint(id))
	default:
		s.fail(c, errNotFound)
	}
}

func (s *Server) exportPlan(c *gin.Context, id uint) {
	ds, err := s.store.ExportDataset(c.Request.Context(), store.ExportOptions{PlanID: id})
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := transfer.WriteJSON(&buf, ds); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="plan-%d.json"`, id))
	s.sendBytes(c, 200, "application/json", buf.Bytes(), "")
}

func (s *Server) exportCSV(c *gin.Context, file string) {
	ctx := c.Request.Context()
	var planID uint
	name := "all"
	if v := c.Query("plan"); v != "all" {
		id, err := strconv.ParseUint(v, 10, 32)
		if v != "" && (err != nil || id == 0) {
			s.fail(c, errBadRequest)
			return
		}
		p, err := s.store.FindPlanOrHome(ctx, uint(id))
		if err != nil {
			s.fail(c, err)
			return
		}
		planID, name = p.ID, strconv.FormatUint(uint64(p.ID), 10)
	}
	ds, err := s.store.ExportDataset(ctx, store.ExportOptions{PlanID: planID})
	if err != nil {
		s.fail(c, err)
		return
	}
	derived, err := s.derived(c, planID, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if file == "commitments.csv" {
		err = transfer.WriteCommitmentsCSV(&buf, ds, derived)
	} else {
		err = transfer.WriteMilestonesCSV(&buf, ds, derived)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-plan-%s.csv"`, strings.TrimSuffix(file, ".csv"), name))
	s.sendBytes(c, 200, "text/csv; charset=utf-8", buf.Bytes(), "")
}

// derived judges the commitments of a plan (0: every plan) on asOf, for
// the downloads, keyed by commitment ref.
func (s *Server) derived(c *gin.Context, planID uint, asOf time.Time) (map[string]transfer.Derived, error) {
	cs, err := s.store.FindCommitmentSummaries(c.Request.Context(), store.CommitmentFilter{PlanID: planID})
	if err != nil {
		return nil, err
	}
	rows, err := s.assess(c, cs, asOf)
	if err != nil {
		return nil, err
	}
	refs, err := s.store.FindMilestoneRefs(c.Request.Context(), planID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]transfer.Derived, len(rows))
	for _, r := range rows {
		d := transfer.Derived{Progress: r.A.Progress, State: string(r.A.State), CompletionLevel: completionParam(r.A.CompletionLevel()),
			LastUpdate: r.A.LastUpdate, URL: s.absolute(fmt.Sprintf("/commitments/%d", r.C.ID)), Milestones: map[string]string{}}
		for _, m := range r.Milestones {
			d.Milestones[refs[m.ID]] = string(r.A.Milestones[m.ID])
		}
		out[r.C.Ref] = d
	}
	return out, nil
}

// absolute is path on the tracker's public address.
func (s *Server) absolute(path string) string { return strings.TrimSuffix(s.baseURL, "/") + path }

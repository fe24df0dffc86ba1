package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// questionColumns are the columns of /export/questions.csv: one row per
// question, with its latest answer. Never an address; a hidden question
// keeps its row, its reason and date, without its text.
var questionColumns = []string{"id", "kind", "status", "plan", "commitment", "agency", "lang", "channel", "name", "text",
	"received_at", "due_at", "answered_at", "answered_in_days", "answered_in_time", "disposition", "answer", "reasons",
	"votes", "hidden_at", "hidden_reason", "duplicate_of", "url"}

// exportQuestions is GET /export/questions.csv (?plan=ID: one plan's).
func (s *Server) exportQuestions(c *gin.Context) {
	f := store.QuestionFilter{Thread: true}
	planID, name, ok := s.planOfQuery(c)
	if !ok {
		return
	}
	if planID != 0 {
		f.PlanIDs = []uint{planID}
	}
	qs, err := s.store.FindQuestions(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	s.sendCSV(c, fmt.Sprintf("questions-plan-%s.csv", name), questionColumns, func(write func([]string) error) error {
		for i := range qs {
			q := &qs[i]
			row := make([]string, len(questionColumns))
			row[0], row[1], row[2] = strconv.FormatUint(uint64(q.ID), 10), string(q.Kind), q.Status()
			if q.Plan != nil {
				row[3] = q.Plan.Ref
			}
			if q.Commitment != nil {
				row[4] = q.Commitment.Ref
			}
			if q.Agency != nil {
				row[5] = q.Agency.Code
			}
			row[6], row[7] = q.Lang, string(q.Channel)
			row[10], row[11] = stamp(&q.ReceivedAt), stamp(&q.DueAt)
			row[18], row[22] = strconv.Itoa(q.Votes), s.absolute(fmt.Sprintf("/questions/%d", q.ID))
			if q.Hidden() {
				row[19], row[20] = stamp(q.HiddenAt), string(q.HiddenReason)
				if q.DuplicateOfID != nil {
					row[21] = strconv.FormatUint(uint64(*q.DuplicateOfID), 10)
				}
			} else {
				row[8], row[9] = q.Name, q.Text
				if q.AnsweredAt != nil {
					days, _ := q.Days(s.now(), s.location)
					row[12], row[13], row[14] = stamp(q.AnsweredAt), strconv.Itoa(days), strconv.FormatBool(q.AnsweredInTime())
				}
				row[15] = string(q.Disposition)
				for _, e := range q.Entries { // the latest answer
					if e.Kind == model.EntryAnswer {
						row[16], row[17] = e.Body, e.Reasons
					}
				}
			}
			if err := write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// planOfQuery reads ?plan= of a file of every plan or one: 0 and "all"
// for every plan, else the plan's id and its name in the file's name. A
// bad value is answered 400 and ok is false.
func (s *Server) planOfQuery(c *gin.Context) (id uint, name string, ok bool) {
	v := c.Query("plan")
	if v == "" || v == "all" {
		return 0, "all", true
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 {
		s.fail(c, errBadRequest)
		return 0, "", false
	}
	return uint(n), v, true
}

// sendCSV sends an open-data CSV file named file: the BOM, the header
// columns, then the rows write gives, each neutralised against formulas.
func (s *Server) sendCSV(c *gin.Context, file string, columns []string, write func(row func([]string) error) error) {
	var buf bytes.Buffer
	buf.WriteString(transfer.BOM)
	w := csv.NewWriter(&buf)
	w.Write(columns)
	err := write(func(r []string) error { return w.Write(transfer.Neutralise(r)) })
	if err == nil {
		w.Flush()
		err = w.Error()
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, file))
	s.sendBytes(c, 200, "text/csv; charset=utf-8", buf.Bytes(), "")
}

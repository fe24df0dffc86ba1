package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// milestoneEditPage is the form that changes a milestone's reported status.
type milestoneEditPage struct {
	Page
	M           *model.Milestone // as stored
	Statuses    []model.MilestoneStatus
	Scale       model.StatusScale // the plan's own statuses, offered instead when it has them
	Status      string            // as typed
	CompletedOn string            // as typed
	Note        string            // as typed
	Evidence    []evidenceRow     // as typed, then a blank row
	Version     int               // the version the form changes
	Errors      map[string]string // field → message id
	Conflict    bool              // someone else changed it since the form was opened
}

// fieldMessages names each validation message of a milestone's status in the catalogs.
var fieldMessages = map[string]string{
	model.MsgCompletedOnRequired:    "edit.error.completed_on.required",
	model.MsgCompletedOnFuture:      "edit.error.completed_on.future",
	model.MsgCompletedOnBeforeStart: "edit.error.completed_on.before_start",
}

// editableMilestone finds the milestone of the path and checks that the
// visitor may change it. Otherwise it has answered: 404, or 403.
func (s *Server) editableMilestone(c *gin.Context) (*model.Milestone, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	m, err := s.store.FindMilestoneByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	if !s.permit(c, visitor(c).MayChangeMilestone(m, m.Commitment), "edit.error.forbidden") {
		return nil, false
	}
	return m, true
}

func (s *Server) editMilestone(c *gin.Context) {
	m, ok := s.editableMilestone(c)
	if !ok {
		return
	}
	status := string(m.Status)
	if w := planWords(m.Commitment, m); w != nil {
		status = w.Key
	}
	s.renderMilestoneEdit(c, http.StatusOK, milestoneEditPage{M: m, Status: status,
		CompletedOn: m.CompletedOn.String(), Note: m.Note, Evidence: evidenceRows(m.Evidence, c.GetString(langKey)), Version: m.Version})
}

func (s *Server) updateMilestone(c *gin.Context) {
	m, ok := s.editableMilestone(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	p := milestoneEditPage{M: m, Status: c.PostForm("status"), CompletedOn: c.PostForm("completed_on"),
		Note: clip(c.PostForm("note"), model.MaxMilestoneNote), Errors: map[string]string{}}
	note := c.PostForm("note")
	evidence, rows := readEvidence(c, c.GetString(langKey))
	p.Evidence = rows
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		s.fail(c, errBadRequest)
		return
	}
	p.Version = version
	completedOn, err := model.ParseDate(p.CompletedOn)
	if err != nil {
		p.Errors["completed_on"] = "edit.error.completed_on.invalid"
		s.renderMilestoneEdit(c, http.StatusUnprocessableEntity, p)
		return
	}
	actor := writeContext(c)
	status, key := inPlansWords(m, p.Status)
	_, err = s.store.UpdateMilestoneProgress(actor, m.ID, version, model.ProgressUpdate{Status: status, StatusKey: key,
		CompletedOn: completedOn, Note: &note, Evidence: &evidence}, model.DayOf(s.now()))
	var fe model.FieldErrors
	switch {
	case err == nil:
		s.flash(c, "flash.milestone.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/commitments/%d", m.CommitmentID))
	case errors.As(err, &fe):
		for field, msg := range fe {
			if strings.HasPrefix(field, "evidence[") || field == "note" {
				messagesOf(model.FieldErrors{field: msg}, p.Errors) // the report form's words for the same rules
				continue
			}
			p.Errors[field] = fieldMessages[msg]
			if p.Errors[field] == "" {
				p.Errors[field] = "edit.error." + field
			}
		}
		s.renderMilestoneEdit(c, http.StatusUnprocessableEntity, p)
	case errors.Is(err, store.ErrConflict):
		// Show the values saved meanwhile, keep what was typed, and let a
		// second send, made knowingly, change the new version.
		if p.M, err = s.store.FindMilestoneByID(ctx, m.ID); err != nil {
			s.fail(c, err)
			return
		}
		p.Version, p.Conflict = p.M.Version, true
		s.renderMilestoneEdit(c, http.StatusConflict, p)
	default:
		s.fail(c, err)
	}
}

func (s *Server) renderMilestoneEdit(c *gin.Context, status int, p milestoneEditPage) {
	c.Set(noStoreKey, true) // it carries the form token
	p.Page = s.page(c)
	p.Statuses = model.MilestoneStatuses
	if p.M.Commitment != nil && p.M.Commitment.Plan != nil {
		p.Scale = p.M.Commitment.Plan.StatusScale
	}
	p.Evidence = append(p.Evidence, evidenceRow{}) // one more link may be added
	s.render(c, status, "milestones/edit", p)
}

// inPlansWords reads a status sent for milestone m (its plan loaded): a
// key of the plan's own scale gives the tracker's status it counts as;
// anything else is taken as the tracker's status, for the store to check.
func inPlansWords(m *model.Milestone, sent string) (model.MilestoneStatus, string) {
	if m.Commitment != nil && m.Commitment.Plan != nil {
		if st := m.Commitment.Plan.StatusScale.Step(sent); st != nil {
			return st.Status, st.Key
		}
	}
	return model.MilestoneStatus(sent), ""
}

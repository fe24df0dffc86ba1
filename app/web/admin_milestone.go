package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

type adminMilestonesPage struct {
	Page
	Commitment *model.Commitment // nil until one is chosen
	Milestones []model.Milestone
}

// adminMilestones lists a commitment's milestones (?commitment=), to
// change one or add another.
func (s *Server) adminMilestones(c *gin.Context) {
	p := adminMilestonesPage{Page: s.page(c)}
	if c.Query("commitment") != "" {
		cm, ok := s.chosenCommitment(c)
		if !ok {
			return
		}
		ms, err := s.store.FindMilestones(c.Request.Context(), []uint{cm.ID})
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Commitment, p.Milestones = cm, ms[cm.ID]
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/milestones", p)
}

// chosenCommitment reads the commitment of ?commitment= (or of the form's
// commitment_id), or answers.
func (s *Server) chosenCommitment(c *gin.Context) (*model.Commitment, bool) {
	q := c.Query("commitment")
	if c.Request.Method == http.MethodPost {
		q = c.PostForm("commitment_id")
	}
	id, err := strconv.ParseUint(q, 10, 32)
	if err != nil {
		s.fail(c, errBadRequest)
		return nil, false
	}
	cm, err := s.store.FindCommitmentByID(c.Request.Context(), uint(id))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return cm, true
}

// milestoneForm is the form that creates or changes a milestone.
type milestoneForm struct {
	adminForm
	Commitment *model.Commitment
	Milestone  *model.Milestone // as stored; nil for a new milestone
}

func milestoneValues(m *model.Milestone) url.Values {
	v := url.Values{}
	v.Set("ref", m.Ref)
	if m.ParentID != nil {
		v.Set("parent", strconv.FormatUint(uint64(*m.ParentID), 10))
	}
	v.Set("position", strconv.Itoa(m.Position))
	textValues(v, "title", m.Title)
	v.Set("start", m.Start.String())
	v.Set("due", m.Due.String())
	if m.Agency != nil {
		v.Set("agency", m.Agency.Code)
	}
	v.Set("weight", strconv.FormatFloat(m.Weight, 'f', -1, 64))
	return v
}

// formMilestone reads the milestone a form describes; stored keeps the
// languages the form does not show.
func formMilestone(c *gin.Context, stored *model.Milestone) (store.MilestoneInput, formErrors) {
	fe := formErrors{}
	m := model.Milestone{Ref: strings.TrimSpace(c.PostForm("ref")), ParentID: fe.id(c, "parent"), Position: fe.integer(c, "position"),
		Title: formText(c, "title", stored.Title), Start: fe.date(c, "start"), Due: fe.date(c, "due"), Weight: fe.number(c, "weight")}
	if m.Position < 0 {
		fe["position"] = "admin.error.negative"
	}
	return store.MilestoneInput{Milestone: m, Agency: c.PostForm("agency")}, fe
}

func (s *Server) newMilestone(c *gin.Context) {
	cm, ok := s.chosenCommitment(c)
	if !ok {
		return
	}
	s.renderMilestoneForm(c, http.StatusOK, milestoneForm{adminForm: s.adminForm(c, url.Values{"weight": {"1"}}, 0), Commitment: cm})
}

func (s *Server) createMilestone(c *gin.Context) {
	cm, ok := s.chosenCommitment(c)
	if !ok {
		return
	}
	f := milestoneForm{adminForm: s.adminForm(c, formValues(c), 0), Commitment: cm}
	in, found := formMilestone(c, &model.Milestone{})
	var err error
	if len(found) == 0 {
		_, err = s.store.CreateMilestone(writeContext(c), cm.ID, in)
	} else {
		err = validMilestone(in) // the other fields' errors, shown at once
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderMilestoneForm(c, http.StatusUnprocessableEntity, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/commitments/%d", cm.ID))
	}
}

func (s *Server) editMilestoneData(c *gin.Context) {
	m, cm, ok := s.storedMilestone(c)
	if !ok {
		return
	}
	s.renderMilestoneForm(c, http.StatusOK, milestoneForm{adminForm: s.adminForm(c, milestoneValues(m), m.Version), Commitment: cm, Milestone: m})
}

func (s *Server) updateMilestoneData(c *gin.Context) {
	stored, cm, ok := s.storedMilestone(c)
	if !ok {
		return
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		s.fail(c, errBadRequest)
		return
	}
	f := milestoneForm{adminForm: s.adminForm(c, formValues(c), version), Commitment: cm, Milestone: stored}
	in, found := formMilestone(c, stored)
	if len(found) == 0 {
		err = s.store.UpdateMilestone(writeContext(c), stored.ID, version, in)
	} else {
		err = validMilestone(in)
	}
	var fe model.FieldErrors
	switch {
	case len(found) > 0 || errors.As(err, &fe):
		f.setErrors(found, err)
		s.renderMilestoneForm(c, http.StatusUnprocessableEntity, f)
	case errors.Is(err, store.ErrConflict):
		now, err := s.store.FindMilestoneByID(c.Request.Context(), stored.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Milestone = now
		if err := s.conflict(c, &f.adminForm, model.EntityMilestone, now.ID, version, now.Version); err != nil {
			s.fail(c, err)
			return
		}
		s.renderMilestoneForm(c, http.StatusConflict, f)
	case err != nil:
		s.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/commitments/%d", cm.ID))
	}
}

// storedMilestone finds the milestone of the path and its commitment, or answers 404.
func (s *Server) storedMilestone(c *gin.Context) (*model.Milestone, *model.Commitment, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	ctx := c.Request.Context()
	m, err := s.store.FindMilestoneByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	cm, err := s.store.FindCommitmentByID(ctx, m.CommitmentID)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return m, cm, true
}

func (s *Server) renderMilestoneForm(c *gin.Context, status int, f milestoneForm) {
	ctx := c.Request.Context()
	f.Action = "/admin/milestones"
	if f.Milestone != nil {
		f.Action = fmt.Sprintf("/admin/milestones/%d", f.Milestone.ID)
	}
	ms, err := s.store.FindMilestones(ctx, []uint{f.Commitment.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	var parents []adminOption
	for _, m := range ms[f.Commitment.ID] {
		if m.ParentID != nil || f.Milestone != nil && m.ID == f.Milestone.ID {
			continue
		}
		shown := f.T.Text(m.Title)
		parents = append(parents, adminOption{Value: strconv.FormatUint(uint64(m.ID), 10), Label: shortLabel(m.Ref, shown.Value), Lang: fallbackLang(shown)})
	}
	f.options("parent", parents)
	agencies, err := s.agencyOptions(ctx, f.T)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.options("agency", agencies)
	s.renderAdminForm(c, status, "admin/milestone_form", f)
}

// validMilestone checks what the model can of a form's milestone, for the
// errors it shows beside those of values that did not parse.
func validMilestone(in store.MilestoneInput) error {
	m := in.Milestone
	m.Status = model.MilestoneNotStarted
	return m.Validate()
}

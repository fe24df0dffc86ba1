package web

import (
	"cmp"
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
	cm, err := s.commitmentChoice(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return cm, true
}

func (s *Server) commitmentChoice(c *gin.Context) (*model.Commitment, error) {
	q := c.Query("commitment")
	if c.Request.Method == http.MethodPost {
		q = c.PostForm("commitment_id")
	}
	id, err := optionalID(q)
	if err != nil || id == 0 {
		return nil, errBadRequest
	}
	return s.store.FindCommitmentByID(c.Request.Context(), id)
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

// milestones is how the administration adds and changes a commitment's milestones.
var milestones = editor[*milestoneForm]{
	load: func(s *Server, c *gin.Context, id uint) (*milestoneForm, error) {
		ctx := c.Request.Context()
		if id != 0 {
			m, err := s.store.FindMilestoneByID(ctx, id)
			if err != nil {
				return nil, err
			}
			cm, err := s.store.FindCommitmentByID(ctx, m.CommitmentID)
			return &milestoneForm{adminForm: s.adminForm(c, milestoneValues(m), m.Version), Commitment: cm, Milestone: m}, err
		}
		cm, err := s.commitmentChoice(c)
		return &milestoneForm{adminForm: s.adminForm(c, url.Values{"weight": {"1"}}, 0), Commitment: cm}, err
	},
	save: func(s *Server, c *gin.Context, f *milestoneForm) (string, error) {
		f.Values = formValues(c)
		in, found := formMilestone(c, cmp.Or(f.Milestone, &model.Milestone{}))
		err := saveParsed(found, func() error { return validMilestone(in) }, func() (err error) {
			if f.Milestone == nil {
				_, err = s.store.CreateMilestone(writeContext(c), f.Commitment.ID, in)
				return err
			}
			return s.store.UpdateMilestone(writeContext(c), f.Milestone.ID, f.Version, in)
		})
		return fmt.Sprintf("/commitments/%d", f.Commitment.ID), err
	},
	next: func(f *milestoneForm) (string, uint) { return setupMilestone, f.Commitment.PlanID },
	reload: func(s *Server, c *gin.Context, f *milestoneForm) (err error) {
		f.Milestone, err = reloaded(s, c, &f.adminForm, model.EntityMilestone, f.Milestone.ID, s.store.FindMilestoneByID, func(r *model.Milestone) int { return r.Version })
		return err
	},
	render: (*Server).renderMilestoneForm,
}

func (s *Server) renderMilestoneForm(c *gin.Context, status int, f *milestoneForm) {
	ctx := c.Request.Context()
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

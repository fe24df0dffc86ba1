package store

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// CommitmentInput is what a form sets of a commitment: the values of its
// own (identifier, number, theme, texts, dates, OGP values, policy areas,
// source, the IRM's assessment; the commitment it carries forward is kept
// as stored), and its agencies and
// civil-society organisations by code.
type CommitmentInput struct {
	Commitment         model.Commitment
	LeadAgency         string   // code; "" for none
	SupportingAgencies []string // codes
	CoLeads, Partners  []string // organisation codes; one named as both is a co-lead
}

// CreateCommitment stores a new commitment of plan in.Commitment.PlanID
// with its agencies and organisations and, in the same transaction, enters
// it, join tables included, in the record of changes under the actor of
// ctx. It returns the new commitment's id. Invalid values, unknown codes
// and an identifier already used are refused with model.FieldErrors.
func (s *Store) CreateCommitment(ctx context.Context, in CommitmentInput) (uint, error) {
	var id uint
	err := s.write(ctx, func(tx *gorm.DB) error {
		planID := in.Commitment.PlanID
		if err := tx.Select("id").Take(&model.Plan{}, planID).Error; err != nil {
			return notFound(err)
		}
		c := model.Commitment{PlanID: planID, Version: 1}
		joins, err := s.checkCommitment(tx, &c, in, 0)
		if err != nil {
			return err
		}
		if err := tx.Omit(gormAssociations).Create(&c).Error; err != nil {
			return err
		}
		id = c.ID
		if err := indexCommitment(tx, &c); err != nil {
			return err
		}
		extra, err := joins.write(tx, c.ID)
		if err != nil {
			return err
		}
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityCommitment, Action: model.ChangeCreated,
			CommitmentID: &c.ID, PlanID: &c.PlanID}, &model.Commitment{}, &c, extra)
		return err
	})
	return id, err
}

// UpdateCommitment sets what a form changes of commitment id, its agencies
// and organisations included, if the commitment is still at version;
// otherwise it returns ErrConflict and writes nothing. The change, join
// tables included, enters the record of changes in the same transaction.
func (s *Store) UpdateCommitment(ctx context.Context, id uint, version int, in CommitmentInput) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Commitment
		if err := tx.Take(&before, id).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		after := before
		joins, err := s.checkCommitment(tx, &after, in, id)
		if err != nil {
			return err
		}
		changed, err := joins.changed(tx, id)
		if err != nil {
			return err
		}
		if len(diffFields(&before, &after)) == 0 && !changed {
			return nil // the same values again: nothing to record
		}
		err = s.updateVersioned(tx, &model.Commitment{}, id, version, map[string]any{
			"ref": after.Ref, "code": after.Code, "theme_id": after.ThemeID, "title": after.Title,
			"description": after.Description, "problem": after.Problem, "objective": after.Objective,
			"lead_agency_id": after.LeadAgencyID, "start": after.Start, "end": after.End,
			"values": after.Values, "policy_areas": after.PolicyAreas, "source_url": after.SourceURL,
			"irm_verifiable": after.IRM.Verifiable, "irm_potential_impact": after.IRM.PotentialImpact,
			"irm_completion_midterm": after.IRM.CompletionMidterm, "irm_completion": after.IRM.Completion,
			"irm_did_it_open_government": after.IRM.DidItOpenGovernment})
		if err != nil {
			return err
		}
		if err := indexCommitment(tx, &after); err != nil {
			return err
		}
		extra, err := joins.write(tx, id)
		if err != nil {
			return err
		}
		_, err = s.recordWrite(ctx, tx, written{Entity: model.EntityCommitment, Action: model.ChangeUpdated,
			CommitmentID: &id, PlanID: &after.PlanID}, &before, &after, extra)
		return err
	})
}

// checkCommitment sets on c the values of in and checks them: the model's
// rules, the codes, the theme's plan and the identifier's uniqueness.
// It returns the agencies and organisations the codes name.
func (s *Store) checkCommitment(tx *gorm.DB, c *model.Commitment, in CommitmentInput, id uint) (commitmentJoins, error) {
	v := in.Commitment
	c.Ref, c.Code, c.ThemeID, c.Title, c.Description, c.Problem, c.Objective = v.Ref, v.Code, v.ThemeID, v.Title, v.Description, v.Problem, v.Objective
	c.Start, c.End, c.Values, c.PolicyAreas, c.SourceURL, c.IRM = v.Start, v.End, v.Values, v.PolicyAreas, v.SourceURL, v.IRM
	fe := model.FieldErrors{}
	var j commitmentJoins
	var err error
	if c.LeadAgencyID, err = agencyByCode(tx, in.LeadAgency, fe, "lead_agency"); err != nil {
		return j, err
	}
	if j.agencies, err = idsByCode(tx, "agencies", in.SupportingAgencies, fe, "supporting_agencies", MsgUnknownAgency); err != nil {
		return j, err
	}
	if j.coLeads, err = idsByCode(tx, "organisations", in.CoLeads, fe, "co_leads", MsgUnknownOrganisation); err != nil {
		return j, err
	}
	if j.partners, err = idsByCode(tx, "organisations", in.Partners, fe, "partners", MsgUnknownOrganisation); err != nil {
		return j, err
	}
	j.partners = slices.DeleteFunc(j.partners, func(id uint) bool { return slices.Contains(j.coLeads, id) })
	if c.ThemeID != nil {
		var n int64
		if err := tx.Model(&model.Theme{}).Where("id = ? AND plan_id = ?", *c.ThemeID, c.PlanID).Count(&n).Error; err != nil {
			return j, err
		}
		if n == 0 {
			fe.Add("theme", MsgUnknownTheme)
		}
	}
	if err := mergeErrors(fe, c.Validate()); err != nil {
		return j, err
	}
	if err := checkTaken(tx, &model.Commitment{}, fe, "ref", id, "ref = ?", c.Ref); err != nil {
		return j, err
	}
	return j, fe.Err()
}

// commitmentJoins are the supporting agencies and civil-society
// organisations a form gives a commitment, by id.
type commitmentJoins struct {
	agencies, coLeads, partners []uint
}

// stored reads the commitment's joins as they are.
func storedJoins(tx *gorm.DB, commitmentID uint) (commitmentJoins, error) {
	var j commitmentJoins
	if err := tx.Table("commitment_agencies").Where("commitment_id = ?", commitmentID).Pluck("agency_id", &j.agencies).Error; err != nil {
		return j, err
	}
	var orgs []model.CommitmentOrganisation
	if err := tx.Where("commitment_id = ?", commitmentID).Find(&orgs).Error; err != nil {
		return j, err
	}
	for _, o := range orgs {
		if o.Role == model.RoleCoLead {
			j.coLeads = append(j.coLeads, o.OrganisationID)
		} else {
			j.partners = append(j.partners, o.OrganisationID)
		}
	}
	return j, nil
}

// sameIDs reports whether two lists name the same records.
func sameIDs(a, b []uint) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// changed reports whether the joins differ from those stored.
func (j commitmentJoins) changed(tx *gorm.DB, commitmentID uint) (bool, error) {
	have, err := storedJoins(tx, commitmentID)
	if err != nil {
		return false, err
	}
	return !sameIDs(have.agencies, j.agencies) || !sameIDs(have.coLeads, j.coLeads) || !sameIDs(have.partners, j.partners), nil
}

// write makes the stored joins of the commitment these, and returns their
// changes for the record of changes, as the importer records them.
func (j commitmentJoins) write(tx *gorm.DB, commitmentID uint) (model.FieldChanges, error) {
	have, err := storedJoins(tx, commitmentID)
	if err != nil {
		return nil, err
	}
	if !sameIDs(have.agencies, j.agencies) {
		if err := tx.Exec("DELETE FROM commitment_agencies WHERE commitment_id = ?", commitmentID).Error; err != nil {
			return nil, err
		}
		for _, id := range j.agencies {
			if err := tx.Exec("INSERT INTO commitment_agencies (commitment_id, agency_id) VALUES (?, ?)", commitmentID, id).Error; err != nil {
				return nil, err
			}
		}
	}
	if !sameIDs(have.coLeads, j.coLeads) || !sameIDs(have.partners, j.partners) {
		if err := tx.Where("commitment_id = ?", commitmentID).Delete(&model.CommitmentOrganisation{}).Error; err != nil {
			return nil, err
		}
		for role, ids := range map[model.OrganisationRole][]uint{model.RoleCoLead: j.coLeads, model.RolePartner: j.partners} {
			for _, id := range ids {
				if err := tx.Create(&model.CommitmentOrganisation{CommitmentID: commitmentID, OrganisationID: id, Role: role}).Error; err != nil {
					return nil, err
				}
			}
		}
	}
	extra := model.FieldChanges{}
	rr := newRefReader(tx)
	if err := rr.listChange(extra, "supporting_agencies", agencyType, have.agencies, j.agencies); err != nil {
		return nil, err
	}
	if err := rr.listChange(extra, "co_leads", organisationType, have.coLeads, j.coLeads); err != nil {
		return nil, err
	}
	if err := rr.listChange(extra, "partners", organisationType, have.partners, j.partners); err != nil {
		return nil, err
	}
	return extra, nil
}

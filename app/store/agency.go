package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// FindAgencyByID returns one agency with its parent.
func (s *Store) FindAgencyByID(ctx context.Context, id uint) (*model.Agency, error) {
	var a model.Agency
	if err := s.db.WithContext(ctx).Preload("Parent").Take(&a, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// FindAgenciesByID returns the agencies with the given ids, keyed by id;
// ids that match none are left out. Always one query, even for no ids.
func (s *Store) FindAgenciesByID(ctx context.Context, ids []uint) (map[uint]*model.Agency, error) {
	var as []model.Agency
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&as).Error; err != nil {
		return nil, err
	}
	out := make(map[uint]*model.Agency, len(as))
	for i := range as {
		out[as[i].ID] = &as[i]
	}
	return out, nil
}

// FindAgencyByCode returns the agency with the given code.
func (s *Store) FindAgencyByCode(ctx context.Context, code string) (*model.Agency, error) {
	var a model.Agency
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&a).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// FindActiveContacts returns the contacts of an agency who hold their role
// on day d, liaisons first.
func (s *Store) FindActiveContacts(ctx context.Context, agencyID uint, d model.Date) ([]model.Contact, error) {
	var all []model.Contact
	if err := s.db.WithContext(ctx).Where("agency_id = ?", agencyID).Order("name, ref").Find(&all).Error; err != nil {
		return nil, err
	}
	active := all[:0]
	for _, c := range all {
		if c.ActiveOn(d) {
			active = append(active, c)
		}
	}
	// Roles in the order model.ContactRoles lists them, liaisons first.
	sort.SliceStable(active, func(i, j int) bool {
		return slices.Index(model.ContactRoles, active[i].Role) < slices.Index(model.ContactRoles, active[j].Role)
	})
	return active, nil
}

// AgencyCommitments is what an agency answers for: the commitments it
// leads and those it supports, in code order plan by plan, as the outlines
// a page pages them on, and the milestones it may answer for.
type AgencyCommitments struct {
	Led       []CommitmentOutline
	Supported []CommitmentOutline // supported and not led
	// Milestones are those that name it as responsible or among their
	// other agencies, and those with no agency of their own in commitments
	// it leads, in no order: model.Milestone.AnswersFor decides.
	Milestones []AgencyMilestone
}

// AgencyMilestone is a milestone's schedule (as FindMilestoneSchedules
// reads it) with what judging it alone takes.
type AgencyMilestone struct {
	*model.Milestone
	PlanID uint
	Leaf   bool // no other milestone's parent: judged on its own dates
	Named  bool // names the agency among its other agencies, which schedules leave out
}

// FindAgencyCommitments returns what an agency answers for, reading only
// what concerns the agency, never whole plans or every milestone of its
// commitments, in five queries whatever the agency's size.
func (s *Store) FindAgencyCommitments(ctx context.Context, agencyID uint) (AgencyCommitments, error) {
	var out AgencyCommitments
	agency := sql.Named("agency", agencyID)
	own, err := s.outlinesOf(s.db.WithContext(ctx).Model(&model.Commitment{}).Where("id IN (SELECT id FROM commitments WHERE lead_agency_id = @agency "+
		"UNION SELECT commitment_id FROM commitment_agencies WHERE agency_id = @agency)", agency), false)
	if err != nil {
		return out, err
	}
	led, err := s.idSet(s.db.WithContext(ctx).Raw("SELECT "+s.dialect.idList("id")+" FROM commitments WHERE lead_agency_id = @agency", agency))
	if err != nil {
		return out, err
	}
	for _, c := range own {
		if led.has(c.ID) {
			out.Led = append(out.Led, c)
		} else {
			out.Supported = append(out.Supported, c)
		}
	}
	// The milestones named as its own, those left to the lead of the
	// commitments it leads, and those naming it among other agencies.
	const candidates = "SELECT id FROM milestones WHERE agency_id = @agency " +
		"UNION SELECT m.id FROM milestones m JOIN commitments c ON c.id = m.commitment_id WHERE c.lead_agency_id = @agency AND m.agency_id IS NULL " +
		"UNION SELECT milestone_id FROM milestone_agencies WHERE agency_id = @agency"
	byPlan, err := s.schedulesOf(s.db.WithContext(ctx).Table("milestones").Joins("JOIN commitments ON commitments.id = milestones.commitment_id").
		Where("milestones.id IN ("+candidates+")", agency))
	if err != nil {
		return out, err
	}
	// Which of them are parents, and which name it among other agencies.
	parents, err := s.idSet(s.db.WithContext(ctx).Raw("SELECT "+s.dialect.idList("a.id")+" FROM ("+candidates+") AS a "+
		"WHERE EXISTS (SELECT 1 FROM milestones k WHERE k.parent_id = a.id)", agency))
	if err != nil {
		return out, err
	}
	named, err := s.idSet(s.db.WithContext(ctx).Raw("SELECT "+s.dialect.idList("milestone_id")+" FROM milestone_agencies WHERE agency_id = @agency", agency))
	if err != nil {
		return out, err
	}
	n := 0
	for _, commitments := range byPlan {
		for _, ms := range commitments {
			n += len(ms)
		}
	}
	out.Milestones = make([]AgencyMilestone, 0, n)
	for planID, commitments := range byPlan {
		for _, ms := range commitments {
			for i := range ms {
				m := &ms[i]
				out.Milestones = append(out.Milestones, AgencyMilestone{Milestone: m, PlanID: planID, Leaf: !parents.has(m.ID), Named: named.has(m.ID)})
			}
		}
	}
	return out, nil
}

// FindMilestoneSchedulesOf returns the schedules of the milestones of the
// given commitments, as FindMilestoneSchedules does, read anew and only
// theirs: for the few commitments a page shows out of many plans.
func (s *Store) FindMilestoneSchedulesOf(ctx context.Context, commitmentIDs []uint) (map[uint][]model.Milestone, error) {
	out := map[uint][]model.Milestone{}
	if len(commitmentIDs) == 0 {
		return out, nil
	}
	byPlan, err := s.schedulesOf(s.db.WithContext(ctx).Table("milestones").Joins("JOIN commitments ON commitments.id = milestones.commitment_id").
		Where("milestones.commitment_id IN ?", commitmentIDs))
	if err != nil {
		return nil, err
	}
	for _, commitments := range byPlan {
		maps.Copy(out, commitments)
	}
	return out, nil
}

// FindAgencies returns every agency, by code.
func (s *Store) FindAgencies(ctx context.Context) ([]model.Agency, error) {
	var as []model.Agency
	err := s.db.WithContext(ctx).Order("code").Find(&as).Error
	return as, err
}

// CreateAgency saves a new agency and enters it in the record of changes
// under the actor of ctx. A code already taken or an unknown parent is a
// field error.
func (s *Store) CreateAgency(ctx context.Context, a *model.Agency) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := s.checkAgency(tx, a); err != nil {
			return err
		}
		a.Version = 1
		if err := tx.Omit(clause.Associations).Create(a).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityAgency, Action: model.ChangeCreated}, &model.Agency{}, a, nil)
		return err
	})
}

// UpdateAgency saves the fields of a if the agency stored is still at
// version; otherwise it returns ErrConflict and writes nothing. The change
// enters the record of changes in the same transaction.
func (s *Store) UpdateAgency(ctx context.Context, a *model.Agency, version int) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var before model.Agency
		if err := tx.Take(&before, a.ID).Error; err != nil {
			return notFound(err)
		}
		if before.Version != version {
			return ErrConflict
		}
		if err := s.checkAgency(tx, a); err != nil {
			return err
		}
		after := *a
		after.Parent, after.CreatedAt = nil, before.CreatedAt
		if len(diffFields(&before, &after)) == 0 {
			return nil
		}
		if err := saveVersioned(tx, &after, version); err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityAgency, Action: model.ChangeUpdated}, &before, &after, nil)
		return err
	})
}

// checkAgency validates an agency against itself and the others: a unique
// code, and a parent that exists and is not one of its own descendants.
func (s *Store) checkAgency(tx *gorm.DB, a *model.Agency) error {
	fe := model.FieldErrors{}
	if err := checkUnique(tx, fe, &model.Agency{}, "code", "code", a.Code, a.ID); err != nil {
		return err
	}
	if err := checkExists(tx, fe, &model.Agency{}, "parent", a.ParentID); err != nil {
		return err
	}
	if a.ParentID != nil && a.ID != 0 && fe["parent"] == "" {
		circle, err := model.ParentCycle(a.ID, *a.ParentID, parentIDOf(tx))
		if err != nil {
			return err
		}
		if circle != nil {
			fe.Add("parent", model.MsgOwnParent)
		}
	}
	return validated(a, fe)
}

// parentIDOf reads an agency's parent as stored (0 for none), for
// model.ParentCycle.
func parentIDOf(tx *gorm.DB) func(uint) (uint, error) {
	return func(id uint) (uint, error) {
		var p model.Agency
		if err := tx.Select("id", "parent_id").Take(&p, id).Error; err != nil {
			return 0, notFound(err)
		}
		if p.ParentID == nil {
			return 0, nil
		}
		return *p.ParentID, nil
	}
}

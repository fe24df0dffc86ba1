package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

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

// AgencyMilestone is what judging a milestone alone takes: its schedule
// without its weight, and its place. Thousands are read at once, so it
// holds them by value rather than as a model.Milestone of every field.
type AgencyMilestone struct {
	ID, CommitmentID, PlanID uint
	AgencyID                 uint // its own responsible agency; 0 when the commitment's lead answers
	Position                 int
	Status                   model.MilestoneStatus
	Start, Due, CompletedOn  model.Date
	ProgressAt               time.Time // zero when no progress was reported
	Leaf                     bool      // no other milestone's parent: judged on its own dates
	Named                    bool      // names the agency among its other agencies, which schedules leave out
}

// Milestone is m as model's judging takes it (model.LeafState,
// Milestone.AnswersFor), pointing at m's agency and time of progress.
func (m *AgencyMilestone) Milestone() model.Milestone {
	out := model.Milestone{ID: m.ID, CommitmentID: m.CommitmentID, Position: m.Position, Status: m.Status, Start: m.Start, Due: m.Due, CompletedOn: m.CompletedOn}
	if m.AgencyID != 0 {
		out.AgencyID = &m.AgencyID
	}
	if !m.ProgressAt.IsZero() {
		out.ProgressAt = &m.ProgressAt
	}
	return out
}

// FindAgencyCommitments returns what an agency answers for, reading only
// what concerns the agency, never whole plans or every milestone of its
// commitments, in five queries whatever the agency's size. The four long
// ones run at once (readAtOnce): the commitments it leads, those it
// supports, and its milestones in two halves.
func (s *Store) FindAgencyCommitments(ctx context.Context, agencyID uint) (AgencyCommitments, error) {
	var out AgencyCommitments
	agency := sql.Named("agency", agencyID)
	var milestones [2][]AgencyMilestone // by the parity of their ids (agencyMilestones)
	commitments := func(where string) *gorm.DB {
		return s.db.WithContext(ctx).Model(&model.Commitment{}).Where(where, agency)
	}
	err := s.readAtOnce(
		func() (err error) {
			out.Led, err = s.outlinesOf(commitments("lead_agency_id = @agency"), false)
			return err
		},
		func() (err error) {
			out.Supported, err = s.outlinesOf(commitments("id IN (SELECT commitment_id FROM commitment_agencies WHERE agency_id = @agency) "+
				"AND (lead_agency_id IS NULL OR lead_agency_id <> @agency)"), false)
			return err
		},
		func() (err error) {
			milestones[0], err = s.agencyMilestones(ctx, agency, 0)
			return err
		},
		func() (err error) {
			milestones[1], err = s.agencyMilestones(ctx, agency, 1)
			return err
		})
	if err != nil {
		return out, err
	}
	out.Milestones = append(milestones[0], milestones[1]...)
	named, err := s.idSet(s.db.WithContext(ctx).Raw("SELECT "+s.dialect.idList("milestone_id")+" FROM milestone_agencies WHERE agency_id = @agency", agency))
	if err != nil {
		return out, err
	}
	for i := range out.Milestones {
		out.Milestones[i].Named = named.has(out.Milestones[i].ID)
	}
	return out, nil
}

// agencyMilestones reads the schedules of the milestones an agency may
// answer for, each once: those naming it as responsible, those with no
// agency of their own in commitments it leads, and those naming it among
// their other agencies. The first two are read from the index of
// milestones by agency alone, and their plans from the index of
// commitments' plans (migrateAgencySchedules): at 41,000 milestones in as
// many commitments, reading their rows took four times as long. Whether
// they name it among other agencies is left to the caller. Only those
// whose id leaves parity (0 or 1) when halved are read: two callers read
// the halves at once, each on a core.
func (s *Store) agencyMilestones(ctx context.Context, agency sql.NamedArg, parity int) ([]AgencyMilestone, error) {
	d := s.dialect
	// The last field says whether it is a leaf: 1, or 0 for a parent.
	schedule := d.format(`'%d %d %d %d %s %s %s %s %d %d %d'`, "c.plan_id, m.commitment_id, m.id, m.position, "+
		orDash("m.status")+", "+orDash("m.start")+", "+orDash("m.due")+", "+orDash("m.completed_on")+", coalesce(m.agency_id, 0), "+
		d.millis("m.progress_at")+", CASE WHEN EXISTS (SELECT 1 FROM milestones k WHERE k.parent_id = m.id) THEN 0 ELSE 1 END") + " AS schedule"
	planOf := " JOIN commitments c" + d.indexedBy("idx_commitments_plan_of") + " ON c.id = m.commitment_id "
	var packed sql.NullString
	err := s.db.WithContext(ctx).Raw("SELECT "+d.concat("schedule")+" FROM ("+
		"SELECT "+schedule+" FROM milestones m"+planOf+"WHERE m.agency_id = @agency AND m.id % 2 = @parity "+
		"UNION ALL SELECT "+schedule+" FROM milestones m"+planOf+"WHERE m.agency_id IS NULL AND m.id % 2 = @parity AND m.commitment_id IN (SELECT id FROM commitments WHERE lead_agency_id = @agency) "+
		"UNION ALL SELECT "+schedule+" FROM milestone_agencies a JOIN milestones m ON m.id = a.milestone_id JOIN commitments c ON c.id = m.commitment_id "+
		"WHERE a.agency_id = @agency AND m.id % 2 = @parity AND coalesce(m.agency_id, c.lead_agency_id, 0) <> @agency) AS answered",
		agency, sql.Named("parity", parity)).Row().Scan(&packed)
	if err != nil {
		return nil, err
	}
	p := packedText{rest: packed.String}
	out := make([]AgencyMilestone, 0, strings.Count(packed.String, " ")/11+1)
	for !p.end() {
		m := AgencyMilestone{PlanID: p.id(), CommitmentID: p.id(), ID: p.id(), Position: p.integer()}
		m.Status, m.Start, m.Due, m.CompletedOn = milestoneStatus(p.field()), p.date(), p.date(), p.date()
		m.AgencyID, m.ProgressAt, m.Leaf = p.id(), p.instant(), p.integer() == 1
		if p.err != nil {
			return nil, fmt.Errorf("milestone schedules: %w", p.err)
		}
		out = append(out, m)
	}
	return out, nil
}

// milestoneStatus is status as one of model.MilestoneStatuses, which
// holds no part of the text it was read from.
func milestoneStatus(status string) model.MilestoneStatus {
	if i := slices.Index(model.MilestoneStatuses, model.MilestoneStatus(status)); i >= 0 {
		return model.MilestoneStatuses[i]
	}
	return model.MilestoneStatus(strings.Clone(status))
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

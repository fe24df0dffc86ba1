package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// ChangeFilter narrows FindChanges; zero fields do not filter.
type ChangeFilter struct {
	CommitmentID uint // the commitment and its milestones
	PlanID       uint // the plan and everything in it
	// AgencyID: the agency itself, and the commitments it leads or supports
	// or answers for a milestone of, with their milestones.
	AgencyID uint
	Limit    int // 0: no limit
	// DraftSaves includes the saves of report drafts: the agency's own
	// record, never the public's (see public).
	DraftSaves bool
}

// FindChanges returns the matching entries of the record of changes,
// newest first (those of one moment, such as one import, in the order they
// were made), and how many match in all: one query whatever their number.
func (s *Store) FindChanges(ctx context.Context, f ChangeFilter) ([]model.Change, int64, error) {
	// Counted apart from the rows, once: a count over the rows (a window)
	// would read every matching row, however few are asked for.
	count := s.changes(ctx, f).Select("COUNT(*)")
	var rows []struct {
		model.Change
		Total int64
	}
	if err := s.newestChanges(ctx, f).Select("*, (?) AS total", count).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	changes := make([]model.Change, len(rows))
	var total int64
	for i, r := range rows {
		changes[i], total = r.Change, r.Total
	}
	return changes, total, nil // no rows, none match: total is 0
}

// FindRecentChanges returns the matching entries of the record of changes
// in the order of FindChanges, without counting them: what a feed reads,
// from an index, however long the record.
func (s *Store) FindRecentChanges(ctx context.Context, f ChangeFilter) ([]model.Change, error) {
	var changes []model.Change
	err := s.newestChanges(ctx, f).Find(&changes).Error
	return changes, err
}

// newestChanges is the query of the entries f selects, newest first, at
// most f.Limit. Its order is that of the index on (at DESC, id), which
// reads the newest in order even when an import made thousands of
// entries at one instant.
func (s *Store) newestChanges(ctx context.Context, f ChangeFilter) *gorm.DB {
	q := s.changes(ctx, f).Order("at DESC, id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	return q
}

// changes is the query of the entries f selects, in no order.
func (s *Store) changes(ctx context.Context, f ChangeFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Model(&model.Change{})
	if !f.DraftSaves {
		q = public(q)
	}
	if f.CommitmentID != 0 {
		q = q.Where("commitment_id = ?", f.CommitmentID)
	}
	if f.PlanID != 0 {
		q = q.Where("plan_id = ?", f.PlanID)
	}
	if f.AgencyID != 0 {
		q = q.Where(`(entity = ? AND entity_id = ?) OR commitment_id IN (
			SELECT id FROM commitments WHERE lead_agency_id = ?
			UNION SELECT commitment_id FROM commitment_agencies WHERE agency_id = ?
			UNION SELECT commitment_id FROM milestones WHERE agency_id = ?)`,
			model.EntityAgency, f.AgencyID, f.AgencyID, f.AgencyID, f.AgencyID)
	}
	return q
}

// FindChangeByID returns one entry of the record of changes.
func (s *Store) FindChangeByID(ctx context.Context, id uint) (*model.Change, error) {
	var c model.Change
	if err := public(s.db.WithContext(ctx)).Take(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// public keeps a reading of the record of changes to what everyone may
// see: a draft's saves are the agency's own until it submits (the
// submission itself is public), so they are left out of every list,
// count, feed and "last update" (model.EntityReportDraft).
func public(q *gorm.DB) *gorm.DB {
	return q.Where("entity <> ?", model.EntityReportDraft)
}

// The importer's side of the record of changes.

var (
	agencyType       = reflect.TypeFor[model.Agency]()
	organisationType = reflect.TypeFor[model.Organisation]()
	commitmentType   = reflect.TypeFor[model.Commitment]()
)

func changeKey(e model.Entity, id uint) string { return fmt.Sprintf("%s/%d", e, id) }

// record notes the change of a record just saved, with the fields that differ.
func (im *importer) record(entity model.Entity, rec any, of owner, action model.ChangeAction, diffs []fieldDiff) error {
	fields, err := im.fieldChanges(entity, diffs)
	if err != nil {
		return err
	}
	ref := refOf(rec)
	im.add(entity, ref.ID, ref.Key, of, action, fields)
	return nil
}

func (im *importer) add(entity model.Entity, id uint, key string, of owner, action model.ChangeAction, fields model.FieldChanges) {
	c := &model.Change{At: im.at, Door: im.actor.Door, Actor: im.actor.Label, UserID: im.actor.UserID,
		ActorRole: im.actor.Role, ActorAgency: im.actor.Agency, Source: im.actor.Source, Entity: entity, EntityID: id, Ref: key, Action: action, Fields: fields}
	if commitmentID, planID := of(); commitmentID != 0 || planID != 0 {
		if commitmentID != 0 {
			c.CommitmentID = &commitmentID
		}
		if planID != 0 {
			c.PlanID = &planID
		}
	}
	im.changes = append(im.changes, c)
	im.changeOf[changeKey(entity, id)] = c
}

// amend adds fields written after a record was saved (its parent, its
// supporting agencies) to the record's change; a record that was unchanged
// until then is now updated.
func (im *importer) amend(entity model.Entity, id uint, key string, of owner, fields model.FieldChanges) {
	if c := im.changeOf[changeKey(entity, id)]; c != nil {
		for name, fc := range fields {
			c.Fields[name] = fc
		}
		return
	}
	im.res.Unchanged--
	im.res.Updated++
	im.add(entity, id, key, of, model.ChangeUpdated, fields)
}

// remember notes how a reference to a record just saved reads, so that
// references to the records of the dataset cost no query.
func (im *importer) remember(rec any) {
	r := refOf(rec)
	im.cache[refKey(reflect.TypeOf(rec).Elem(), r.ID)] = r
}

// refReader reads how references to records read in the record of
// changes (identifier and name), remembering each record it has read.
type refReader struct {
	tx    *gorm.DB
	cache map[string]model.RefValue // refKey → how a reference to the record reads
}

func newRefReader(tx *gorm.DB) *refReader {
	return &refReader{tx: tx, cache: map[string]model.RefValue{}}
}

// fieldChanges turns the differing fields of a record of entity into what
// the record of changes keeps: plain values as they are, references as
// the identifier and name of the record referred to.
func (rr *refReader) fieldChanges(entity model.Entity, diffs []fieldDiff) (model.FieldChanges, error) {
	fields := model.FieldChanges{}
	for _, d := range diffs {
		var fc model.FieldChange
		var err error
		if d.ref != nil {
			fc, err = rr.refChange(d.ref, idOf(d.before), idOf(d.after))
		} else {
			fc, err = valueChange(d.before, d.after)
		}
		if err != nil {
			return nil, fmt.Errorf("record of changes: %s.%s: %w", entity, d.name, err)
		}
		fields[d.name] = fc
	}
	return fields, nil
}

// ref reads how a reference to record id of model t reads.
func (rr *refReader) ref(t reflect.Type, id uint) (model.RefValue, error) {
	if r, ok := rr.cache[refKey(t, id)]; ok {
		return r, nil
	}
	rec := reflect.New(t).Interface()
	err := rr.tx.Take(rec, id).Error
	if err == gorm.ErrRecordNotFound {
		return model.RefValue{ID: id}, nil // gone: the id is all there is
	}
	if err != nil {
		return model.RefValue{}, err
	}
	r := refOf(rec)
	rr.cache[refKey(t, id)] = r
	return r, nil
}

// refChange is the change of a reference from record before to record
// after of model t; 0 is none.
func (rr *refReader) refChange(t reflect.Type, before, after uint) (model.FieldChange, error) {
	var fc model.FieldChange
	var err error
	if fc.Before, err = rr.encodeRef(t, before); err != nil {
		return fc, err
	}
	fc.After, err = rr.encodeRef(t, after)
	return fc, err
}

// listChange notes in changed the change of a list of references, when
// the two lists do not name the same records.
func (rr *refReader) listChange(changed model.FieldChanges, name string, t reflect.Type, before, after []uint) error {
	b, a := slices.Clone(before), slices.Clone(after)
	slices.Sort(b)
	slices.Sort(a)
	if slices.Equal(b, a) {
		return nil
	}
	var fc model.FieldChange
	var err error
	if fc.Before, err = rr.encodeRefList(t, b); err != nil {
		return err
	}
	if fc.After, err = rr.encodeRefList(t, a); err != nil {
		return err
	}
	changed[name] = fc
	return nil
}

// encodeRef is a reference to record id of model t as JSON; nil for none.
func (rr *refReader) encodeRef(t reflect.Type, id uint) (json.RawMessage, error) {
	if id == 0 {
		return nil, nil
	}
	r, err := rr.ref(t, id)
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

// encodeRefList is a list of references as JSON, sorted by identifier; nil when empty.
func (rr *refReader) encodeRefList(t reflect.Type, ids []uint) (json.RawMessage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	refs := make([]model.RefValue, len(ids))
	for i, id := range ids {
		r, err := rr.ref(t, id)
		if err != nil {
			return nil, err
		}
		refs[i] = r
	}
	slices.SortFunc(refs, func(a, b model.RefValue) int { return compareCodes(a.Key, b.Key) })
	return json.Marshal(refs)
}

// carryForward links a commitment to the one of an earlier plan it continues.
func (im *importer) carryForward(f pendingForward) error {
	var from model.Commitment
	if err := im.tx.Select("id").Where("ref = ?", f.ref).Take(&from).Error; err != nil {
		return &model.DatasetError{Path: f.path + ".carried_forward_from", Err: fmt.Errorf("unknown commitment %q", f.ref)}
	}
	var c model.Commitment
	if err := im.tx.Select("id", "carried_forward_from_id").Take(&c, f.id).Error; err != nil {
		return err
	}
	if c.CarriedForwardFromID != nil && *c.CarriedForwardFromID == from.ID {
		return nil
	}
	if err := im.tx.Model(&model.Commitment{}).Where("id = ?", f.id).Update("carried_forward_from_id", from.ID).Error; err != nil {
		return err
	}
	fc, err := im.refChange(commitmentType, idOf(reflect.ValueOf(c.CarriedForwardFromID)), from.ID)
	if err != nil {
		return err
	}
	im.amend(model.EntityCommitment, f.id, f.commitment, func() (uint, uint) { return f.id, f.planID },
		model.FieldChanges{"carried_forward_from": fc})
	return nil
}

// saveChanges writes the import's record of changes, in the import's transaction.
func (im *importer) saveChanges() error {
	for _, c := range im.changes {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("record of changes: %s %s: %w", c.Entity, c.Ref, err)
		}
	}
	if len(im.changes) == 0 {
		return nil
	}
	return im.tx.CreateInBatches(im.changes, 100).Error
}

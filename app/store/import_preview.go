package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// An import's preview is the import itself, made in a transaction that is
// then rolled back: what it shows is what applying the file does, computed
// by the same code, and the record of changes it would make is its list of
// updates, field by field.

// ImportPreview is what importing a dataset would do, per plan.
type ImportPreview struct {
	Created, Updated, Unchanged int           // records of every kind
	Totals                      []EntityCount // by kind, over every plan
	Plans                       []PlanPreview // in the file's order
	// Other holds the records of no plan: agencies, organisations, contacts.
	Other PlanPreview
	// Fingerprint sums up what the import would do, so that applying it
	// later can tell whether the data changed meanwhile.
	Fingerprint string
}

// PreviewUnchanged is the action of a record the file leaves as it is.
const PreviewUnchanged = "unchanged"

// PlanPreview is what an import would do to one plan and its records.
type PlanPreview struct {
	Ref    string
	Title  model.Text
	Action string // the plan's own: created, updated or unchanged
	Counts []EntityCount
	// Changes are the records created (with their title or name only) and
	// updated (with every field before and after), in the order written.
	Changes []model.Change
}

// EntityCount counts what an import does to the records of one kind.
type EntityCount struct {
	Entity                      model.Entity
	Created, Updated, Unchanged int
}

// ErrImportChanged refuses to apply a preview whose data changed since:
// applying the file now would do something else than what was shown.
var ErrImportChanged = errors.New("the tracker's data changed since the preview")

// errPreviewOnly rolls a preview's transaction back.
var errPreviewOnly = errors.New("preview only")

// PreviewImport tells what ImportDataset would do with ds, changing
// nothing. A dataset the import would refuse is refused with the same error.
func (s *Store) PreviewImport(ctx context.Context, ds *model.Dataset, progress func(done, total int)) (*ImportPreview, error) {
	var pv *ImportPreview
	err := s.write(ctx, func(tx *gorm.DB) error {
		_, im, err := s.importInTx(ctx, tx, ds, progress)
		if err != nil {
			return err
		}
		pv = im.preview()
		return errPreviewOnly
	})
	if errors.Is(err, errPreviewOnly) {
		return pv, nil
	}
	return nil, err
}

// ImportPreviewed imports ds as ImportDataset does, but only when it does
// what the preview whose Fingerprint is fingerprint showed; otherwise it
// changes nothing and returns ErrImportChanged.
func (s *Store) ImportPreviewed(ctx context.Context, ds *model.Dataset, fingerprint string, progress func(done, total int)) (ImportResult, error) {
	var res ImportResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		var im *importer
		var err error
		if res, im, err = s.importInTx(ctx, tx, ds, progress); err != nil {
			return err
		}
		if im.preview().Fingerprint != fingerprint {
			return ErrImportChanged
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// seenRecord is a record the file names, as the preview counts it.
type seenRecord struct {
	entity model.Entity
	key    string
	planID uint
}

// see notes a record the file names, once, after it is saved.
func (im *importer) see(entity model.Entity, rec any, of owner) {
	r := refOf(rec)
	key := changeKey(entity, r.ID)
	if _, ok := im.seen[key]; ok {
		return
	}
	_, planID := of()
	im.seen[key] = seenRecord{entity: entity, key: r.Key, planID: planID}
	im.seenOrder = append(im.seenOrder, key)
}

// seePlan starts a plan's part of the preview.
func (im *importer) seePlan(p *model.Plan) {
	if _, ok := im.plans[p.ID]; ok {
		return
	}
	im.plans[p.ID] = &PlanPreview{Ref: p.Ref, Title: p.Title, Action: PreviewUnchanged}
	im.planOrder = append(im.planOrder, p.ID)
}

// previewOrder is the order kinds of records are counted in.
var previewOrder = []model.Entity{model.EntityPlan, model.EntityTheme, model.EntityCommitment, model.EntityMilestone,
	model.EntityAgency, model.EntityOrganisation, model.EntityContact}

// preview sums up what the importer did.
func (im *importer) preview() *ImportPreview {
	pv := &ImportPreview{Other: PlanPreview{Action: PreviewUnchanged}}
	partOf := func(planID uint) *PlanPreview {
		if p, ok := im.plans[planID]; ok {
			return p
		}
		return &pv.Other
	}
	counts := map[*PlanPreview]map[model.Entity]*EntityCount{}
	totals := map[model.Entity]*EntityCount{}
	tally := func(m map[model.Entity]*EntityCount, e model.Entity, action string) {
		ec := m[e]
		if ec == nil {
			ec = &EntityCount{Entity: e}
			m[e] = ec
		}
		switch action {
		case string(model.ChangeCreated):
			ec.Created++
		case string(model.ChangeUpdated):
			ec.Updated++
		default:
			ec.Unchanged++
		}
	}
	sum := sha256.New()
	for _, key := range im.seenOrder {
		r := im.seen[key]
		action := PreviewUnchanged
		if c := im.changeOf[key]; c != nil {
			action = string(c.Action)
		}
		part := partOf(r.planID)
		if counts[part] == nil {
			counts[part] = map[model.Entity]*EntityCount{}
		}
		tally(counts[part], r.entity, action)
		tally(totals, r.entity, action)
		if r.entity == model.EntityPlan {
			part.Action = action
		}
		fmt.Fprintf(sum, "%s\x00%s\x00%s\n", r.entity, r.key, action)
	}
	for _, c := range im.changes {
		part := &pv.Other
		if c.PlanID != nil {
			part = partOf(*c.PlanID)
		}
		shown := *c
		shown.ID, shown.EntityID = 0, 0 // this transaction's ids mean nothing after it
		if c.Action == model.ChangeCreated {
			shown.Fields = model.FieldChanges{}
			for _, name := range []string{"title", "name"} {
				if fc, ok := c.Fields[name]; ok {
					shown.Fields[name] = fc
				}
			}
			pv.Created++
		} else {
			pv.Updated++
		}
		part.Changes = append(part.Changes, shown)
		fingerprintChange(sum, c)
	}
	pv.Unchanged = len(im.seen) - pv.Created - pv.Updated
	for _, id := range im.planOrder {
		p := im.plans[id]
		p.Counts = ordered(counts[p])
		pv.Plans = append(pv.Plans, *p)
	}
	pv.Other.Counts = ordered(counts[&pv.Other])
	pv.Totals = ordered(totals)
	pv.Fingerprint = hex.EncodeToString(sum.Sum(nil))
	return pv
}

func ordered(m map[model.Entity]*EntityCount) []EntityCount {
	var out []EntityCount
	for _, e := range previewOrder {
		if ec, ok := m[e]; ok {
			out = append(out, *ec)
		}
	}
	return out
}

// fingerprintChange adds a change to the fingerprint without the ids of
// records it refers to: a record the import creates gets another id each
// time (PostgreSQL's sequences do not roll back).
func fingerprintChange(w io.Writer, c *model.Change) {
	fmt.Fprintf(w, "%s\x00%s\x00%s\n", c.Entity, c.Ref, c.Action)
	names := make([]string, 0, len(c.Fields))
	for name := range c.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fc := c.Fields[name]
		fmt.Fprintf(w, "%s\x00%s\x00%s\n", name, withoutIDs(fc.Before), withoutIDs(fc.After))
	}
}

// withoutIDs is a JSON value without the "id" of the objects in it.
func withoutIDs(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "id")
			for k, e := range x {
				x[k] = strip(e)
			}
		case []any:
			for i, e := range x {
				x[i] = strip(e)
			}
		}
		return v
	}
	out, err := json.Marshal(strip(v))
	if err != nil {
		return raw
	}
	return out
}

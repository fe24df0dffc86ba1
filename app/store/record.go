package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// A person's write through the web, the command line or the API goes into
// the record of changes as an import's does, in the same transaction as
// the write itself: recordWrite is the one way to do it.

// written names the record a write changed and where its change is shown.
type written struct {
	Entity       model.Entity
	Action       model.ChangeAction
	CommitmentID *uint  // the commitment whose history shows it, if any
	PlanID       *uint  // the plan whose history shows it, if any
	Ref          string // the record's identifier, for records without a Ref or Code
}

// recordWrite adds to the record of changes, in tx and under the actor of
// ctx, the fields that differ between before and after: pointers to rows
// of one model, before a zero row for a record just created. extra holds
// changes diffFields cannot see (join tables) and may be nil. When nothing
// differs nothing is recorded and it returns false.
func (s *Store) recordWrite(ctx context.Context, tx *gorm.DB, w written, before, after any, extra model.FieldChanges) (bool, error) {
	actor, ok := model.ActorFromContext(ctx)
	if !ok {
		actor = model.Actor{Door: model.DoorCLI}
	}
	rr := newRefReader(tx)
	fields, err := rr.fieldChanges(w.Entity, diffFields(before, after, "PlanID", "CommitmentID"))
	if err != nil {
		return false, err
	}
	for name, fc := range extra {
		fields[name] = fc
	}
	if len(fields) == 0 {
		return false, nil
	}
	ref := refOf(after)
	if ref.Key == "" {
		ref.Key = w.Ref
	}
	c := &model.Change{At: s.now().UTC(), Door: actor.Door, Actor: actor.Label, UserID: actor.UserID,
		ActorRole: actor.Role, ActorAgency: actor.Agency, Entity: w.Entity, EntityID: ref.ID, Ref: ref.Key,
		CommitmentID: w.CommitmentID, PlanID: w.PlanID, Action: w.Action, Fields: fields}
	if err := c.Validate(); err != nil {
		return false, err
	}
	return true, tx.Create(c).Error
}

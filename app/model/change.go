package model

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"time"
)

// Door is the way a change came into the tracker.
type Door string

const (
	DoorImport Door = "import" // a dataset file: ogptracker import, the demo plan
	DoorCLI    Door = "cli"    // a command that edits records
	DoorWeb    Door = "web"    // a form of the web interface
	DoorAPI    Door = "api"    // the programming interface
)

// Doors lists every door.
var Doors = []Door{DoorImport, DoorCLI, DoorWeb, DoorAPI}

// ChangeAction says whether a change brought a record in or changed it.
type ChangeAction string

const (
	ChangeCreated ChangeAction = "created"
	ChangeUpdated ChangeAction = "updated"
)

// ChangeActions lists every action.
var ChangeActions = []ChangeAction{ChangeCreated, ChangeUpdated}

// Entity names the kind of record a change is about.
type Entity string

const (
	EntityPlan         Entity = "plan"
	EntityTheme        Entity = "theme"
	EntityCommitment   Entity = "commitment"
	EntityMilestone    Entity = "milestone"
	EntityAgency       Entity = "agency"
	EntityOrganisation Entity = "organisation"
	EntityContact      Entity = "contact"
	EntityPeriod       Entity = "period" // a reporting period
	EntityReport       Entity = "report" // a version of a progress report, once submitted
	// EntityReportDraft is a save of a report's draft: recorded with its
	// author and time like any change, but, like the draft, never public.
	EntityReportDraft Entity = "report-draft"
	EntityReview      Entity = "review"     // a committee member's view of a report
	EntityAssessment  Entity = "assessment" // a committee member's completion assessment
	EntityUser        Entity = "user"       // an account: its name, role and affiliation, never its email or password
)

// Entities lists every kind of record the tracker keeps a record of changes for.
var Entities = []Entity{EntityPlan, EntityTheme, EntityCommitment, EntityMilestone, EntityAgency, EntityOrganisation, EntityContact,
	EntityPeriod, EntityReport, EntityReportDraft, EntityReview, EntityAssessment, EntityUser}

// Change is one entry of the record of changes: one record created or
// updated, when, through which door and by whom, and each field's value
// before and after. Changes are only ever added; the record outlives the
// records it describes, so it holds no foreign keys.
type Change struct {
	ID   uint      `gorm:"primaryKey;index:idx_changes_newest,priority:2"`
	At   time.Time `gorm:"not null;index:idx_changes_newest,priority:1,sort:desc;index:idx_changes_commitment,priority:2;index:idx_changes_plan,priority:2"`
	Door Door      `gorm:"size:10;not null"`
	// Actor says who in words until people sign in: the imported file's
	// name, "demo plan". UserID is the signed-in person, once there are accounts.
	Actor  string `gorm:"size:200;not null"`
	UserID *uint  `gorm:"index"`
	// The person's role and, for a liaison, agency code when they made the
	// change: the history says who answered for it then, whatever they are now.
	ActorRole   Role   `gorm:"size:20;not null;default:''"`
	ActorAgency string `gorm:"size:80;not null;default:''"`
	// Source is the file a person imported in the browser; the person is
	// Actor. An import from the command line names its file as Actor.
	Source string `gorm:"size:255;not null;default:''"`
	// The record changed, and its identifier (Ref or Code) at the time.
	Entity   Entity `gorm:"size:20;not null;index:idx_changes_record"`
	EntityID uint   `gorm:"not null;index:idx_changes_record"`
	Ref      string `gorm:"size:80;not null"`
	// The commitment and plan the record belongs to, for their histories.
	CommitmentID *uint        `gorm:"index:idx_changes_commitment,priority:1"`
	PlanID       *uint        `gorm:"index:idx_changes_plan,priority:1"`
	Action       ChangeAction `gorm:"size:10;not null"`
	Fields       FieldChanges `gorm:"not null"`
}

// Validate checks a change before it is saved.
func (c *Change) Validate() error {
	fe := FieldErrors{}
	if c.At.IsZero() {
		fe.Add("at", "is required")
	}
	checkEnum(fe, "door", c.Door, Doors)
	if len([]rune(c.Actor)) > 200 {
		fe.Add("actor", "is longer than 200 characters")
	}
	if len([]rune(c.Source)) > 255 {
		fe.Add("source", "is longer than 255 characters")
	}
	checkEnum(fe, "entity", c.Entity, Entities)
	if c.EntityID == 0 {
		fe.Add("entity_id", "is required")
	}
	checkEnum(fe, "action", c.Action, ChangeActions)
	if c.Action == ChangeUpdated && len(c.Fields) == 0 {
		fe.Add("fields", "an update changes at least one field")
	}
	for name := range c.Fields {
		if name == "" {
			fe.Add("fields", "a field has no name")
		}
	}
	return fe.Err()
}

// FieldChange is one field's value before and after a change, as JSON in
// the form the dataset format writes it (a text per language, a date as
// "2021-12", a list of links); a reference to another record is a RefValue.
// A missing side means not recorded: nothing before a creation, or a value
// that was cleared.
type FieldChange struct {
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// FieldChanges maps a field's name ("title", "due", "irm.completion",
// "lead_agency") to its change.
type FieldChanges map[string]FieldChange

// Value stores the changes as a JSON object.
func (f FieldChanges) Value() (driver.Value, error) {
	return jsonValue(map[string]FieldChange(f), f == nil, "{}")
}

// Scan reads the JSON object back.
func (f *FieldChanges) Scan(src any) error {
	m := map[string]FieldChange{}
	err := scanJSON(src, &m, "FieldChanges")
	*f = m
	return err
}

// GormDataType keeps the column a plain text column on every database.
func (FieldChanges) GormDataType() string { return "text" }

// RefValue is a reference to another record in a field change: its
// database id, its identifier (code, ref or theme number) and its name or
// title at the time, so that the record of changes reads without the
// record, even after it is renamed.
type RefValue struct {
	ID   uint   `json:"id"`
	Key  string `json:"key"`
	Name Text   `json:"name,omitempty"`
}

// Actor is who makes a change and through which door. Label names them
// in words until there are accounts; UserID is the signed-in person.
type Actor struct {
	Door   Door
	Label  string
	UserID *uint
	Role   Role   // the signed-in person's role; empty for a file or a command
	Agency string // a liaison's agency code
	Source string // the file a signed-in person imports
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying who makes the changes done
// with it; the store records them under that actor.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor ctx carries, if any.
func ActorFromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

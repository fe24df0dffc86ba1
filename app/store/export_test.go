package store

import (
	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// DBForTest lets the tests of package store_test look at the database
// directly: settings, schema, timestamps.
func (s *Store) DBForTest() *gorm.DB { return s.db }

// LiveModels lists every model the tracker stores, each once: what the
// migrations must have built the tables of. TestMigrationsMatchTheModel
// reads package model's source for the structs with a primary key and
// fails when one is missing here, so a new model cannot be forgotten.
var LiveModels = []any{
	&model.Agency{}, &model.Organisation{}, &model.Plan{}, &model.Theme{}, &model.Commitment{},
	&model.CommitmentOrganisation{}, &model.Milestone{}, &model.Contact{}, &model.Change{},
	&model.User{}, &model.Session{}, &model.SignInFailure{}, &model.OneTimeLink{},
	&model.ReportingPeriod{}, &model.ProgressReport{}, &model.Review{}, &model.CompletionAssessment{},
	&model.OutboxMessage{}, &model.OutboxAttempt{}, &model.ReminderOptOut{}, &model.Webhook{}, &model.Meeting{},
	&model.APIToken{},
}

// InternalTable reports whether the engine or the store keeps a table for
// itself (SQLite's sqlite_sequence, data_version on PostgreSQL).
var InternalTable = internalTable

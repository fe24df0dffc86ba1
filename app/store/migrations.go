package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// migrations is the ordered, append-only list of schema changes. Each step
// works on frozen copies of the structs as they were when it was written,
// never on the live model, so an old database upgrades the same way on
// SQLite and PostgreSQL whatever the model looks like today.
var migrations = []*gormigrate.Migration{
	{ID: "2026112301_initial_schema", Migrate: migrateInitialSchema},
	{ID: "2026112401_record_of_changes", Migrate: migrateRecordOfChanges},
	{ID: "2026112501_accounts", Migrate: migrateAccounts},
	{ID: "2026112502_one_time_links", Migrate: migrateOneTimeLinks},
	{ID: "2026112601_milestone_version", Migrate: migrateMilestoneVersion},
	{ID: "2026112801_committee_members", Migrate: migrateCommitteeMembers},
	{ID: "2026112802_change_roles", Migrate: migrateChangeRoles},
	{ID: "2026112810_reporting", Migrate: migrateReporting},
	{ID: "2026112811_record_versions", Migrate: migrateRecordVersions},
	{ID: "2026112812_people_versions", Migrate: migratePeopleVersions},
	{ID: "2026112813_reminders", Migrate: migrateReminders},
	{ID: "2026112814_api_tokens", Migrate: migrateAPITokens},
	{ID: "2026120201_private_draft_saves", Migrate: migratePrivateDraftSaves},
	{ID: "2026120202_server_secrets", Migrate: migrateServerSecrets},
	{ID: "2026120205_dissent_answers", Migrate: migrateDissentAnswers},
	{ID: "2026120206_milestone_notes", Migrate: migrateMilestoneNotes},
	{ID: "2026120210_changes_newest_first", Migrate: migrateChangesNewestFirst},
	{ID: "2026120211_search_index", Migrate: migrateSearchIndex},
	{ID: "2026120212_report_translations", Migrate: migrateReportTranslations},
	{ID: "2026120301_import_jobs", Migrate: migrateImportJobs},
	{ID: "2026120302_change_sources", Migrate: migrateChangeSources},
	{ID: "2026120310_settings", Migrate: migrateSettings},
	{ID: "2026120320_public_questions", Migrate: migratePublicQuestions},
	{ID: "2026120330_follows", Migrate: migrateFollows},
	{ID: "2026120340_meetings", Migrate: migrateMeetings},
	{ID: "2026120410_progress_times", Migrate: migrateProgressTimes},
	{ID: "2026120420_plans_own_words", Migrate: migratePlansOwnWords},
	{ID: "2026120500_search_terms", Migrate: migrateSearchTerms},
	{ID: "2026120560_carried_forward_index", Migrate: migrateCarriedForwardIndex},
	{ID: "2026120600_agency_schedules", Migrate: migrateAgencySchedules},
}

// MigrationCount is how many steps a new database takes to the current schema.
func MigrationCount() int { return len(migrations) }

// Migrate applies the pending migrations and reports how many it applied.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	before, err := s.appliedMigrations(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.migrator(ctx, migrations).Migrate(); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if err := s.dialect.installDataVersion(ctx, s.db); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	after, err := s.appliedMigrations(ctx)
	return after - before, err
}

func (s *Store) migrator(ctx context.Context, steps []*gormigrate.Migration) *gormigrate.Gormigrate {
	return gormigrate.New(s.db.WithContext(ctx), &gormigrate.Options{
		TableName: "schema_migrations", IDColumnName: "id", IDColumnSize: 255,
		UseTransaction: true, ValidateUnknownMigrations: true,
	}, steps)
}

func (s *Store) appliedMigrations(ctx context.Context) (int, error) {
	if !s.db.Migrator().HasTable("schema_migrations") {
		return 0, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Table("schema_migrations").Count(&n).Error
	return int(n), err
}

func migrateInitialSchema(tx *gorm.DB) error {
	type Agency struct {
		ID               uint       `gorm:"primaryKey"`
		Code             string     `gorm:"size:80;uniqueIndex;not null"`
		Name             model.Text `gorm:"not null"`
		ShortName        model.Text
		JurisdictionCode string `gorm:"size:16;index"`
		Level            string `gorm:"size:20"`
		ParentID         *uint
		Parent           *Agency `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt        time.Time
		UpdatedAt        time.Time
	}
	type Organisation struct {
		ID        uint       `gorm:"primaryKey"`
		Code      string     `gorm:"size:80;uniqueIndex;not null"`
		Name      model.Text `gorm:"not null"`
		URL       string
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type Plan struct {
		ID                uint       `gorm:"primaryKey"`
		Ref               string     `gorm:"size:64;uniqueIndex;not null"`
		Jurisdiction      model.Text `gorm:"not null"`
		JurisdictionCode  string     `gorm:"size:16;index"`
		JurisdictionLevel string
		Number            int
		Title             model.Text `gorm:"not null"`
		Start             model.Date
		End               model.Date
		Status            string `gorm:"size:20;not null"`
		Documents         model.Links
		CreatedAt         time.Time
		UpdatedAt         time.Time
	}
	type Theme struct {
		ID        uint       `gorm:"primaryKey"`
		PlanID    uint       `gorm:"not null;uniqueIndex:idx_theme_plan_number"`
		Plan      *Plan      `gorm:"constraint:OnDelete:CASCADE"`
		Number    int        `gorm:"not null;uniqueIndex:idx_theme_plan_number"`
		Name      model.Text `gorm:"not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type Commitment struct {
		ID                     uint       `gorm:"primaryKey"`
		Ref                    string     `gorm:"size:80;uniqueIndex;not null"`
		PlanID                 uint       `gorm:"not null;index"`
		Plan                   *Plan      `gorm:"constraint:OnDelete:CASCADE"`
		ThemeID                *uint      `gorm:"index"`
		Theme                  *Theme     `gorm:"constraint:OnDelete:SET NULL"`
		Code                   string     `gorm:"size:40;not null"`
		Title                  model.Text `gorm:"not null"`
		Description            model.Text
		Problem                model.Text
		Objective              model.Text
		LeadAgencyID           *uint   `gorm:"index"`
		LeadAgency             *Agency `gorm:"constraint:OnDelete:SET NULL"`
		Start                  model.Date
		End                    model.Date
		Values                 model.Strings
		PolicyAreas            model.Strings
		IRMVerifiable          string `gorm:"size:20"`
		IRMPotentialImpact     string `gorm:"size:40"`
		IRMCompletionMidterm   string `gorm:"size:20"`
		IRMCompletion          string `gorm:"size:20"`
		IRMDidItOpenGovernment string `gorm:"column:irm_did_it_open_government;size:40"`
		CarriedForwardFromID   *uint
		CarriedForwardFrom     *Commitment `gorm:"constraint:OnDelete:SET NULL"`
		SourceURL              string
		CreatedAt              time.Time
		UpdatedAt              time.Time
	}
	type CommitmentAgency struct {
		CommitmentID uint        `gorm:"primaryKey"`
		Commitment   *Commitment `gorm:"constraint:OnDelete:CASCADE"`
		AgencyID     uint        `gorm:"primaryKey;index"`
		Agency       *Agency     `gorm:"constraint:OnDelete:CASCADE"`
	}
	type CommitmentOrganisation struct {
		CommitmentID   uint          `gorm:"primaryKey"`
		Commitment     *Commitment   `gorm:"constraint:OnDelete:CASCADE"`
		OrganisationID uint          `gorm:"primaryKey;index"`
		Organisation   *Organisation `gorm:"constraint:OnDelete:CASCADE"`
		Role           string        `gorm:"size:20;not null"`
	}
	type Milestone struct {
		ID           uint        `gorm:"primaryKey"`
		CommitmentID uint        `gorm:"not null;uniqueIndex:idx_milestone_ref"`
		Commitment   *Commitment `gorm:"constraint:OnDelete:CASCADE"`
		Ref          string      `gorm:"size:20;not null;uniqueIndex:idx_milestone_ref"`
		ParentID     *uint       `gorm:"index"`
		Parent       *Milestone  `gorm:"constraint:OnDelete:CASCADE"`
		Position     int         `gorm:"not null"`
		Title        model.Text  `gorm:"not null"`
		Start        model.Date
		Due          model.Date `gorm:"index"`
		AgencyID     *uint      `gorm:"index"`
		Agency       *Agency    `gorm:"constraint:OnDelete:SET NULL"`
		Status       string     `gorm:"size:20;not null"`
		CompletedOn  model.Date
		Weight       float64 `gorm:"not null;default:1"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	type Contact struct {
		ID             uint          `gorm:"primaryKey"`
		Ref            string        `gorm:"size:80;uniqueIndex;not null"`
		Name           string        `gorm:"size:200;not null"`
		AgencyID       *uint         `gorm:"index"`
		Agency         *Agency       `gorm:"constraint:OnDelete:SET NULL"`
		OrganisationID *uint         `gorm:"index"`
		Organisation   *Organisation `gorm:"constraint:OnDelete:SET NULL"`
		Role           string        `gorm:"size:30;not null"`
		Email          string        `gorm:"size:254"`
		Phone          string        `gorm:"size:50"`
		ActiveFrom     model.Date
		ActiveTo       model.Date
		Public         bool
		Demo           bool
		CreatedAt      time.Time
		UpdatedAt      time.Time
	}
	return tx.AutoMigrate(&Agency{}, &Organisation{}, &Plan{}, &Theme{}, &Commitment{},
		&CommitmentAgency{}, &CommitmentOrganisation{}, &Milestone{}, &Contact{})
}

// migrateRecordOfChanges adds the record of changes and the evidence links
// of milestones.
func migrateRecordOfChanges(tx *gorm.DB) error {
	type Milestone struct {
		ID       uint `gorm:"primaryKey"`
		Evidence model.Links
	}
	type Change struct {
		ID           uint               `gorm:"primaryKey"`
		At           time.Time          `gorm:"not null;index;index:idx_changes_commitment,priority:2;index:idx_changes_plan,priority:2"`
		Door         string             `gorm:"size:10;not null"`
		Actor        string             `gorm:"size:200;not null"`
		UserID       *uint              `gorm:"index"`
		Entity       string             `gorm:"size:20;not null;index:idx_changes_record"`
		EntityID     uint               `gorm:"not null;index:idx_changes_record"`
		Ref          string             `gorm:"size:80;not null"`
		CommitmentID *uint              `gorm:"index:idx_changes_commitment,priority:1"`
		PlanID       *uint              `gorm:"index:idx_changes_plan,priority:1"`
		Action       string             `gorm:"size:10;not null"`
		Fields       model.FieldChanges `gorm:"not null"`
	}
	if err := tx.Migrator().AddColumn(&Milestone{}, "Evidence"); err != nil {
		return err
	}
	return tx.AutoMigrate(&Change{})
}

// migrateAccounts adds the people who sign in, their sessions and the
// failed sign-ins that throttling counts.
func migrateAccounts(tx *gorm.DB) error {
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID           uint    `gorm:"primaryKey"`
		Email        string  `gorm:"size:254;uniqueIndex;not null"`
		Name         string  `gorm:"size:200;not null"`
		Role         string  `gorm:"size:20;not null"`
		AgencyID     *uint   `gorm:"index"`
		Agency       *Agency `gorm:"constraint:OnDelete:RESTRICT"`
		PasswordHash string  `gorm:"size:100;not null"`
		Disabled     bool    `gorm:"not null;default:false"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	type Session struct {
		ID        uint   `gorm:"primaryKey"`
		TokenHash string `gorm:"size:64;uniqueIndex;not null"`
		UserID    uint   `gorm:"not null;index"`
		User      *User  `gorm:"constraint:OnDelete:CASCADE"`
		CSRFToken string `gorm:"size:64;not null"`
		CreatedAt time.Time
		ExpiresAt time.Time `gorm:"not null;index"`
	}
	type SignInFailure struct {
		ID      uint      `gorm:"primaryKey"`
		At      time.Time `gorm:"not null;index"`
		Email   string    `gorm:"size:254;not null;index"`
		Address string    `gorm:"size:64;not null;index"`
	}
	return tx.AutoMigrate(&User{}, &Session{}, &SignInFailure{})
}

// migrateOneTimeLinks adds the links that let a person set a forgotten password.
func migrateOneTimeLinks(tx *gorm.DB) error {
	type User struct {
		ID uint `gorm:"primaryKey"`
	}
	type OneTimeLink struct {
		ID        uint   `gorm:"primaryKey"`
		TokenHash string `gorm:"size:64;uniqueIndex;not null"`
		UserID    uint   `gorm:"not null;index"`
		User      *User  `gorm:"constraint:OnDelete:CASCADE"`
		Purpose   string `gorm:"size:20;not null"`
		CreatedAt time.Time
		ExpiresAt time.Time `gorm:"not null"`
		UsedAt    *time.Time
	}
	return tx.AutoMigrate(&OneTimeLink{})
}

// migrateMilestoneVersion adds the count of a milestone's changes, which
// catches a form sent from a page someone else has changed since.
func migrateMilestoneVersion(tx *gorm.DB) error {
	type Milestone struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	return tx.Migrator().AddColumn(&Milestone{}, "Version")
}

// migrateCommitteeMembers adds the organisation a committee member speaks
// for and the committee's chair.
func migrateCommitteeMembers(tx *gorm.DB) error {
	type Organisation struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID             uint          `gorm:"primaryKey"`
		OrganisationID *uint         `gorm:"index"`
		Organisation   *Organisation `gorm:"constraint:OnDelete:RESTRICT"`
		Chair          bool          `gorm:"not null;default:false"`
	}
	for _, field := range []string{"OrganisationID", "Chair"} {
		if err := tx.Migrator().AddColumn(&User{}, field); err != nil {
			return err
		}
	}
	return tx.Migrator().CreateIndex(&User{}, "OrganisationID")
}

// migrateChangeRoles keeps, with each change, the role and agency its
// author had when making it.
func migrateChangeRoles(tx *gorm.DB) error {
	type Change struct {
		ID          uint   `gorm:"primaryKey"`
		ActorRole   string `gorm:"size:20;not null;default:''"`
		ActorAgency string `gorm:"size:80;not null;default:''"`
	}
	for _, field := range []string{"ActorRole", "ActorAgency"} {
		if err := tx.Migrator().AddColumn(&Change{}, field); err != nil {
			return err
		}
	}
	return nil
}

// migrateReporting adds the reporting periods, the agencies' progress
// reports, civil society's reviews of them and the committee's
// assessments of completion.
func migrateReporting(tx *gorm.DB) error {
	type Plan struct {
		ID uint `gorm:"primaryKey"`
	}
	type Commitment struct {
		ID uint `gorm:"primaryKey"`
	}
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID uint `gorm:"primaryKey"`
	}
	type ReportingPeriod struct {
		ID        uint       `gorm:"primaryKey"`
		PlanID    uint       `gorm:"not null;index"`
		Plan      *Plan      `gorm:"constraint:OnDelete:CASCADE"`
		Name      model.Text `gorm:"not null"`
		StartsOn  model.Date `gorm:"not null"`
		EndsOn    model.Date `gorm:"not null;index"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type ProgressReport struct {
		ID            uint             `gorm:"primaryKey"`
		CommitmentID  uint             `gorm:"not null;uniqueIndex:idx_report_version,priority:1"`
		Commitment    *Commitment      `gorm:"constraint:OnDelete:CASCADE"`
		PeriodID      uint             `gorm:"not null;uniqueIndex:idx_report_version,priority:2;index"`
		Period        *ReportingPeriod `gorm:"constraint:OnDelete:CASCADE"`
		Version       int              `gorm:"not null;uniqueIndex:idx_report_version,priority:3"`
		AgencyID      uint             `gorm:"not null;index"`
		Agency        *Agency          `gorm:"constraint:OnDelete:RESTRICT"`
		Status        string           `gorm:"size:20;not null;index"`
		Narrative     string           `gorm:"not null"`
		Evidence      model.Links
		Challenges    string `gorm:"not null"`
		NextSteps     string `gorm:"not null"`
		Delays        model.MilestoneDelays
		Proposals     model.StatusProposals
		Revision      int `gorm:"not null;default:1"`
		SubmittedAt   *time.Time
		SubmittedByID *uint
		SubmittedBy   *User `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt     time.Time
		UpdatedAt     time.Time
	}
	type CompletionAssessment struct {
		ID           uint             `gorm:"primaryKey"`
		CommitmentID uint             `gorm:"not null;index:idx_assessment,priority:1"`
		Commitment   *Commitment      `gorm:"constraint:OnDelete:CASCADE"`
		PeriodID     uint             `gorm:"not null;index:idx_assessment,priority:2"`
		Period       *ReportingPeriod `gorm:"constraint:OnDelete:CASCADE"`
		UserID       uint             `gorm:"not null;index"`
		User         *User            `gorm:"constraint:OnDelete:CASCADE"`
		Completion   string           `gorm:"size:20;not null"`
		Note         string           `gorm:"not null"`
		CreatedAt    time.Time
	}
	if err := tx.AutoMigrate(&ReportingPeriod{}, &ProgressReport{}, &CompletionAssessment{}); err != nil {
		return err
	}
	return tx.AutoMigrate(&reportingReview{})
}

// The frozen review of migrateReporting lives outside the function: its
// table is named by a method.
type (
	reportingReview struct {
		ID        uint             `gorm:"primaryKey"`
		ReportID  uint             `gorm:"not null;uniqueIndex:idx_review_member,priority:1"`
		Report    *reportingReport `gorm:"constraint:OnDelete:CASCADE"`
		UserID    uint             `gorm:"not null;uniqueIndex:idx_review_member,priority:2"`
		User      *reportingUser   `gorm:"constraint:OnDelete:CASCADE"`
		Verdict   string           `gorm:"size:20;not null"`
		Reasons   string           `gorm:"not null"`
		CoLead    bool             `gorm:"not null;default:false"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	reportingReport struct {
		ID uint `gorm:"primaryKey"`
	}
	reportingUser struct {
		ID uint `gorm:"primaryKey"`
	}
)

func (reportingReview) TableName() string { return "report_reviews" }
func (reportingReport) TableName() string { return "progress_reports" }
func (reportingUser) TableName() string   { return "users" }

// migrateRecordVersions adds to plans, themes and commitments the count of
// their changes that milestones already have, which catches a form sent
// from a page someone else has changed since.
func migrateRecordVersions(tx *gorm.DB) error {
	type Plan struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	type Theme struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	type Commitment struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	for _, m := range []any{&Plan{}, &Theme{}, &Commitment{}} {
		if err := tx.Migrator().AddColumn(m, "Version"); err != nil {
			return err
		}
	}
	return nil
}

// migratePeopleVersions adds the count of changes to agencies,
// organisations, contacts and accounts, which catches a form sent from a
// page someone else has changed since.
func migratePeopleVersions(tx *gorm.DB) error {
	type Agency struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	type Organisation struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	type Contact struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	type User struct {
		ID      uint `gorm:"primaryKey"`
		Version int  `gorm:"not null;default:1"`
	}
	for _, m := range []any{&Agency{}, &Organisation{}, &Contact{}, &User{}} {
		if err := tx.Migrator().AddColumn(m, "Version"); err != nil {
			return err
		}
	}
	return nil
}

// migrateReminders adds the outbox of reminders and its attempts, the
// kinds of reminders people turned off, their language, the webhooks and
// the committee's meetings.
func migrateReminders(tx *gorm.DB) error {
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID       uint   `gorm:"primaryKey"`
		Language string `gorm:"size:10;not null;default:zh-TW"`
	}
	type OutboxMessage struct {
		ID               uint   `gorm:"primaryKey"`
		Rule             string `gorm:"size:40;not null;uniqueIndex:idx_outbox_key,priority:1"`
		Subject          string `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:2"`
		Recipient        string `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:3"`
		Occurrence       string `gorm:"size:80;not null;uniqueIndex:idx_outbox_key,priority:4"`
		Kind             string `gorm:"size:20;not null"`
		Channel          string `gorm:"size:10;not null"`
		UserID           *uint  `gorm:"index"`
		WebhookID        *uint  `gorm:"index"`
		To               string `gorm:"size:1000;not null"`
		Lang             string `gorm:"size:10;not null"`
		Title            string `gorm:"size:300;not null"`
		Text             string `gorm:"not null"`
		HTML             string
		UnsubscribeToken string    `gorm:"size:64;index"`
		Status           string    `gorm:"size:10;not null;index:idx_outbox_due,priority:1"`
		Attempts         int       `gorm:"not null;default:0"`
		NextAttemptAt    time.Time `gorm:"not null;index:idx_outbox_due,priority:2"`
		ClaimedAt        *time.Time
		SentAt           *time.Time
		LastError        string `gorm:"size:1000"`
		CreatedAt        time.Time
		UpdatedAt        time.Time
	}
	type OutboxAttempt struct {
		ID        uint           `gorm:"primaryKey"`
		MessageID uint           `gorm:"not null;index"`
		Message   *OutboxMessage `gorm:"constraint:OnDelete:CASCADE"`
		At        time.Time      `gorm:"not null"`
		Error     string         `gorm:"size:1000"`
	}
	type ReminderOptOut struct {
		UserID    uint   `gorm:"primaryKey"`
		User      *User  `gorm:"constraint:OnDelete:CASCADE"`
		Kind      string `gorm:"primaryKey;size:20"`
		CreatedAt time.Time
	}
	type Webhook struct {
		ID        uint    `gorm:"primaryKey"`
		AgencyID  *uint   `gorm:"index"`
		Agency    *Agency `gorm:"constraint:OnDelete:CASCADE"`
		URL       string  `gorm:"size:1000;not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type Meeting struct {
		ID        uint       `gorm:"primaryKey"`
		HeldOn    model.Date `gorm:"not null;index"`
		CreatedAt time.Time
	}
	if err := tx.Migrator().AddColumn(&User{}, "Language"); err != nil {
		return err
	}
	return tx.AutoMigrate(&OutboxMessage{}, &OutboxAttempt{}, &ReminderOptOut{}, &Webhook{}, &Meeting{})
}

// migrateAPITokens adds the tokens with which agencies' own systems write
// through the API.
func migrateAPITokens(tx *gorm.DB) error {
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID uint `gorm:"primaryKey"`
	}
	type APIToken struct {
		ID          uint    `gorm:"primaryKey"`
		Name        string  `gorm:"size:100;not null"`
		TokenHash   string  `gorm:"size:64;uniqueIndex;not null"`
		Hint        string  `gorm:"size:16;not null"`
		AgencyID    uint    `gorm:"not null;index"`
		Agency      *Agency `gorm:"constraint:OnDelete:RESTRICT"`
		Scopes      string  `gorm:"type:text;not null"`
		CreatedByID *uint
		CreatedBy   *User `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt   time.Time
		LastUsedAt  *time.Time
		RevokedAt   *time.Time
	}
	return tx.AutoMigrate(&APIToken{})
}

// migratePrivateDraftSaves enters the saves of report drafts recorded so
// far as model.EntityReportDraft, which no public reading shows: of a
// report's entries, only the one that submitted it (its status became
// "submitted") stays public.
func migratePrivateDraftSaves(tx *gorm.DB) error {
	var rows []struct {
		ID     uint
		Fields string
	}
	if err := tx.Table("changes").Select("id, fields").Where("entity = ?", "report").Scan(&rows).Error; err != nil {
		return err
	}
	var drafts []uint
	for _, r := range rows {
		var fields map[string]struct {
			After json.RawMessage `json:"after"`
		}
		if err := json.Unmarshal([]byte(r.Fields), &fields); err != nil {
			return fmt.Errorf("change %d: %w", r.ID, err)
		}
		if string(fields["status"].After) != `"submitted"` {
			drafts = append(drafts, r.ID)
		}
	}
	if len(drafts) == 0 {
		return nil
	}
	return tx.Table("changes").Where("id IN ?", drafts).Update("entity", "report-draft").Error
}

// migrateServerSecrets adds the keys the tracker keeps for itself, such as
// the one that signs the form tokens of browsers not signed in, so that
// every instance serving the same database agrees on them.
func migrateServerSecrets(tx *gorm.DB) error {
	type ServerSecret struct {
		Name      string `gorm:"primaryKey;size:40"`
		Value     []byte `gorm:"not null"`
		CreatedAt time.Time
	}
	return tx.AutoMigrate(&ServerSecret{})
}

// migrateDissentAnswers lets the reporting agency answer a dissent on its
// report: the answer, when, and by whom, beside the dissent.
func migrateDissentAnswers(tx *gorm.DB) error {
	return tx.AutoMigrate(&reviewAnswers{})
}

// reviewAnswers are the columns migrateDissentAnswers adds to report_reviews.
type reviewAnswers struct {
	ID           uint   `gorm:"primaryKey"`
	Answer       string `gorm:"not null;default:''"`
	AnsweredAt   *time.Time
	AnsweredByID *uint
	AnsweredBy   *answerUser `gorm:"constraint:OnDelete:SET NULL"`
}

func (reviewAnswers) TableName() string { return "report_reviews" }

type answerUser struct {
	ID uint `gorm:"primaryKey"`
}

func (answerUser) TableName() string { return "users" }

// migrateMilestoneNotes gives each milestone its responsible agency's
// latest progress note.
func migrateMilestoneNotes(tx *gorm.DB) error {
	return tx.AutoMigrate(&milestoneNote{})
}

type milestoneNote struct {
	ID   uint   `gorm:"primaryKey"`
	Note string `gorm:"not null;default:''"`
}

func (milestoneNote) TableName() string { return "milestones" }

// migrateChangesNewestFirst indexes the record of changes in the order it
// is read: newest first, and those of one moment in the order made. With
// the index on the instant alone, the thousands of entries an import makes
// at one instant were sorted at every read of a feed's 50.
func migrateChangesNewestFirst(tx *gorm.DB) error {
	for _, stmt := range []string{
		"CREATE INDEX idx_changes_newest ON changes (at DESC, id)",
		"DROP INDEX idx_changes_at", // its every use is the new index's
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateCarriedForwardIndex indexes which commitment each one carries
// forward: a commitment's page asks which later commitments carry it on,
// and without the index read every commitment to answer (50–120 ms at
// 83,000 commitments).
func migrateCarriedForwardIndex(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_commitments_carried_forward_from ON commitments (carried_forward_from_id)").Error
}

// migrateAgencySchedules indexes milestones by their agency with what
// judging one on its own takes, and commitments' plans by commitment, so
// that an agency's page reads the schedules of its milestones and their
// plans from the indexes alone, side by side, rather than each from the
// rows of the whole tables (agencyMilestones). The first leads with the
// agency, as the index it replaces did. Milestones' parents are indexed
// for children alone: the page asks of each milestone whether it has a
// child, which took twice as long in the index of every milestone's
// parent, most of them none; every other use names a parent.
func migrateAgencySchedules(tx *gorm.DB) error {
	for _, stmt := range []string{
		"CREATE INDEX idx_milestones_agency_schedule ON milestones (agency_id, commitment_id, id, position, status, start, due, completed_on, progress_at)",
		"DROP INDEX idx_milestones_agency_id", // its every use is the new index's
		"CREATE INDEX idx_commitments_plan_of ON commitments (id, plan_id)",
		"CREATE INDEX idx_milestones_children ON milestones (parent_id) WHERE parent_id IS NOT NULL",
		"DROP INDEX idx_milestones_parent_id",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateSearchIndex adds the index the search of commitments looks words
// up in (search.go); migrateSearchTerms fills it for the commitments there
// are, with the tables it added.
func migrateSearchIndex(tx *gorm.DB) error {
	err := tx.Exec(`CREATE TABLE ` + searchGramsTable + ` (
		gram varchar(12) NOT NULL,
		commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
		PRIMARY KEY (gram, commitment_id))` + dialectOf(tx).withoutRowID()).Error
	if err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX idx_search_grams_commitment ON " + searchGramsTable + " (commitment_id)").Error
}

// migrateReportTranslations lets a report carry its narrative in a second
// language.
func migrateReportTranslations(tx *gorm.DB) error {
	return tx.AutoMigrate(&reportTranslation{})
}

type reportTranslation struct {
	ID              uint   `gorm:"primaryKey"`
	Translation     string `gorm:"not null;default:''"`
	TranslationLang string `gorm:"size:10;not null;default:''"`
}

func (reportTranslation) TableName() string { return "progress_reports" }

// migrateImportJobs keeps the imports started in the browser: the file,
// its preview and how far the work is.
func migrateImportJobs(tx *gorm.DB) error {
	type User struct {
		ID uint `gorm:"primaryKey"`
	}
	type ImportJob struct {
		ID          uint   `gorm:"primaryKey"`
		UserID      uint   `gorm:"not null;index"`
		User        *User  `gorm:"constraint:OnDelete:CASCADE"`
		FileName    string `gorm:"size:255;not null"`
		Content     []byte `gorm:"not null"`
		State       string `gorm:"size:20;not null"`
		Done        int    `gorm:"not null;default:0"`
		Total       int    `gorm:"not null;default:0"`
		Preview     string `gorm:"type:text;not null;default:''"`
		Fingerprint string `gorm:"size:64;not null;default:''"`
		Refusals    string `gorm:"type:text;not null"`
		Unknown     string `gorm:"type:text;not null"`
		Created     int    `gorm:"not null;default:0"`
		Updated     int    `gorm:"not null;default:0"`
		Unchanged   int    `gorm:"not null;default:0"`
		LeaseUntil  *time.Time
		CreatedAt   time.Time
		UpdatedAt   time.Time
		FinishedAt  *time.Time
	}
	return tx.AutoMigrate(&ImportJob{})
}

// migrateChangeSources lets the record of changes name the file a person
// imported in the browser beside the person.
func migrateChangeSources(tx *gorm.DB) error {
	return tx.AutoMigrate(&changeSource{})
}

type changeSource struct {
	ID     uint   `gorm:"primaryKey"`
	Source string `gorm:"size:255;not null;default:''"`
}

func (changeSource) TableName() string { return "changes" }

// migrateFollows adds the addresses that follow a commitment, an agency or
// a plan by email, without an account, and what each follows.
func migrateFollows(tx *gorm.DB) error {
	type Follower struct {
		ID        uint   `gorm:"primaryKey"`
		Email     string `gorm:"size:254;not null;uniqueIndex"`
		Language  string `gorm:"size:10;not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type Follow struct {
		ID          uint      `gorm:"primaryKey"`
		FollowerID  uint      `gorm:"not null;uniqueIndex:idx_follow_target,priority:1"`
		Follower    *Follower `gorm:"constraint:OnDelete:CASCADE"`
		Target      string    `gorm:"size:20;not null;uniqueIndex:idx_follow_target,priority:2"`
		TargetID    uint      `gorm:"not null;uniqueIndex:idx_follow_target,priority:3"`
		Language    string    `gorm:"size:10;not null"`
		TokenHash   string    `gorm:"size:64;not null;default:'';index"`
		ExpiresAt   time.Time `gorm:"not null"`
		ConfirmedAt *time.Time
		CreatedAt   time.Time
		UpdatedAt   time.Time
	}
	return tx.AutoMigrate(&Follower{}, &Follow{})
}

// migrateSettings keeps the administrators' choices, such as the plan the
// home page shows.
func migrateSettings(tx *gorm.DB) error {
	type Setting struct {
		Name      string `gorm:"primaryKey;size:40"`
		Value     string `gorm:"size:200;not null"`
		UpdatedAt time.Time
	}
	return tx.AutoMigrate(&Setting{})
}

// migrateMeetings gives the committee's meetings their plan, kind, place,
// agenda, attendance and documents, and adds the follow-up items they
// decide, their transcripts and the holidays edit windows skip.
func migrateMeetings(tx *gorm.DB) error {
	type Plan struct {
		ID uint `gorm:"primaryKey"`
	}
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type Commitment struct {
		ID uint `gorm:"primaryKey"`
	}
	type User struct {
		ID uint `gorm:"primaryKey"`
	}
	type Meeting struct {
		ID        uint       `gorm:"primaryKey"`
		PlanID    *uint      `gorm:"index"`
		Plan      *Plan      `gorm:"constraint:OnDelete:RESTRICT"`
		HeldOn    model.Date `gorm:"not null;index"`
		StartsAt  string     `gorm:"size:5;not null;default:''"`
		Kind      string     `gorm:"size:20;not null;default:task_force"`
		Title     string     `gorm:"size:300;not null;default:''"`
		Place     string     `gorm:"size:300;not null;default:''"`
		Link      string     `gorm:"size:1000;not null;default:''"`
		Version   int        `gorm:"not null;default:1"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	type AgendaItem struct {
		ID           uint        `gorm:"primaryKey"`
		MeetingID    uint        `gorm:"not null;index"`
		Meeting      *Meeting    `gorm:"constraint:OnDelete:CASCADE"`
		Position     int         `gorm:"not null"`
		Title        string      `gorm:"size:500;not null"`
		CommitmentID *uint       `gorm:"index"`
		Commitment   *Commitment `gorm:"constraint:OnDelete:SET NULL"`
	}
	type Attendee struct {
		ID           uint     `gorm:"primaryKey"`
		MeetingID    uint     `gorm:"not null;index"`
		Meeting      *Meeting `gorm:"constraint:OnDelete:CASCADE"`
		Position     int      `gorm:"not null"`
		Side         string   `gorm:"size:20;not null"`
		Name         string   `gorm:"size:200;not null"`
		Organisation string   `gorm:"size:200;not null;default:''"`
	}
	type MeetingDocument struct {
		ID        uint     `gorm:"primaryKey"`
		MeetingID uint     `gorm:"not null;index"`
		Meeting   *Meeting `gorm:"constraint:OnDelete:CASCADE"`
		Position  int      `gorm:"not null"`
		Title     string   `gorm:"size:300;not null"`
		URL       string   `gorm:"size:1000;not null"`
	}
	type FollowUp struct {
		ID           uint        `gorm:"primaryKey"`
		MeetingID    uint        `gorm:"not null;index"`
		Meeting      *Meeting    `gorm:"constraint:OnDelete:RESTRICT"`
		What         string      `gorm:"size:2000;not null"`
		AgencyID     uint        `gorm:"not null;index"`
		Agency       *Agency     `gorm:"constraint:OnDelete:RESTRICT"`
		CommitmentID *uint       `gorm:"index"`
		Commitment   *Commitment `gorm:"constraint:OnDelete:SET NULL"`
		DueOn        model.Date
		Status       string   `gorm:"size:10;not null;default:tracked;index"`
		ClosedAtID   *uint    `gorm:"index"`
		ClosedAt     *Meeting `gorm:"constraint:OnDelete:RESTRICT"`
		Closing      string   `gorm:"size:2000;not null;default:''"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	type FollowUpNote struct {
		ID         uint      `gorm:"primaryKey"`
		FollowUpID uint      `gorm:"not null;index"`
		FollowUp   *FollowUp `gorm:"constraint:OnDelete:CASCADE"`
		Text       string    `gorm:"not null"`
		AuthorID   *uint     `gorm:"index"`
		Author     *User     `gorm:"constraint:OnDelete:SET NULL"`
		At         time.Time `gorm:"not null"`
	}
	type Transcript struct {
		ID          uint      `gorm:"primaryKey"`
		MeetingID   uint      `gorm:"not null;uniqueIndex"`
		Meeting     *Meeting  `gorm:"constraint:OnDelete:CASCADE"`
		UploadedAt  time.Time `gorm:"not null"`
		ClosesAt    time.Time `gorm:"not null;index"`
		PublishedAt *time.Time
	}
	type Speech struct {
		ID           uint        `gorm:"primaryKey"`
		TranscriptID uint        `gorm:"not null;index"`
		Transcript   *Transcript `gorm:"constraint:OnDelete:CASCADE"`
		Position     int         `gorm:"not null"`
		Speaker      string      `gorm:"size:200;not null"`
		UserID       *uint       `gorm:"index"`
		User         *User       `gorm:"constraint:OnDelete:SET NULL"`
		Text         string      `gorm:"not null"`
		Original     string      `gorm:"not null;default:''"`
		EditedAt     *time.Time
	}
	type Holiday struct {
		Day  model.Date `gorm:"primaryKey"`
		Name string     `gorm:"size:200;not null;default:''"`
	}
	return tx.AutoMigrate(&Meeting{}, &AgendaItem{}, &Attendee{}, &MeetingDocument{}, &FollowUp{}, &FollowUpNote{},
		&Transcript{}, &Speech{}, &Holiday{})
}

// migratePublicQuestions adds the questions and suggestions of the public,
// their threads (answers, follow-ups, hiding) and votes, and each plan's
// promise of days to answer them.
func migratePublicQuestions(tx *gorm.DB) error {
	type Plan struct {
		ID           uint `gorm:"primaryKey"`
		QuestionDays int  `gorm:"not null;default:14"`
	}
	type Question struct {
		ID             uint                `gorm:"primaryKey"`
		PlanID         uint                `gorm:"not null;index"`
		Plan           *Plan               `gorm:"constraint:OnDelete:CASCADE"`
		CommitmentID   *uint               `gorm:"index"`
		Commitment     *questionCommitment `gorm:"constraint:OnDelete:CASCADE"`
		AgencyID       *uint               `gorm:"index"`
		Agency         *questionAgency     `gorm:"constraint:OnDelete:SET NULL"`
		Kind           string              `gorm:"size:20;not null"`
		Text           string              `gorm:"not null"`
		Name           string              `gorm:"size:200;not null;default:''"`
		Lang           string              `gorm:"size:10;not null"`
		Channel        string              `gorm:"size:20;not null"`
		RecordedByID   *uint
		RecordedBy     *answerUser `gorm:"constraint:OnDelete:SET NULL"`
		ReceivedAt     time.Time   `gorm:"not null;index"`
		ClockFrom      time.Time   `gorm:"not null"`
		DueAt          time.Time   `gorm:"not null;index"`
		AnsweredAt     *time.Time  `gorm:"index"`
		Disposition    string      `gorm:"size:20;not null;default:''"`
		Votes          int         `gorm:"not null;default:0;index"`
		HiddenAt       *time.Time
		HiddenReason   string `gorm:"size:20;not null;default:''"`
		DuplicateOfID  *uint
		EmailSealed    []byte
		EmailConfirmed bool   `gorm:"not null;default:false"`
		ConfirmHash    string `gorm:"size:64;not null;default:'';index"`
		FromHash       string `gorm:"size:64;not null;default:'';index"`
		CreatedAt      time.Time
		UpdatedAt      time.Time
	}
	type QuestionEntry struct {
		ID          uint      `gorm:"primaryKey"`
		QuestionID  uint      `gorm:"not null;index"`
		Question    *Question `gorm:"constraint:OnDelete:CASCADE"`
		Kind        string    `gorm:"size:20;not null"`
		Disposition string    `gorm:"size:20;not null;default:''"`
		Body        string    `gorm:"not null;default:''"`
		Reasons     string    `gorm:"not null;default:''"`
		UserID      *uint
		User        *answerUser `gorm:"constraint:OnDelete:SET NULL"`
		AgencyID    *uint
		Agency      *questionAgency `gorm:"foreignKey:AgencyID;constraint:OnDelete:SET NULL"`
		Role        string          `gorm:"size:20;not null;default:''"`
		Name        string          `gorm:"size:200;not null;default:''"`
		ToAgencyID  *uint
		ToAgency    *questionAgency `gorm:"foreignKey:ToAgencyID;constraint:OnDelete:SET NULL"`
		FromHash    string          `gorm:"size:64;not null;default:'';index"`
		At          time.Time       `gorm:"not null;index"`
	}
	type QuestionVote struct {
		ID         uint      `gorm:"primaryKey"`
		QuestionID uint      `gorm:"not null;uniqueIndex:idx_vote_voter,priority:1"`
		Question   *Question `gorm:"constraint:OnDelete:CASCADE"`
		Voter      string    `gorm:"size:64;not null;uniqueIndex:idx_vote_voter,priority:2"`
		FromHash   string    `gorm:"size:64;not null;index"`
		CreatedAt  time.Time
	}
	return tx.AutoMigrate(&Plan{}, &Question{}, &QuestionEntry{}, &QuestionVote{})
}

type questionCommitment struct {
	ID uint `gorm:"primaryKey"`
}

func (questionCommitment) TableName() string { return "commitments" }

type questionAgency struct {
	ID uint `gorm:"primaryKey"`
}

func (questionAgency) TableName() string { return "agencies" }

// migratePlansOwnWords keeps what other members' plans say in their own
// words: a plan's source and milestone status scale, a milestone's status
// in that scale, deadlines' wording, and a milestone's other responsible
// agencies.
func migratePlansOwnWords(tx *gorm.DB) error {
	type Plan struct {
		ID          uint   `gorm:"primaryKey"`
		Source      string `gorm:"not null;default:''"`
		StatusScale model.StatusScale
	}
	type Commitment struct {
		ID        uint `gorm:"primaryKey"`
		StartText model.Text
		EndText   model.Text
	}
	type Agency struct {
		ID uint `gorm:"primaryKey"`
	}
	type Milestone struct {
		ID        uint `gorm:"primaryKey"`
		DueText   model.Text
		StatusKey string `gorm:"size:40;not null;default:''"`
	}
	type MilestoneAgency struct {
		MilestoneID uint       `gorm:"primaryKey"`
		Milestone   *Milestone `gorm:"constraint:OnDelete:CASCADE"`
		AgencyID    uint       `gorm:"primaryKey;index"`
		Agency      *Agency    `gorm:"constraint:OnDelete:CASCADE"`
	}
	return tx.AutoMigrate(&Plan{}, &Commitment{}, &Milestone{}, &MilestoneAgency{})
}

// migrateProgressTimes records when progress was last reported, apart
// from when a row was last written: "last update" is a progress update (a
// status reported, a report submitted, an answer given), never an import or
// a correction of the data. Rows that have one in the record of changes
// get its time; the rest none until progress is reported.
func migrateProgressTimes(tx *gorm.DB) error {
	type Milestone struct {
		ID         uint `gorm:"primaryKey"`
		ProgressAt *time.Time
	}
	type Commitment struct {
		ID         uint `gorm:"primaryKey"`
		ProgressAt *time.Time
	}
	if err := tx.Migrator().AddColumn(&Milestone{}, "ProgressAt"); err != nil {
		return err
	}
	if err := tx.Migrator().AddColumn(&Commitment{}, "ProgressAt"); err != nil {
		return err
	}
	// A milestone's progress is its status, note and evidence, as people
	// report them through the forms and the API (a report's submission too).
	err := tx.Exec(`UPDATE milestones SET progress_at = (SELECT MAX(ch.at) FROM changes ch
		WHERE ch.entity = 'milestone' AND ch.entity_id = milestones.id AND ch.action = 'updated' AND ch.door IN ('web', 'api')
		AND (CAST(ch.fields AS text) LIKE '%"status"%' OR CAST(ch.fields AS text) LIKE '%"note"%' OR CAST(ch.fields AS text) LIKE '%"evidence"%'))`).Error
	if err != nil {
		return err
	}
	// A commitment's: its reports submitted, the answers to dissent on
	// them, and the answers to questions on it.
	err = tx.Exec(`UPDATE commitments SET progress_at = (SELECT MAX(ch.at) FROM changes ch
		WHERE ch.commitment_id = commitments.id AND ch.door IN ('web', 'api')
		AND (ch.entity = 'report' AND ch.action = 'updated' OR ch.entity = 'review' AND CAST(ch.fields AS text) LIKE '%"answer"%'))`).Error
	if err != nil {
		return err
	}
	answered := `(SELECT MAX(e.at) FROM question_entries e JOIN questions q ON q.id = e.question_id
		WHERE q.commitment_id = commitments.id AND e.kind = 'answer')`
	return tx.Exec(`UPDATE commitments SET progress_at = ` + answered + ` WHERE progress_at IS NULL OR progress_at < ` + answered).Error
}

// migrateSearchTerms adds the terms of the search index (search.go), with
// which a word of a language written with spaces is found without reading
// a commitment, and fills the index anew.
func migrateSearchTerms(tx *gorm.DB) error {
	d := dialectOf(tx)
	for _, stmt := range []string{
		"CREATE TABLE " + searchTermsTable + " (term varchar(256) PRIMARY KEY)" + d.withoutRowID(),
		`CREATE TABLE ` + searchTermCommitmentsTable + ` (
			term varchar(256) NOT NULL,
			commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
			PRIMARY KEY (term, commitment_id))` + d.withoutRowID(),
		"CREATE INDEX idx_search_term_commitments_commitment ON " + searchTermCommitmentsTable + " (commitment_id)",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return indexAllCommitments(tx)
}

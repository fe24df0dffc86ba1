package model

import "time"

// OGPValue is one of the four values OGP asks every commitment to serve.
type OGPValue string

const (
	ValueAccessToInformation  OGPValue = "access-to-information"
	ValueCivicParticipation   OGPValue = "civic-participation"
	ValuePublicAccountability OGPValue = "public-accountability"
	ValueTechnology           OGPValue = "technology-and-innovation"
)

// OGPValues lists the values in OGP's order.
var OGPValues = []OGPValue{ValueAccessToInformation, ValueCivicParticipation, ValuePublicAccountability, ValueTechnology}

// Completion is the Independent Reporting Mechanism's completion scale.
type Completion string

const (
	CompletionUnassessed  Completion = ""
	CompletionNotStarted  Completion = "not-started"
	CompletionLimited     Completion = "limited"
	CompletionSubstantial Completion = "substantial"
	CompletionComplete    Completion = "complete"
	CompletionWithdrawn   Completion = "withdrawn"
)

// Completions lists the scale in order, unassessed first.
var Completions = []Completion{CompletionUnassessed, CompletionNotStarted, CompletionLimited, CompletionSubstantial, CompletionComplete, CompletionWithdrawn}

// IRM holds the Independent Reporting Mechanism's assessment of a commitment,
// as published (blank where the IRM did not assess).
type IRM struct {
	Verifiable          string     `gorm:"size:20" json:"verifiable,omitempty"`             // yes / no
	PotentialImpact     string     `gorm:"size:40" json:"potential_impact,omitempty"`       // none / minor / moderate / transformative
	CompletionMidterm   Completion `gorm:"size:20" json:"completion_midterm,omitempty"`     // progress report
	Completion          Completion `gorm:"size:20" json:"completion,omitempty"`             // end of term
	DidItOpenGovernment string     `gorm:"size:40" json:"did_it_open_government,omitempty"` // did not change / marginal / major / outstanding…
}

// Commitment is one promise of an action plan.
type Commitment struct {
	ID           uint   `gorm:"primaryKey"`
	Ref          string `gorm:"size:80;uniqueIndex;not null"` // stable identifier, e.g. "TWN-1/2-1" or OGP's "AL0002"
	PlanID       uint   `gorm:"not null;index"`
	Plan         *Plan  `gorm:"constraint:OnDelete:CASCADE"`
	ThemeID      *uint  `gorm:"index"`
	Theme        *Theme `gorm:"constraint:OnDelete:SET NULL"`
	Code         string `gorm:"size:40;not null"` // as printed in the plan, e.g. "2-1"
	Title        Text   `gorm:"not null"`
	Description  Text
	Problem      Text
	Objective    Text
	LeadAgencyID *uint   `gorm:"index"`
	LeadAgency   *Agency `gorm:"constraint:OnDelete:SET NULL"`
	// Supporting agencies and civil-society organisations are kept in
	// join tables; see CommitmentAgency and CommitmentOrganisation.
	SupportingAgencies   []Agency `gorm:"many2many:commitment_agencies"`
	Organisations        []CommitmentOrganisation
	Start                Date
	End                  Date
	StartText            Text // the start and end as the plan words them ("Ongoing", "Quarter 4 2016")
	EndText              Text
	Values               Strings // OGPValue
	PolicyAreas          Strings // free tags, e.g. "Open Parliaments"
	IRM                  IRM     `gorm:"embedded;embeddedPrefix:irm_"`
	CarriedForwardFromID *uint
	CarriedForwardFrom   *Commitment `gorm:"constraint:OnDelete:SET NULL"`
	SourceURL            string
	Version              int `gorm:"not null;default:1"` // counts the changes, so that a form sent from a stale page is caught
	// ProgressAt is when a progress report on it was last submitted or a
	// dissent or question on it last answered; nil when never. Its
	// milestones keep their own (Milestone.ProgressAt).
	ProgressAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// OrganisationRole is what a civil-society organisation does on a commitment.
type OrganisationRole string

const (
	RoleCoLead  OrganisationRole = "co-lead"
	RolePartner OrganisationRole = "partner"
)

// CommitmentOrganisation links a civil-society organisation to a commitment.
type CommitmentOrganisation struct {
	CommitmentID   uint             `gorm:"primaryKey"`
	OrganisationID uint             `gorm:"primaryKey"`
	Organisation   *Organisation    `gorm:"constraint:OnDelete:CASCADE"`
	Role           OrganisationRole `gorm:"size:20;not null"`
}

// Validate checks a commitment before it is saved.
func (c *Commitment) Validate() error {
	fe := FieldErrors{}
	checkCode(fe, "ref", c.Ref, 80)
	checkCode(fe, "code", c.Code, 40)
	requireText(fe, "title", c.Title, 1000)
	for field, t := range map[string]Text{"description": c.Description, "problem": c.Problem, "objective": c.Objective} {
		checkText(fe, field, t, 100000)
	}
	for _, a := range c.PolicyAreas {
		checkLine(fe, "policy_areas", a)
	}
	checkPeriod(fe, "start", c.Start, c.End)
	checkText(fe, "start_text", c.StartText, MaxDateWording)
	checkText(fe, "end_text", c.EndText, MaxDateWording)
	for _, v := range c.Values {
		checkEnum(fe, "values", OGPValue(v), OGPValues)
	}
	checkEnum(fe, "irm.completion", c.IRM.Completion, Completions)
	checkEnum(fe, "irm.completion_midterm", c.IRM.CompletionMidterm, Completions)
	if c.SourceURL != "" {
		checkURL(fe, "source_url", c.SourceURL)
	}
	return fe.Err()
}

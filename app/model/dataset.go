package model

import "fmt"

// DatasetFormat names the version of the tracker's own JSON format,
// documented in app/transfer/FORMAT.md.
const DatasetFormat = "ogptracker/1"

// Dataset is the portable form of the tracker's plan data: what
// `ogptracker export` writes and `ogptracker import` reads. Records refer
// to each other by their stable identifiers (Ref, Code), never by database
// ids, so a dataset moves between databases unchanged. Lists are sorted by
// identifier so the same data always serialises to the same bytes.
type Dataset struct {
	Format        string               `json:"format"`
	Source        string               `json:"source,omitempty"` // attribution of the data; each plan's unless it names its own
	Agencies      []AgencyRecord       `json:"agencies"`
	Organisations []OrganisationRecord `json:"organisations"`
	Contacts      []ContactRecord      `json:"contacts"`
	Plans         []PlanRecord         `json:"plans"`
}

// AgencyRecord is an Agency in a Dataset.
type AgencyRecord struct {
	Code         string      `json:"code"`
	Name         Text        `json:"name"`
	ShortName    Text        `json:"short_name,omitempty"`
	Jurisdiction string      `json:"jurisdiction,omitempty"` // JurisdictionCode
	Level        AgencyLevel `json:"level,omitempty"`
	Parent       string      `json:"parent,omitempty"` // Code of the parent agency
}

// OrganisationRecord is an Organisation in a Dataset.
type OrganisationRecord struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
	URL  string `json:"url,omitempty"`
}

// ContactRecord is a Contact in a Dataset.
type ContactRecord struct {
	Ref          string      `json:"ref"`
	Name         string      `json:"name"`
	Agency       string      `json:"agency,omitempty"`       // Code
	Organisation string      `json:"organisation,omitempty"` // Code
	Role         ContactRole `json:"role"`
	Email        string      `json:"email,omitempty"`
	Phone        string      `json:"phone,omitempty"`
	ActiveFrom   Date        `json:"active_from"`
	ActiveTo     Date        `json:"active_to"`
	Public       bool        `json:"public"`
	Demo         bool        `json:"demo,omitempty"`
}

// PlanRecord is a Plan with its themes and commitments in a Dataset.
type PlanRecord struct {
	Ref               string             `json:"ref"`
	Jurisdiction      Text               `json:"jurisdiction"`
	JurisdictionCode  string             `json:"jurisdiction_code,omitempty"`
	JurisdictionLevel JurisdictionLevel  `json:"jurisdiction_level,omitempty"`
	Number            int                `json:"number"`
	Title             Text               `json:"title"`
	Start             Date               `json:"start"`
	End               Date               `json:"end"`
	Status            PlanStatus         `json:"status"`
	Documents         Links              `json:"documents,omitempty"`
	Source            string             `json:"source,omitempty"`       // attribution of the plan's data, when not the dataset's
	StatusScale       StatusScale        `json:"status_scale,omitempty"` // the plan's own milestone statuses
	Themes            []ThemeRecord      `json:"themes"`
	Commitments       []CommitmentRecord `json:"commitments"`
}

// ThemeRecord is a Theme in a Dataset.
type ThemeRecord struct {
	Number int  `json:"number"`
	Name   Text `json:"name"`
}

// CommitmentRecord is a Commitment with its milestones in a Dataset.
type CommitmentRecord struct {
	Ref                string            `json:"ref"`
	Code               string            `json:"code"`
	Theme              int               `json:"theme,omitempty"` // ThemeRecord.Number; 0 for none
	Title              Text              `json:"title"`
	Description        Text              `json:"description,omitempty"`
	Problem            Text              `json:"problem,omitempty"`
	Objective          Text              `json:"objective,omitempty"`
	LeadAgency         string            `json:"lead_agency,omitempty"` // Code; empty when unknown
	SupportingAgencies []string          `json:"supporting_agencies,omitempty"`
	CoLeads            []string          `json:"co_leads,omitempty"` // Organisation codes
	Partners           []string          `json:"partners,omitempty"` // Organisation codes
	Start              Date              `json:"start"`
	End                Date              `json:"end"`
	StartText          Text              `json:"start_text,omitempty"` // the start as the plan words it
	EndText            Text              `json:"end_text,omitempty"`
	Values             []OGPValue        `json:"values,omitempty"`
	PolicyAreas        []string          `json:"policy_areas,omitempty"`
	IRM                IRM               `json:"irm"`
	CarriedForwardFrom string            `json:"carried_forward_from,omitempty"` // Ref of a commitment of an earlier plan
	SourceURL          string            `json:"source_url,omitempty"`
	Milestones         []MilestoneRecord `json:"milestones,omitempty"`
}

// MilestoneRecord is a Milestone in a Dataset; Children are one level down.
type MilestoneRecord struct {
	Ref     string `json:"ref"`
	Title   Text   `json:"title"`
	Start   Date   `json:"start"`
	Due     Date   `json:"due"`
	DueText Text   `json:"due_text,omitempty"` // the deadline as the plan words it
	Agency  string `json:"agency,omitempty"`   // Code of the responsible agency
	// OtherAgencies are the codes of the agencies responsible with Agency.
	OtherAgencies []string `json:"other_agencies,omitempty"`
	// Status is one of the tracker's statuses, or a key of the plan's
	// status_scale when it has one.
	Status      MilestoneStatus   `json:"status"`
	CompletedOn Date              `json:"completed_on"`
	Weight      float64           `json:"weight"`
	Evidence    Links             `json:"evidence,omitempty"`
	Note        string            `json:"note,omitempty"`
	Children    []MilestoneRecord `json:"children,omitempty"`

	// StatusAsOf is the day the source gave its status, the milestone's
	// last progress update; absent when the source gives none.
	StatusAsOf *Date `json:"status_as_of,omitempty"`
}

// DatasetError places a validation failure in a dataset, e.g.
// "plans[0].commitments[3]: title: is required".
type DatasetError struct {
	Path string
	Err  error
}

func (e *DatasetError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *DatasetError) Unwrap() error { return e.Err }

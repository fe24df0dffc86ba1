package model_test

import (
	"errors"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

type validator interface{ Validate() error }

func validCommitment() *model.Commitment {
	return &model.Commitment{Ref: "TWN-1/1-1", Code: "1-1", Title: model.T("zh-TW", "標題"),
		Start: model.MustDate("2021-01"), End: model.MustDate("2024-05")}
}

func validMilestone() *model.Milestone {
	return &model.Milestone{Ref: "1", Title: model.T("zh-TW", "里程碑"), Status: model.MilestoneNotStarted,
		Start: model.MustDate("2021-01"), Due: model.MustDate("2021-12"), Weight: 1}
}

func validPlan() *model.Plan {
	return &model.Plan{Ref: "TWN-1", Jurisdiction: model.T("en", "Taiwan"), Title: model.T("en", "First plan"),
		Status: model.PlanImplementation, Start: model.MustDate("2021-01"), End: model.MustDate("2024-05")}
}

func validContact() *model.Contact {
	return &model.Contact{Ref: "c1", Name: "Demo Person", Role: model.ContactLiaison, Email: "person@example.org"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		record    validator
		wantField string // "" when the record is valid
	}{
		{"a valid commitment", validCommitment(), ""},
		{"a valid milestone", validMilestone(), ""},
		{"a valid plan", validPlan(), ""},
		{"a valid contact", validContact(), ""},

		{"commitment ending before it starts", with(validCommitment(), func(c *model.Commitment) { c.Start, c.End = model.MustDate("2022-01"), model.MustDate("2021-12") }), "start"},
		{"commitment ending in its start month", with(validCommitment(), func(c *model.Commitment) {
			c.Start, c.End = model.MustDate("2021-12-15"), model.MustDate("2021-12")
		}), ""},
		{"commitment starting on the first of its end month", with(validCommitment(), func(c *model.Commitment) {
			c.Start, c.End = model.MustDate("2021-12"), model.MustDate("2021-12-01")
		}), ""},
		{"commitment without a title", with(validCommitment(), func(c *model.Commitment) { c.Title = model.T("en", " ") }), "title"},
		{"commitment with an unknown OGP value", with(validCommitment(), func(c *model.Commitment) { c.Values = model.Strings{"transparency"} }), "values"},
		{"commitment with a source that is not a web address", with(validCommitment(), func(c *model.Commitment) { c.SourceURL = "ftp://example.org/plan.pdf" }), "source_url"},

		{"milestone due before it starts", with(validMilestone(), func(m *model.Milestone) { m.Start, m.Due = model.MustDate("2021-12-31"), model.MustDate("2021-12-30") }), "start"},
		{"milestone with a bad status", with(validMilestone(), func(m *model.Milestone) { m.Status = "done" }), "status"},
		{"milestone without a status", with(validMilestone(), func(m *model.Milestone) { m.Status = "" }), "status"},
		{"milestone with a weight of 0", with(validMilestone(), func(m *model.Milestone) { m.Weight = 0 }), "weight"},
		{"milestone with a negative weight", with(validMilestone(), func(m *model.Milestone) { m.Weight = -1 }), "weight"},
		{"open milestone with a completion date", with(validMilestone(), func(m *model.Milestone) { m.CompletedOn = model.MustDate("2021-06-01") }), "completed_on"},

		{"plan with a bad status", with(validPlan(), func(p *model.Plan) { p.Status = "finished" }), "status"},
		{"plan ending before it starts", with(validPlan(), func(p *model.Plan) { p.End = model.MustDate("2020-12") }), "start"},

		{"contact with a bad email", with(validContact(), func(c *model.Contact) { c.Email = "person at example.org" }), "email"},
		{"contact with a display name in the email", with(validContact(), func(c *model.Contact) { c.Email = "Person <person@example.org>" }), "email"},
		{"contact with an unknown role", with(validContact(), func(c *model.Contact) { c.Role = "boss" }), "role"},
		{"contact leaving before arriving", with(validContact(), func(c *model.Contact) {
			c.ActiveFrom, c.ActiveTo = model.MustDate("2022-07-01"), model.MustDate("2022-06-30")
		}), "active_from"},
		{"agency with a bad language tag", &model.Agency{Code: "X", Name: model.Text{"bad tag": "X"}}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.record.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe model.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want model.FieldErrors", err, err)
			}
			if _, ok := fe[tt.wantField]; !ok {
				t.Errorf("errors %v do not name %q", fe, tt.wantField)
			}
		})
	}
}

func with[T any](rec *T, change func(*T)) *T {
	change(rec)
	return rec
}

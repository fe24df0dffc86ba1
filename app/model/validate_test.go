package model_test

import (
	"errors"
	"math"
	"strings"
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

		// The text rule (CheckLine, CheckLines) on every kind of field.
		{"commitment ref with a line break", with(validCommitment(), func(c *model.Commitment) { c.Ref = "TWN-1/1-1\n" }), "ref"},
		{"commitment code with a NUL byte", with(validCommitment(), func(c *model.Commitment) { c.Code = "1\x00-1" }), "code"},
		{"commitment title with a NUL byte", with(validCommitment(), func(c *model.Commitment) { c.Title = model.T("en", "Open\x00data") }), "title"},
		{"commitment title in Latin-1", with(validCommitment(), func(c *model.Commitment) { c.Title = model.T("en", "Caf\xe9") }), "title"},
		{"commitment description with lines and tabs", with(validCommitment(), func(c *model.Commitment) {
			c.Description = model.T("en", "First:\r\n\t- one\n\t- two")
		}), ""},
		{"commitment description with a form feed", with(validCommitment(), func(c *model.Commitment) { c.Description = model.T("en", "page\fbreak") }), "description"},
		{"commitment policy area with a tab", with(validCommitment(), func(c *model.Commitment) { c.PolicyAreas = model.Strings{"Open\tData"} }), "policy_areas"},
		{"milestone ref with a carriage return", with(validMilestone(), func(m *model.Milestone) { m.Ref = "1\r" }), "ref"},
		{"milestone evidence title with a NUL byte", with(validMilestone(), func(m *model.Milestone) {
			m.Evidence = model.Links{{Title: model.T("en", "Minutes\x00"), URL: "https://example.org/m"}}
		}), "evidence[0].title"},
		{"plan ref with a line break", with(validPlan(), func(p *model.Plan) { p.Ref = "TWN\n1" }), "ref"},
		{"contact name with a line break", with(validContact(), func(c *model.Contact) { c.Name = "Demo\nPerson" }), "name"},
		{"contact phone with a NUL byte", with(validContact(), func(c *model.Contact) { c.Phone = "02\x001234" }), "phone"},
		{"agency code with a tab", &model.Agency{Code: "N\tDC", Name: model.T("en", "X")}, "code"},
		{"organisation code with a line break", &model.Organisation{Code: "g0v\n", Name: model.T("en", "g0v")}, "code"},
		{"theme name with an escape character", &model.Theme{Number: 1, Name: model.T("en", "\x1b[31mred")}, "name"},

		{"milestone with a weight of 1e308", with(validMilestone(), func(m *model.Milestone) { m.Weight = 1e308 }), "weight"},
		{"milestone with a weight over the largest", with(validMilestone(), func(m *model.Milestone) { m.Weight = 1000.5 }), "weight"},
		{"milestone with the largest weight", with(validMilestone(), func(m *model.Milestone) { m.Weight = 1000 }), ""},
		{"milestone with a weight of NaN", with(validMilestone(), func(m *model.Milestone) { m.Weight = math.NaN() }), "weight"},
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

func TestParentCycle(t *testing.T) {
	// EY ← NDC ← DEPT; MOF stands alone; X and Y are a circle of their own.
	parents := map[string]string{"NDC": "EY", "DEPT": "NDC", "X": "Y", "Y": "X"}
	parentOf := func(code string) (string, error) { return parents[code], nil }
	tests := []struct {
		agency, parent string
		want           string // the circle, "" for none
	}{
		{"EY", "", ""},
		{"EY", "MOF", ""},
		{"MOF", "DEPT", ""},
		{"EY", "EY", "EY → EY"},
		{"EY", "NDC", "EY → NDC → EY"},
		{"EY", "DEPT", "EY → DEPT → NDC → EY"},
		{"EY", "X", ""}, // a circle above, not through EY: ends, and is X's to answer for
	}
	for _, tt := range tests {
		circle, err := model.ParentCycle(tt.agency, tt.parent, parentOf)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(circle, " → "); got != tt.want {
			t.Errorf("%s under %q: circle %q, want %q", tt.agency, tt.parent, got, tt.want)
		}
	}
	stop := errors.New("database gone")
	if _, err := model.ParentCycle(1, 2, func(uint) (uint, error) { return 0, stop }); !errors.Is(err, stop) {
		t.Errorf("a failed lookup: %v", err)
	}
}

package web

import (
	"encoding/json"

	"github.com/ogptracker/ogptracker/app/model"
)

// whatKey is the catalog message saying what a change did: "Milestone 3
// updated", or for the reporting workflow what the step was, so that a
// commitment's history reads "Progress report submitted", "Dissent recorded".
func whatKey(c model.Change) string {
	key := "history.what." + string(c.Entity) + "." + string(c.Action)
	after := func(field string) string {
		var v string
		_ = json.Unmarshal(c.Fields[field].After, &v)
		return v
	}
	switch c.Entity {
	case model.EntityReport:
		if after("status") == string(model.ReportSubmitted) {
			return "history.what.report.submitted"
		}
	case model.EntityReview:
		if v := after("verdict"); v == string(model.VerdictConfirm) || v == string(model.VerdictDissent) {
			return "history.what.review." + v
		}
	}
	return key
}

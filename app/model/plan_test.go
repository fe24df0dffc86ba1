package model

import (
	"testing"
	"time"
)

// The current plan of a member: the newest not ended, whatever numbers
// were typed; the newest of all when every plan has ended.
func TestCurrentPlan(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	plan := func(id uint, number int, start, end string, status PlanStatus) Plan {
		return Plan{ID: id, Number: number, Start: MustDate(start), End: MustDate(end), Status: status}
	}
	tests := []struct {
		name  string
		plans []Plan
		want  uint
	}{
		{"none", nil, 0},
		{"one", []Plan{plan(1, 1, "2021-01", "2024-12", PlanEnded)}, 1},
		{"an ended plan and a newer one without a number", []Plan{plan(1, 2, "2021-01", "2024-12", PlanEnded), plan(2, 0, "2025-01", "2028-12", PlanImplementation)}, 2},
		{"an ended plan still marked in force and a newer one", []Plan{plan(1, 1, "2021-01", "2025-12", PlanImplementation), plan(2, 2, "2026-01", "2029-12", PlanCoCreation)}, 2},
		{"a plan in force and a later one marked ended", []Plan{plan(1, 1, "2025-01", "2028-12", PlanImplementation), plan(2, 2, "2029-01", "2032-12", PlanEnded)}, 1},
		{"two in force: the latest start", []Plan{plan(1, 3, "2024-01", "2027-12", PlanImplementation), plan(2, 1, "2025-06", "2028-12", PlanImplementation)}, 2},
		{"all ended: the newest", []Plan{plan(2, 2, "2019-01", "2020-12", PlanEnded), plan(1, 1, "2016-01", "2018-12", PlanEnded)}, 2},
		{"the same start: the higher number", []Plan{plan(1, 2, "2025-01", "2028-12", PlanImplementation), plan(2, 1, "2025-01", "2028-12", PlanImplementation)}, 1},
	}
	for _, tc := range tests {
		got := CurrentPlan(tc.plans, at, time.UTC)
		var id uint
		if got != nil {
			id = got.ID
		}
		if id != tc.want {
			t.Errorf("%s: plan %d, want %d", tc.name, id, tc.want)
		}
	}
}

package model

import (
	"database/sql/driver"
	"fmt"
)

// StatusStep is one step of a plan's own milestone status scale: the key
// the plan writes ("substantial"), its words in the plan's languages, and
// the tracker's status it counts as.
type StatusStep struct {
	Key    string          `json:"key"`
	Label  Text            `json:"label"`
	Status MilestoneStatus `json:"status"`
}

// StatusScale is a plan's own milestone status scale, in the plan's
// order, e.g. "not started / limited progress / substantial progress /
// complete". Empty for a plan that uses the tracker's statuses.
type StatusScale []StatusStep

// MaxStatusSteps is the most steps a plan's scale may have.
const MaxStatusSteps = 20

// validate checks a scale: keys one line, unique, each step labelled and
// counted as one of the tracker's statuses.
func (sc StatusScale) validate(fe FieldErrors, field string) {
	if len(sc) > MaxStatusSteps {
		fe.Add(field, MsgTooMany)
	}
	seen := map[string]bool{}
	for i, st := range sc {
		at := fmt.Sprintf("%s[%d]", field, i)
		checkCode(fe, at+".key", st.Key, 40)
		if seen[st.Key] {
			fe.Add(at+".key", fmt.Sprintf("%q is used twice", st.Key))
		}
		seen[st.Key] = true
		requireText(fe, at+".label", st.Label, 200)
		checkEnum(fe, at+".status", st.Status, MilestoneStatuses)
	}
}

// Step returns the step of key, or nil.
func (sc StatusScale) Step(key string) *StatusStep {
	for i := range sc {
		if sc[i].Key == key {
			return &sc[i]
		}
	}
	return nil
}

// Resolve reads a milestone's status as a plan writes it: a key of the
// plan's scale, or else one of the tracker's statuses. It returns the
// tracker's status and the plan's key ("" for a tracker status).
func (sc StatusScale) Resolve(written string) (MilestoneStatus, string, error) {
	if st := sc.Step(written); st != nil {
		return st.Status, st.Key, nil
	}
	for _, s := range MilestoneStatuses {
		if string(s) == written {
			return s, "", nil
		}
	}
	if len(sc) > 0 {
		return "", "", fmt.Errorf("%q is not a status of the plan's scale (%s) nor of the tracker", written, sc.keys())
	}
	return "", "", fmt.Errorf("%q is not a status (%s)", written, fmt.Sprint(MilestoneStatuses))
}

// ForStatus is the key of the first step counted as status, "" when the
// scale has none: what a status set in the tracker's words is in the plan's.
func (sc StatusScale) ForStatus(status MilestoneStatus) string {
	for _, st := range sc {
		if st.Status == status {
			return st.Key
		}
	}
	return ""
}

func (sc StatusScale) keys() string {
	out := ""
	for i, st := range sc {
		if i > 0 {
			out += ", "
		}
		out += st.Key
	}
	return out
}

// Value stores the scale as JSON.
func (sc StatusScale) Value() (driver.Value, error) {
	return jsonValue([]StatusStep(sc), sc == nil, "[]")
}

// Scan reads the JSON form back.
func (sc *StatusScale) Scan(src any) error {
	var out []StatusStep
	err := scanJSON(src, &out, "StatusScale")
	*sc = out
	return err
}

// GormDataType keeps the scale in a text column.
func (StatusScale) GormDataType() string { return "text" }

// Words is what the plan calls a milestone's status: the label of its key
// in the plan's scale, or of the first step counted as its status; nil
// when the plan has no scale, and the tracker's words are shown.
func (sc StatusScale) Words(m *Milestone) *StatusStep {
	if len(sc) == 0 {
		return nil
	}
	if st := sc.Step(m.StatusKey); st != nil && st.Status == m.Status {
		return st
	}
	return sc.Step(sc.ForStatus(m.Status))
}

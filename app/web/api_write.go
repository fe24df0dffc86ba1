package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The write side of the API, for agencies' own systems. Each write takes
// an API token (apiToken), is allowed by the same rule as the web's form
// (model.APIToken.MayChangeMilestone shares the agency part of
// model.User.MayChangeMilestone), goes through the same store method and
// enters the record of changes through the door "api", under the token's
// name and agency.

// maxAPIBody bounds what a write may send.
const maxAPIBody = 64 << 10

// decodeObject reads a JSON object whose members are all among allowed,
// keeping each member's raw value. Malformed JSON is 400; unknown members
// are 422, each named.
func decodeObject(c *gin.Context, allowed ...string) (map[string]json.RawMessage, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxAPIBody))
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, detail: fmt.Sprintf("The body could not be read (at most %d bytes).", maxAPIBody)}
	}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.More() {
		return nil, &apiError{status: http.StatusBadRequest, detail: "The body is not a JSON object."}
	}
	var unknown []fieldProblem
	for name := range obj {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, fieldProblem{Field: name, Detail: "is not a field of this request; it takes " + strings.Join(allowed, ", ")})
		}
	}
	if len(unknown) > 0 {
		slices.SortFunc(unknown, func(a, b fieldProblem) int { return strings.Compare(a.Field, b.Field) })
		return nil, &apiError{status: http.StatusUnprocessableEntity, detail: "The body has fields this request does not take; nothing was changed.", fields: unknown}
	}
	return obj, nil
}

// milestonePatch is what PATCH /api/v1/milestones/{id} takes.
type milestonePatch struct {
	status      model.MilestoneStatus
	statusKey   string // the status in the plan's own scale, when sent in it
	completedOn model.Date
	note        *string      // nil: not given, left as it is
	evidence    *model.Links // nil: not given; else the whole list
	version     int          // 0: not given
}

func (p milestonePatch) update() model.ProgressUpdate {
	return model.ProgressUpdate{Status: p.status, StatusKey: p.statusKey, CompletedOn: p.completedOn, Note: p.note, Evidence: p.evidence}
}

// parseMilestonePatch reads the fields of a milestone's change, naming
// every field whose value has the wrong type or form.
func parseMilestonePatch(obj map[string]json.RawMessage) (milestonePatch, error) {
	var p milestonePatch
	var bad []fieldProblem
	raw, ok := obj["status"]
	if !ok {
		bad = append(bad, fieldProblem{Field: "status", Detail: "is required"})
	} else if err := json.Unmarshal(raw, (*string)(&p.status)); err != nil {
		bad = append(bad, fieldProblem{Field: "status", Detail: "must be a string: one of " + strings.Join(statusNames(), ", ")})
	}
	if raw, ok := obj["completed_on"]; ok {
		if err := json.Unmarshal(raw, &p.completedOn); err != nil || p.completedOn.MonthOnly() {
			bad = append(bad, fieldProblem{Field: "completed_on", Detail: "must be a day such as \"2021-12-31\", or null"})
		}
	}
	if raw, ok := obj["note"]; ok {
		var note *string
		if err := json.Unmarshal(raw, &note); err != nil {
			bad = append(bad, fieldProblem{Field: "note", Detail: "must be a string, or null for none"})
		} else {
			p.note = cmp.Or(note, new(string))
		}
	}
	if raw, ok := obj["evidence"]; ok {
		var links model.Links
		if err := json.Unmarshal(raw, &links); err != nil {
			bad = append(bad, fieldProblem{Field: "evidence", Detail: `must be a list of {"title": {"en": "…"}, "url": "https://…"}, the whole list`})
		} else {
			p.evidence = &links
		}
	}
	if raw, ok := obj["version"]; ok {
		if err := json.Unmarshal(raw, &p.version); err != nil || p.version < 1 {
			bad = append(bad, fieldProblem{Field: "version", Detail: "must be a whole number, the version read"})
		}
	}
	if len(bad) > 0 {
		return p, &apiError{status: http.StatusUnprocessableEntity, detail: "Some values are not valid; nothing was changed.", fields: bad}
	}
	return p, nil
}

func statusNames() []string {
	out := make([]string, len(model.MilestoneStatuses))
	for i, s := range model.MilestoneStatuses {
		out[i] = string(s)
	}
	return out
}

// ifMatchVersion reads the version named by If-Match, which holds the
// ETag of the milestone's answer (milestoneETag); ok is false without one.
// "*" names no version: a write with it alone is refused as one without.
func ifMatchVersion(c *gin.Context, m *model.Milestone) (version int, ok bool, err error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return 0, false, nil
	}
	prefix := fmt.Sprintf("milestone-%d-v", m.ID)
	for _, t := range strings.Split(h, ",") {
		t = strings.TrimSuffix(strings.Trim(strings.TrimSpace(t), `"`), gzipSuffix)
		if v, found := strings.CutPrefix(t, prefix); found {
			if n, err := strconv.Atoi(v); err == nil {
				if n == m.Version {
					return n, true, nil
				}
				version = n
			}
		}
	}
	if version != 0 {
		return version, true, errPreconditionFails
	}
	return 0, true, errPreconditionFails
}

// apiUpdateMilestone sets a milestone's status and completion date for an
// agency's system.
func (s *Server) apiUpdateMilestone(c *gin.Context) {
	ctx := c.Request.Context()
	token := tokenOf(c)
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.store.FindMilestoneByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !token.Has(model.ScopeMilestonesWrite) {
		s.failAPI(c, fmt.Errorf("%w: it lacks the scope %s", errTokenForbidden, model.ScopeMilestonesWrite))
		return
	}
	if !token.MayChangeMilestone(m, m.Commitment) {
		s.failAPI(c, fmt.Errorf("%w: the milestone is not one its agency leads, supports or answers for", errTokenForbidden))
		return
	}
	obj, err := decodeObject(c, "status", "completed_on", "note", "evidence", "version")
	if err != nil {
		s.failAPI(c, err)
		return
	}
	p, err := parseMilestonePatch(obj)
	if err != nil {
		s.failAPI(c, err)
		return
	}
	p.status, p.statusKey = inPlansWords(m, string(p.status))
	version, matched, err := ifMatchVersion(c, m)
	if err != nil {
		s.failAPI(c, err)
		return
	}
	switch {
	case matched && p.version != 0 && p.version != version:
		s.failAPI(c, &apiError{status: http.StatusUnprocessableEntity, detail: "If-Match and version name different versions.",
			fields: []fieldProblem{{Field: "version", Detail: "differs from the version If-Match names"}}})
		return
	case !matched && p.version == 0:
		s.failAPI(c, errPreconditionReq)
		return
	case !matched:
		version = p.version
	}
	actor := model.NewContextWithActor(ctx, tokenActor(token))
	m, err = s.store.UpdateMilestoneProgress(actor, m.ID, version, p.update(), model.DayOf(s.now()))
	switch {
	case errors.Is(err, store.ErrConflict) && matched:
		s.failAPI(c, errPreconditionFails)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	c.Header("ETag", `"`+milestoneETag(m)+`"`)
	s.sendJSON(c, http.StatusOK, apiMilestoneOf(m, m.ResponsibleAgency(m.Commitment), "", planWords(m.Commitment, m)), "")
}

// tokenActor is who the record of changes names for a write made with
// token: the token and its agency, through the API; no person.
func tokenActor(t *model.APIToken) model.Actor {
	a := model.Actor{Door: model.DoorAPI, Label: t.ActorLabel()}
	if t.Agency != nil {
		a.Agency = t.Agency.Code
	}
	return a
}

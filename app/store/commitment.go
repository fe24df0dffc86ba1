package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// CommitmentFilter narrows FindCommitments; zero fields do not filter.
type CommitmentFilter struct {
	PlanID     uint
	ThemeID    uint
	AgencyID   uint           // leads or supports
	Value      model.OGPValue // serves this OGP value
	PolicyArea string         // tagged with this policy area
	Query      string         // words in the code, title or description, in any language and case
	Limit      int            // 0: no limit
	Offset     int
}

// where adds the filter's conditions to q, a query on commitments in d.
func (f CommitmentFilter) where(q *gorm.DB, d dialect) *gorm.DB {
	if f.PlanID != 0 {
		q = q.Where("commitments.plan_id = ?", f.PlanID)
	}
	if f.ThemeID != 0 {
		q = q.Where("commitments.theme_id = ?", f.ThemeID)
	}
	if f.AgencyID != 0 {
		q = q.Where("commitments.lead_agency_id = ? OR commitments.id IN (SELECT commitment_id FROM commitment_agencies WHERE agency_id = ?)", f.AgencyID, f.AgencyID)
	}
	if f.Value != "" {
		q = q.Where(`EXISTS (SELECT 1 FROM `+d.jsonItems(`commitments."values"`, "j")+` WHERE j.value = ?)`, string(f.Value))
	}
	if f.PolicyArea != "" {
		q = q.Where("EXISTS (SELECT 1 FROM "+d.jsonItems("commitments.policy_areas", "j")+" WHERE j.value = ?)", f.PolicyArea)
	}
	for _, w := range strings.Fields(f.Query) {
		ids, args, exact := wordIndex(d, w)
		if ids != "" {
			q = q.Where("commitments.id IN ("+ids+")", args...)
		}
		if !exact {
			cond, args := wordCondition(d, w)
			q = q.Where(cond, args...)
		}
	}
	return q
}

// wordCondition is the SQL condition that a commitment has word, in any
// case, in its code or in the title or description in some language. The
// values of the texts are searched (d.jsonTexts), not their JSON, whose
// language tags would match "en" or "tw"; but a first look at the raw
// JSON, which holds every value as written, quickly passes over the many
// commitments that lack the word, unless the word holds a character JSON
// escapes. How a word matches in any case is the engine's (d.textMatch).
func wordCondition(d dialect, word string) (string, []any) {
	match, pattern := d.textMatch(word)
	cond := "(" + match("commitments.code") +
		" OR EXISTS (SELECT 1 FROM " + d.jsonTexts("commitments.title", "j") + " WHERE " + match("j.value") + ")" +
		" OR EXISTS (SELECT 1 FROM " + d.jsonTexts("commitments.description", "j") + " WHERE " + match("j.value") + "))"
	if !strings.ContainsFunc(word, escapedInJSON) {
		cond = "(" + match("commitments.code") + " OR " + match("commitments.title") + " OR " + match("commitments.description") + ") AND " + cond
	}
	return cond, []any{sql.Named("p", pattern)}
}

// escapedInJSON reports whether encoding/json writes r escaped, so that the
// raw JSON of a text does not hold it as written.
func escapedInJSON(r rune) bool {
	return r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// foldsBeyondASCII reports whether word has a letter outside ASCII that
// has other case forms ("ö", "Ä"), which LIKE would match in one case only.
func foldsBeyondASCII(word string) bool {
	return strings.ContainsFunc(word, func(r rune) bool { return r >= utf8.RuneSelf && unicode.SimpleFold(r) != r })
}

// likePattern is a LIKE pattern (escaped with \) for text containing word.
func likePattern(word string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(word) + "%"
}

// FindCommitments returns the matching commitments ordered by code, with
// their plan, theme and lead agency, and the total number matching.
func (s *Store) FindCommitments(ctx context.Context, f CommitmentFilter) ([]model.Commitment, int64, error) {
	all, err := s.findCommitmentOutlines(ctx, f, false)
	if err != nil {
		return nil, 0, err
	}
	total := int64(len(all))
	from := min(max(f.Offset, 0), len(all))
	to := len(all)
	if f.Limit > 0 {
		to = min(from+f.Limit, to)
	}
	ids := make([]uint, 0, to-from)
	for _, c := range all[from:to] {
		ids = append(ids, c.ID)
	}
	cs, err := s.FindCommitmentsByID(ctx, ids)
	return cs, total, err
}

// compareCodes orders codes as people read them, runs of digits by their
// value: "2-2" < "2-10" < "3-1" < "10-1".
func compareCodes(a, b string) int {
	for a != "" && b != "" {
		ra, rb := leadingRun(a), leadingRun(b)
		if isDigit(ra[0]) && isDigit(rb[0]) {
			na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
		} else if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
		a, b = a[len(ra):], b[len(rb):]
	}
	return cmp.Compare(len(a), len(b))
}

// leadingRun is the run of digits, or of other characters, that s starts with.
func leadingRun(s string) string {
	digits := isDigit(s[0])
	for i := 1; i < len(s); i++ {
		if isDigit(s[i]) != digits {
			return s[:i]
		}
	}
	return s
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// FindCommitmentByID returns a commitment with everything its page shows.
func (s *Store) FindCommitmentByID(ctx context.Context, id uint) (*model.Commitment, error) {
	var c model.Commitment
	err := s.db.WithContext(ctx).
		Preload("Plan").Preload("Theme").Preload("LeadAgency").Preload("CarriedForwardFrom.Plan").
		Preload("SupportingAgencies", func(db *gorm.DB) *gorm.DB { return db.Order("code") }).
		Preload("Organisations.Organisation").
		Take(&c, id).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// CommitmentDetail is a commitment as its page, its evidence pack and its
// API answer show it: with its milestones (in order, with their agencies),
// the commitments of later plans that carry it forward, and its
// assessment on a day.
type CommitmentDetail struct {
	Commitment *model.Commitment
	Milestones []model.Milestone
	CarriedTo  []model.Commitment
	Assessment model.Assessment
}

// FindCommitmentDetail returns commitment id with what its page shows,
// judged as of the instant asOf (model.Assess).
func (s *Store) FindCommitmentDetail(ctx context.Context, id uint, asOf time.Time) (*CommitmentDetail, error) {
	c, err := s.FindCommitmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ms, err := s.FindMilestones(ctx, []uint{id})
	if err != nil {
		return nil, err
	}
	carried, err := s.FindCarriedForward(ctx, id)
	if err != nil {
		return nil, err
	}
	return &CommitmentDetail{Commitment: c, Milestones: ms[id], CarriedTo: carried, Assessment: model.Assess(c.Plan, c, ms[id], asOf)}, nil
}

// FindCarriedForward returns the commitments of later plans that continue c.
func (s *Store) FindCarriedForward(ctx context.Context, id uint) ([]model.Commitment, error) {
	var cs []model.Commitment
	err := s.db.WithContext(ctx).Preload("Plan").Where("carried_forward_from_id = ?", id).Order("ref").Find(&cs).Error
	return cs, err
}

// orderByCode loads related agencies in the order of their codes.
func orderByCode(db *gorm.DB) *gorm.DB { return db.Order("code") }

// FindMilestones returns the milestones of the given commitments, in order,
// with their responsible agency, keyed by commitment id: one query for a
// whole page of commitments.
func (s *Store) FindMilestones(ctx context.Context, commitmentIDs []uint) (map[uint][]model.Milestone, error) {
	out := make(map[uint][]model.Milestone, len(commitmentIDs))
	if len(commitmentIDs) == 0 {
		return out, nil
	}
	// In parts: an agency of many members' plans answers for tens of
	// thousands of commitments, and SQLite takes at most 32,766 values in
	// a statement (the preloads name every milestone of a part).
	ids := slices.Compact(slices.Sorted(slices.Values(commitmentIDs))) // each once, whichever part
	for part := range slices.Chunk(ids, milestonesPart) {
		var ms []model.Milestone
		err := s.db.WithContext(ctx).Preload("Agency").Preload("OtherAgencies", orderByCode).Where("commitment_id IN ?", part).
			Order("commitment_id, position, id").Find(&ms).Error
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out[m.CommitmentID] = append(out[m.CommitmentID], m)
		}
	}
	return out, nil
}

// milestonesPart is how many commitments' milestones FindMilestones reads
// in one statement.
const milestonesPart = 1000

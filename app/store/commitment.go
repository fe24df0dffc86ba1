package store

import (
	"cmp"
	"context"
	"strings"
	"unicode"

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

// where adds the filter's conditions to q, a query on commitments.
func (f CommitmentFilter) where(q *gorm.DB) *gorm.DB {
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
		q = q.Where(`EXISTS (SELECT 1 FROM json_each(nullif(commitments."values", '')) WHERE value = ?)`, string(f.Value))
	}
	if f.PolicyArea != "" {
		q = q.Where("EXISTS (SELECT 1 FROM json_each(nullif(commitments.policy_areas, '')) WHERE value = ?)", f.PolicyArea)
	}
	// Words are looked for in the values of the texts (not their JSON, whose
	// language tags would match "en" or "tw"), by SQLite itself so that no
	// description has to be read into Go.
	for _, w := range strings.Fields(f.Query) {
		p := foldPattern(w)
		q = q.Where("commitments.code GLOB ? OR "+
			"EXISTS (SELECT 1 FROM json_each(nullif(commitments.title, '')) WHERE value GLOB ?) OR "+
			"EXISTS (SELECT 1 FROM json_each(nullif(commitments.description, '')) WHERE value GLOB ?)", p, p, p)
	}
	return q
}

// foldPattern is a GLOB pattern matching text that contains word in any
// case: each letter becomes the class of its case forms ("Öl" →
// "*[öÖ][lL]*"), which LIKE cannot do beyond ASCII, and GLOB's own
// wildcards stand for themselves.
func foldPattern(word string) string {
	var b strings.Builder
	b.WriteByte('*')
	for _, r := range word {
		switch {
		case unicode.SimpleFold(r) != r:
			b.WriteByte('[')
			for f := r; ; {
				b.WriteRune(f)
				if f = unicode.SimpleFold(f); f == r {
					break
				}
			}
			b.WriteByte(']')
		case r == '*' || r == '?' || r == '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('*')
	return b.String()
}

// FindCommitments returns the matching commitments ordered by code, with
// their plan, theme and lead agency, and the total number matching.
func (s *Store) FindCommitments(ctx context.Context, f CommitmentFilter) ([]model.Commitment, int64, error) {
	all, err := s.FindCommitmentOutlines(ctx, f, false)
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

// FindCarriedForward returns the commitments of later plans that continue c.
func (s *Store) FindCarriedForward(ctx context.Context, id uint) ([]model.Commitment, error) {
	var cs []model.Commitment
	err := s.db.WithContext(ctx).Preload("Plan").Where("carried_forward_from_id = ?", id).Order("ref").Find(&cs).Error
	return cs, err
}

// FindMilestones returns the milestones of the given commitments, in order,
// with their responsible agency, keyed by commitment id: one query for a
// whole page of commitments.
func (s *Store) FindMilestones(ctx context.Context, commitmentIDs []uint) (map[uint][]model.Milestone, error) {
	out := make(map[uint][]model.Milestone, len(commitmentIDs))
	if len(commitmentIDs) == 0 {
		return out, nil
	}
	var ms []model.Milestone
	err := s.db.WithContext(ctx).Preload("Agency").Where("commitment_id IN ?", commitmentIDs).
		Order("commitment_id, position, id").Find(&ms).Error
	for _, m := range ms {
		out[m.CommitmentID] = append(out[m.CommitmentID], m)
	}
	return out, err
}

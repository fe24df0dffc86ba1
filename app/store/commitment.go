package store

import (
	"cmp"
	"context"
	"sort"
	"strings"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// CommitmentFilter narrows FindCommitments; zero fields do not filter.
type CommitmentFilter struct {
	PlanID   uint
	ThemeID  uint
	AgencyID uint   // leads or supports
	Query    string // words in the code or title
	Limit    int    // 0: no limit
	Offset   int
}

// FindCommitments returns the matching commitments ordered by code, with
// their plan, theme and lead agency, and the total number matching.
func (s *Store) FindCommitments(ctx context.Context, f CommitmentFilter) ([]model.Commitment, int64, error) {
	db := s.db.WithContext(ctx)
	q := db.Model(&model.Commitment{})
	if f.PlanID != 0 {
		q = q.Where("plan_id = ?", f.PlanID)
	}
	if f.ThemeID != 0 {
		q = q.Where("theme_id = ?", f.ThemeID)
	}
	if f.AgencyID != 0 {
		q = q.Where("lead_agency_id = ? OR id IN (SELECT commitment_id FROM commitment_agencies WHERE agency_id = ?)", f.AgencyID, f.AgencyID)
	}
	// Words are looked for in the title's values (not its JSON, whose
	// language tags would match "en" or "tw") and codes sort naturally
	// ("2-2", "2-10", "3-1"), so both are done here on the few columns
	// they need; then only the page asked for is loaded in full.
	var rows []struct {
		ID, PlanID uint
		Code, Ref  string
		Title      model.Text
	}
	if err := q.Select("id", "plan_id", "code", "ref", "title").Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	words := strings.Fields(strings.ToLower(f.Query))
	matched := rows[:0]
	for _, r := range rows {
		if matchesWords(words, r.Code, r.Title) {
			matched = append(matched, r)
		}
	}
	sort.Slice(matched, func(i, j int) bool {
		a, b := matched[i], matched[j]
		if a.PlanID != b.PlanID {
			return a.PlanID < b.PlanID
		}
		if c := compareCodes(a.Code, b.Code); c != 0 {
			return c < 0
		}
		return a.Ref < b.Ref
	})
	total := int64(len(matched))
	from := min(max(f.Offset, 0), len(matched))
	to := len(matched)
	if f.Limit > 0 {
		to = min(from+f.Limit, to)
	}
	page := matched[from:to]
	if len(page) == 0 {
		return []model.Commitment{}, total, nil
	}
	ids := make([]uint, len(page))
	position := make(map[uint]int, len(page))
	for i, r := range page {
		ids[i] = r.ID
		position[r.ID] = i
	}
	var cs []model.Commitment
	if err := db.Preload("Plan").Preload("Theme").Preload("LeadAgency").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, 0, err
	}
	sort.Slice(cs, func(i, j int) bool { return position[cs[i].ID] < position[cs[j].ID] })
	return cs, total, nil
}

// matchesWords reports whether every (lower-case) word is in the code or
// in the title in some language.
func matchesWords(words []string, code string, title model.Text) bool {
	code = strings.ToLower(code)
	for _, w := range words {
		found := strings.Contains(code, w)
		for _, v := range title {
			found = found || strings.Contains(strings.ToLower(v), w)
		}
		if !found {
			return false
		}
	}
	return true
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

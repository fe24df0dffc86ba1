package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// The list of commitments filters and sorts on what is derived from the
// milestones (progress, schedule), so it may judge every matching
// commitment, thousands of them, and loads only the page it shows in full.
// The two queries below read just the columns that takes, and each answers
// with one packed text (see packed) rather than a row per record: through
// cgo every column of every row costs a few calls, which for 5,000
// commitments and 25,000 milestones took several times as long as the
// queries themselves.

// CommitmentOutline is what a list filters, sorts and assesses a
// commitment on, without the rest of it.
type CommitmentOutline struct {
	ID, PlanID uint
	Code, Ref  string
	Title      model.Text // only when asked for
	Start, End model.Date
	UpdatedAt  time.Time  // to the millisecond
	ProgressAt *time.Time // to the millisecond
}

// Commitment is the outline as a commitment with the fields model.Assess reads.
func (o *CommitmentOutline) Commitment() model.Commitment {
	return model.Commitment{ID: o.ID, PlanID: o.PlanID, Code: o.Code, Ref: o.Ref, Title: o.Title, Start: o.Start, End: o.End, UpdatedAt: o.UpdatedAt, ProgressAt: o.ProgressAt}
}

// FindCommitmentOutlines returns the outline of every commitment matching
// f (Limit and Offset aside), in natural code order plan by plan, with the
// title when withTitle. The outlines of a whole plan are read once and
// kept while the database is unchanged; a filter then only asks SQL which
// of them match, and answers with pointers to the kept ones: copying
// tens of thousands of outlines for a common word took longer than
// finding them. They are shared: callers must not modify them.
func (s *Store) FindCommitmentOutlines(ctx context.Context, f CommitmentFilter, withTitle bool) ([]*CommitmentOutline, error) {
	v, err := s.remembered(ctx, fmt.Sprintf("outlines of plan %d, titles %t", f.PlanID, withTitle), func(ctx context.Context) (any, error) {
		outlines, err := s.findCommitmentOutlines(ctx, CommitmentFilter{PlanID: f.PlanID}, withTitle)
		ids := make([]uint, len(outlines))
		for i, o := range outlines {
			ids[i] = o.ID
		}
		return keptOutlines{outlines, ids}, err
	})
	if err != nil {
		return nil, err
	}
	all := v.(keptOutlines)
	if (f == CommitmentFilter{PlanID: f.PlanID, Limit: f.Limit, Offset: f.Offset}) {
		return all.outlines, nil
	}
	// A word the index tells exactly is looked up there alone, without
	// reading a commitment (the plan is all's); SQL judges the rest of f.
	rest := f
	rest.Query = ""
	var queries []*gorm.DB
	for _, w := range strings.Fields(f.Query) {
		ids, args, exact := wordIndex(s.dialect, w)
		if !exact {
			rest.Query += w + " "
			continue
		}
		queries = append(queries, s.db.WithContext(ctx).Raw("SELECT "+s.dialect.idList("m.commitment_id")+" FROM ("+ids+") AS m", args...))
	}
	if (rest != CommitmentFilter{PlanID: f.PlanID, Limit: f.Limit, Offset: f.Offset}) {
		queries = append(queries, rest.where(s.db.WithContext(ctx).Model(&model.Commitment{}), s.dialect).Select(s.dialect.idList("commitments.id")))
	}
	sets, err := s.idSets(queries)
	if err != nil {
		return nil, err
	}
	fewest := len(all.ids)
	for _, set := range sets {
		fewest = min(fewest, set.n)
	}
	out := make([]*CommitmentOutline, 0, fewest)
outlines:
	for i, id := range all.ids {
		for _, set := range sets {
			if !set.has(id) {
				continue outlines
			}
		}
		out = append(out, all.outlines[i])
	}
	return out, nil
}

// keptOutlines are the outlines of a plan as kept, with their ids side by
// side: a search tests every id, which is quicker read from one array than
// from tens of thousands of outlines.
type keptOutlines struct {
	outlines []*CommitmentOutline
	ids      []uint
}

// idSet is a set of ids, a bit for each.
type idSet struct {
	bits []uint64
	n    int // ids added, counting each time, which sizes a list of them
}

func (s *idSet) add(id uint) {
	if i := int(id / 64); i >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, i+1-len(s.bits))...)
	}
	s.bits[id/64] |= 1 << (id % 64)
	s.n++
}

func (s *idSet) has(id uint) bool {
	i := int(id / 64)
	return i < len(s.bits) && s.bits[i]&(1<<(id%64)) != 0
}

// idSets reads the ids each query answers (idSet), up to
// searchConnections at once, each on a connection of its own, so that a
// search of two words waits for the longer list rather than for both; one
// after another within a transaction, which has one connection.
func (s *Store) idSets(queries []*gorm.DB) ([]*idSet, error) {
	sets, errs := make([]*idSet, len(queries)), make([]error, len(queries))
	if s.inTransaction() || len(queries) < 2 {
		for i, q := range queries {
			if sets[i], errs[i] = s.idSet(q); errs[i] != nil {
				return nil, errs[i]
			}
		}
		return sets, nil
	}
	var wg sync.WaitGroup
	turns := make(chan struct{}, searchConnections)
	for i, q := range queries {
		turns <- struct{}{}
		wg.Go(func() {
			sets[i], errs[i] = s.idSet(q)
			<-turns
		})
	}
	wg.Wait()
	return sets, errors.Join(errs...)
}

// readAtOnce runs reads, each on a connection of its own, and waits for
// all of them: at many thousands of rows, the longest alone then sets the
// time. Within a transaction, which has one connection, they run one
// after another.
func (s *Store) readAtOnce(reads ...func() error) error {
	if s.inTransaction() {
		for _, read := range reads {
			if err := read(); err != nil {
				return err
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make([]error, len(reads))
	for i, read := range reads {
		wg.Go(func() { errs[i] = read() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// inTransaction tells whether s is a transaction's store, which has one
// connection: its queries run one after another.
func (s *Store) inTransaction() bool {
	_, ok := s.db.Statement.ConnPool.(gorm.TxCommitter)
	return ok
}

// searchConnections is the most connections of the pool one search
// takes at once, whatever the number of its words.
const searchConnections = 3

// idSet reads the ids q answers packed in one list (dialect.idList).
func (s *Store) idSet(q *gorm.DB) (*idSet, error) {
	var list []byte
	if err := q.Row().Scan(&list); err != nil {
		return nil, err
	}
	set := &idSet{}
	if err := s.dialect.eachID(list, set.add); err != nil {
		return nil, fmt.Errorf("matching commitments: %w", err)
	}
	return set, nil
}

// findCommitmentOutlines reads the outlines of the commitments matching f,
// in natural code order, every time.
func (s *Store) findCommitmentOutlines(ctx context.Context, f CommitmentFilter, withTitle bool) ([]*CommitmentOutline, error) {
	cs, err := s.outlinesOf(f.where(s.db.WithContext(ctx).Model(&model.Commitment{}), s.dialect), withTitle)
	out := make([]*CommitmentOutline, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out, err
}

// outlinesOf reads the outlines of the commitments q selects, in natural
// code order plan by plan.
func (s *Store) outlinesOf(q *gorm.DB, withTitle bool) ([]CommitmentOutline, error) {
	format, args := "'%d %d %s %s %d %d %d:%s %d:%s'", "id, plan_id, "+orDash("start")+", "+orDash(`"end"`)+", "+s.dialect.millis("updated_at")+
		", "+s.dialect.millis("progress_at")+", octet_length(code), code, octet_length(ref), ref"
	if withTitle {
		format, args = "'%d %d %s %s %d %d %d:%s %d:%s %d:%s'", args+", octet_length(title), title"
	}
	var packed sql.NullString
	if err := q.Select(s.dialect.concat(s.dialect.format(format, args))).Row().Scan(&packed); err != nil {
		return nil, err
	}
	p := packedText{rest: packed.String}
	// Each outline writes the colons of format, and others only within
	// its texts: there are at most as many outlines as that divides.
	cs := make([]CommitmentOutline, 0, strings.Count(packed.String, ":")/strings.Count(format, ":"))
	for !p.end() {
		c := CommitmentOutline{ID: p.id(), PlanID: p.id(), Start: p.date(), End: p.date(), UpdatedAt: p.instant(), ProgressAt: p.maybeInstant(),
			Code: p.text(), Ref: p.text()}
		if withTitle {
			p.fail(c.Title.Scan(p.text()))
		}
		if p.err != nil {
			return nil, fmt.Errorf("commitment outlines: %w", p.err)
		}
		cs = append(cs, c)
	}
	// Codes sort as people read them ("2-2", "2-10", "3-1"), which SQL cannot do.
	slices.SortFunc(cs, func(a, b CommitmentOutline) int {
		if a.PlanID != b.PlanID {
			return cmp.Compare(a.PlanID, b.PlanID)
		}
		if c := compareCodes(a.Code, b.Code); c != 0 {
			return c
		}
		return strings.Compare(a.Ref, b.Ref)
	})
	return cs, nil
}

// CommitmentInPlan is a commitment with its plan: the milestones'
// schedules are kept plan by plan.
type CommitmentInPlan struct{ ID, PlanID uint }

// FindMilestoneSchedules returns the milestones of the given commitments,
// keyed by commitment id, in order (as FindMilestones), with only the
// fields model.Assess reads and those that place a milestone on a
// watchlist: ID, CommitmentID, ParentID, Position, Status, Start, Due,
// CompletedOn, Weight, AgencyID, UpdatedAt and ProgressAt (to the millisecond); FindMilestonesByID
// reads the rest of the few a page shows. The milestones of every
// commitment of a plan are read at once and kept while the database is
// unchanged, so that the first page after a change reads again only the
// plans it shows; those of all the plans not kept are read in one query.
// They are shared: callers must not modify them.
func (s *Store) FindMilestoneSchedules(ctx context.Context, commitments []CommitmentInPlan) (map[uint][]model.Milestone, error) {
	out := make(map[uint][]model.Milestone, len(commitments))
	if len(commitments) == 0 {
		return out, nil
	}
	plans := make([]uint, len(commitments))
	for i, c := range commitments {
		plans[i] = c.PlanID
	}
	byPlan, err := rememberedByPlan(s, ctx, "milestone schedules", plans, s.findMilestoneSchedules)
	if err != nil {
		return nil, err
	}
	for _, c := range commitments {
		if ms, ok := byPlan[c.PlanID][c.ID]; ok {
			out[c.ID] = ms
		}
	}
	return out, nil
}

// plansNamedInAQuery is the most plans a query names; for more, it reads
// every plan's milestones, which costs little more than naming most plans
// and keeps the query within what each engine accepts.
const plansNamedInAQuery = 500

// findMilestoneSchedules reads the schedules of the milestones of the
// given plans (of more, perhaps), keyed by plan, then commitment.
func (s *Store) findMilestoneSchedules(ctx context.Context, planIDs []uint) (map[uint]map[uint][]model.Milestone, error) {
	q := s.db.WithContext(ctx).Table("milestones").Joins("JOIN commitments ON commitments.id = milestones.commitment_id")
	if len(planIDs) <= plansNamedInAQuery {
		q = q.Where("commitments.plan_id IN ?", planIDs)
	}
	return s.schedulesOf(q)
}

// schedulesOf reads the schedules of the milestones q selects (of
// milestones joined to their commitments), keyed by plan, then commitment.
func (s *Store) schedulesOf(q *gorm.DB) (map[uint]map[uint][]model.Milestone, error) {
	var packed sql.NullString
	d := s.dialect
	q = q.Select(d.concat(d.format(`'%d %d %d %d %d %s %s %s %s %!.17g %d %d %d'`, `commitments.plan_id, milestones.commitment_id, milestones.id, `+
		`coalesce(milestones.parent_id, 0), milestones.position, `+orDash("milestones.status")+`, `+orDash("milestones.start")+`, `+
		orDash("milestones.due")+`, `+orDash("milestones.completed_on")+`, milestones.weight, coalesce(milestones.agency_id, 0), `+
		d.millis("milestones.updated_at")+`, `+d.millis("milestones.progress_at"))))
	if err := q.Row().Scan(&packed); err != nil {
		return nil, err
	}
	// One array for all, cut per commitment: milestones mostly come
	// grouped by commitment, in the order they were written.
	p := packedText{rest: packed.String}
	all := make([]model.Milestone, 0, strings.Count(packed.String, " ")/13+1)
	var plans []uint // of each milestone
	for !p.end() {
		plan := p.id()
		m := model.Milestone{CommitmentID: p.id(), ID: p.id()}
		if parent := p.id(); parent != 0 {
			m.ParentID = &parent
		}
		m.Position = p.integer()
		m.Status, m.Start, m.Due, m.CompletedOn, m.Weight = model.MilestoneStatus(p.field()), p.date(), p.date(), p.date(), p.float()
		if agency := p.id(); agency != 0 {
			m.AgencyID = &agency
		}
		m.UpdatedAt, m.ProgressAt = p.instant(), p.maybeInstant()
		if p.err != nil {
			return nil, fmt.Errorf("milestone schedules: %w", p.err)
		}
		all, plans = append(all, m), append(plans, plan)
	}
	out := map[uint]map[uint][]model.Milestone{}
	for from := 0; from < len(all); {
		id, to := all[from].CommitmentID, from+1
		for to < len(all) && all[to].CommitmentID == id {
			to++
		}
		commitments := out[plans[from]]
		if commitments == nil {
			commitments = map[uint][]model.Milestone{}
			out[plans[from]] = commitments
		}
		// A commitment met again out of order is copied, never overwritten.
		if ms, ok := commitments[id]; ok {
			commitments[id] = append(ms, all[from:to:to]...)
		} else {
			commitments[id] = all[from:to:to]
		}
		from = to
	}
	// In FindMilestones' order, which lists of milestones keep for equal
	// dates; written in order, they mostly are already.
	for _, commitments := range out {
		for _, ms := range commitments {
			if !slices.IsSortedFunc(ms, compareMilestones) {
				slices.SortFunc(ms, compareMilestones)
			}
		}
	}
	return out, nil
}

// compareMilestones orders one commitment's milestones by position, then id.
func compareMilestones(a, b model.Milestone) int {
	return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
}

// FindMilestonesByID returns the milestones with the given ids, keyed by
// id, without their agency or evidence: the few a watchlist shows of those
// it judged on their schedules. Always one query, even for no ids.
func (s *Store) FindMilestonesByID(ctx context.Context, ids []uint) (map[uint]*model.Milestone, error) {
	out := make(map[uint]*model.Milestone, len(ids))
	var ms []model.Milestone
	if err := s.db.WithContext(ctx).Omit("evidence").Where("id IN ?", ids).Find(&ms).Error; err != nil {
		return nil, err
	}
	for i := range ms {
		out[ms[i].ID] = &ms[i]
	}
	return out, nil
}

// orDash is an SQL expression for a column of words (dates, statuses),
// with "-" for NULL or empty, so that each takes one field of packed text.
func orDash(column string) string { return "coalesce(nullif(" + column + ", ''), '-')" }

// packedText reads the fields of records that a query packed into one
// text: words separated by single spaces, and texts that may hold spaces
// written as their length in bytes, a colon and the text ("5:a b c").
// The first field that does not read stops it, and err says why.
type packedText struct {
	rest string
	err  error
}

func (p *packedText) end() bool { return p.rest == "" || p.err != nil }

func (p *packedText) fail(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

func (p *packedText) field() string {
	f, rest, _ := strings.Cut(p.rest, " ")
	p.rest = rest
	if f == "" {
		p.fail(errors.New("a field is missing"))
	}
	return f
}

func (p *packedText) text() string {
	n, rest, ok := strings.Cut(p.rest, ":")
	size, err := strconv.Atoi(n)
	if !ok || err != nil || size < 0 || size > len(rest) || size < len(rest) && rest[size] != ' ' {
		p.fail(fmt.Errorf("bad text at %.20q", p.rest))
		p.rest = ""
		return ""
	}
	t := rest[:size]
	p.rest = strings.TrimPrefix(rest[size:], " ")
	return t
}

func (p *packedText) id() uint {
	n, err := strconv.ParseUint(p.field(), 10, 32)
	p.fail(err)
	return uint(n)
}

func (p *packedText) integer() int {
	n, err := strconv.Atoi(p.field())
	p.fail(err)
	return n
}

func (p *packedText) float() float64 {
	f, err := strconv.ParseFloat(p.field(), 64)
	p.fail(err)
	return f
}

// date reads an ISO date as model.Date stores it, "-" for none; the two
// forms it writes are read by hand, many times faster than parsing.
func (p *packedText) date() model.Date {
	f := p.field()
	num := func(s string) int {
		n := 0
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	switch {
	case f == "-":
		return model.Date{}
	case len(f) == 7 && f[4] == '-':
		if d := (model.Date{Year: num(f[:4]), Month: num(f[5:7])}); d.Year > 0 && d.Month >= 1 && d.Month <= 12 {
			return d
		}
	case len(f) == 10 && f[4] == '-' && f[7] == '-':
		if d := (model.Date{Year: num(f[:4]), Month: num(f[5:7]), Day: num(f[8:])}); d.Year > 0 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 31 {
			return d
		}
	}
	d, err := model.ParseDate(f)
	p.fail(err)
	return d
}

// instant reads milliseconds since 1970 as a UTC time, 0 as the zero time.
func (p *packedText) instant() time.Time {
	n, err := strconv.ParseInt(p.field(), 10, 64)
	p.fail(err)
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

// maybeInstant is instant, nil for the zero time.
func (p *packedText) maybeInstant() *time.Time {
	if t := p.instant(); !t.IsZero() {
		return &t
	}
	return nil
}

// FindCommitmentsByID returns the commitments with the given ids, in the
// order given, with their plan, theme and lead agency; ids that match no
// commitment are left out.
func (s *Store) FindCommitmentsByID(ctx context.Context, ids []uint) ([]model.Commitment, error) {
	if len(ids) == 0 {
		return []model.Commitment{}, nil
	}
	var cs []model.Commitment
	if err := s.db.WithContext(ctx).Preload("Plan").Preload("Theme").Preload("LeadAgency").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, err
	}
	inOrderOf(cs, ids)
	return cs, nil
}

// inOrderOf sorts commitments read by id in the order of ids, which names
// each of them.
func inOrderOf(cs []model.Commitment, ids []uint) {
	position := make(map[uint]int, len(ids))
	for i, id := range ids {
		position[id] = i
	}
	slices.SortFunc(cs, func(a, b model.Commitment) int { return cmp.Compare(position[a.ID], position[b.ID]) })
}

// FindCommitmentSummaries returns the commitments matching f in code
// order, as FindCommitments does (Limit and Offset aside), but with only what tables and
// watchlists of commitments show and assess them on: ID, Ref, PlanID,
// ThemeID, Code, Title, LeadAgencyID with LeadAgency, Start, End,
// UpdatedAt and ProgressAt; no plan, theme, descriptions or tags. Which match is read
// from the kept outlines (FindCommitmentOutlines).
func (s *Store) FindCommitmentSummaries(ctx context.Context, f CommitmentFilter) ([]model.Commitment, error) {
	outlines, err := s.FindCommitmentOutlines(ctx, f, false)
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(outlines))
	for i, o := range outlines {
		ids[i] = o.ID
	}
	return s.FindCommitmentSummariesByID(ctx, ids)
}

// FindCommitmentSummariesByID returns the commitments with the given ids,
// in the order given, with what FindCommitmentSummaries reads of them; ids
// that match no commitment are left out.
func (s *Store) FindCommitmentSummariesByID(ctx context.Context, ids []uint) ([]model.Commitment, error) {
	if len(ids) == 0 {
		return []model.Commitment{}, nil
	}
	var cs []model.Commitment
	err := s.db.WithContext(ctx).Select("id", "ref", "plan_id", "theme_id", "code", "title", "lead_agency_id", "start", "end", "updated_at", "progress_at").
		Preload("LeadAgency").Where("id IN ?", ids).Find(&cs).Error
	if err != nil {
		return nil, err
	}
	inOrderOf(cs, ids)
	return cs, nil
}

// CountCommitments returns how many commitments a plan has, or all plans
// together for planID 0.
func (s *Store) CountCommitments(ctx context.Context, planID uint) (int64, error) {
	var n int64
	q := s.db.WithContext(ctx).Model(&model.Commitment{})
	if planID != 0 {
		q = q.Where("plan_id = ?", planID)
	}
	return n, q.Count(&n).Error
}

// FindCommitmentAgencies returns the agencies that lead or support a
// commitment of the given plans (of every plan for nil), with the agency
// also when it exists, so that a list can offer them as choices. Only the
// ID, Code and Name are read.
func (s *Store) FindCommitmentAgencies(ctx context.Context, planIDs []uint, also uint) ([]model.Agency, error) {
	plans, err := json.Marshal(planIDs)
	if err != nil {
		return nil, err
	}
	inPlans := "c.plan_id IN (" + s.dialect.jsonIDs("plans") + ")"
	if planIDs == nil {
		inPlans = "CAST(@plans AS text) IS NOT NULL" // every plan
	}
	var as []model.Agency
	err = s.db.WithContext(ctx).Raw(`SELECT id, code, name FROM agencies WHERE id = @also OR id IN (
		SELECT c.lead_agency_id FROM commitments c WHERE `+inPlans+`
		UNION SELECT ca.agency_id FROM commitment_agencies ca JOIN commitments c ON c.id = ca.commitment_id WHERE `+inPlans+`)
		ORDER BY id`, sql.Named("plans", string(plans)), sql.Named("also", also)).Scan(&as).Error
	return as, err
}

// inPlan is the condition that commitments c belong to the plan given as
// the named parameter @plan, or every plan for 0; two texts rather than one
// "@plan = 0 OR …" so that SQLite uses the plan index when it can.
func inPlan(planID uint) string {
	if planID == 0 {
		return "@plan = 0"
	}
	return "c.plan_id = @plan"
}

// FindCommitmentTags returns the OGP values and the policy areas that the
// plan's commitments (every plan's for planID 0) are tagged with: values
// in OGP's order, areas sorted. They are kept while the database is unchanged.
func (s *Store) FindCommitmentTags(ctx context.Context, planID uint) ([]model.OGPValue, []string, error) {
	type tags struct {
		values []model.OGPValue
		areas  []string
	}
	v, err := s.remembered(ctx, fmt.Sprintf("tags of plan %d", planID), func(ctx context.Context) (any, error) {
		values, areas, err := s.findCommitmentTags(ctx, planID)
		return tags{values, areas}, err
	})
	if err != nil {
		return nil, nil, err
	}
	t := v.(tags)
	return slices.Clone(t.values), slices.Clone(t.areas), nil
}

func (s *Store) findCommitmentTags(ctx context.Context, planID uint) ([]model.OGPValue, []string, error) {
	var tags []struct{ Kind, Tag string }
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT 'value' AS kind, j.value AS tag
		FROM commitments c, `+s.dialect.jsonItems(`c."values"`, "j")+` WHERE `+inPlan(planID)+`
		UNION SELECT DISTINCT 'area', j.value FROM commitments c, `+s.dialect.jsonItems("c.policy_areas", "j")+` WHERE `+inPlan(planID),
		sql.Named("plan", planID)).Scan(&tags).Error
	if err != nil {
		return nil, nil, err
	}
	var values []model.OGPValue
	var areas []string
	for _, t := range tags {
		if t.Kind == "area" {
			areas = append(areas, t.Tag)
		} else if slices.Contains(model.OGPValues, model.OGPValue(t.Tag)) {
			values = append(values, model.OGPValue(t.Tag))
		}
	}
	slices.SortFunc(values, func(a, b model.OGPValue) int {
		return slices.Index(model.OGPValues, a) - slices.Index(model.OGPValues, b)
	})
	slices.Sort(areas)
	return values, areas, nil
}

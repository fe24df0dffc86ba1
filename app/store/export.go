package store

import (
	"context"
	"sort"

	"github.com/ogptracker/ogptracker/app/model"
)

// ExportOptions choose what ExportDataset writes.
type ExportOptions struct {
	// PlanID limits the export to one plan and the agencies, organisations
	// and contacts it refers to; 0 exports everything.
	PlanID uint
	// Private includes the contact details that are not marked public;
	// a public download leaves them out.
	Private bool
}

// ExportDataset reads the tracker's plan data into its portable form.
func (s *Store) ExportDataset(ctx context.Context, opts ExportOptions) (*model.Dataset, error) {
	db := s.db.WithContext(ctx)
	var (
		agencies []model.Agency
		orgs     []model.Organisation
		contacts []model.Contact
		plans    []model.Plan
	)
	plansQ := db.Order("ref")
	if opts.PlanID != 0 {
		plansQ = plansQ.Where("id = ?", opts.PlanID)
	}
	if err := plansQ.Find(&plans).Error; err != nil {
		return nil, err
	}
	if opts.PlanID != 0 && len(plans) == 0 {
		return nil, model.ErrNotFound
	}
	planIDs := make([]uint, len(plans))
	for i, p := range plans {
		planIDs[i] = p.ID
	}
	var (
		themes      []model.Theme
		commitments []model.Commitment
		milestones  []model.Milestone
		supporting  []struct{ CommitmentID, AgencyID uint }
		others      []struct{ MilestoneID, AgencyID uint }
		partners    []model.CommitmentOrganisation
		forwards    []model.Commitment
	)
	if err := db.Where("plan_id IN ?", planIDs).Order("number").Find(&themes).Error; err != nil {
		return nil, err
	}
	if err := db.Where("plan_id IN ?", planIDs).Order("ref").Find(&commitments).Error; err != nil {
		return nil, err
	}
	commitmentIDs := make([]uint, len(commitments))
	forwardIDs := []uint{}
	for i, c := range commitments {
		commitmentIDs[i] = c.ID
		if c.CarriedForwardFromID != nil {
			forwardIDs = append(forwardIDs, *c.CarriedForwardFromID)
		}
	}
	if err := db.Where("id IN ?", forwardIDs).Select("id", "ref").Find(&forwards).Error; err != nil {
		return nil, err
	}
	if err := db.Where("commitment_id IN ?", commitmentIDs).Order("position").Find(&milestones).Error; err != nil {
		return nil, err
	}
	if err := db.Table("commitment_agencies").Where("commitment_id IN ?", commitmentIDs).Find(&supporting).Error; err != nil {
		return nil, err
	}
	if err := db.Table("milestone_agencies").
		Where("milestone_id IN (SELECT id FROM milestones WHERE commitment_id IN ?)", commitmentIDs).Find(&others).Error; err != nil {
		return nil, err
	}
	if err := db.Where("commitment_id IN ?", commitmentIDs).Find(&partners).Error; err != nil {
		return nil, err
	}
	if err := db.Order("code").Find(&agencies).Error; err != nil {
		return nil, err
	}
	if err := db.Order("code").Find(&orgs).Error; err != nil {
		return nil, err
	}
	if err := db.Order("ref").Find(&contacts).Error; err != nil {
		return nil, err
	}

	agencyCode := map[uint]string{}
	for _, a := range agencies {
		agencyCode[a.ID] = a.Code
	}
	orgCode := map[uint]string{}
	for _, o := range orgs {
		orgCode[o.ID] = o.Code
	}
	commitmentRef := map[uint]string{}
	for _, c := range forwards {
		commitmentRef[c.ID] = c.Ref
	}
	code := func(m map[uint]string, id *uint) string {
		if id == nil {
			return ""
		}
		return m[*id]
	}
	usedAgencies, usedOrgs := map[string]bool{}, map[string]bool{}
	use := func(set map[string]bool, c string) string {
		if c != "" {
			set[c] = true
		}
		return c
	}

	themeNumber := map[uint]int{}
	themesOf := map[uint][]model.ThemeRecord{}
	for _, t := range themes {
		themeNumber[t.ID] = t.Number
		themesOf[t.PlanID] = append(themesOf[t.PlanID], model.ThemeRecord{Number: t.Number, Name: t.Name})
	}
	supportOf := map[uint][]string{}
	for _, sa := range supporting {
		supportOf[sa.CommitmentID] = append(supportOf[sa.CommitmentID], use(usedAgencies, agencyCode[sa.AgencyID]))
	}
	coLeadsOf, partnersOf := map[uint][]string{}, map[uint][]string{}
	for _, co := range partners {
		c := use(usedOrgs, orgCode[co.OrganisationID])
		if co.Role == model.RoleCoLead {
			coLeadsOf[co.CommitmentID] = append(coLeadsOf[co.CommitmentID], c)
		} else {
			partnersOf[co.CommitmentID] = append(partnersOf[co.CommitmentID], c)
		}
	}
	othersOf := map[uint][]string{}
	for _, o := range others {
		othersOf[o.MilestoneID] = append(othersOf[o.MilestoneID], use(usedAgencies, agencyCode[o.AgencyID]))
	}
	// Milestones: parents first, children under them. A status is written
	// in the plan's words when it was given in them.
	record := func(m model.Milestone) model.MilestoneRecord {
		status := m.Status
		if m.StatusKey != "" {
			status = model.MilestoneStatus(m.StatusKey)
		}
		others := othersOf[m.ID]
		sort.Strings(others)
		r := model.MilestoneRecord{Ref: m.Ref, Title: m.Title, Start: m.Start, Due: m.Due, DueText: m.DueText,
			Agency: use(usedAgencies, code(agencyCode, m.AgencyID)), OtherAgencies: others, Status: status,
			CompletedOn: m.CompletedOn, Weight: m.Weight, Evidence: m.Evidence, Note: m.Note}
		if m.ProgressAt != nil {
			day := model.DayOf(m.ProgressAt.UTC())
			r.StatusAsOf = &day
		}
		return r
	}
	childrenOf := map[uint][]model.MilestoneRecord{}
	for _, m := range milestones {
		if m.ParentID != nil {
			childrenOf[*m.ParentID] = append(childrenOf[*m.ParentID], record(m))
		}
	}
	milestonesOf := map[uint][]model.MilestoneRecord{}
	for _, m := range milestones {
		if m.ParentID == nil {
			r := record(m)
			r.Children = childrenOf[m.ID]
			milestonesOf[m.CommitmentID] = append(milestonesOf[m.CommitmentID], r)
		}
	}
	commitmentsOf := map[uint][]model.CommitmentRecord{}
	for _, c := range commitments {
		values := make([]model.OGPValue, len(c.Values))
		for i, v := range c.Values {
			values[i] = model.OGPValue(v)
		}
		r := model.CommitmentRecord{Ref: c.Ref, Code: c.Code, Title: c.Title, Description: c.Description,
			Problem: c.Problem, Objective: c.Objective, LeadAgency: use(usedAgencies, code(agencyCode, c.LeadAgencyID)),
			SupportingAgencies: supportOf[c.ID], CoLeads: coLeadsOf[c.ID], Partners: partnersOf[c.ID],
			Start: c.Start, End: c.End, StartText: c.StartText, EndText: c.EndText, Values: values, PolicyAreas: c.PolicyAreas, IRM: c.IRM,
			CarriedForwardFrom: code(commitmentRef, c.CarriedForwardFromID), SourceURL: c.SourceURL,
			Milestones: milestonesOf[c.ID]}
		if c.ThemeID != nil {
			r.Theme = themeNumber[*c.ThemeID]
		}
		commitmentsOf[c.PlanID] = append(commitmentsOf[c.PlanID], r)
	}

	// One source shared by every plan is the dataset's; otherwise each
	// plan names its own.
	ds := &model.Dataset{Format: model.DatasetFormat}
	for i, p := range plans {
		if i == 0 {
			ds.Source = p.Source
		} else if p.Source != ds.Source {
			ds.Source = ""
			break
		}
	}
	for _, p := range plans {
		r := model.PlanRecord{Ref: p.Ref, Jurisdiction: p.Jurisdiction,
			JurisdictionCode: p.JurisdictionCode, JurisdictionLevel: p.JurisdictionLevel, Number: p.Number,
			Title: p.Title, Start: p.Start, End: p.End, Status: p.Status, Documents: p.Documents,
			StatusScale: p.StatusScale, Themes: themesOf[p.ID], Commitments: commitmentsOf[p.ID]}
		if ds.Source == "" {
			r.Source = p.Source
		}
		ds.Plans = append(ds.Plans, r)
	}
	for _, c := range contacts {
		if opts.PlanID != 0 && !usedAgencies[code(agencyCode, c.AgencyID)] && !usedOrgs[code(orgCode, c.OrganisationID)] {
			continue
		}
		r := model.ContactRecord{Ref: c.Ref, Name: c.Name, Agency: use(usedAgencies, code(agencyCode, c.AgencyID)),
			Organisation: use(usedOrgs, code(orgCode, c.OrganisationID)), Role: c.Role,
			ActiveFrom: c.ActiveFrom, ActiveTo: c.ActiveTo, Public: c.Public, Demo: c.Demo}
		if c.Public || opts.Private {
			r.Email, r.Phone = c.Email, c.Phone
		}
		ds.Contacts = append(ds.Contacts, r)
	}
	// A parent agency is exported with its children.
	parentCode := map[string]string{}
	for _, a := range agencies {
		parentCode[a.Code] = code(agencyCode, a.ParentID)
	}
	for c := range usedAgencies {
		for p := parentCode[c]; p != "" && !usedAgencies[p]; p = parentCode[p] {
			usedAgencies[p] = true
		}
	}
	for _, a := range agencies {
		if opts.PlanID != 0 && !usedAgencies[a.Code] {
			continue
		}
		ds.Agencies = append(ds.Agencies, model.AgencyRecord{Code: a.Code, Name: a.Name, ShortName: a.ShortName,
			Jurisdiction: a.JurisdictionCode, Level: a.Level, Parent: parentCode[a.Code]})
	}
	for _, o := range orgs {
		if opts.PlanID != 0 && !usedOrgs[o.Code] {
			continue
		}
		ds.Organisations = append(ds.Organisations, model.OrganisationRecord{Code: o.Code, Name: o.Name, URL: o.URL})
	}
	for i := range ds.Plans {
		for j := range ds.Plans[i].Commitments {
			c := &ds.Plans[i].Commitments[j]
			sort.Strings(c.SupportingAgencies)
			sort.Strings(c.CoLeads)
			sort.Strings(c.Partners)
		}
	}
	return ds, nil
}

// FindMilestoneRefs returns the ref of every milestone of a plan (0: of
// every plan), keyed by id: what the downloads name milestones judged on
// their schedules (FindMilestoneSchedules) by.
func (s *Store) FindMilestoneRefs(ctx context.Context, planID uint) (map[uint]string, error) {
	q := s.db.WithContext(ctx).Model(&model.Milestone{}).Select("milestones.id", "milestones.ref")
	if planID != 0 {
		q = q.Where("milestones.commitment_id IN (SELECT id FROM commitments WHERE plan_id = ?)", planID)
	}
	var rows []struct {
		ID  uint
		Ref string
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Ref
	}
	return out, nil
}

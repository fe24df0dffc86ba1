package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/ogptracker/ogptracker/app/model"
)

// ImportResult counts what an import created and updated.
type ImportResult struct {
	Created, Updated, Unchanged              int
	Plans, Commitments, Milestones, Agencies int // records in the dataset
}

// ImportDataset writes ds in one transaction: records are matched by their
// identifiers (Ref, Code) and updated, or created when new, so importing the
// same data twice changes nothing. Nothing is deleted. Any invalid record
// rolls the whole import back and is reported with its path in the dataset.
// progress, when not nil, is called after each commitment.
//
// Every record created or updated gets one entry in the record of changes,
// in the same transaction, under the actor ctx carries
// (model.NewContextWithActor); without one, the import door and no name.
func (s *Store) ImportDataset(ctx context.Context, ds *model.Dataset, progress func(done, total int)) (ImportResult, error) {
	var res ImportResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		res, _, err = s.importInTx(ctx, tx, ds, progress)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importInTx is ImportDataset within tx; it returns the importer, whose
// notes make the preview.
func (s *Store) importInTx(ctx context.Context, tx *gorm.DB, ds *model.Dataset, progress func(done, total int)) (ImportResult, *importer, error) {
	var res ImportResult
	total, milestones := 0, 0
	for _, p := range ds.Plans {
		total += len(p.Commitments)
		for _, c := range p.Commitments {
			for _, m := range c.Milestones {
				milestones += 1 + len(m.Children)
			}
		}
	}
	actor, ok := model.ActorFromContext(ctx)
	if !ok {
		actor = model.Actor{Door: model.DoorImport}
	}
	im := &importer{tx: tx, res: &res, agencyIDs: map[string]uint{}, orgIDs: map[string]uint{},
		at: s.now().UTC(), actor: actor, changeOf: map[string]*model.Change{}, refReader: newRefReader(tx),
		seen: map[string]seenRecord{}, plans: map[uint]*PlanPreview{}}
	err := func() error {
		if err := im.agencies(ds.Agencies); err != nil {
			return err
		}
		if err := im.organisations(ds.Organisations); err != nil {
			return err
		}
		done := 0
		var forward []pendingForward
		for i := range ds.Plans {
			pf, err := im.plan(fmt.Sprintf("plans[%d]", i), &ds.Plans[i], ds.Source, func() {
				done++
				if progress != nil {
					progress(done, total)
				}
			})
			if err != nil {
				return err
			}
			forward = append(forward, pf...)
		}
		for _, f := range forward {
			if err := im.carryForward(f); err != nil {
				return err
			}
		}
		if err := im.contacts(ds.Contacts); err != nil {
			return err
		}
		return im.saveChanges()
	}()
	if err != nil {
		return ImportResult{}, nil, err
	}
	res.Plans = len(ds.Plans)
	res.Commitments = total
	res.Milestones = milestones
	res.Agencies = len(ds.Agencies)
	return res, im, nil
}

type pendingForward struct {
	path       string
	id, planID uint
	commitment string // its ref
	ref        string // the commitment it continues
}

type importer struct {
	tx        *gorm.DB
	res       *ImportResult
	agencyIDs map[string]uint // code → id
	orgIDs    map[string]uint

	// The record of changes: one change per record written, kept until the
	// end so that later writes to the same record (its parent, its
	// supporting agencies) join its change.
	at       time.Time
	actor    model.Actor
	changes  []*model.Change
	changeOf map[string]*model.Change // changeKey → change
	*refReader

	// What the preview counts: every record the file names, once, with
	// its plan (import_preview.go).
	seen      map[string]seenRecord // changeKey → record
	seenOrder []string
	plans     map[uint]*PlanPreview // plan id → its part of the preview
	planOrder []uint
}

// owner names the commitment and plan a record belongs to, for the record
// of changes; it is called once the record is saved and has its id.
type owner func() (commitmentID, planID uint)

func noOwner() (uint, uint) { return 0, 0 }

// save creates rec when no row has keyValue in the key column, or updates
// the row when its content differs, keeping its id and creation time.
func save[T any](im *importer, path string, entity model.Entity, rec *T, key string, keyValue any, validate func() error, of owner) error {
	var existing T
	err := im.tx.Where(key+" = ?", keyValue).Take(&existing).Error
	if err != nil && err != gorm.ErrRecordNotFound {
		return err
	}
	return saveByID(im, path, entity, rec, &existing, err == nil, validate, of)
}

// gormAssociations keeps Create and Save from writing related records:
// the importer writes each kind itself.
const gormAssociations = "Plan,Theme,LeadAgency,SupportingAgencies,Organisations,CarriedForwardFrom,Commitment,Parent,Agency,OtherAgencies,Organisation"

func (im *importer) agencies(recs []model.AgencyRecord) error {
	// Parents may come after their children in the file: save all first,
	// keeping the parent already stored, then set the parents.
	for i, r := range recs {
		a := &model.Agency{Code: r.Code, Name: r.Name, ShortName: r.ShortName, JurisdictionCode: r.Jurisdiction, Level: r.Level}
		var stored model.Agency
		if err := im.tx.Select("parent_id").Where("code = ?", r.Code).Take(&stored).Error; err == nil {
			a.ParentID = stored.ParentID
		}
		if err := save(im, fmt.Sprintf("agencies[%d]", i), model.EntityAgency, a, "code", r.Code, a.Validate, noOwner); err != nil {
			return err
		}
		im.agencyIDs[r.Code] = a.ID
	}
	for i, r := range recs {
		var parent *uint
		if r.Parent != "" {
			id, err := im.agencyID(fmt.Sprintf("agencies[%d].parent", i), r.Parent)
			if err != nil {
				return err
			}
			parent = &id
		}
		var a model.Agency
		if err := im.tx.Select("id", "parent_id").Take(&a, im.agencyIDs[r.Code]).Error; err != nil {
			return err
		}
		if reflect.DeepEqual(a.ParentID, parent) {
			continue
		}
		before := idOf(reflect.ValueOf(a.ParentID))
		if err := im.tx.Model(&a).Update("parent_id", parent).Error; err != nil {
			return err
		}
		fc, err := im.refChange(agencyType, before, idOf(reflect.ValueOf(parent)))
		if err != nil {
			return err
		}
		im.amend(model.EntityAgency, a.ID, r.Code, noOwner, model.FieldChanges{"parent": fc})
	}
	// Every parent is set: none may lead back to its agency (the rule of
	// the administration's form).
	for i, r := range recs {
		if r.Parent == "" {
			continue
		}
		circle, err := model.ParentCycle(im.agencyIDs[r.Code], im.agencyIDs[r.Parent], parentIDOf(im.tx))
		if err != nil {
			return err
		}
		if circle != nil {
			return &model.DatasetError{Path: fmt.Sprintf("agencies[%d].parent", i), Err: errors.New(model.MsgOwnParent)}
		}
	}
	return nil
}

func (im *importer) organisations(recs []model.OrganisationRecord) error {
	for i, r := range recs {
		o := &model.Organisation{Code: r.Code, Name: r.Name, URL: r.URL}
		if err := save(im, fmt.Sprintf("organisations[%d]", i), model.EntityOrganisation, o, "code", r.Code, o.Validate, noOwner); err != nil {
			return err
		}
		im.orgIDs[r.Code] = o.ID
	}
	return nil
}

func (im *importer) contacts(recs []model.ContactRecord) error {
	for i, r := range recs {
		path := fmt.Sprintf("contacts[%d]", i)
		c := &model.Contact{Ref: r.Ref, Name: r.Name, Role: r.Role, Email: r.Email, Phone: r.Phone,
			ActiveFrom: r.ActiveFrom, ActiveTo: r.ActiveTo, Public: r.Public, Demo: r.Demo}
		if r.Agency != "" {
			id, err := im.agencyID(path+".agency", r.Agency)
			if err != nil {
				return err
			}
			c.AgencyID = &id
		}
		if r.Organisation != "" {
			id, err := im.orgID(path+".organisation", r.Organisation)
			if err != nil {
				return err
			}
			c.OrganisationID = &id
		}
		if err := save(im, path, model.EntityContact, c, "ref", r.Ref, c.Validate, noOwner); err != nil {
			return err
		}
	}
	return nil
}

// plan saves a plan with its themes and commitments; a plan that names no
// source of its own keeps the dataset's.
func (im *importer) plan(path string, r *model.PlanRecord, source string, committed func()) ([]pendingForward, error) {
	if r.Source != "" {
		source = r.Source
	}
	p := &model.Plan{Ref: r.Ref, Jurisdiction: r.Jurisdiction, JurisdictionCode: r.JurisdictionCode,
		JurisdictionLevel: r.JurisdictionLevel, Number: r.Number, Title: r.Title, Start: r.Start, End: r.End,
		Status: r.Status, Documents: r.Documents, Source: source, StatusScale: r.StatusScale}
	if err := save(im, path, model.EntityPlan, p, "ref", r.Ref, p.Validate, func() (uint, uint) { return 0, p.ID }); err != nil {
		return nil, err
	}
	im.seePlan(p)
	themes := map[int]uint{}
	for i, tr := range r.Themes {
		t := &model.Theme{PlanID: p.ID, Number: tr.Number, Name: tr.Name}
		var existing model.Theme
		err := im.tx.Where("plan_id = ? AND number = ?", p.ID, tr.Number).Take(&existing).Error
		if err != nil && err != gorm.ErrRecordNotFound {
			return nil, err
		}
		if err := saveByID(im, fmt.Sprintf("%s.themes[%d]", path, i), model.EntityTheme, t, &existing, err == nil, t.Validate,
			func() (uint, uint) { return 0, p.ID }); err != nil {
			return nil, err
		}
		themes[tr.Number] = t.ID
	}
	var forward []pendingForward
	for i := range r.Commitments {
		cpath := fmt.Sprintf("%s.commitments[%d]", path, i)
		cr := &r.Commitments[i]
		id, err := im.commitment(cpath, p.ID, p.StatusScale, themes, cr)
		if err != nil {
			return nil, err
		}
		if cr.CarriedForwardFrom != "" {
			forward = append(forward, pendingForward{path: cpath, id: id, planID: p.ID, commitment: cr.Ref, ref: cr.CarriedForwardFrom})
		}
		committed()
	}
	return forward, nil
}

// saveByID is save for records identified by a compound key the caller looked up.
func saveByID[T any](im *importer, path string, entity model.Entity, rec, existing *T, exists bool, validate func() error, of owner) error {
	if err := validate(); err != nil {
		return &model.DatasetError{Path: path, Err: err}
	}
	if !exists {
		if err := im.tx.Omit(gormAssociations).Create(rec).Error; err != nil {
			return &model.DatasetError{Path: path, Err: err}
		}
		im.res.Created++
		im.remember(rec)
		im.see(entity, rec, of)
		// The commitment and plan a record belongs to are the change's own columns.
		return im.record(entity, rec, of, model.ChangeCreated, diffFields(new(T), rec, "PlanID", "CommitmentID"))
	}
	copyIdentity(rec, existing)
	im.remember(rec)
	im.see(entity, rec, of)
	diffs := diffFields(existing, rec)
	if len(diffs) == 0 {
		im.res.Unchanged++
		return nil
	}
	bumpVersion(rec)
	if err := im.tx.Omit(gormAssociations).Save(rec).Error; err != nil {
		return &model.DatasetError{Path: path, Err: err}
	}
	im.res.Updated++
	return im.record(entity, rec, of, model.ChangeUpdated, diffs)
}

func (im *importer) commitment(path string, planID uint, scale model.StatusScale, themes map[int]uint, r *model.CommitmentRecord) (uint, error) {
	values := make(model.Strings, len(r.Values))
	for i, v := range r.Values {
		values[i] = string(v)
	}
	c := &model.Commitment{Ref: r.Ref, PlanID: planID, Code: r.Code, Title: r.Title, Description: r.Description,
		Problem: r.Problem, Objective: r.Objective, Start: r.Start, End: r.End, StartText: r.StartText, EndText: r.EndText,
		Values: values, PolicyAreas: model.Strings(r.PolicyAreas), IRM: r.IRM, SourceURL: r.SourceURL}
	if r.Theme != 0 {
		id, ok := themes[r.Theme]
		if !ok {
			return 0, &model.DatasetError{Path: path + ".theme", Err: fmt.Errorf("the plan has no theme %d", r.Theme)}
		}
		c.ThemeID = &id
	}
	if r.LeadAgency != "" {
		id, err := im.agencyID(path+".lead_agency", r.LeadAgency)
		if err != nil {
			return 0, err
		}
		c.LeadAgencyID = &id
	}
	// Keep a carried-forward link already stored; the caller sets it afresh.
	var existing model.Commitment
	if err := im.tx.Select("carried_forward_from_id").Where("ref = ?", r.Ref).Take(&existing).Error; err == nil {
		c.CarriedForwardFromID = existing.CarriedForwardFromID
	}
	of := func() (uint, uint) { return c.ID, planID }
	if err := save(im, path, model.EntityCommitment, c, "ref", r.Ref, c.Validate, of); err != nil {
		return 0, err
	}
	if im.changeOf[changeKey(model.EntityCommitment, c.ID)] != nil { // created or changed
		if err := indexCommitment(im.tx, c); err != nil {
			return 0, err
		}
	}
	joined := model.FieldChanges{}
	if err := im.commitmentAgencies(path, c.ID, r.SupportingAgencies, joined); err != nil {
		return 0, err
	}
	if err := im.commitmentOrganisations(path, c.ID, r.CoLeads, r.Partners, joined); err != nil {
		return 0, err
	}
	if len(joined) > 0 {
		if im.changeOf[changeKey(model.EntityCommitment, c.ID)] == nil { // only the join tables changed
			// A change all the same: counted, so that a form opened before it is caught as stale.
			if err := im.tx.Model(&model.Commitment{}).Where("id = ?", c.ID).
				UpdateColumns(map[string]any{"updated_at": im.at, "version": gorm.Expr("version + 1")}).Error; err != nil {
				return 0, err
			}
		}
		im.amend(model.EntityCommitment, c.ID, c.Ref, of, joined)
	}
	for i := range r.Milestones {
		if err := im.milestone(fmt.Sprintf("%s.milestones[%d]", path, i), c.ID, planID, scale, nil, i+1, &r.Milestones[i]); err != nil {
			return 0, err
		}
	}
	return c.ID, nil
}

// commitmentAgencies makes the stored supporting agencies those of the
// file, and notes in changed what it changed.
func (im *importer) commitmentAgencies(path string, commitmentID uint, codes []string, changed model.FieldChanges) error {
	want := map[uint]bool{}
	for j, code := range codes {
		id, err := im.agencyID(fmt.Sprintf("%s.supporting_agencies[%d]", path, j), code)
		if err != nil {
			return err
		}
		want[id] = true
	}
	var have []uint
	if err := im.tx.Table("commitment_agencies").Where("commitment_id = ?", commitmentID).Pluck("agency_id", &have).Error; err != nil {
		return err
	}
	after := sortedKeys(want)
	for _, id := range have {
		if !want[id] {
			if err := im.tx.Exec("DELETE FROM commitment_agencies WHERE commitment_id = ? AND agency_id = ?", commitmentID, id).Error; err != nil {
				return err
			}
		}
		delete(want, id)
	}
	for _, id := range sortedKeys(want) {
		if err := im.tx.Exec("INSERT INTO commitment_agencies (commitment_id, agency_id) VALUES (?, ?)", commitmentID, id).Error; err != nil {
			return err
		}
	}
	return im.listChange(changed, "supporting_agencies", agencyType, have, after)
}

// commitmentOrganisations makes the stored co-leads and partners those of
// the file, and notes in changed what it changed.
func (im *importer) commitmentOrganisations(path string, commitmentID uint, coLeads, partners []string, changed model.FieldChanges) error {
	want := map[uint]model.OrganisationRole{}
	for role, codes := range map[model.OrganisationRole][]string{model.RolePartner: partners, model.RoleCoLead: coLeads} {
		field := map[model.OrganisationRole]string{model.RolePartner: "partners", model.RoleCoLead: "co_leads"}[role]
		for j, code := range codes {
			id, err := im.orgID(fmt.Sprintf("%s.%s[%d]", path, field, j), code)
			if err != nil {
				return err
			}
			if want[id] != model.RoleCoLead { // co-lead wins when named twice
				want[id] = role
			}
		}
	}
	var have []model.CommitmentOrganisation
	if err := im.tx.Where("commitment_id = ?", commitmentID).Find(&have).Error; err != nil {
		return err
	}
	before, after := map[model.OrganisationRole][]uint{}, map[model.OrganisationRole][]uint{}
	for _, h := range have {
		before[h.Role] = append(before[h.Role], h.OrganisationID)
	}
	for _, id := range sortedKeys(want) {
		after[want[id]] = append(after[want[id]], id)
	}
	for _, h := range have {
		if role, ok := want[h.OrganisationID]; ok && role == h.Role {
			delete(want, h.OrganisationID)
			continue
		}
		if err := im.tx.Where("commitment_id = ? AND organisation_id = ?", commitmentID, h.OrganisationID).Delete(&model.CommitmentOrganisation{}).Error; err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(want) {
		if err := im.tx.Create(&model.CommitmentOrganisation{CommitmentID: commitmentID, OrganisationID: id, Role: want[id]}).Error; err != nil {
			return err
		}
	}
	if err := im.listChange(changed, "co_leads", organisationType, before[model.RoleCoLead], after[model.RoleCoLead]); err != nil {
		return err
	}
	return im.listChange(changed, "partners", organisationType, before[model.RolePartner], after[model.RolePartner])
}

func (im *importer) milestone(path string, commitmentID, planID uint, scale model.StatusScale, parentID *uint, position int, r *model.MilestoneRecord) error {
	m := &model.Milestone{CommitmentID: commitmentID, Ref: r.Ref, ParentID: parentID, Position: position,
		Title: r.Title, Start: r.Start, Due: r.Due, DueText: r.DueText, CompletedOn: r.CompletedOn, Weight: r.Weight,
		Evidence: r.Evidence, Note: r.Note}
	if m.Weight == 0 {
		m.Weight = 1
	}
	if r.Status == "" {
		m.Status = model.MilestoneNotStarted
	} else {
		// The plan's own words, or the tracker's.
		status, key, err := scale.Resolve(string(r.Status))
		if err != nil {
			return &model.DatasetError{Path: path + ".status", Err: err}
		}
		m.Status, m.StatusKey = status, key
	}
	if r.Agency != "" {
		id, err := im.agencyID(path+".agency", r.Agency)
		if err != nil {
			return err
		}
		m.AgencyID = &id
	}
	var existing model.Milestone
	err := im.tx.Where("commitment_id = ? AND ref = ?", commitmentID, r.Ref).Take(&existing).Error
	if err != nil && err != gorm.ErrRecordNotFound {
		return err
	}
	of := func() (uint, uint) { return commitmentID, planID }
	if err := saveByID(im, path, model.EntityMilestone, m, &existing, err == nil, m.Validate, of); err != nil {
		return err
	}
	joined := model.FieldChanges{}
	if err := im.milestoneAgencies(path, m.ID, r.OtherAgencies, joined); err != nil {
		return err
	}
	if len(joined) > 0 {
		if im.changeOf[changeKey(model.EntityMilestone, m.ID)] == nil { // only the join table changed
			if err := im.tx.Model(&model.Milestone{}).Where("id = ?", m.ID).
				UpdateColumns(map[string]any{"updated_at": im.at, "version": gorm.Expr("version + 1")}).Error; err != nil {
				return err
			}
		}
		im.amend(model.EntityMilestone, m.ID, r.Ref, of, joined)
	}
	if err := im.statusAsOf(path, m, r.StatusAsOf); err != nil {
		return err
	}
	if len(r.Children) > 0 && parentID != nil {
		return &model.DatasetError{Path: path + ".children", Err: fmt.Errorf("milestones nest one level only")}
	}
	for i := range r.Children {
		if err := im.milestone(fmt.Sprintf("%s.children[%d]", path, i), commitmentID, planID, scale, &m.ID, i+1, &r.Children[i]); err != nil {
			return err
		}
	}
	return nil
}

// milestoneAgencies makes the stored other responsible agencies of a
// milestone those of the file, and notes in changed what it changed.
func (im *importer) milestoneAgencies(path string, milestoneID uint, codes []string, changed model.FieldChanges) error {
	want := map[uint]bool{}
	for j, code := range codes {
		id, err := im.agencyID(fmt.Sprintf("%s.other_agencies[%d]", path, j), code)
		if err != nil {
			return err
		}
		want[id] = true
	}
	var have []uint
	if err := im.tx.Table("milestone_agencies").Where("milestone_id = ?", milestoneID).Order("agency_id").Pluck("agency_id", &have).Error; err != nil {
		return err
	}
	after := sortedKeys(want)
	for _, id := range have {
		if !want[id] {
			if err := im.tx.Exec("DELETE FROM milestone_agencies WHERE milestone_id = ? AND agency_id = ?", milestoneID, id).Error; err != nil {
				return err
			}
		}
		delete(want, id)
	}
	for _, id := range sortedKeys(want) {
		if err := im.tx.Exec("INSERT INTO milestone_agencies (milestone_id, agency_id) VALUES (?, ?)", milestoneID, id).Error; err != nil {
			return err
		}
	}
	return im.listChange(changed, "other_agencies", agencyType, have, after)
}

func (im *importer) agencyID(path, code string) (uint, error) {
	if id, ok := im.agencyIDs[code]; ok {
		return id, nil
	}
	var a model.Agency
	if err := im.tx.Select("id").Where("code = ?", code).Take(&a).Error; err != nil {
		return 0, &model.DatasetError{Path: path, Err: fmt.Errorf("unknown agency %q", code)}
	}
	im.agencyIDs[code] = a.ID
	return a.ID, nil
}

func (im *importer) orgID(path, code string) (uint, error) {
	if id, ok := im.orgIDs[code]; ok {
		return id, nil
	}
	var o model.Organisation
	if err := im.tx.Select("id").Where("code = ?", code).Take(&o).Error; err != nil {
		return 0, &model.DatasetError{Path: path, Err: fmt.Errorf("unknown organisation %q", code)}
	}
	im.orgIDs[code] = o.ID
	return o.ID, nil
}

// copyIdentity gives rec the id, creation time and version of the stored row.
func copyIdentity[T any](rec, stored *T) {
	rv, sv := reflect.ValueOf(rec).Elem(), reflect.ValueOf(stored).Elem()
	// QuestionDays is a plan's setting made in the tracker, not in a
	// dataset; ProgressAt is kept unless the dataset dates the status.
	for _, f := range []string{"ID", "CreatedAt", "UpdatedAt", "Version", "QuestionDays", "ProgressAt"} {
		if dst := rv.FieldByName(f); dst.IsValid() {
			dst.Set(sv.FieldByName(f))
		}
	}
}

// bumpVersion counts a change of a record that has a version, so that a
// form opened before an import is caught as stale.
func bumpVersion(rec any) {
	if v := reflect.ValueOf(rec).Elem().FieldByName("Version"); v.IsValid() && v.CanInt() {
		v.SetInt(v.Int() + 1)
	}
}

func sortedKeys[V any](m map[uint]V) []uint {
	keys := make([]uint, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// statusAsOf keeps the day a dataset gives for a milestone's status as
// its last progress update, unless the tracker already holds a time on
// that day (the dataset then came from the tracker's own export). Without
// a day, the time the tracker holds stays, and an import is no update.
func (im *importer) statusAsOf(path string, m *model.Milestone, day *model.Date) error {
	if day == nil || day.IsZero() {
		return nil
	}
	if day.MonthOnly() {
		return &model.DatasetError{Path: path + ".status_as_of", Err: fmt.Errorf("give the day, not only the month")}
	}
	if m.ProgressAt != nil && model.DayOf(m.ProgressAt.UTC()) == *day {
		return nil
	}
	at := day.First(time.UTC)
	m.ProgressAt = &at
	if err := im.tx.Model(&model.Milestone{}).Where("id = ?", m.ID).UpdateColumn("progress_at", at).Error; err != nil {
		return &model.DatasetError{Path: path, Err: err}
	}
	return nil
}

package transfer

import (
	"fmt"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// checkDataset applies each record's model validation and checks that every
// identifier is unique and every reference names a record of the dataset,
// except carried_forward_from, which may name a commitment already in the
// database. It returns the first problem, as a *model.DatasetError.
func checkDataset(ds *model.Dataset) error {
	agencies, organisations, contacts, plans, commitments := ids{}, ids{}, ids{}, ids{}, ids{}
	if err := model.CheckLines(ds.Source); err != nil {
		return &model.DatasetError{Path: "source", Err: err}
	}
	for i := range ds.Agencies {
		a, path := &ds.Agencies[i], fmt.Sprintf("agencies[%d]", i)
		if err := first(valid(path, agencyModel(a).Validate()), agencies.add(path, "code", a.Code)); err != nil {
			return err
		}
	}
	parents := make(map[string]string, len(ds.Agencies))
	for i := range ds.Agencies {
		a, path := &ds.Agencies[i], fmt.Sprintf("agencies[%d].parent", i)
		if err := agencies.ref(path, "agency", a.Parent); err != nil {
			return err
		}
		parents[a.Code] = a.Parent
	}
	for i := range ds.Agencies {
		a := &ds.Agencies[i]
		circle, _ := model.ParentCycle(a.Code, a.Parent, func(code string) (string, error) { return parents[code], nil })
		if circle != nil {
			return &model.DatasetError{Path: fmt.Sprintf("agencies[%d].parent", i),
				Err: fmt.Errorf("%s (%s)", model.MsgOwnParent, strings.Join(circle, " → "))}
		}
	}
	for i := range ds.Organisations {
		o, path := &ds.Organisations[i], fmt.Sprintf("organisations[%d]", i)
		if err := first(valid(path, organisationModel(o).Validate()), organisations.add(path, "code", o.Code)); err != nil {
			return err
		}
	}
	for i := range ds.Contacts {
		c, path := &ds.Contacts[i], fmt.Sprintf("contacts[%d]", i)
		if err := first(
			valid(path, contactModel(c).Validate()),
			contacts.add(path, "ref", c.Ref),
			agencies.ref(path+".agency", "agency", c.Agency),
			organisations.ref(path+".organisation", "organisation", c.Organisation),
		); err != nil {
			return err
		}
	}
	for i := range ds.Plans {
		p, path := &ds.Plans[i], fmt.Sprintf("plans[%d]", i)
		if err := first(valid(path, planModel(p).Validate()), plans.add(path, "ref", p.Ref)); err != nil {
			return err
		}
		themes := ids{}
		for j := range p.Themes {
			t, tpath := &p.Themes[j], fmt.Sprintf("%s.themes[%d]", path, j)
			if err := first(valid(tpath, themeModel(t).Validate()), themes.add(tpath, "number", fmt.Sprint(t.Number))); err != nil {
				return err
			}
		}
		for j := range p.Commitments {
			c, cpath := &p.Commitments[j], fmt.Sprintf("%s.commitments[%d]", path, j)
			errs := []error{
				valid(cpath, commitmentModel(c).Validate()),
				commitments.add(cpath, "ref", c.Ref),
				agencies.ref(cpath+".lead_agency", "agency", c.LeadAgency),
			}
			if c.Theme != 0 {
				errs = append(errs, themes.ref(cpath+".theme", "theme", fmt.Sprint(c.Theme)))
			}
			for k, code := range c.SupportingAgencies {
				errs = append(errs, agencies.ref(fmt.Sprintf("%s.supporting_agencies[%d]", cpath, k), "agency", code))
			}
			for k, code := range c.CoLeads {
				errs = append(errs, organisations.ref(fmt.Sprintf("%s.co_leads[%d]", cpath, k), "organisation", code))
			}
			for k, code := range c.Partners {
				errs = append(errs, organisations.ref(fmt.Sprintf("%s.partners[%d]", cpath, k), "organisation", code))
			}
			errs = append(errs, checkMilestones(c.Milestones, cpath+".milestones", ids{}, agencies, p.StatusScale, true))
			if err := first(errs...); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkMilestones checks a commitment's milestones; refs are unique across
// the commitment, children included, and children have no children.
func checkMilestones(ms []model.MilestoneRecord, path string, refs, agencies ids, scale model.StatusScale, top bool) error {
	for i := range ms {
		m, mpath := &ms[i], fmt.Sprintf("%s[%d]", path, i)
		if !top && len(m.Children) > 0 {
			return &model.DatasetError{Path: mpath + ".children", Err: fmt.Errorf("milestones go only one level down")}
		}
		errs := []error{statusIn(mpath+".status", m.Status, scale), valid(mpath, milestoneModel(m, scale).Validate()),
			refs.add(mpath, "ref", m.Ref), agencies.ref(mpath+".agency", "agency", m.Agency)}
		for k, code := range m.OtherAgencies {
			errs = append(errs, agencies.ref(fmt.Sprintf("%s.other_agencies[%d]", mpath, k), "agency", code))
		}
		errs = append(errs, checkMilestones(m.Children, mpath+".children", refs, agencies, scale, false))
		if err := first(errs...); err != nil {
			return err
		}
	}
	return nil
}

// statusIn checks that a milestone's status is the plan's or the tracker's
// (a missing one, or one of a plan without a scale, is Validate's to refuse).
func statusIn(path string, status model.MilestoneStatus, scale model.StatusScale) error {
	if status == "" || len(scale) == 0 {
		return nil // Validate's to refuse, in the tracker's words
	}
	if _, _, err := scale.Resolve(string(status)); err != nil {
		return &model.DatasetError{Path: path, Err: err}
	}
	return nil
}

// ids maps each identifier to the path of the record that has it.
type ids map[string]string

// add records id, the field of the record at path that identifies it.
func (s ids) add(path, field, id string) error {
	if other, dup := s[id]; dup {
		return &model.DatasetError{Path: path + "." + field, Err: fmt.Errorf("%q is also used by %s", id, other)}
	}
	s[id] = path
	return nil
}

// ref checks that id, when given, names a known record of kind.
func (s ids) ref(path, kind, id string) error {
	if _, ok := s[id]; id != "" && !ok {
		return &model.DatasetError{Path: path, Err: fmt.Errorf("unknown %s %q", kind, id)}
	}
	return nil
}

func valid(path string, err error) error {
	if err != nil {
		return &model.DatasetError{Path: path, Err: err}
	}
	return nil
}

// first returns the first non-nil error, in the order the checks read.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

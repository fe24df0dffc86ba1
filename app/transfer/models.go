package transfer

import "github.com/ogptracker/ogptracker/app/model"

// The model struct each record is saved as, so that a record is checked by
// the same Validate the database relies on. References between records are
// left out: they are checked by identifier (check.go).

func agencyModel(a *model.AgencyRecord) *model.Agency {
	return &model.Agency{Code: a.Code, Name: a.Name, ShortName: a.ShortName, JurisdictionCode: a.Jurisdiction, Level: a.Level}
}

func organisationModel(o *model.OrganisationRecord) *model.Organisation {
	return &model.Organisation{Code: o.Code, Name: o.Name, URL: o.URL}
}

func contactModel(c *model.ContactRecord) *model.Contact {
	return &model.Contact{Ref: c.Ref, Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone,
		ActiveFrom: c.ActiveFrom, ActiveTo: c.ActiveTo, Public: c.Public, Demo: c.Demo}
}

func planModel(p *model.PlanRecord) *model.Plan {
	return &model.Plan{Ref: p.Ref, Jurisdiction: p.Jurisdiction, JurisdictionCode: p.JurisdictionCode,
		JurisdictionLevel: p.JurisdictionLevel, Number: p.Number, Title: p.Title, Start: p.Start, End: p.End,
		Status: p.Status, Documents: p.Documents, Source: p.Source, StatusScale: p.StatusScale}
}

func themeModel(t *model.ThemeRecord) *model.Theme {
	return &model.Theme{Number: t.Number, Name: t.Name}
}

func commitmentModel(c *model.CommitmentRecord) *model.Commitment {
	values := make(model.Strings, len(c.Values))
	for i, v := range c.Values {
		values[i] = string(v)
	}
	return &model.Commitment{Ref: c.Ref, Code: c.Code, Title: c.Title, Description: c.Description,
		Problem: c.Problem, Objective: c.Objective, Start: c.Start, End: c.End, StartText: c.StartText, EndText: c.EndText, Values: values,
		PolicyAreas: c.PolicyAreas, IRM: c.IRM, SourceURL: c.SourceURL}
}

// milestoneModel reads the record's status in the plan's scale; a status
// neither the scale's nor the tracker's is left as written, for Validate
// to refuse.
func milestoneModel(m *model.MilestoneRecord, scale model.StatusScale) *model.Milestone {
	status, key, err := scale.Resolve(string(m.Status))
	if err != nil {
		status = m.Status
	}
	return &model.Milestone{Ref: m.Ref, Title: m.Title, Start: m.Start, Due: m.Due, DueText: m.DueText, Status: status,
		StatusKey: key, CompletedOn: m.CompletedOn, Weight: m.Weight, Evidence: m.Evidence, Note: m.Note}
}

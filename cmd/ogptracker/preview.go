package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// kindNames name the kinds of records in the preview's lines.
var kindNames = map[model.Entity]string{
	model.EntityPlan: "plans", model.EntityTheme: "themes", model.EntityCommitment: "commitments",
	model.EntityMilestone: "milestones", model.EntityAgency: "agencies", model.EntityOrganisation: "organisations",
	model.EntityContact: "contacts",
}

// printPreview writes what an import would do, as the web's preview shows
// it: the totals by kind, then each plan with what it would create and
// each field an update would change, before → after.
func printPreview(w io.Writer, path string, pv *store.ImportPreview) {
	fmt.Fprintf(w, "Dry run of %s, nothing was changed: %d records to create, %d to update, %d unchanged.\n",
		path, pv.Created, pv.Updated, pv.Unchanged)
	for _, ec := range pv.Totals {
		fmt.Fprintf(w, "  %-14s %6d to create, %6d to update, %6d unchanged\n", kindNames[ec.Entity]+":", ec.Created, ec.Updated, ec.Unchanged)
	}
	for _, p := range pv.Plans {
		fmt.Fprintf(w, "\nPlan %s %q (%s): %s\n", p.Ref, p.Title.String(), p.Action, countsLine(p.Counts))
		printChanges(w, p.Changes)
	}
	if len(pv.Other.Counts) > 0 {
		fmt.Fprintf(w, "\nRecords of no plan: %s\n", countsLine(pv.Other.Counts))
		printChanges(w, pv.Other.Changes)
	}
}

func countsLine(counts []store.EntityCount) string {
	parts := make([]string, len(counts))
	for i, ec := range counts {
		parts[i] = fmt.Sprintf("%s %d to create, %d to update, %d unchanged", kindNames[ec.Entity], ec.Created, ec.Updated, ec.Unchanged)
	}
	return strings.Join(parts, "; ")
}

func printChanges(w io.Writer, changes []model.Change) {
	for _, c := range changes {
		if c.Action == model.ChangeCreated {
			fmt.Fprintf(w, "  + %s %s\n", c.Entity, c.Ref)
			continue
		}
		fmt.Fprintf(w, "  ~ %s %s\n", c.Entity, c.Ref)
		for _, name := range sortedFields(c.Fields) {
			fc := c.Fields[name]
			fmt.Fprintf(w, "      %s: %s → %s\n", name, orNone(string(fc.Before)), orNone(string(fc.After)))
		}
	}
}

func sortedFields(f model.FieldChanges) []string {
	names := make([]string, 0, len(f))
	for name := range f {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

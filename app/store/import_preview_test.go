package store_test

import (
	"errors"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

func TestPreviewImportChangesNothingAndShowsEachUpdate(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	before := mustCount(t, s)
	_, changesBefore := mustFindChanges(t, s, store.ChangeFilter{})

	ds := demoDataset(t)
	plan := &ds.Plans[0]
	c := &plan.Commitments[2]
	oldTitle := c.Title["zh-TW"]
	c.Title = model.Text{"zh-TW": "新的標題"}
	ds.Agencies = append(ds.Agencies, model.AgencyRecord{Code: "NEWAG", Name: model.T("en", "A new agency")})

	pv, err := s.PreviewImport(ctx, ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Created != 1 || pv.Updated != 1 || pv.Unchanged != total(demoCounts)-1 {
		t.Errorf("preview: %d created, %d updated, %d unchanged; want 1, 1, %d", pv.Created, pv.Updated, pv.Unchanged, total(demoCounts)-1)
	}
	if len(pv.Plans) != 1 || pv.Plans[0].Ref != plan.Ref || pv.Plans[0].Action != store.PreviewUnchanged {
		t.Fatalf("plans of the preview: %+v", pv.Plans)
	}
	var updated *model.Change
	for i, ch := range pv.Plans[0].Changes {
		if ch.Entity == model.EntityCommitment && ch.Ref == c.Ref {
			updated = &pv.Plans[0].Changes[i]
		}
	}
	if updated == nil || updated.Action != model.ChangeUpdated {
		t.Fatalf("the commitment's update is not in its plan's preview: %+v", pv.Plans[0].Changes)
	}
	title := fieldsOf(t, *updated)["title"]
	if b, a := title["before"].(map[string]any), title["after"].(map[string]any); b["zh-TW"] != oldTitle || a["zh-TW"] != "新的標題" {
		t.Errorf("title before → after = %v → %v", b, a)
	}
	if len(pv.Other.Changes) != 1 || pv.Other.Changes[0].Ref != "NEWAG" || pv.Other.Changes[0].Action != model.ChangeCreated {
		t.Errorf("records of no plan: %+v", pv.Other.Changes)
	}
	// Nothing changed: the counts and the record of changes are as they were.
	if after := mustCount(t, s); after != before {
		t.Errorf("the preview changed the counts: %+v → %+v", before, after)
	}
	if _, n := mustFindChanges(t, s, store.ChangeFilter{}); n != changesBefore {
		t.Errorf("the preview added %d changes to the record", n-changesBefore)
	}

	// Applied as previewed, it does what the preview said.
	res, err := s.ImportPreviewed(ctx, ds, pv.Fingerprint, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 {
		t.Errorf("applied: %+v", res)
	}
}

func TestImportPreviewedRefusesDataChangedSinceThePreview(t *testing.T) {
	s, _ := openTestStore(t)
	mustImport(t, s, demoDataset(t))
	ds := demoDataset(t)
	ds.Plans[0].Commitments[0].Title = model.Text{"en": "Title of the file"}
	pv, err := s.PreviewImport(ctx, ds, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Someone changes the same commitment after the preview.
	other := demoDataset(t)
	other.Plans[0].Commitments[0].Title = model.Text{"en": "Title typed meanwhile"}
	mustImport(t, s, other)
	exported := mustExport(t, s, store.ExportOptions{Private: true})

	if _, err := s.ImportPreviewed(ctx, ds, pv.Fingerprint, nil); !errors.Is(err, store.ErrImportChanged) {
		t.Fatalf("applying a preview of other data: %v, want ErrImportChanged", err)
	}
	if got := mustExport(t, s, store.ExportOptions{Private: true}); got.Plans[0].Commitments[0].Title["en"] != exported.Plans[0].Commitments[0].Title["en"] {
		t.Errorf("a refused application changed the data: %q", got.Plans[0].Commitments[0].Title["en"])
	}
	// A new preview is applied.
	pv, err = s.PreviewImport(ctx, ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportPreviewed(ctx, ds, pv.Fingerprint, nil); err != nil {
		t.Fatal(err)
	}
}

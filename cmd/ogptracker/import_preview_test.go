package main

import (
	stdregexp "regexp"
	"slices"
	"strings"
	"testing"
)

func TestImportDryRunPrintsThePreviewAndChangesNothing(t *testing.T) {
	tr := newTracker(t)
	before := tr.mustRun("export")
	out := tr.mustRun("import", "--dry-run", ogpCSV)
	for _, want := range []string{"nothing was changed: 1774 records to create, 0 to update, 0 unchanged",
		"plans:            214 to create", "commitments:      558 to create",
		`Plan AP_ALB01 "Albania action plan 1 (2012–2014)" (created)`, "  + commitment AL0002"} {
		if !strings.Contains(out, want) {
			t.Errorf("the dry run does not print %q:\n%.2000s", want, out)
		}
	}
	if after := tr.mustRun("export"); after != before {
		t.Error("a dry run changed the database")
	}

	// Imported, then a changed title: the dry run shows it before → after.
	tr.mustRun("import", ogpCSV)
	imported := tr.mustRun("export")
	path := tr.writeOGPCopy("retitled.csv", func(recs [][]string) {
		col := slices.Index(recs[0], "Commitment Title")
		recs[1][col] = "A title of the secretariat"
	})
	out = tr.mustRun("import", path, "--dry-run")
	if !strings.Contains(out, "0 records to create, 1 to update, 1773 unchanged") ||
		!matches(out, `~ commitment \S+\n      title: \{"en":"[^"]+"\} → \{"en":"A title of the secretariat"\}`) {
		t.Errorf("the dry run does not show the update before → after:\n%.3000s", out)
	}
	if after := tr.mustRun("export"); after != imported {
		t.Error("a dry run changed the database")
	}

	// A file the import refuses is refused by the dry run, in the same words.
	broken := tr.writeOGPCopy("broken.csv", func(recs [][]string) {
		recs[5][slices.Index(recs[0], "Start Date")] = "31/31/2015"
		recs[9][slices.Index(recs[0], "End Date")] = "soon"
	})
	code, _, errs := tr.run("import", "--dry-run", broken)
	if code != 1 || !strings.Contains(errs, "row 6, column Start Date:") || !strings.Contains(errs, "row 10, column End Date:") {
		t.Errorf("exit %d, want 1 naming both rows:\n%s", code, errs)
	}
}

func matches(s, pattern string) bool { return stdregexp.MustCompile(pattern).MatchString(s) }

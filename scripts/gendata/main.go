// Command gendata writes the generated plans of the benchmarks (22 filler
// plans: with the demo plan and OGP's parliament commitments, about 5,200
// commitments and 23,000 milestones) in the tracker's JSON format, for
// scripts/load to import with `ogptracker import`.
package main

import (
	"fmt"
	"os"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/transfer"
)

func main() {
	if err := transfer.WriteJSON(os.Stdout, demo.Generated(22)); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

// Command gendata writes the generated plans of the benchmarks in the
// tracker's JSON format, for scripts/load to import with `ogptracker
// import`. Its argument is how many times the benchmarks' data to make
// (1 by default): with the demo plan and OGP's parliament commitments, 1
// is about 5,200 commitments and 23,000 milestones, 16 about 83,000 and
// 414,000.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// fillerPerScale is how many filler plans of 200 commitments make each
// step of the scale; the big and small plans, the demo's and OGP's make
// up the rest of the first.
const fillerPerScale = 26

func main() {
	scale := 1
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "gendata: the scale is a whole number from 1, not", os.Args[1])
			os.Exit(2)
		}
		scale = n
	}
	if err := transfer.WriteJSON(os.Stdout, demo.Generated(fillerPerScale*scale-4)); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

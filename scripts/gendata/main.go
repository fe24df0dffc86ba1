// Command gendata writes the generated plans of the benchmarks in the
// tracker's JSON format, for scripts/load to import with `ogptracker
// import`.
//
//	gendata              # 1×: the big, the small and 22 filler plans
//	gendata SCALE PART   # part PART (1 to SCALE) of SCALE× the data
//
// With the demo plan and OGP's parliament commitments, 1× is about 5,200
// commitments and 23,000 milestones, 16× about 83,000 and 413,000. Each
// part is about 1× (the first is 1×, the others 26 filler plans), so that
// no one import holds the whole: an import keeps what it writes in memory
// until it commits.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// firstFillers is the filler plans of the first part, which also has the
// big and the small plan; fillersPerPart is those of every other part.
const (
	firstFillers   = 22
	fillersPerPart = 26
)

func main() {
	var ds *model.Dataset
	switch len(os.Args) {
	case 1:
		ds = demo.Generated(firstFillers)
	case 3:
		scale, err1 := strconv.Atoi(os.Args[1])
		part, err2 := strconv.Atoi(os.Args[2])
		if err1 != nil || err2 != nil || scale < 1 || part < 1 || part > scale {
			usage()
		}
		if part == 1 {
			ds = demo.Generated(firstFillers)
		} else {
			ds = demo.GeneratedFillers(firstFillers+(part-2)*fillersPerPart+1, fillersPerPart)
		}
	default:
		usage()
	}
	if err := transfer.WriteJSON(os.Stdout, ds); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gendata [SCALE PART], PART from 1 to SCALE")
	os.Exit(2)
}

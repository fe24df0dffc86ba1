// Package data holds the demo plan shipped inside the binary. The folder
// also receives the tracker's SQLite database at run time (data/ogptracker.db),
// which git ignores.
package data

import "embed"

// Demo holds the source files of the demo plan; see demo/README.md.
//
//go:embed demo
var Demo embed.FS

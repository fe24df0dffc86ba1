// Package templates holds the server-rendered pages, embedded in the binary.
// base.html is the layout, partials/*.html the small shared pieces (one file
// per area of the interface), and every other file one page named by its
// path ("plans/show").
package templates

import "embed"

// FS holds every template.
//
//go:embed *.html */*.html
var FS embed.FS

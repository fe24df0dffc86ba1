// Package static holds the stylesheet and any other file served as is,
// embedded in the binary.
package static

import "embed"

// FS holds the static files.
//
//go:embed *.css
var FS embed.FS

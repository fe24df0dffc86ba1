package static

import (
	"strings"
	"testing"
)

// TestStylesheetBlocksAreClosed reads style.css as a browser's tokenizer
// would for blocks: an @media block left open swallows every rule after it,
// which then applies only on the screens that query matches.
func TestStylesheetBlocksAreClosed(t *testing.T) {
	css, err := FS.ReadFile("style.css")
	if err != nil {
		t.Fatal(err)
	}
	depth, line := 0, 1
	var quote byte
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '\n':
			line++
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			end := strings.Index(string(css[i+2:]), "*/")
			if end < 0 {
				t.Fatalf("line %d: a comment is never closed", line)
			}
			line += strings.Count(string(css[i:i+2+end]), "\n")
			i += end + 3
		case c == '{':
			depth++
			if depth > 2 {
				t.Fatalf("line %d: a block three deep; is an @media block left open above?", line)
			}
		case c == '}':
			depth--
			if depth < 0 {
				t.Fatalf("line %d: a block closed that was never opened", line)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("the stylesheet ends with %d block(s) open", depth)
	}
}

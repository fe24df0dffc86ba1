package web

import (
	"testing"
	"text/template/parse"
)

// Each page is parsed with the partials it needs only: every template a
// page's set calls, wherever in the set, must be in it, or the page
// would fail when a visitor reaches that call.
func TestEveryPageHasTheTemplatesItCalls(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.pages) < 50 {
		t.Fatalf("%d pages parsed; want every page of templates/", len(r.pages))
	}
	for name, set := range r.pages {
		for _, tmpl := range set.Templates() {
			if tmpl.Tree == nil {
				continue
			}
			var walk func(parse.Node)
			walk = func(n parse.Node) {
				switch n := n.(type) {
				case *parse.ListNode:
					if n != nil {
						for _, c := range n.Nodes {
							walk(c)
						}
					}
				case *parse.IfNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.RangeNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.WithNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.TemplateNode:
					if set.Lookup(n.Name) == nil {
						t.Errorf("page %s: %s calls template %q, which its set lacks", name, tmpl.Name(), n.Name)
					}
				}
			}
			walk(tmpl.Tree.Root)
		}
	}
}

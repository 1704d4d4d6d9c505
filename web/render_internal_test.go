package web

import (
	"testing"
	"text/template/parse"
)

// TestPagesHoldThePartialsTheyUse parses every page with the shared
// templates partials.of chose for it, and holds each set to defining every
// template any of its trees names: a partial left out (one a page uses only
// through another partial, say) fails here rather than on the page's first
// request. And it holds the choice to leaving some out, which is its point.
func TestPagesHoldThePartialsTheyUse(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 50 {
		t.Fatalf("parsed %d pages", len(pages))
	}
	all := map[string]bool{}
	for name, p := range pages {
		if l := p.Lookup("layout"); l == nil || l.Tree == nil {
			t.Errorf("page %s has no layout", name)
		}
		for _, tm := range p.Templates() {
			all[tm.Name()] = true
			if tm.Tree == nil {
				continue
			}
			for _, used := range templatesNamed(tm.Tree.Root) {
				if p.Lookup(used) == nil {
					t.Errorf("page %s: %s uses template %q, which its set does not define", name, tm.Name(), used)
				}
			}
		}
	}
	for _, name := range []string{"incidentfields", "vendorfields"} {
		if !all[name] {
			t.Fatalf("no page defines %s", name)
		}
		if pages["dashboard"].Lookup(name) != nil {
			t.Errorf("the dashboard holds %s, which it does not use", name)
		}
	}
}

// templatesNamed lists the names of the templates a tree invokes.
func templatesNamed(n parse.Node) []string {
	var out []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.TemplateNode:
			out = append(out, n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(n)
	return out
}

package programme

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
)

func TestDescriptionEscapesUserText(t *testing.T) {
	s := attest.Scope{SystemName: "Acme <script>", SystemSummary: "First line\n- not a list\n1. not numbered\n  + nor this\n# nor a heading",
		Categories: []string{"privacy"}}
	cats := []catalog.Category{{ID: "security", Name: "Security", Required: true}, {ID: "privacy", Name: "Privacy"}, {ID: "availability", Name: "Availability"}}
	out := Describe(DescriptionInput{Org: "Acme *Inc*", Scope: s, Categories: cats, Subservices: []attest.SubserviceOrg{{Name: "A|B", Service: "x\ny", Method: "carve-out"}},
		Now: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)})
	for _, want := range []string{"# Acme \\*Inc\\*: description of Acme &lt;script&gt;", "\\- not a list", "1\\. not numbered", "  \\+ nor this", "\\# nor a heading",
		"Categories in scope: Security, Privacy.", "- Privacy: collect", "| A\\|B | x y | carve-out |", "3 February 2026", "_None recorded._"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("raw HTML passed through")
	}
}

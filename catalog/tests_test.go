package catalog_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

// resourceTypes are the resource types the connectors' documents define
// (docs/connectors/*.md); minTests is how many shipped tests each connector
// (by the prefix of its test IDs) must have. A connector's test file adds
// its own in an init.
var (
	resourceTypes = []string{"github.organization", "github.member", "github.repository"}
	minTests      = map[string]int{"github": 20}
)

func TestBuiltInTestsLoadAndReferenceControls(t *testing.T) {
	tests, err := engine.LoadFS(catalog.TestFiles, engine.Options{ResourceTypes: resourceTypes})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, tt := range tests {
		prefix, _, _ := strings.Cut(tt.ID, ".")
		count[prefix]++
		if len(tt.Controls) == 0 {
			t.Errorf("%s: supports no control", tt.ID)
		}
		for _, ref := range tt.Controls {
			if _, ok := cat.Control(ref); !ok {
				t.Errorf("%s: control %s is not in the catalog", tt.ID, ref)
			}
		}
		if strings.TrimSpace(tt.Remediation) == "" {
			t.Errorf("%s: no remediation", tt.ID)
		}
	}
	for prefix, n := range minTests {
		if count[prefix] < n {
			t.Errorf("%d %s tests, want at least %d", count[prefix], prefix, n)
		}
	}
}

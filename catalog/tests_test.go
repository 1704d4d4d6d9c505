package catalog_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

// githubTypes are the resource types docs/connectors/github.md defines.
var githubTypes = []string{"github.organization", "github.member", "github.repository"}

func TestBuiltInTestsLoadAndReferenceControls(t *testing.T) {
	tests, err := engine.LoadFS(catalog.TestFiles, engine.Options{ResourceTypes: githubTypes})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	github := 0
	for _, tt := range tests {
		if strings.HasPrefix(tt.ID, "github.") {
			github++
		}
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
	if github < 20 {
		t.Errorf("%d GitHub tests, want at least 20", github)
	}
}

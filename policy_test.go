package attest_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

func TestPolicyKey(t *testing.T) {
	for title, want := range map[string]string{
		"Access Control":                 "access-control",
		"  Backup & Recovery (2026)  ":   "backup-recovery-2026",
		"Données clients":                "donn-es-clients",
		"***":                            "",
		strings.Repeat("ab ", 40) + "cd": strings.Repeat("ab-", 21) + "a",
	} {
		if got := attest.PolicyKey(title); got != want {
			t.Errorf("PolicyKey(%q) = %q, want %q", title, got, want)
		}
		if got := attest.PolicyKey(title); got != "" {
			if err := attest.ValidatePolicy(&attest.Policy{Key: got, Title: title, Audience: attest.Audience{Everyone: true}}); err != nil {
				t.Errorf("PolicyKey(%q) = %q is refused: %v", title, got, err)
			}
		}
	}
}

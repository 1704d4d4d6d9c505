package ledger

import (
	"strings"
	"testing"
)

func TestAccessReviewRecordsVerify(t *testing.T) {
	snap := map[string]any{"type": RecordTypeAccessReviewSnapshot, "org": "acme", "uid": "ar_1", "count": 2,
		"systems":  []any{map[string]any{"name": "Okta", "source": "connection"}},
		"accounts": []any{map[string]any{"system": "Okta", "key": "u1"}, map[string]any{"system": "Okta", "key": "u2"}}}
	if err := bundleRecord(t, RecordTypeAccessReviewSnapshot, "ar_1", snap).CheckRecord("acme"); err != nil {
		t.Fatal(err)
	}
	snap["count"] = 3
	if err := bundleRecord(t, RecordTypeAccessReviewSnapshot, "ar_1", snap).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "states 3 accounts and lists 2") {
		t.Fatalf("a snapshot whose count is not its list verified: %v", err)
	}
	snap["count"], snap["accounts"] = 2, []any{map[string]any{"system": "Okta", "key": "u1"}, map[string]any{"system": "GitHub", "key": "u2"}}
	if err := bundleRecord(t, RecordTypeAccessReviewSnapshot, "ar_1", snap).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "does not review") {
		t.Fatalf("an account of a system not reviewed verified: %v", err)
	}
	hash := strings.Repeat("a", 64)
	done := map[string]any{"type": RecordTypeAccessReviewCompletion, "org": "acme", "uid": "ar_1", "snapshot": hash, "report": "ev_1",
		"report_sha256": hash, "decisions": []any{map[string]any{"system": "Okta", "key": "u1", "decision": "revoke", "reason": "left"}}}
	if err := bundleRecord(t, RecordTypeAccessReviewCompletion, "ar_1", done).CheckRecord("acme"); err != nil {
		t.Fatal(err)
	}
	done["decisions"] = []any{map[string]any{"system": "Okta", "key": "u1", "decision": "revoke", "reason": ""}}
	if err := bundleRecord(t, RecordTypeAccessReviewCompletion, "ar_1", done).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "gives no reason") {
		t.Fatalf("a revocation without a reason verified: %v", err)
	}
	done["decisions"] = []any{map[string]any{"system": "Okta", "key": "u1", "decision": "ignore", "reason": "x"}}
	if err := bundleRecord(t, RecordTypeAccessReviewCompletion, "ar_1", done).CheckRecord("acme"); err == nil {
		t.Fatal("an unknown decision verified")
	}
	done["decisions"], done["report_sha256"] = []any{}, "nothex"
	if err := bundleRecord(t, RecordTypeAccessReviewCompletion, "ar_1", done).CheckRecord("acme"); err == nil {
		t.Fatal("a completion without its report's hash verified")
	}
}

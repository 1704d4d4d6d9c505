package ledger

import (
	"strings"
	"testing"
)

func TestTrainingCompletionRecordsVerify(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	rec := map[string]any{"type": RecordTypeTrainingCompletion, "org": "acme", "uid": "tr_1", "person": "Ada", "person_email": "ada@acme.test",
		"kind": "builtin", "course": "security-awareness", "course_hash": hash, "completed_on": "2026-05-01", "score": 80, "pass_mark": 80,
		"evidence": "", "link": "", "recorded_by": "Ada", "at": "x"}
	check := func(want string) {
		t.Helper()
		err := bundleRecord(t, RecordTypeTrainingCompletion, "tr_1", rec).CheckRecord("acme")
		if want == "" && err != nil {
			t.Fatal(err)
		}
		if want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Fatalf("want an error with %q, got %v", want, err)
		}
	}
	check("")
	rec["score"] = 60
	check("does not pass a mark of 80%")
	rec["score"], rec["course_hash"] = 90, ""
	check("course_hash")
	rec["course_hash"], rec["completed_on"] = hash, "May 1st"
	check("is not a date")
	rec["completed_on"], rec["kind"], rec["course_hash"], rec["score"], rec["pass_mark"] = "2026-05-01", "external", "", 0, 0
	check("neither a certificate nor a link")
	rec["link"] = "https://learn.example.com/cert/1"
	check("")
	rec["kind"] = "webinar"
	check("unknown kind")
	rec["kind"] = "external"
	delete(rec, "person")
	check("does not name its uid, person")
}

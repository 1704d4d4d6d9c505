package web_test

import (
	"errors"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// TestSentence: errors shown away from their field read as sentences.
func TestSentence(t *testing.T) {
	for err, want := range map[error]string{
		attest.Invalid("title", "is required"):                         "Title is required",
		attest.Invalid("due_on", "must be a date"):                     "Due on must be a date",
		attest.Errorf(attest.EFORBIDDEN, "only admins manage members"): "only admins manage members",
		errors.New("disk on fire"):                                     "Internal error.", // nothing internal leaks
	} {
		if got := web.Sentence(err); got != want {
			t.Errorf("Sentence(%v) = %q, want %q", err, got, want)
		}
	}
}

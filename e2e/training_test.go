package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/training"
)

// TestTrainingInTheDemo: Emma Employee, overdue in the demo, reads the
// built-in course, answers the quiz in the browser and passes; her
// completion is recorded and the manager sees her training done.
func TestTrainingInTheDemo(t *testing.T) {
	t.Parallel()
	course, err := training.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	s, people := startDemo(t)
	b := startBrowser(t)
	base := s.Base + "/o/" + demo.OrgSlug

	ep := b.person()
	signInTo(t, s, ep, people[attest.RoleEmployee], demo.OrgSlug)
	ep.open(base + "/my/training")
	if got := ep.text("#my-status"); !strings.Contains(got, "overdue") {
		t.Fatalf("Emma's training before: %q", got)
	}
	for i, q := range course.Questions {
		ep.check(fmt.Sprintf(`input[name="q%d"][value="%d"]`, i+1, q.Answer))
	}
	ep.submit(`#quiz button`)
	if got := ep.body(); !strings.Contains(got, "Passed Security awareness with 100%") || !strings.Contains(got, "You completed security-awareness") {
		t.Fatalf("after the quiz: %s", got)
	}

	mp := b.person()
	signInTo(t, s, mp, people[attest.RoleManager], demo.OrgSlug)
	mp.open(base + "/people/training")
	if got := mp.text("#training"); !strings.Contains(got, "Emma Employee") || !strings.Contains(got, "Priya Natarajan") {
		t.Fatalf("the manager's overview: %q", got)
	}
	if got := mp.text("#completions"); !strings.Contains(got, "Emma Employee") || !strings.Contains(got, "quiz 100%") {
		t.Errorf("Emma's completion is not listed: %q", got)
	}
}

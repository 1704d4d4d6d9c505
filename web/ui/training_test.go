package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/web/webtest"
)

// TestTrainingAndBackgroundPages: an employee reads the course and fails,
// then passes the quiz, and their completion shows to the manager; a
// manager imports background checks (a bad file is refused naming its line
// and field) and the dashboard lists who is overdue.
func TestTrainingAndBackgroundPages(t *testing.T) {
	course, err := training.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	answers := func(wrong int) url.Values {
		v := url.Values{"course_hash": {course.Hash}}
		for i, q := range course.Questions {
			a := q.Answer
			if i < wrong {
				a = (a + 1) % len(q.Choices)
			}
			v.Set(fmt.Sprintf("q%d", i+1), fmt.Sprint(a))
		}
		return v
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			for _, who := range []string{"manager", "employee"} {
				p := attest.Person{OrgID: e.Alpha.ID, Name: e.Users[who].Name, Email: e.Users[who].Email, StartDate: "2025-01-06"}
				if err := e.DB.CreatePerson(ctx, &p); err != nil {
					t.Fatal(err)
				}
			}
			mgr, emp := e.Login("manager"), e.Login("employee")
			if res := emp.Get("/o/alpha/my/training"); !strings.Contains(res.Text, "badge bad\">overdue") || !strings.Contains(res.Text, course.Pages[0].Title) {
				t.Fatalf("the employee's course: %d %s", res.StatusCode, res.Text)
			}
			if res := emp.Get("/o/alpha/people/training"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("an employee opened everyone's training: %d", res.StatusCode)
			}
			if res := emp.Post("/o/alpha/my/training", answers(3)); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "You scored 40%") {
				t.Fatalf("a failed quiz: %d %s", res.StatusCode, res.Text)
			}
			missing := answers(0)
			missing.Del("q2")
			if res := emp.Post("/o/alpha/my/training", missing); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "question 2") {
				t.Fatalf("an unanswered question: %d %s", res.StatusCode, res.Text)
			}
			if res := emp.Post("/o/alpha/my/training", answers(0)); !res.RedirectsTo("/o/alpha/my/training") {
				t.Fatalf("a passed quiz: %d %s", res.StatusCode, res.Text)
			}
			if res := emp.Get("/o/alpha/my/training"); !strings.Contains(res.Text, "badge ok\">done") {
				t.Fatalf("after passing: %s", res.Text)
			}
			res := mgr.Get("/o/alpha/people/training")
			if !strings.Contains(res.Text, "1 overdue") || !strings.Contains(res.Text, "quiz 100%") {
				t.Fatalf("the manager's overview: %s", res.Text)
			}

			bad := "email,provider,status,checked_on\n" + e.Users["employee"].Email + ",Checkr,clear,\n"
			res = upload(mgr, "/o/alpha/people/background/import", "checks.csv", []byte(bad))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "<td>2</td>") || !strings.Contains(res.Text, "<td>checked_on</td>") {
				t.Fatalf("a bad file: %d %s", res.StatusCode, res.Text)
			}
			good := "email,provider,status,checked_on\n" + e.Users["employee"].Email + ",Checkr,clear,2025-01-02\n"
			if res = upload(mgr, "/o/alpha/people/background/import", "checks.csv", []byte(good)); !res.RedirectsTo("/o/alpha/people/background") {
				t.Fatalf("a good file: %d %s", res.StatusCode, res.Text)
			}
			if res = mgr.Get("/o/alpha/people/background"); !strings.Contains(res.Text, "1 overdue") || !strings.Contains(res.Text, "Checkr") {
				t.Fatalf("the checks: %s", res.Text)
			}
			if res = mgr.Get("/o/alpha"); !strings.Contains(res.Text, "Background check") || !strings.Contains(res.Text, "Training") {
				t.Errorf("the dashboard's due list: %s", res.Text)
			}
		})
	}
}

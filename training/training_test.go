package training_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/training"
)

func TestTheBuiltInCourseLoadsAndScores(t *testing.T) {
	c, err := training.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pages) < 4 || len(c.Questions) < 4 || c.PassMark != 80 || len(c.Hash) != 64 || !strings.Contains(string(c.Pages[0].HTML), "<li>") {
		t.Fatalf("course: %d pages, %d questions, pass mark %d, hash %q", len(c.Pages), len(c.Questions), c.PassMark, c.Hash)
	}
	right := make([]int, len(c.Questions))
	for i, q := range c.Questions {
		right[i] = q.Answer
	}
	if c.Score(right) != 100 {
		t.Fatalf("all right scores %d", c.Score(right))
	}
	right[0] = (right[0] + 1) % len(c.Questions[0].Choices)
	if got := c.Score(right); got != 100-100/len(c.Questions) {
		t.Fatalf("one wrong scores %d", got)
	}
	for _, bad := range []string{
		"key: x\ntitle: X\npass_mark: 0\npages: [{title: a, body: b}]\nquestions: [{question: q, choices: [a, b], answer: 0}]",
		"key: x\ntitle: X\npass_mark: 80\npages: [{title: a, body: b}]\nquestions: [{question: q, choices: [a, b], answer: 2}]",
		"key: x\ntitle: X\npass_mark: 80\npages: [{title: a, body: ''}]\nquestions: [{question: q, choices: [a, b], answer: 1}]",
	} {
		if _, err := training.ParseCourse([]byte(bad)); err == nil {
			t.Errorf("a defective course loaded: %s", bad)
		}
	}
}

func TestTrainingIsDueAtHireThenYearly(t *testing.T) {
	people := []attest.Person{
		{ID: 1, Name: "New Nia", StartDate: "2026-02-20"},                         // due 2026-03-22
		{ID: 2, Name: "Late Lou", StartDate: "2026-01-05"},                        // due 2026-02-04: overdue
		{ID: 3, Name: "Done Dee", StartDate: "2024-01-01"},                        // completed 2025-06-01: due 2026-06-01
		{ID: 4, Name: "Lapsed Lee", StartDate: "2023-01-01"},                      // completed 2025-02-01: due 2026-02-01
		{ID: 5, Name: "Future Fay", StartDate: "2026-04-01"},                      // not started: not assigned
		{ID: 6, Name: "Gone Gus", StartDate: "2020-01-01", EndDate: "2026-01-01"}, // left
	}
	done := []attest.TrainingCompletion{{PersonID: 3, CompletedOn: "2025-06-01", Course: "x"}, {PersonID: 4, CompletedOn: "2024-02-01"},
		{PersonID: 4, CompletedOn: "2025-02-01", Course: "security-awareness"}}
	rows := attest.TrainingStatus(people, done, "2026-03-02", 30)
	got := map[string]string{}
	var order []string
	for _, r := range rows {
		got[r.Name] = r.State + " " + r.Due
		order = append(order, r.Name)
	}
	want := map[string]string{"New Nia": "due 2026-03-22", "Late Lou": "overdue 2026-02-04", "Done Dee": "done 2026-06-01",
		"Lapsed Lee": "overdue 2026-02-01"}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if order[0] != "Lapsed Lee" || order[1] != "Late Lou" {
		t.Errorf("overdue first, earliest first: %v", order)
	}
	if r := attest.TrainingStatus(people[:1], nil, "2026-03-02", 7); r[0].State != attest.TrainingOverdue || r[0].Due != "2026-02-27" {
		t.Errorf("a 7-day setting: %+v", r[0])
	}
}

type world struct {
	svc            *training.Service
	ev             *evidence.Service
	db             *store.DB
	org            attest.Organization
	admin, emp     attest.Principal
	auditor        attest.Principal
	empPerson, ada attest.Person
}

func each(t *testing.T, fn func(t *testing.T, w world)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
			db := storetest.Open(t, d, now)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			course, err := training.LoadCourse()
			if err != nil {
				t.Fatal(err)
			}
			w := world{db: db, ev: ev, svc: &training.Service{DB: db, Ledger: ev.Ledger, Evidence: ev, Course: course, Now: now}}
			w.org = storetest.MustOrg(t, db, "acme")
			for _, m := range []struct {
				p     *attest.Principal
				role  attest.Role
				email string
			}{{&w.admin, attest.RoleAdmin, "ada@acme.test"}, {&w.emp, attest.RoleEmployee, "eve@acme.test"},
				{&w.auditor, attest.RoleAuditor, "audrey@audit.test"}} {
				u := storetest.MustMember(t, db, w.org, m.role, m.email)
				*m.p = attest.Principal{UserID: u.ID, Label: m.email, OrgID: w.org.ID, Role: m.role}
			}
			w.empPerson = storetest.MustPerson(t, db, w.org, "Eve Employee", "eve@acme.test")
			w.ada = storetest.MustPerson(t, db, w.org, "Ada Admin", "ada@acme.test")
			fn(t, w)
		})
	}
}

func answers(c training.Course, wrong int) []int {
	out := make([]int, len(c.Questions))
	for i, q := range c.Questions {
		out[i] = q.Answer
		if i < wrong {
			out[i] = (q.Answer + 1) % len(q.Choices)
		}
	}
	return out
}

func TestEmployeesPassTheQuizIntoTheLedger(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		c := w.svc.Course
		mine, err := w.svc.Mine(ctx, w.emp)
		if err != nil || mine.Row == nil || mine.Row.State != attest.TrainingOverdue {
			t.Fatalf("before: %+v, %v", mine.Row, err)
		}
		res, err := w.svc.TakeQuiz(ctx, w.emp, c.Hash, answers(c, 2))
		if err != nil || res.Passed || res.Completion != nil {
			t.Fatalf("two wrong of %d: %+v, %v", len(c.Questions), res, err)
		}
		if done, _ := w.db.TrainingCompletions(ctx, w.org.ID, 0); len(done) != 0 {
			t.Fatal("a failed quiz recorded a completion")
		}
		if _, err := w.svc.TakeQuiz(ctx, w.emp, strings.Repeat("0", 64), answers(c, 0)); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a changed course: %v", err)
		}
		if _, err := w.svc.TakeQuiz(ctx, w.emp, c.Hash, answers(c, 0)[1:]); attest.ErrorField(err) != "answers" {
			t.Fatalf("a missing answer: %v", err)
		}
		if _, err := w.svc.TakeQuiz(ctx, w.auditor, c.Hash, answers(c, 0)); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an auditor takes no training here: %v", err)
		}
		res, err = w.svc.TakeQuiz(ctx, w.emp, c.Hash, answers(c, 0))
		if err != nil || !res.Passed || res.Score != 100 || res.Completion == nil || !strings.HasPrefix(res.Completion.RecordUID, "tr_") {
			t.Fatalf("all right: %+v, %v", res, err)
		}
		mine, err = w.svc.Mine(ctx, w.emp)
		if err != nil || mine.Row.State != attest.TrainingDone || mine.Row.Due != "2027-03-02" || len(mine.Completions) != 1 {
			t.Fatalf("after: %+v, %v", mine.Row, err)
		}
		rep, err := w.ev.Verify(ctx, w.org)
		if err != nil || rep.Entries != 1 {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

func TestManagersRecordExternalCourses(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		in := attest.TrainingCompletion{PersonID: w.ada.ID, Course: "Vendor awareness 2026", CompletedOn: "2026-02-10"}
		if _, err := w.svc.RecordExternal(ctx, w.emp, in, nil); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee records for others: %v", err)
		}
		if _, err := w.svc.RecordExternal(ctx, w.admin, in, nil); attest.ErrorField(err) != "certificate" {
			t.Fatalf("neither certificate nor link: %v", err)
		}
		bad := in
		bad.CompletedOn = "2026-04-01"
		if _, err := w.svc.RecordExternal(ctx, w.admin, bad, nil); attest.ErrorField(err) != "completed_on" {
			t.Fatalf("a completion in the future: %v", err)
		}
		c, err := w.svc.RecordExternal(ctx, w.admin, in, &training.Certificate{Filename: "cert.pdf", Content: strings.NewReader("%PDF certificate")})
		if err != nil || c.EvidenceUID == "" {
			t.Fatalf("with a certificate: %+v, %v", c, err)
		}
		in.PersonID, in.Link = w.empPerson.ID, "https://learn.example.com/certificates/42"
		if _, err := w.svc.RecordExternal(ctx, w.admin, in, nil); err != nil {
			t.Fatal(err)
		}
		rows, err := w.svc.List(ctx, w.auditor)
		if err != nil || len(rows) != 2 || rows[0].State != attest.TrainingDone || rows[1].State != attest.TrainingDone {
			t.Fatalf("rows: %+v, %v", rows, err)
		}
		if _, err := w.svc.List(ctx, w.emp); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee lists everyone: %v", err)
		}
		rep, err := w.ev.Verify(ctx, w.org)
		if err != nil || rep.Entries != 3 { // the certificate, and two completions
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	})
}

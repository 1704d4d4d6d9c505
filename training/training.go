// Package training runs security awareness training: the built-in course
// (pages and a quiz, written for Attest) that people take themselves, and
// external courses whose completion a manager records with a certificate or
// a link. Every completion is a ledger record. A person's training is due a
// number of days after their start date (a setting of the organization),
// then a year after their last completion; who is overdue is a readiness gap
// of the security awareness control.
package training

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Control is the library control training speaks for.
const Control = "HR-2"

// Service runs training.
type Service struct {
	DB       *store.DB
	Ledger   *chain.Chain
	Evidence *evidence.Service
	Course   Course
	Now      func() time.Time

	status store.Kept[string, []attest.TrainingRow] // List's, by day
}

func (s *Service) today() string {
	if s.Now == nil {
		return attest.Today(time.Now())
	}
	return attest.Today(s.Now())
}

// me returns the workforce record of the signed-in user.
func me(ctx context.Context, q *store.Queries, p attest.Principal) (attest.Person, error) {
	if p.UserID == 0 {
		return attest.Person{}, attest.Errorf(attest.EFORBIDDEN, "training is taken by a signed-in person")
	}
	person, err := q.PersonOfUser(ctx, p.OrgID, p.UserID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return person, attest.Errorf(attest.ENOTFOUND, "you have no workforce record in this organization: ask an admin to add you to People")
	}
	return person, err
}

// Status derives every working person's training row on day today.
func Status(ctx context.Context, q *store.Queries, orgID int64, today string) ([]attest.TrainingRow, error) {
	set, err := q.PeopleSettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	people, err := q.People(ctx, orgID, store.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	done, err := q.TrainingCompletions(ctx, orgID, 0)
	if err != nil {
		return nil, err
	}
	return attest.TrainingStatus(people, done, today, set.TrainingDays), nil
}

// List returns where everyone working stands, overdue first, for those who
// read the programme.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]attest.TrainingRow, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	// Kept by day while the organization's records stay as they were: the
	// dashboard reads everyone's standing on every request.
	today := s.today()
	q := &s.DB.Queries
	rows, err := s.status.Get(ctx, q, p.OrgID, today, q.Now(), func() ([]attest.TrainingRow, time.Time, error) {
		rows, err := Status(ctx, q, p.OrgID, today)
		return rows, store.Forever, err
	})
	return slices.Clone(rows), err // callers sort and cut their copy
}

// Completions lists the organization's completions (of one person when
// personID is not 0), newest first.
func (s *Service) Completions(ctx context.Context, p attest.Principal, personID int64) ([]attest.TrainingCompletion, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.TrainingCompletions(ctx, p.OrgID, personID)
}

// Mine is the signed-in person's training: their row (nil when training is
// not assigned to them) and their completions.
type Mine struct {
	Person      attest.Person
	Row         *attest.TrainingRow
	Completions []attest.TrainingCompletion
}

// Mine returns the signed-in person's training. Someone without a workforce
// record has none.
func (s *Service) Mine(ctx context.Context, p attest.Principal) (Mine, error) {
	var m Mine
	if err := p.Require(attest.ActOwn); err != nil {
		return m, err
	}
	person, err := me(ctx, &s.DB.Queries, p)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	m.Person = person
	if m.Completions, err = s.DB.TrainingCompletions(ctx, p.OrgID, person.ID); err != nil {
		return m, err
	}
	set, err := s.DB.PeopleSettings(ctx, p.OrgID)
	if err != nil {
		return m, err
	}
	if rows := attest.TrainingStatus([]attest.Person{person}, m.Completions, s.today(), set.TrainingDays); len(rows) == 1 {
		m.Row = &rows[0]
	}
	return m, nil
}

// Result is the outcome of taking the quiz: the score and, when it passed,
// the completion recorded.
type Result struct {
	Score      int                        `json:"score"`
	PassMark   int                        `json:"pass_mark"`
	Passed     bool                       `json:"passed"`
	Completion *attest.TrainingCompletion `json:"completion,omitempty"`
}

// TakeQuiz scores the signed-in person's answers to the built-in course's
// quiz (the index of the choice picked, per question). A pass is recorded
// as a completion, a ledger record; a fail records nothing, and the quiz can
// be taken again. courseHash names the course as read, so a course changed
// since is not passed unseen.
func (s *Service) TakeQuiz(ctx context.Context, p attest.Principal, courseHash string, answers []int) (Result, error) {
	res := Result{PassMark: s.Course.PassMark}
	if err := p.Require(attest.ActWork); err != nil {
		return res, err
	}
	if courseHash != s.Course.Hash {
		return res, attest.Errorf(attest.ECONFLICT, "the course changed while you were reading it: read it again")
	}
	if len(answers) != len(s.Course.Questions) {
		return res, attest.Invalid("answers", "answer each of the %d questions (got %d answers)", len(s.Course.Questions), len(answers))
	}
	for i, a := range answers {
		if a < 0 || a >= len(s.Course.Questions[i].Choices) {
			return res, attest.Invalid("q"+strconv.Itoa(i+1), "choose one of the answers to question %d", i+1)
		}
	}
	res.Score = s.Course.Score(answers)
	res.Passed = res.Score >= s.Course.PassMark
	if !res.Passed {
		return res, nil
	}
	c := attest.TrainingCompletion{Kind: attest.TrainingBuiltin, Course: s.Course.Key, Score: res.Score}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		person, err := me(ctx, tx, p)
		if err != nil {
			return err
		}
		if person.State(attest.Today(tx.Now())) == attest.PersonLeft {
			return attest.Errorf(attest.EFORBIDDEN, "%s has left the organization", person.Name)
		}
		c.PersonID = person.ID
		return s.record(ctx, tx, p, person, &c, s.Course.Hash, s.Course.PassMark,
			fmt.Sprintf("%s passed %s with %d%%", person.Name, s.Course.Title, res.Score))
	})
	if err != nil {
		return res, err
	}
	res.Completion = &c
	return res, nil
}

// record appends a completion to the ledger, stores it and logs it, inside tx.
func (s *Service) record(ctx context.Context, tx *store.Queries, p attest.Principal, person attest.Person, c *attest.TrainingCompletion,
	courseHash string, passMark int, summary string) error {
	org, err := tx.OrgByID(ctx, p.OrgID)
	if err != nil {
		return err
	}
	now := tx.Now()
	if c.CompletedOn == "" {
		c.CompletedOn = attest.Today(now)
	}
	c.OrgID, c.RecordedBy, c.RecordUID, c.PersonName = p.OrgID, p.UserID, attest.NewUID("tr_"), person.Name
	rec := map[string]any{"type": ledger.RecordTypeTrainingCompletion, "org": org.Slug, "uid": c.RecordUID, "person": person.Name,
		"person_email": person.Email, "kind": c.Kind, "course": c.Course, "course_hash": courseHash, "completed_on": c.CompletedOn,
		"score": c.Score, "pass_mark": passMark, "evidence": c.EvidenceUID, "link": c.Link, "recorded_by": p.Label, "at": ledger.FormatTime(now)}
	if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeTrainingCompletion, c.RecordUID, rec); err != nil {
		return err
	}
	if err := tx.CreateTrainingCompletion(ctx, c); err != nil {
		return err
	}
	return tx.Log(ctx, p.Record("training.completed", "person", strconv.FormatInt(person.ID, 10), summary+"; ledger record "+c.RecordUID))
}

// Certificate is an external course's certificate to upload as evidence.
type Certificate struct {
	Filename string
	Content  io.Reader
}

// RecordExternal records a person's completion of an external course,
// entered by a manager with its certificate (uploaded as evidence, linked to
// the security awareness controls) or a link where it can be seen. It is a
// ledger record. Everything is checked before the certificate is stored.
func (s *Service) RecordExternal(ctx context.Context, p attest.Principal, c attest.TrainingCompletion, cert *Certificate) (attest.TrainingCompletion, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return c, err
	}
	c.ID, c.Kind, c.Score, c.EvidenceID, c.EvidenceUID = 0, attest.TrainingExternal, 0, 0, ""
	if err := attest.ValidateExternalTraining(&c, s.today()); err != nil {
		return c, err
	}
	if cert == nil && c.Link == "" {
		return c, attest.Invalid("certificate", "upload the certificate or give a link to the completion")
	}
	person, err := s.DB.Person(ctx, p.OrgID, c.PersonID)
	if err != nil {
		return c, err
	}
	if cert != nil {
		ev, err := s.addCertificate(ctx, p, person, c, cert)
		if err != nil {
			return c, err
		}
		c.EvidenceID, c.EvidenceUID = ev.ID, ev.UID
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		return s.record(ctx, tx, p, person, &c, "", 0, fmt.Sprintf("Recorded that %s completed %s on %s", person.Name, c.Course, c.CompletedOn))
	})
	return c, err
}

func (s *Service) addCertificate(ctx context.Context, p attest.Principal, person attest.Person, c attest.TrainingCompletion, cert *Certificate) (attest.Evidence, error) {
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return attest.Evidence{}, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return attest.Evidence{}, err
	}
	ids := attest.AdoptedFrom(controls, Control)
	name := strings.TrimSpace(cert.Filename)
	if name == "" {
		name = "certificate.pdf"
	}
	on, _ := time.Parse(attest.DateLayout, c.CompletedOn)
	return s.Evidence.Add(ctx, evidence.New{Org: org, Actor: p.Actor(), Kind: attest.KindFile,
		Title: fmt.Sprintf("%s: %s completion certificate", person.Name, c.Course), Filename: name, CollectedAt: on,
		Notes: "The certificate of an external security awareness course, recorded in training.", ControlIDs: ids}, cert.Content)
}

// Overdue returns the rows past their deadline.
func Overdue(rows []attest.TrainingRow) []attest.TrainingRow {
	return slices.DeleteFunc(slices.Clone(rows), func(r attest.TrainingRow) bool { return !r.Overdue() })
}

package programme

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
)

// Checklists keeps onboarding and offboarding templates and closes their
// steps. The checklists themselves are derived (attest.Checklists) from the
// templates, the people, what is known of them and the completions.
type Checklists struct {
	DB *store.DB
	// Evidence stores the files that show steps done; nil: steps close
	// with a note only.
	Evidence *evidence.Service
	// Accounts reconciles the organization's people with the accounts of
	// its collected systems (the roster service); nil when no connection
	// can be read, so account steps are judged by completions alone.
	Accounts func(ctx context.Context, p attest.Principal) (attest.Roster, error)
	Now      func() time.Time
}

func (s *Checklists) today() string { return attest.Today(s.now()) }

// Templates lists the organization's checklist templates.
func (s *Checklists) Templates(ctx context.Context, p attest.Principal) ([]attest.ChecklistTemplate, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.ChecklistTemplates(ctx, p.OrgID)
}

// Template returns one template.
func (s *Checklists) Template(ctx context.Context, p attest.Principal, id int64) (attest.ChecklistTemplate, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.ChecklistTemplate{}, err
	}
	return s.DB.ChecklistTemplate(ctx, p.OrgID, id)
}

// CreateTemplate adds a template with its steps.
func (s *Checklists) CreateTemplate(ctx context.Context, p attest.Principal, t attest.ChecklistTemplate) (attest.ChecklistTemplate, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return t, err
	}
	t.OrgID = p.OrgID
	if t.Since == "" {
		t.Since = s.today()
	}
	if err := attest.ValidateChecklistTemplate(&t); err != nil {
		return t, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		for i := range t.Steps {
			if err := checkStep(ctx, tx, p.OrgID, t.Kind, &t.Steps[i]); err != nil {
				// Name the step's field as a JSON path: steps[0].owner.
				if e, ok := err.(*attest.Error); ok && e.Field != "" {
					return attest.Invalid(fmt.Sprintf("steps[%d].%s", i, e.Field), "%s", e.Message)
				}
				return err
			}
		}
		if err := tx.CreateChecklistTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.template_created", "checklist_template", strconv.FormatInt(t.ID, 10),
			fmt.Sprintf("Created the %s checklist “%s” for %ss with %d step(s)", t.Kind, t.Name, t.EmploymentType, len(t.Steps))))
	})
	return t, err
}

func checkStep(ctx context.Context, tx *store.Queries, orgID int64, kind string, st *attest.ChecklistStep) error {
	if err := attest.ValidateChecklistStep(kind, st); err != nil {
		return err
	}
	return checkOwner(ctx, tx, orgID, st.OwnerUserID, "owner_user")
}

// UseDefaults creates Attest's default templates for every kind and
// employment type the organization has none for, applying from since
// (today when empty); it returns those created.
func (s *Checklists) UseDefaults(ctx context.Context, p attest.Principal, since string) ([]attest.ChecklistTemplate, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return nil, err
	}
	have, err := s.DB.ChecklistTemplates(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	var out []attest.ChecklistTemplate
	for _, d := range DefaultChecklists() {
		if slices.ContainsFunc(have, func(t attest.ChecklistTemplate) bool {
			return t.Kind == d.Kind && t.EmploymentType == d.EmploymentType
		}) {
			continue
		}
		d.Since = since
		t, err := s.CreateTemplate(ctx, p, d)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

// UpdateTemplate renames a template or moves its since day.
func (s *Checklists) UpdateTemplate(ctx context.Context, p attest.Principal, id int64, name, since string) (attest.ChecklistTemplate, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.ChecklistTemplate{}, err
	}
	var t attest.ChecklistTemplate
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if t, err = tx.ChecklistTemplate(ctx, p.OrgID, id); err != nil {
			return err
		}
		t.Name, t.Since = name, since
		if err := attest.ValidateChecklistTemplate(&t); err != nil {
			return err
		}
		if err := tx.UpdateChecklistTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.template_updated", "checklist_template", strconv.FormatInt(t.ID, 10),
			fmt.Sprintf("Saved the %s checklist “%s”, applying to people from %s", t.Kind, t.Name, t.Since)))
	})
	return t, err
}

// DeleteTemplate removes a template; completions already recorded stay.
func (s *Checklists) DeleteTemplate(ctx context.Context, p attest.Principal, id int64) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		t, err := tx.ChecklistTemplate(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteChecklistTemplate(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.template_deleted", "checklist_template", strconv.FormatInt(id, 10),
			fmt.Sprintf("Deleted the %s checklist “%s”", t.Kind, t.Name)))
	})
}

// AddStep appends a step to a template.
func (s *Checklists) AddStep(ctx context.Context, p attest.Principal, templateID int64, st attest.ChecklistStep) (attest.ChecklistStep, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return st, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		t, err := tx.ChecklistTemplate(ctx, p.OrgID, templateID)
		if err != nil {
			return err
		}
		if err := checkStep(ctx, tx, p.OrgID, t.Kind, &st); err != nil {
			return err
		}
		if err := tx.AddChecklistStep(ctx, p.OrgID, templateID, &st); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.step_added", "checklist_template", strconv.FormatInt(templateID, 10),
			fmt.Sprintf("Added the step “%s” to the %s checklist “%s”", st.Title, t.Kind, t.Name)))
	})
	return st, err
}

// DeleteStep removes a step from its template; its completions stay.
func (s *Checklists) DeleteStep(ctx context.Context, p attest.Principal, stepID int64) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		st, templateID, err := tx.ChecklistStepTemplate(ctx, p.OrgID, stepID)
		if err != nil {
			return err
		}
		if err := tx.DeleteChecklistStep(ctx, p.OrgID, stepID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.step_deleted", "checklist_template", strconv.FormatInt(templateID, 10),
			fmt.Sprintf("Removed the step “%s”", st.Title)))
	})
}

// List derives every checklist of the organization on today, with the
// accounts of the collected systems where the roster can read them.
func (s *Checklists) List(ctx context.Context, p attest.Principal) ([]attest.Checklist, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	in, err := s.input(ctx, p)
	if err != nil {
		return nil, err
	}
	return attest.Checklists(in), nil
}

// Stored derives every checklist from the database alone: the same states
// as List (account steps are judged by their observed completions), without
// naming the accounts still active, and without reading any collection's
// snapshot, for lists that must stay cheap (the dashboard's due items).
func (s *Checklists) Stored(ctx context.Context, p attest.Principal) ([]attest.Checklist, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	in, err := ChecklistInput(ctx, &s.DB.Queries, p.OrgID, s.today())
	if err != nil {
		return nil, err
	}
	return attest.Checklists(in), nil
}

// Person returns one person's checklists.
func (s *Checklists) Person(ctx context.Context, p attest.Principal, personID int64) (attest.Person, []attest.Checklist, error) {
	person, err := s.DB.Person(ctx, p.OrgID, personID)
	if err != nil {
		return person, nil, err
	}
	all, err := s.List(ctx, p)
	if err != nil {
		return person, nil, err
	}
	var out []attest.Checklist
	for _, c := range all {
		if c.Person.ID == personID {
			out = append(out, c)
		}
	}
	return person, out, nil
}

func (s *Checklists) input(ctx context.Context, p attest.Principal) (attest.ChecklistInput, error) {
	today := s.today()
	in, err := ChecklistInput(ctx, &s.DB.Queries, p.OrgID, today)
	if err != nil || s.Accounts == nil {
		return in, err
	}
	ro, err := s.Accounts(ctx, p)
	if err != nil {
		return in, err
	}
	for _, row := range ro.People {
		f := in.Facts[row.Person.ID]
		for _, a := range row.Accounts {
			if a.Active {
				f.ActiveAccounts = append(f.ActiveAccounts, a)
			}
		}
		in.Facts[row.Person.ID] = f
	}
	return in, nil
}

// ChecklistInput reads what checklists are derived from, from the database
// alone: account steps are judged by their observed completions, and
// AccountsKnown is whether an identity or GitHub connection has a complete
// collection.
func ChecklistInput(ctx context.Context, q *store.Queries, orgID int64, today string) (attest.ChecklistInput, error) {
	in := attest.ChecklistInput{Today: today, Facts: map[int64]attest.PersonFacts{}}
	var err error
	if in.Templates, err = q.ChecklistTemplates(ctx, orgID); err != nil || len(in.Templates) == 0 {
		return in, err
	}
	if in.People, err = q.People(ctx, orgID, store.PeopleFilter{}); err != nil {
		return in, err
	}
	if in.Completions, err = q.ChecklistCompletions(ctx, orgID, 0); err != nil {
		return in, err
	}
	pol, err := policy.LoadStatus(ctx, q, orgID, today, 0)
	if err != nil {
		return in, err
	}
	for _, rows := range pol.Rows {
		for _, r := range rows {
			f := in.Facts[r.PersonID]
			f.PoliciesDue++
			if r.State == attest.AckAccepted {
				f.PoliciesAccepted++
			}
			in.Facts[r.PersonID] = f
		}
	}
	tr, err := training.Status(ctx, q, orgID, today)
	if err != nil {
		return in, err
	}
	for _, r := range tr {
		f := in.Facts[r.PersonID]
		f.TrainingDone = r.Last != ""
		in.Facts[r.PersonID] = f
	}
	bg, err := people.Background(ctx, q, orgID, today)
	if err != nil {
		return in, err
	}
	for _, r := range bg {
		f := in.Facts[r.PersonID]
		f.BackgroundDone = r.Check != nil && r.Check.Complete()
		in.Facts[r.PersonID] = f
	}
	in.AccountsKnown, err = q.HasIdentityCollection(ctx, orgID, identitySystems())
	return in, err
}

// identitySystems are the connector types whose resources are accounts.
func identitySystems() []string {
	var out []string
	for typ := range attest.IdentityTypes {
		sys, _, _ := strings.Cut(typ, ".")
		if !slices.Contains(out, sys) {
			out = append(out, sys)
		}
	}
	slices.Sort(out)
	return out
}

// Proof is a file that shows a step done, kept as evidence.
type Proof struct {
	Filename string
	Content  io.Reader
}

// CloseStep closes a step of a person's checklist by hand, with a note and
// optionally a file that shows it done (stored as evidence of the
// organization's onboarding or offboarding controls): a step with no check,
// or one whose check cannot be verified. Its owner may close it (the
// person's manager, the person, the member named), and so may anyone who
// edits the organization's data.
func (s *Checklists) CloseStep(ctx context.Context, p attest.Principal, personID, stepID int64, note string, proof *Proof) (attest.StepCompletion, error) {
	c := attest.StepCompletion{OrgID: p.OrgID, PersonID: personID, StepID: stepID, How: attest.CompletedByHand, Note: trimNote(note),
		ByUserID: p.UserID, ByLabel: p.Label}
	switch {
	case c.Note == "":
		return c, attest.Invalid("note", "say what was done (and where the proof is)")
	case len(c.Note) > attest.MaxStepNote:
		return c, attest.Invalid("note", "must be at most %d characters", attest.MaxStepNote)
	}
	// A step's owner need not read the programme: judge the step from the
	// database alone (account steps are judged by their completions there
	// too), then apply the owner rule.
	person, err := s.DB.Person(ctx, p.OrgID, personID)
	if err != nil {
		return c, err
	}
	in, err := ChecklistInput(ctx, &s.DB.Queries, p.OrgID, s.today())
	if err != nil {
		return c, err
	}
	in.People = []attest.Person{person}
	var step *attest.StepState
	kind := ""
	for _, cl := range attest.Checklists(in) {
		for i := range cl.Steps {
			if cl.Steps[i].Step.ID == stepID {
				step, kind = &cl.Steps[i], cl.Kind
			}
		}
	}
	switch {
	case step == nil:
		return c, attest.Errorf(attest.ENOTFOUND, "%s has no checklist step %d", person.Name, stepID)
	case step.State == attest.StepDone:
		return c, attest.Errorf(attest.ECONFLICT, "“%s” is already done", step.Step.Title)
	case !step.ByHand():
		return c, attest.Invalid("step", "“%s” closes itself: %s", step.Step.Title, attest.CheckLabel(step.Step.Check))
	}
	owners, err := s.ownerUsers(ctx, p.OrgID, person, step.Step)
	if err != nil {
		return c, err
	}
	if err := p.MayCloseStep(owners); err != nil {
		return c, err
	}
	if proof != nil {
		ev, err := s.addProof(ctx, p, person, kind, step.Step, c.Note, proof)
		if err != nil {
			return c, err
		}
		c.EvidenceID, c.EvidenceUID = ev.ID, ev.UID
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddChecklistCompletion(ctx, &c); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("checklist.step_closed", "person", strconv.FormatInt(personID, 10),
			fmt.Sprintf("Closed “%s” for %s: %s", step.Step.Title, person.Name, c.Note)))
	})
	return c, err
}

// ownerUsers are the members who own a step of a person's checklist.
func (s *Checklists) ownerUsers(ctx context.Context, orgID int64, person attest.Person, st attest.ChecklistStep) ([]int64, error) {
	switch st.Owner {
	case attest.OwnerPerson:
		return []int64{person.UserID}, nil
	case attest.OwnerMember:
		return []int64{st.OwnerUserID}, nil
	case attest.OwnerManager:
		if person.ManagerID == 0 {
			return nil, nil
		}
		m, err := s.DB.Person(ctx, orgID, person.ManagerID)
		if err != nil {
			return nil, err
		}
		return []int64{m.UserID}, nil
	}
	return nil, nil
}

// Observe records the account steps the latest collections show done, as
// verified completions with what was seen; it runs after each collection
// (and from `attest checklist observe`). It returns how many it recorded.
func (s *Checklists) Observe(ctx context.Context, orgID int64) (int, error) {
	if s.Accounts == nil {
		return 0, nil
	}
	p := attest.SystemPrincipal(orgID, "system", attest.ViaSystem)
	in, err := s.input(ctx, p)
	if err != nil || !in.AccountsKnown {
		return 0, err
	}
	n := 0
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		for _, cl := range attest.Checklists(in) {
			for _, st := range cl.Steps {
				note, ok := attest.Observed(cl, st, in.Facts[cl.Person.ID], in.Today)
				if !ok {
					continue
				}
				c := attest.StepCompletion{OrgID: orgID, PersonID: cl.Person.ID, StepID: st.Step.ID, How: attest.CompletedVerified,
					Note: note, ByLabel: p.Label}
				if err := tx.AddChecklistCompletion(ctx, &c); err != nil {
					return err
				}
				if err := tx.Log(ctx, p.Record("checklist.step_verified", "person", strconv.FormatInt(cl.Person.ID, 10),
					fmt.Sprintf("Verified “%s” for %s: %s", st.Step.Title, cl.Person.Name, note))); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

func trimNote(s string) string { return strings.TrimSpace(s) }

// The library controls a checklist's evidence goes to.
var checklistControl = map[string]string{attest.ChecklistOnboarding: ctlOnboarding, attest.ChecklistOffboarding: ctlOffboarding}

// addProof stores a file that shows a step done as evidence of the
// organization's controls adopted from the checklist's library control.
func (s *Checklists) addProof(ctx context.Context, p attest.Principal, person attest.Person, kind string, st attest.ChecklistStep, note string, proof *Proof) (attest.Evidence, error) {
	if s.Evidence == nil {
		return attest.Evidence{}, attest.Errorf(attest.EINVALID, "files cannot be stored here: close the step with a note")
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return attest.Evidence{}, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return attest.Evidence{}, err
	}
	ids := attest.AdoptedFrom(controls, checklistControl[kind])
	name := strings.TrimSpace(proof.Filename)
	if name == "" {
		name = "proof"
	}
	return s.Evidence.Add(ctx, evidence.New{Org: org, Actor: p.Actor(), Kind: attest.KindFile,
		Title: fmt.Sprintf("%s: %s", person.Name, st.Title), Filename: name, CollectedAt: s.now(),
		Notes: fmt.Sprintf("Shows the %s step “%s” done for %s. %s", kind, st.Title, person.Name, note), ControlIDs: ids}, proof.Content)
}

func (s *Checklists) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

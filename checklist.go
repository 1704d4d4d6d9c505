package attest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Onboarding and offboarding checklists (CC1.4, CC6.2, CC6.3). An
// organization keeps one template per kind and employment type; every
// person whose start date (onboarding) or last working day (offboarding)
// falls on or after the template's Since day has that checklist. A
// checklist is not stored: it is derived, step by step, from the template,
// the person and what is known of them (policies accepted, training done,
// background check, accounts in the collected systems) plus the completions
// recorded by hand or observed from collections. Steps Attest can verify
// close themselves; the others are closed by their owner with a note.

// Checklist kinds.
const (
	ChecklistOnboarding  = "onboarding"
	ChecklistOffboarding = "offboarding"
)

// ChecklistKinds lists the kinds.
func ChecklistKinds() []string { return []string{ChecklistOnboarding, ChecklistOffboarding} }

// Step owners: the person's manager, the person, the admins and managers
// of the organization in Attest ("team"), or one member.
const (
	OwnerManager = "manager"
	OwnerPerson  = "person"
	OwnerTeam    = "team"
	OwnerMember  = "member"
)

// Checks a step can close itself by. CheckNone is a step closed by hand.
const (
	CheckNone             = ""
	CheckPoliciesAccepted = "policies_accepted" // every published policy that asks them is accepted
	CheckTrainingDone     = "training_done"     // security awareness training completed
	CheckBackground       = "background_check"  // background check clear, or exempt
	CheckIdPAccount       = "idp_account"       // an active account at an identity provider
	CheckAccountsDisabled = "accounts_disabled" // no active account left in any collected system
)

var (
	stepOwners = []string{OwnerManager, OwnerPerson, OwnerTeam, OwnerMember}
	stepChecks = map[string][]string{
		ChecklistOnboarding:  {CheckNone, CheckPoliciesAccepted, CheckTrainingDone, CheckBackground, CheckIdPAccount},
		ChecklistOffboarding: {CheckNone, CheckAccountsDisabled},
	}
)

// StepChecks lists the checks allowed in a kind of checklist, "" first.
func StepChecks(kind string) []string { return slices.Clone(stepChecks[kind]) }

// StepOwners lists the owner kinds.
func StepOwners() []string { return slices.Clone(stepOwners) }

// AccountCheck says whether a check is judged from collected accounts: such
// steps are closed by the observation that follows each collection.
func AccountCheck(check string) bool {
	return check == CheckIdPAccount || check == CheckAccountsDisabled
}

// CheckLabel describes a check in words.
func CheckLabel(check string) string {
	switch check {
	case CheckPoliciesAccepted:
		return "Closes when every policy they must accept is accepted"
	case CheckTrainingDone:
		return "Closes when security awareness training is completed"
	case CheckBackground:
		return "Closes when the background check is clear or exempt"
	case CheckIdPAccount:
		return "Closes when an identity provider shows an active account"
	case CheckAccountsDisabled:
		return "Closes when no collected system shows an active account"
	}
	return "Closed by its owner with a note"
}

// ChecklistTemplate is the list of steps for one kind of checklist and one
// employment type.
type ChecklistTemplate struct {
	ID             int64  `json:"id"`
	OrgID          int64  `json:"-"`
	Kind           string `json:"kind"`
	EmploymentType string `json:"employment_type"`
	Name           string `json:"name"`
	// Since: people whose start date (onboarding) or last working day
	// (offboarding) is on or after this day (YYYY-MM-DD) have the checklist;
	// earlier joiners and leavers predate it.
	Since     string          `json:"since"`
	Steps     []ChecklistStep `json:"steps"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// ChecklistStep is one step of a template.
type ChecklistStep struct {
	ID          int64  `json:"id"`
	Position    int    `json:"position"`
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	OwnerUserID int64  `json:"owner_user_id,omitempty"` // for OwnerMember
	OwnerName   string `json:"owner_name,omitempty"`    // filled by lists, for OwnerMember
	// DueDays is the deadline in days after the start date (onboarding) or
	// the last working day (offboarding); negative is before it.
	DueDays int    `json:"due_days"`
	Check   string `json:"check,omitempty"`
}

// ValidateChecklistTemplate normalizes and checks a template's own fields.
func ValidateChecklistTemplate(t *ChecklistTemplate) error {
	t.Name = strings.TrimSpace(t.Name)
	t.Kind = strings.TrimSpace(t.Kind)
	t.EmploymentType = strings.ToLower(strings.TrimSpace(t.EmploymentType))
	t.Since = strings.TrimSpace(t.Since)
	switch {
	case !slices.Contains(ChecklistKinds(), t.Kind):
		return Invalid("kind", "must be onboarding or offboarding (got %q)", t.Kind)
	case !slices.Contains(employmentTypes, t.EmploymentType):
		return Invalid("employment_type", "must be one of %s (got %q)", strings.Join(employmentTypes, ", "), t.EmploymentType)
	case t.Name == "":
		return Invalid("name", "is required")
	case len(t.Name) > 200:
		return Invalid("name", "must be at most 200 characters")
	}
	return validDay("since", t.Since, true)
}

// ValidateChecklistStep normalizes and checks a step of a template of kind.
func ValidateChecklistStep(kind string, s *ChecklistStep) error {
	s.Title = strings.TrimSpace(s.Title)
	s.Owner = strings.TrimSpace(s.Owner)
	s.Check = strings.TrimSpace(s.Check)
	switch {
	case s.Title == "":
		return Invalid("title", "is required: say what must be done")
	case len(s.Title) > 300:
		return Invalid("title", "must be at most 300 characters")
	case !slices.Contains(stepOwners, s.Owner):
		return Invalid("owner", "must be one of %s (got %q)", strings.Join(stepOwners, ", "), s.Owner)
	case s.Owner == OwnerMember && s.OwnerUserID == 0:
		return Invalid("owner_user", "name the member who owns the step")
	case s.Owner != OwnerMember && s.OwnerUserID != 0:
		return Invalid("owner_user", "is only for a step owned by one member")
	case s.DueDays < -90 || s.DueDays > 365:
		return Invalid("due_days", "must be between -90 and 365 days (got %d)", s.DueDays)
	case !slices.Contains(stepChecks[kind], s.Check):
		return Invalid("check", "a %s step can close itself by %s, or by hand (got %q)", kind, strings.Join(stepChecks[kind][1:], ", "), s.Check)
	}
	return nil
}

// StepCompletion records a step closed: by hand (its owner or an editor,
// with a note) or verified (from the person's facts, or from a collection:
// the observation says which).
type StepCompletion struct {
	ID       int64     `json:"id"`
	OrgID    int64     `json:"-"`
	PersonID int64     `json:"person_id"`
	StepID   int64     `json:"step_id"`
	How      string    `json:"how"` // CompletedByHand or CompletedVerified
	Note     string    `json:"note"`
	ByUserID int64     `json:"-"`
	ByLabel  string    `json:"by"`
	At       time.Time `json:"at"`
	// EvidenceID is a file that shows the step done, stored as evidence of
	// the checklist's control; EvidenceUID is its public ID.
	EvidenceID  int64  `json:"-"`
	EvidenceUID string `json:"evidence,omitempty"`
}

// How a step was completed.
const (
	CompletedByHand   = "manual"
	CompletedVerified = "verified"
)

// MaxStepNote bounds a completion's note.
const MaxStepNote = 2000

// PersonFacts are what Attest knows of one person that steps verify
// themselves by.
type PersonFacts struct {
	// PoliciesDue counts the published policies they must accept;
	// PoliciesAccepted those accepted.
	PoliciesDue, PoliciesAccepted int
	TrainingDone                  bool
	BackgroundDone                bool
	// ActiveAccounts are their accounts still active in the collected
	// systems (from the roster), for the page to name; account steps are
	// judged by completions observed from collections.
	ActiveAccounts []Account
}

// ChecklistInput is what checklists are derived from.
type ChecklistInput struct {
	Today       string
	Templates   []ChecklistTemplate
	People      []Person
	Completions []StepCompletion
	Facts       map[int64]PersonFacts
	// AccountsKnown is whether any identity connection has a complete
	// collection: without one, account steps cannot be verified and are
	// closed by hand.
	AccountsKnown bool
}

// Step states.
const (
	StepDone    = "done"
	StepOpen    = "open"
	StepOverdue = "overdue"
)

// StepState is one step of one person's checklist on a day.
type StepState struct {
	Step       ChecklistStep   `json:"step"`
	Due        string          `json:"due"` // YYYY-MM-DD
	State      string          `json:"state"`
	Completion *StepCompletion `json:"completion,omitempty"`
	// Unverifiable says why a step that would close itself cannot be
	// verified (it may then be closed by hand).
	Unverifiable string `json:"unverifiable,omitempty"`
	// Detail says what the facts show (policies accepted 3 of 4; the
	// accounts still active).
	Detail string `json:"detail,omitempty"`
}

// ByHand says whether the step may be closed by hand: a step without a
// check, or one whose check cannot be verified.
func (s StepState) ByHand() bool {
	return s.State != StepDone && (s.Step.Check == CheckNone || s.Unverifiable != "")
}

// Checklist is one person's onboarding or offboarding checklist.
type Checklist struct {
	Person       Person      `json:"person"`
	Kind         string      `json:"kind"`
	TemplateID   int64       `json:"template_id"`
	TemplateName string      `json:"template"`
	Anchor       string      `json:"anchor"` // the start date or the last working day
	Steps        []StepState `json:"steps"`
	Done         int         `json:"done"`
	Overdue      int         `json:"overdue"`
	// Due is the latest step deadline: when the whole checklist is due.
	Due string `json:"due"`
}

// Complete says whether every step is done.
func (c Checklist) Complete() bool { return c.Done == len(c.Steps) }

// Checklists derives every person's checklists on in.Today, overdue first,
// then by anchor date and name. Pure: the caller reads the facts.
func Checklists(in ChecklistInput) []Checklist {
	done := map[[2]int64]StepCompletion{}
	for _, c := range in.Completions {
		k := [2]int64{c.PersonID, c.StepID}
		if prev, ok := done[k]; !ok || c.At.Before(prev.At) {
			done[k] = c
		}
	}
	var out []Checklist
	for _, t := range in.Templates {
		for _, p := range in.People {
			if p.EmploymentType != t.EmploymentType {
				continue
			}
			anchor := p.StartDate
			if t.Kind == ChecklistOffboarding {
				anchor = p.EndDate
			}
			if anchor == "" || anchor < t.Since {
				continue
			}
			cl := Checklist{Person: p, Kind: t.Kind, TemplateID: t.ID, TemplateName: t.Name, Anchor: anchor, Steps: []StepState{}}
			facts := in.Facts[p.ID]
			for _, s := range t.Steps {
				st := StepState{Step: s, Due: addDays(anchor, s.DueDays)}
				cl.Due = max(cl.Due, st.Due)
				if c, ok := done[[2]int64{p.ID, s.ID}]; ok {
					st.State, st.Completion = StepDone, &c
				} else if verified(s.Check, facts, &st, in.AccountsKnown) {
					st.State = StepDone
				}
				if st.State == "" {
					st.State = StepOpen
					if st.Due < in.Today {
						st.State = StepOverdue
					}
				}
				switch st.State {
				case StepDone:
					cl.Done++
				case StepOverdue:
					cl.Overdue++
				}
				cl.Steps = append(cl.Steps, st)
			}
			out = append(out, cl)
		}
	}
	slices.SortStableFunc(out, func(a, b Checklist) int {
		return cmp.Or(cmp.Compare(min(b.Overdue, 1), min(a.Overdue, 1)), cmp.Compare(a.Anchor, b.Anchor),
			cmp.Compare(a.Person.Name, b.Person.Name), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// verified judges a step that closes itself from the person's facts,
// filling its detail; account steps close only by an observed completion.
func verified(check string, f PersonFacts, st *StepState, accountsKnown bool) bool {
	switch check {
	case CheckPoliciesAccepted:
		if f.PoliciesDue == 0 {
			st.Unverifiable = "no published policy asks them to accept it yet"
			return false
		}
		st.Detail = fmt.Sprintf("%d of %d policies accepted", f.PoliciesAccepted, f.PoliciesDue)
		return f.PoliciesAccepted >= f.PoliciesDue
	case CheckTrainingDone:
		return f.TrainingDone
	case CheckBackground:
		return f.BackgroundDone
	case CheckIdPAccount, CheckAccountsDisabled:
		if !accountsKnown {
			st.Unverifiable = "no identity provider or GitHub connection has a complete collection"
			return false
		}
		if check == CheckAccountsDisabled && len(f.ActiveAccounts) > 0 {
			var names []string
			for _, a := range f.ActiveAccounts {
				names = append(names, cmp.Or(a.Connection, a.System)+" "+a.Login)
			}
			st.Detail = "still active: " + strings.Join(names, ", ")
		}
	}
	return false
}

// ChecklistFinding is a step past its deadline, in words: a leaver's
// account still active names the account.
func ChecklistFinding(c Checklist, s StepState) string {
	what := "onboarding"
	if c.Kind == ChecklistOffboarding {
		what = "offboarding"
	}
	msg := fmt.Sprintf("%s's %s step “%s” was due on %s", c.Person.Name, what, s.Step.Title, s.Due)
	if s.Detail != "" {
		msg += " (" + s.Detail + ")"
	}
	return msg + "."
}

// Observed says whether a collection shows an open account step done, with
// the note its completion keeps: an identity provider account for a joiner,
// no active account left for a leaver once their last working day has come.
func Observed(c Checklist, s StepState, f PersonFacts, today string) (string, bool) {
	if s.State == StepDone || s.Unverifiable != "" {
		return "", false
	}
	switch s.Step.Check {
	case CheckIdPAccount:
		for _, a := range f.ActiveAccounts {
			if IdentityTypes[a.Type].IdentityProvider {
				return "Active " + a.System + " account " + a.Login + " seen in the latest collection of " + a.Connection, true
			}
		}
	case CheckAccountsDisabled:
		if today >= c.Anchor && len(f.ActiveAccounts) == 0 {
			return "No active account left in the latest collections of the connected systems", true
		}
	}
	return "", false
}

// Package risk keeps an organization's risk register: risks written or
// adopted from the shipped library, scored on the organization's likelihood ×
// impact scale before and after treatment, linked to the controls that
// mitigate them, accepted with an approver's sign-off, and assessed once a
// year as a dated snapshot that an approver approves. Every change is an
// activity entry naming what changed; acceptances and approved assessments
// are ledger records.
package risk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Service changes and reads the risk register.
type Service struct {
	DB      *store.DB
	Ledger  *chain.Chain
	Library []LibraryRisk
	Now     func() time.Time
}

func (s *Service) today() string {
	if s.Now != nil {
		return attest.Today(s.Now())
	}
	return attest.Today(s.DB.Now())
}

// LibraryRisk returns a library risk by ID.
func (s *Service) LibraryRisk(id string) (LibraryRisk, bool) {
	for _, l := range s.Library {
		if l.ID == id {
			return l, true
		}
	}
	return LibraryRisk{}, false
}

// Scale returns the organization's risk scale.
func (s *Service) Scale(ctx context.Context, p attest.Principal) (attest.RiskScale, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.RiskScale{}, err
	}
	return s.DB.RiskScale(ctx, p.OrgID)
}

// SetScale changes the organization's scale; risks already scored beyond a
// smaller scale must be rescored first.
func (s *Service) SetScale(ctx context.Context, p attest.Principal, scale attest.RiskScale) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := scale.Validate(); err != nil {
			return err
		}
		e := scale.Effective()
		risks, err := tx.Risks(ctx, p.OrgID)
		if err != nil {
			return err
		}
		for _, r := range risks {
			if r.Status == attest.RiskOpen && (max(r.Likelihood, r.ResidualLikelihood) > e.Likelihood || max(r.Impact, r.ResidualImpact) > e.Impact) {
				return attest.Invalid("likelihood", "%s is scored beyond a %d × %d scale: rescore it first", r.Ref, e.Likelihood, e.Impact)
			}
		}
		if err := tx.SetRiskScale(ctx, p.OrgID, e); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("risk.scale", "organization", fmt.Sprint(p.OrgID),
			fmt.Sprintf("Set the risk scale to %d × %d (medium from %d, high from %d, critical from %d)", e.Likelihood, e.Impact, e.Medium, e.High, e.Critical)))
	})
}

// Filter narrows the register.
type Filter struct {
	Band      string // of the residual score
	Treatment string
	OwnerID   int64
	Overdue   bool // review date passed, or acceptance expired
	Status    string
	// Likelihood and Impact pick one heat-map cell (inherent, or residual
	// when Residual).
	Likelihood, Impact int
	Residual           bool
}

// Register is the register with its scale, as pages and the API show it.
type Register struct {
	Scale attest.RiskScale `json:"scale"`
	Today string           `json:"today"`
	Risks []attest.Risk    `json:"risks"`
	// All are every open risk (for the heat maps), whatever the filter.
	All []attest.Risk `json:"-"`
}

// List returns the risks that pass the filter (open ones unless it names a
// status).
func (s *Service) List(ctx context.Context, p attest.Principal, f Filter) (Register, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return Register{}, err
	}
	scale, err := s.DB.RiskScale(ctx, p.OrgID)
	if err != nil {
		return Register{}, err
	}
	all, err := s.DB.Risks(ctx, p.OrgID)
	if err != nil {
		return Register{}, err
	}
	reg := Register{Scale: scale, Today: s.today(), Risks: []attest.Risk{}}
	status := f.Status
	if status == "" {
		status = attest.RiskOpen
	}
	for _, r := range all {
		if r.Status == attest.RiskOpen {
			reg.All = append(reg.All, r)
		}
		l, im := r.Likelihood, r.Impact
		if f.Residual {
			l, im = r.ResidualLikelihood, r.ResidualImpact
		}
		switch {
		case status != "all" && r.Status != status,
			f.Band != "" && scale.Band(r.Residual()) != f.Band,
			f.Treatment != "" && r.Treatment != f.Treatment,
			f.OwnerID != 0 && r.OwnerID != f.OwnerID,
			f.Overdue && !r.ReviewOverdueOn(reg.Today) && !r.AcceptanceExpiredOn(reg.Today),
			f.Likelihood != 0 && l != f.Likelihood,
			f.Impact != 0 && im != f.Impact:
			continue
		}
		reg.Risks = append(reg.Risks, r)
	}
	return reg, nil
}

// Get returns a risk and its history (the activity entries about it, newest
// first).
func (s *Service) Get(ctx context.Context, p attest.Principal, ref string) (attest.Risk, []attest.Activity, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Risk{}, nil, err
	}
	r, err := s.DB.Risk(ctx, p.OrgID, ref)
	if err != nil {
		return r, nil, err
	}
	acts, err := s.DB.Activity(ctx, p.OrgID, attest.ActivityFilter{RecordType: "risk", Limit: 2000})
	if err != nil {
		return r, nil, err
	}
	var hist []attest.Activity
	for _, a := range acts {
		if a.RecordID == r.Ref {
			hist = append(hist, a)
		}
	}
	return r, hist, nil
}

// checkMember checks that a user is a member who may own work; field names
// the form field.
func checkMember(ctx context.Context, tx *store.Queries, orgID, userID int64, field string) (string, error) {
	if userID == 0 {
		return "", nil
	}
	m, err := tx.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return "", attest.Invalid(field, "is not a member of the organization")
	}
	if err != nil {
		return "", err
	}
	u, err := tx.UserByID(ctx, userID)
	if err != nil {
		return "", err
	}
	return u.Name, attest.MayOwn(m.Role, field)
}

// checkControls keeps the control refs the organization has, refusing any
// other, without duplicates, in the order given.
func checkControls(ctx context.Context, tx *store.Queries, orgID int64, refs []string) ([]string, error) {
	have, err := tx.ControlRefs(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" || slices.Contains(out, ref) {
			continue
		}
		if !have[ref] {
			return nil, attest.Invalid("controls", "%s is not a control of the organization", ref)
		}
		out = append(out, ref)
	}
	return out, nil
}

// prepare checks a risk inside tx and fills the names the log shows.
func (s *Service) prepare(ctx context.Context, tx *store.Queries, p attest.Principal, r *attest.Risk) error {
	scale, err := tx.RiskScale(ctx, p.OrgID)
	if err != nil {
		return err
	}
	r.Title, r.Category = strings.TrimSpace(r.Title), strings.ToLower(strings.TrimSpace(r.Category))
	if r.Status == "" {
		r.Status = attest.RiskOpen
	}
	if r.Treatment != attest.TreatAccept {
		r.ApproverID, r.AcceptExpires, r.AcceptApprovedAt = 0, "", time.Time{}
	}
	if err := attest.ValidateRisk(*r, scale); err != nil {
		return err
	}
	if r.OwnerName, err = checkMember(ctx, tx, p.OrgID, r.OwnerID, "owner"); err != nil {
		return err
	}
	if r.ApproverName, err = checkMember(ctx, tx, p.OrgID, r.ApproverID, "approver"); err != nil {
		return err
	}
	r.Controls, err = checkControls(ctx, tx, p.OrgID, r.Controls)
	return err
}

// Create adds a risk to the register.
func (s *Service) Create(ctx context.Context, p attest.Principal, r attest.Risk) (attest.Risk, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error { return s.createTx(ctx, tx, p, &r, "") })
	return r, err
}

func (s *Service) createTx(ctx context.Context, tx *store.Queries, p attest.Principal, r *attest.Risk, how string) error {
	r.OrgID, r.AcceptApprovedAt = p.OrgID, time.Time{}
	if err := s.prepare(ctx, tx, p, r); err != nil {
		return err
	}
	if err := tx.CreateRisk(ctx, r); err != nil {
		return err
	}
	summary := fmt.Sprintf("Added risk %s %s (inherent %d, residual %d, %s)%s", r.Ref, r.Title, r.Inherent(), r.Residual(), r.Treatment, how)
	return tx.Log(ctx, p.Record("risk.created", "risk", r.Ref, summary))
}

// Adopt adds a library risk to the register with its suggested scores
// (capped to the organization's scale), owned by ownerID, linked to the
// organization's controls adopted from the library controls it suggests,
// and due for review in a year.
func (s *Service) Adopt(ctx context.Context, p attest.Principal, libraryID string, ownerID int64) (attest.Risk, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Risk{}, err
	}
	l, ok := s.LibraryRisk(libraryID)
	if !ok {
		return attest.Risk{}, attest.Invalid("library", "no library risk %q", libraryID)
	}
	var r attest.Risk
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		scale, err := tx.RiskScale(ctx, p.OrgID)
		if err != nil {
			return err
		}
		controls, err := tx.Controls(ctx, p.OrgID, store.ControlFilter{})
		if err != nil {
			return err
		}
		var refs []string
		for _, c := range controls {
			if slices.Contains(l.Controls, c.LibraryID) || slices.Contains(l.Controls, c.Ref) {
				refs = append(refs, c.Ref)
			}
		}
		e := scale.Effective()
		li, im := min(l.Likelihood, e.Likelihood), min(l.Impact, e.Impact)
		review, _ := time.Parse(attest.DateLayout, s.today())
		r = attest.Risk{Title: l.Title, Description: l.Description, Category: l.Category, LibraryID: l.ID, OwnerID: ownerID,
			Likelihood: li, Impact: im, ResidualLikelihood: li, ResidualImpact: im, Treatment: attest.TreatMitigate,
			Controls: refs, ReviewDate: review.AddDate(1, 0, 0).Format(attest.DateLayout)}
		return s.createTx(ctx, tx, p, &r, " from the library risk "+l.ID)
	})
	return r, err
}

// Update saves a risk's fields. An accepted risk whose acceptance changed
// (approver, expiry, scores) needs its approver's sign-off again.
func (s *Service) Update(ctx context.Context, p attest.Principal, r attest.Risk) (attest.Risk, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		old, err := tx.Risk(ctx, p.OrgID, r.Ref)
		if err != nil {
			return err
		}
		return s.updateTx(ctx, tx, p, old, &r)
	})
	return r, err
}

func (s *Service) updateTx(ctx context.Context, tx *store.Queries, p attest.Principal, old attest.Risk, r *attest.Risk) error {
	r.ID, r.OrgID, r.Ref, r.LibraryID, r.CreatedAt = old.ID, old.OrgID, old.Ref, old.LibraryID, old.CreatedAt
	r.AcceptApprovedAt = old.AcceptApprovedAt
	if r.Treatment != old.Treatment || r.ApproverID != old.ApproverID || r.AcceptExpires != old.AcceptExpires ||
		r.Residual() != old.Residual() || r.OwnerID != old.OwnerID {
		r.AcceptApprovedAt = time.Time{} // signed off on something else
	}
	if err := s.prepare(ctx, tx, p, r); err != nil {
		return err
	}
	changes := attest.RiskChanges(old, *r)
	if changes == "" {
		return nil
	}
	if err := tx.UpdateRisk(ctx, r); err != nil {
		return err
	}
	return tx.Log(ctx, p.Record("risk.updated", "risk", r.Ref, "Changed "+r.Ref+": "+changes))
}

// LinkControls sets the controls that mitigate a risk.
func (s *Service) LinkControls(ctx context.Context, p attest.Principal, ref string, controls []string) (attest.Risk, error) {
	return s.change(ctx, p, ref, func(r *attest.Risk) error { r.Controls = controls; return nil })
}

// Retire takes a risk out of the register; its history stays.
func (s *Service) Retire(ctx context.Context, p attest.Principal, ref string) (attest.Risk, error) {
	return s.change(ctx, p, ref, func(r *attest.Risk) error {
		if r.Status == attest.RiskRetired {
			return attest.Errorf(attest.ECONFLICT, "%s is already retired", r.Ref)
		}
		r.Status = attest.RiskRetired
		return nil
	})
}

// Review records that a risk was reviewed today as it stands: its next
// review falls a year from today (or on next, a later date given).
func (s *Service) Review(ctx context.Context, p attest.Principal, ref, next string) (attest.Risk, error) {
	today := s.today()
	if next == "" {
		t, _ := time.Parse(attest.DateLayout, today)
		next = t.AddDate(1, 0, 0).Format(attest.DateLayout)
	}
	if _, err := time.Parse(attest.DateLayout, next); err != nil || next <= today {
		return attest.Risk{}, attest.Invalid("review_date", "want a date after today (YYYY-MM-DD)")
	}
	return s.change(ctx, p, ref, func(r *attest.Risk) error {
		if r.Status != attest.RiskOpen {
			return attest.Errorf(attest.ECONFLICT, "%s is %s: only open risks are reviewed", r.Ref, r.Status)
		}
		r.ReviewDate = next
		return nil
	})
}

// Accept records the decision to accept a risk as it is until expires,
// naming the approver who must sign it off (not the owner). The acceptance
// stands once the approver approves it.
func (s *Service) Accept(ctx context.Context, p attest.Principal, ref string, approverID int64, expires, note string) (attest.Risk, error) {
	return s.change(ctx, p, ref, func(r *attest.Risk) error {
		if err := attest.ValidateAcceptance(r.OwnerID, approverID, expires); err != nil {
			return err
		}
		if expires <= s.today() {
			return attest.Invalid("accept_expires", "must be after today")
		}
		r.Treatment, r.ApproverID, r.AcceptExpires = attest.TreatAccept, approverID, expires
		if strings.TrimSpace(note) != "" {
			r.TreatmentNote = strings.TrimSpace(note)
		}
		r.AcceptApprovedAt = time.Time{}
		return nil
	})
}

// change applies edit to a stored risk and saves it as an update.
func (s *Service) change(ctx context.Context, p attest.Principal, ref string, edit func(*attest.Risk) error) (attest.Risk, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Risk{}, err
	}
	var r attest.Risk
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		old, err := tx.Risk(ctx, p.OrgID, ref)
		if err != nil {
			return err
		}
		r = old
		r.Controls = slices.Clone(old.Controls)
		if err := edit(&r); err != nil {
			return err
		}
		return s.updateTx(ctx, tx, p, old, &r)
	})
	return r, err
}

// ApproveAcceptance is the named approver's sign-off of an accepted risk. It
// is a ledger record.
func (s *Service) ApproveAcceptance(ctx context.Context, p attest.Principal, ref string) (attest.Risk, error) {
	if err := p.Require(attest.ActWork); err != nil {
		return attest.Risk{}, err
	}
	var r attest.Risk
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if r, err = tx.Risk(ctx, p.OrgID, ref); err != nil {
			return err
		}
		switch {
		case !r.AcceptancePending():
			return attest.Errorf(attest.ECONFLICT, "%s has no acceptance waiting for sign-off", r.Ref)
		case r.ApproverID != p.UserID:
			return attest.Errorf(attest.EFORBIDDEN, "only %s, the named approver, signs off the acceptance of %s", r.ApproverName, r.Ref)
		case r.AcceptExpires < s.today():
			return attest.Errorf(attest.ECONFLICT, "the acceptance of %s expired on %s: set a new expiry first", r.Ref, r.AcceptExpires)
		}
		r.AcceptApprovedAt = tx.Now()
		if err := tx.UpdateRisk(ctx, &r); err != nil {
			return err
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		uid := attest.NewUID("rac_")
		rec := map[string]any{"type": ledger.RecordTypeRiskAcceptance, "org": org.Slug, "uid": uid, "risk": r.Ref, "title": r.Title,
			"owner": r.OwnerName, "likelihood": r.ResidualLikelihood, "impact": r.ResidualImpact, "score": r.Residual(),
			"rationale": r.TreatmentNote, "expires": r.AcceptExpires, "approver": p.Label, "at": ledger.FormatTime(r.AcceptApprovedAt)}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeRiskAcceptance, uid, rec); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("risk.accepted", "risk", r.Ref,
			fmt.Sprintf("Signed off the acceptance of %s %s (residual %d) until %s", r.Ref, r.Title, r.Residual(), r.AcceptExpires)))
	})
	return r, err
}

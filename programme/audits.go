package programme

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
)

// Audits keeps the organization's audits and lets the audit firm's people
// into one of them. Members who read the organization's data see every audit;
// an invited auditor sees only theirs, and only what it covers: the
// framework's controls in scope and the evidence of its window (Workspace).
type Audits struct {
	DB            *store.DB
	Catalog       *catalog.Catalog
	Now           func() time.Time // nil: time.Now
	InvitationTTL time.Duration    // zero: 14 days, long enough for a firm's onboarding
	// Populations reads the audit's recorded populations and samples, for
	// its results; nil: results from monitoring alone.
	Populations *population.Service
}

func (s Audits) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// List returns the audits p may see, the latest first.
func (s Audits) List(ctx context.Context, p attest.Principal) ([]attest.Audit, error) {
	all, ids := p.AuditVisibility()
	return s.DB.Audits(ctx, p.OrgID, all, ids)
}

// Get returns one audit p may see; another organization's is ENOTFOUND.
func (s Audits) Get(ctx context.Context, p attest.Principal, id int64) (attest.Audit, error) {
	if err := p.RequireAudit(id); err != nil {
		return attest.Audit{}, err
	}
	return s.DB.Audit(ctx, p.OrgID, id)
}

func (s Audits) check(a *attest.Audit) error {
	if err := a.Normalize(); err != nil {
		return err
	}
	if _, ok := s.Catalog.Framework(a.Framework); !ok {
		return attest.Invalid("framework", "%q is not a framework of the catalog", a.Framework)
	}
	return nil
}

// Create starts an audit in planning.
func (s Audits) Create(ctx context.Context, p attest.Principal, a attest.Audit) (attest.Audit, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return a, err
	}
	a.ID, a.OrgID, a.Status, a.ClosedAt = 0, p.OrgID, attest.AuditPlanning, time.Time{}
	if err := s.check(&a); err != nil {
		return a, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateAudit(ctx, &a); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.created", "audit", strconv.FormatInt(a.ID, 10),
			fmt.Sprintf("Created the audit %q (%s %s, %s)", a.Name, a.Framework, a.Type.Label(), a.Period())))
	})
	return a, err
}

// AuditChange is an edit of an audit's details; nil fields stay.
type AuditChange struct {
	Name, Firm, Type, AsOf, From, To, Early *string
	Status                                  *string
}

// Update edits an audit. The status moves forward only (attest.Audit.NextStatus):
// closing it ends every invited auditor's access, and a closed audit's
// details no longer change.
func (s Audits) Update(ctx context.Context, p attest.Principal, id int64, ch AuditChange) (attest.Audit, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Audit{}, err
	}
	var a attest.Audit
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if a, err = tx.Audit(ctx, p.OrgID, id); err != nil {
			return err
		}
		if a.Status == attest.AuditClosed {
			return attest.Invalid("status", "the audit is closed; it stays as it was")
		}
		before := a
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&a.Name, ch.Name)
		set(&a.Firm, ch.Firm)
		set(&a.AsOf, ch.AsOf)
		set(&a.From, ch.From)
		set(&a.To, ch.To)
		set(&a.Early, ch.Early)
		if ch.Type != nil {
			a.Type = attest.AuditType(*ch.Type)
		}
		if ch.Status != nil && attest.AuditStatus(*ch.Status) != a.Status {
			st, err := attest.ParseAuditStatus(*ch.Status)
			if err != nil {
				return err
			}
			if err := a.NextStatus(st); err != nil {
				return err
			}
			a.Status = st
		}
		if err := s.check(&a); err != nil {
			return err
		}
		if err := tx.UpdateAudit(ctx, &a); err != nil {
			return err
		}
		summary := fmt.Sprintf("Updated the audit %q", a.Name)
		if a.Status != before.Status {
			summary = fmt.Sprintf("Moved the audit %q from %s to %s", a.Name, before.Status, a.Status)
		}
		return tx.Log(ctx, p.Record("audit.updated", "audit", strconv.FormatInt(a.ID, 10), summary))
	})
	return a, err
}

// InviteAuditor invites email into the audit as its auditor: an invitation
// whose acceptance grants access to this audit alone (account.Members.Accept),
// not a membership. It returns the invitation and its link's secret, which
// exists only here. Members of the organization see audits by their role and
// are not invited.
func (s Audits) InviteAuditor(ctx context.Context, p attest.Principal, auditID int64, email string) (attest.Invitation, string, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Invitation{}, "", err
	}
	ttl := s.InvitationTTL
	if ttl <= 0 {
		ttl = 14 * 24 * time.Hour
	}
	inv := attest.Invitation{OrgID: p.OrgID, Email: email, Role: attest.RoleAuditor, InvitedBy: p.UserID, ExpiresAt: s.now().Add(ttl), AuditID: auditID}
	secret := auth.NewSecret("")
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := tx.Audit(ctx, p.OrgID, auditID)
		if err != nil {
			return err
		}
		if a.Status == attest.AuditClosed {
			return attest.Invalid("email", "the audit is closed: nobody joins it any more")
		}
		if u, err := tx.UserByEmail(ctx, email); err == nil {
			if _, err := tx.Membership(ctx, p.OrgID, u.ID); err == nil {
				return attest.Invalid("email", "%s is a member of the organization and sees audits by their role", u.Email)
			}
		}
		if err := tx.CreateInvitation(ctx, &inv, auth.HashSecret(secret)); err != nil {
			return err
		}
		if err := tx.AddAuditor(ctx, p.OrgID, auditID, inv.Email); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.auditor_invited", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("Invited %s as an auditor of %q", inv.Email, a.Name)))
	})
	if err != nil {
		return inv, "", err
	}
	return inv, secret, nil
}

// RemoveAuditor ends an invited auditor's access to the audit.
func (s Audits) RemoveAuditor(ctx context.Context, p attest.Principal, auditID int64, email string) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := tx.Audit(ctx, p.OrgID, auditID)
		if err != nil {
			return err
		}
		if err := tx.RemoveAuditor(ctx, p.OrgID, auditID, email); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.auditor_removed", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("Ended the access of %s to %q", attest.NormalizeEmail(email), a.Name)))
	})
}

// Workspace is what an audit covers, as its auditors see it: the
// framework's controls in scope with the criteria they meet, and the
// evidence collected in the window (Type 1: up to its date) for them.
// People's personal data is not in it beyond the names on evidence.
type Workspace struct {
	Audit     attest.Audit        `json:"audit"`
	Framework string              `json:"framework_title"`
	Controls  []WorkspaceControl  `json:"controls"`
	Evidence  []attest.Evidence   `json:"-"`
	Items     []WorkspaceEvidence `json:"evidence"`
	Auditors  []attest.AuditorOf  `json:"auditors"`
	Policies  []WorkspacePolicy   `json:"policies"`
	// ReportDay is the readiness recorded on the report's day, which the
	// audit's package reports.
	ReportDay ReportDayReadiness     `json:"report_day"`
	versions  []attest.PolicyVersion // of Policies, in order
}

// ReportDayReadiness is an audit's readiness as recorded through its
// report's day (a Type 1's date, a Type 2's last day) while Attest ran
// (Readiness.RecordReportDays).
type ReportDayReadiness struct {
	Day      string `json:"day"`
	Recorded bool   `json:"recorded"`
	// Upcoming: the day has not ended and the audit is open, so
	// recordings may still come.
	Upcoming bool `json:"upcoming"`
	// Closed: the audit closed, so nothing more is recorded for it.
	Closed     bool      `json:"-"`
	Percent    int       `json:"percent,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// Sentence says which readiness the audit's package reports, as the audit's
// page and `attest audit show` put it.
func (r ReportDayReadiness) Sentence() string {
	switch {
	case r.Recorded && r.Upcoming:
		return fmt.Sprintf("Readiness on %s, the day of the report: %d%%, last recorded %s and recorded again each hour until the day ends. The package reports it.",
			r.Day, r.Percent, r.RecordedAt.UTC().Format("2006-01-02 15:04 MST"))
	case r.Recorded:
		return fmt.Sprintf("Readiness on %s, the day of the report: %d%%, last recorded %s. The package reports it.",
			r.Day, r.Percent, r.RecordedAt.UTC().Format("2006-01-02 15:04 MST"))
	case r.Upcoming:
		return "Readiness is recorded each hour through " + r.Day + ", the day of the report, while Attest runs; the package will report the day's last recording."
	}
	if r.Closed {
		return "No readiness was recorded on " + r.Day + ", the day of the report (Attest was not running that day, the audit was created after it, or it closed before it), so the package reports readiness as of its download."
	}
	return "No readiness was recorded on " + r.Day + ", the day of the report (Attest was not running that day, or the audit was created after it), so the package reports readiness as of its download."
}

// WorkspaceControl is a control of the audit.
type WorkspaceControl struct {
	ID       int64    `json:"id"`
	Ref      string   `json:"ref"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Criteria []string `json:"criteria"`
	Evidence int      `json:"evidence"`
}

// WorkspacePolicy is a policy text in force during the audit's period.
type WorkspacePolicy struct {
	VersionID   int64     `json:"version_id"`
	Key         string    `json:"key"`
	Title       string    `json:"title"`
	Label       string    `json:"label"`
	Hash        string    `json:"hash"`
	PublishedAt time.Time `json:"published_at"`
}

// WorkspaceEvidence is one evidence item of the audit.
type WorkspaceEvidence struct {
	ID          int64     `json:"id"`
	UID         string    `json:"uid"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	SHA256      string    `json:"sha256"`
	CollectedAt time.Time `json:"collected_at"`
	Controls    []string  `json:"controls"`
}

// window is the audit's time bounds: from the first day's start to the end
// of the last day, in UTC.
func window(a attest.Audit) (since, until time.Time, err error) {
	from, to := a.Window()
	f, err := time.Parse(attest.DateLayout, from)
	if err != nil {
		return since, until, err
	}
	t, err := time.Parse(attest.DateLayout, to)
	if err != nil {
		return since, until, err
	}
	if a.Type == attest.AuditType1 {
		// Type 1 judges the design as of its date: what existed by then.
		f = time.Time{}
	}
	return f, t.AddDate(0, 0, 1), nil
}

// scopedControl is a control the audit's framework covers, with the
// requirements of the framework it meets.
type scopedControl struct {
	attest.Control
	Criteria []string
}

// scopedControls keeps the controls in an audit's scope: those mapped to a
// requirement of its framework, except the ones not applicable.
func scopedControls(controls []attest.Control, framework string) []scopedControl {
	var out []scopedControl
	for _, c := range controls {
		if c.Status == attest.StatusNotApplicable {
			continue
		}
		var reqs []string
		for _, m := range c.Mappings {
			if m.Framework == framework {
				reqs = append(reqs, m.Requirement)
			}
		}
		if len(reqs) == 0 {
			continue
		}
		slices.Sort(reqs)
		out = append(out, scopedControl{Control: c, Criteria: slices.Compact(reqs)})
	}
	return out
}

// ScopeControls returns the audit and its controls in scope (with their
// criteria; evidence counts left at zero): what the results, populations
// and request pages need, without the evidence list and policy texts a
// whole Workspace reads.
func (s Audits) ScopeControls(ctx context.Context, p attest.Principal, id int64) (attest.Audit, []WorkspaceControl, error) {
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return a, nil, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return a, nil, err
	}
	out := []WorkspaceControl{}
	for _, sc := range scopedControls(controls, a.Framework) {
		out = append(out, WorkspaceControl{ID: sc.ID, Ref: sc.Ref, Name: sc.Name, Status: sc.Status, Criteria: sc.Criteria})
	}
	return a, out, nil
}

// Workspace gathers what the audit covers for p.
func (s Audits) Workspace(ctx context.Context, p attest.Principal, id int64) (Workspace, error) {
	var w Workspace
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return w, err
	}
	w.Audit = a
	if fw, ok := s.Catalog.Framework(a.Framework); ok {
		w.Framework = fw.Title
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return w, err
	}
	counts := map[int64]int{} // control ID → its evidence items
	inScope := map[int64]bool{}
	for _, sc := range scopedControls(controls, a.Framework) {
		c := sc.Control
		inScope[c.ID] = true
		w.Controls = append(w.Controls, WorkspaceControl{ID: c.ID, Ref: c.Ref, Name: c.Name, Status: c.Status, Criteria: sc.Criteria})
	}
	since, until, err := window(a)
	if err != nil {
		return w, err
	}
	// The same evidence as the audit's export package: an item speaks for a
	// control when it was collected before the period ends and was still
	// current for the control's frequency when it began (InPeriod); Type 1
	// reads that as of its date.
	start, end := since, until
	if a.Type == attest.AuditType1 {
		start = until.AddDate(0, 0, -1)
	}
	frequency := map[int64]string{}
	for _, c := range controls {
		frequency[c.ID] = c.Frequency
	}
	ev, err := s.DB.EvidenceList(ctx, p.OrgID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		return w, err
	}
	for _, e := range ev {
		var refs []string
		for _, c := range e.Controls {
			if inScope[c.ID] && InPeriod(e, frequency[c.ID], start, end) {
				refs = append(refs, c.Ref)
				counts[c.ID]++
			}
		}
		if len(refs) == 0 {
			continue
		}
		w.Evidence = append(w.Evidence, e)
		w.Items = append(w.Items, WorkspaceEvidence{ID: e.ID, UID: e.UID, Title: e.Title, Kind: e.Kind, SHA256: e.SHA256, CollectedAt: e.CollectedAt, Controls: refs})
	}
	for i := range w.Controls {
		w.Controls[i].Evidence = counts[w.Controls[i].ID]
	}
	if w.Auditors, err = s.DB.Auditors(ctx, p.OrgID, id); err != nil {
		return w, err
	}
	// The policy texts that governed the period: Type 1 those in force at
	// its date.
	policySince := since
	if a.Type == attest.AuditType1 {
		policySince = until
	}
	policies, err := s.DB.Policies(ctx, p.OrgID)
	if err != nil {
		return w, err
	}
	w.Policies = []WorkspacePolicy{}
	for _, pol := range policies {
		versions, err := s.DB.PolicyVersions(ctx, p.OrgID, pol.ID)
		if err != nil {
			return w, err
		}
		for _, v := range attest.VersionsInForce(versions, policySince, until) {
			w.Policies = append(w.Policies, WorkspacePolicy{VersionID: v.ID, Key: pol.Key, Title: pol.Title, Label: v.Label, Hash: v.Hash, PublishedAt: *v.PublishedAt})
			w.versions = append(w.versions, v)
		}
	}
	_, day := a.Window()
	// The store's clock, as the recordings have it. A closed audit is no
	// longer recorded for.
	w.ReportDay = ReportDayReadiness{Day: day, Closed: a.Status == attest.AuditClosed,
		Upcoming: a.Status != attest.AuditClosed && s.DB.Now().UTC().Format(attest.DateLayout) <= day}
	rec, at, ok, err := ReadinessOn(ctx, &s.DB.Queries, p.OrgID, a.Framework, day)
	if err != nil {
		return w, err
	}
	if ok {
		w.ReportDay.Recorded, w.ReportDay.Percent, w.ReportDay.RecordedAt = true, rec.Percent, at
	}
	if w.Controls == nil {
		w.Controls = []WorkspaceControl{}
	}
	if w.Items == nil {
		w.Items = []WorkspaceEvidence{}
	}
	return w, nil
}

// Evidence returns one evidence item of the audit's workspace for p, and
// records in the activity log that an invited auditor opened it: the
// organization sees everything its auditors download. Evidence outside the
// audit (another control, another window) is ENOTFOUND, as if absent.
func (s Audits) Evidence(ctx context.Context, p attest.Principal, auditID, evidenceID int64) (attest.Evidence, error) {
	w, err := s.Workspace(ctx, p, auditID)
	if err != nil {
		return attest.Evidence{}, err
	}
	found := slices.IndexFunc(w.Evidence, func(e attest.Evidence) bool { return e.ID == evidenceID }) >= 0
	if !found {
		// Evidence provided for one of the audit's requests is the audit's
		// too, wherever and whenever it was collected.
		if found, err = s.DB.AttachedToAudit(ctx, p.OrgID, auditID, evidenceID); err != nil {
			return attest.Evidence{}, err
		}
		if found {
			e, err := s.DB.Evidence(ctx, p.OrgID, evidenceID)
			if err != nil {
				return e, err
			}
			w.Evidence = append(w.Evidence, e)
		}
	}
	for _, e := range w.Evidence {
		if e.ID == evidenceID {
			if p.Guest() {
				err := s.DB.Log(ctx, p.Record("audit.evidence_downloaded", "evidence", strconv.FormatInt(e.ID, 10),
					fmt.Sprintf("Auditor %s downloaded %q for %q", p.Label, e.Title, w.Audit.Name)))
				if err != nil {
					return e, err
				}
			}
			return e, nil
		}
	}
	return attest.Evidence{}, attest.Errorf(attest.ENOTFOUND, "evidence %d is not part of this audit", evidenceID)
}

// Policy returns a policy version of the audit's workspace (one in force
// during its period) with its policy's title, logging an invited auditor's
// download; any other version is ENOTFOUND.
func (s Audits) Policy(ctx context.Context, p attest.Principal, auditID, versionID int64) (WorkspacePolicy, attest.PolicyVersion, error) {
	w, err := s.Workspace(ctx, p, auditID)
	if err != nil {
		return WorkspacePolicy{}, attest.PolicyVersion{}, err
	}
	for i, v := range w.versions {
		if v.ID != versionID {
			continue
		}
		if p.Guest() {
			err := s.DB.Log(ctx, p.Record("audit.policy_downloaded", "policy_version", strconv.FormatInt(v.ID, 10),
				fmt.Sprintf("Auditor %s downloaded %s %s for %q", p.Label, w.Policies[i].Title, v.Label, w.Audit.Name)))
			if err != nil {
				return WorkspacePolicy{}, v, err
			}
		}
		return w.Policies[i], v, nil
	}
	return WorkspacePolicy{}, attest.PolicyVersion{}, attest.Errorf(attest.ENOTFOUND, "policy version %d is not part of this audit", versionID)
}

// Viewed records that an invited auditor opened a page of the audit; members'
// reads are not logged (their activity is their own organization's work).
func (s Audits) Viewed(ctx context.Context, p attest.Principal, auditID int64, what string) error {
	if !p.Guest() {
		return nil
	}
	return s.DB.Log(ctx, p.Record("audit.viewed", "audit", strconv.FormatInt(auditID, 10), fmt.Sprintf("Auditor %s opened %s", p.Label, what)))
}

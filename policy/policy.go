// Package policy runs an organization's policies through their life: adopted
// from a template or written from scratch, edited as drafts, submitted to
// named approvers, approved by a quorum (then fixed), published, accepted by
// the people who must, reviewed on a cadence, and retired. Approved versions,
// approvals and acceptances are ledger records, appended through the one
// ledger path in the transaction that stores them.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/store"
)

// Service changes and reads policies. Templates are the shipped templates
// (templates.Load); GraceDays the acceptance grace period (0: the default).
type Service struct {
	DB        *store.DB
	Ledger    *chain.Chain
	Templates []templates.Template
	GraceDays int
	// KeptStatus, when set, keeps each organization's acknowledgement
	// status between requests (store.Kept); nil derives it every time.
	KeptStatus *store.Kept[string, Status]
}

func (s *Service) grace() int {
	if s.GraceDays > 0 {
		return s.GraceDays
	}
	return attest.DefaultAcceptanceGraceDays
}

// Template returns a shipped template by ID.
func (s *Service) Template(id string) (templates.Template, bool) {
	for _, t := range s.Templates {
		if t.ID == id {
			return t, true
		}
	}
	return templates.Template{}, false
}

// List returns the organization's policies with their newest and published
// versions. It is for those who read the programme; employees see the
// policies they must accept through MyPolicies.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]attest.Policy, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Policies(ctx, p.OrgID)
}

// Get returns a policy and all its versions, newest first.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (attest.Policy, []attest.PolicyVersion, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Policy{}, nil, err
	}
	pol, err := s.DB.Policy(ctx, p.OrgID, id)
	if err != nil {
		return pol, nil, err
	}
	vs, err := s.DB.PolicyVersions(ctx, p.OrgID, id)
	return pol, vs, err
}

// GetByKey returns a policy by key and its versions.
func (s *Service) GetByKey(ctx context.Context, p attest.Principal, key string) (attest.Policy, []attest.PolicyVersion, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Policy{}, nil, err
	}
	pol, err := s.DB.PolicyByKey(ctx, p.OrgID, key)
	if err != nil {
		return pol, nil, err
	}
	vs, err := s.DB.PolicyVersions(ctx, p.OrgID, pol.ID)
	return pol, vs, err
}

// Values returns the organization's placeholder values: the templates'
// defaults, the organization's name as company_name, then what the
// organization set.
func (s *Service) Values(ctx context.Context, q *store.Queries, orgID int64) (map[string]string, error) {
	org, err := q.OrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	set, err := q.PolicySettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := templates.Defaults(s.Templates)
	out["company_name"] = org.Name
	for k, v := range set {
		out[k] = v
	}
	return out, nil
}

// Settings returns the placeholder values in effect, for the settings page.
func (s *Service) Settings(ctx context.Context, p attest.Principal) (map[string]string, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.Values(ctx, &s.DB.Queries, p.OrgID)
}

// SetSettings saves placeholder values; an empty value returns the variable
// to its default.
func (s *Service) SetSettings(ctx context.Context, p attest.Principal, values map[string]string) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	names := make([]string, 0, len(values))
	for k, v := range values {
		if !nameRE(k) {
			return attest.Invalid(k, "a variable name is lower-case letters, digits and underscores")
		}
		if strings.ContainsAny(v, "\r\n") || len(v) > 500 {
			return attest.Invalid(k, "a value is one line of at most 500 characters")
		}
		names = append(names, k)
	}
	slices.Sort(names)
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		for _, k := range names {
			if err := tx.SetPolicySetting(ctx, p.OrgID, k, strings.TrimSpace(values[k])); err != nil {
				return err
			}
		}
		return tx.Log(ctx, p.Record("policy.settings", "organization", strconv.FormatInt(p.OrgID, 10),
			"Changed policy values: "+strings.Join(names, ", ")))
	})
}

func nameRE(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Adopt creates a policy from a shipped template: its title, controls and
// criteria, and a first draft holding the template's text. key may be empty
// (the template's ID).
func (s *Service) Adopt(ctx context.Context, p attest.Principal, templateID, key string) (attest.Policy, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Policy{}, err
	}
	t, ok := s.Template(templateID)
	if !ok {
		return attest.Policy{}, attest.Invalid("template", "no template %q", templateID)
	}
	if key == "" {
		key = t.ID
	}
	pol := attest.Policy{OrgID: p.OrgID, Key: key, Title: t.Title, TemplateID: t.ID, OwnerID: p.UserID,
		Controls: t.Controls, Criteria: t.Criteria, Audience: attest.Audience{Everyone: true}}
	return s.create(ctx, p, pol, t.Body, "Adopted from the template "+t.Title)
}

// Create creates a policy written from scratch with its first draft.
func (s *Service) Create(ctx context.Context, p attest.Principal, pol attest.Policy, body string) (attest.Policy, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Policy{}, err
	}
	pol.OrgID, pol.TemplateID = p.OrgID, ""
	return s.create(ctx, p, pol, body, "")
}

func (s *Service) create(ctx context.Context, p attest.Principal, pol attest.Policy, body, note string) (attest.Policy, error) {
	err := s.DB.Update(ctx, func(tx *store.Queries) error { return s.createTx(ctx, tx, p, &pol, body, note) })
	if err != nil {
		return pol, err
	}
	return s.DB.Policy(ctx, p.OrgID, pol.ID)
}

// createTx stores a new policy and its first draft inside tx.
func (s *Service) createTx(ctx context.Context, tx *store.Queries, p attest.Principal, pol *attest.Policy, body, note string) error {
	if err := s.checkOwner(ctx, tx, p.OrgID, pol.OwnerID); err != nil {
		return err
	}
	if err := s.checkBody(ctx, tx, p.OrgID, body); err != nil {
		return err
	}
	if err := tx.CreatePolicy(ctx, pol); err != nil {
		return err
	}
	v := attest.PolicyVersion{PolicyID: pol.ID, Label: "1.0", State: attest.VersionDraft, Material: true, ChangeNote: note,
		Body: body, AuthorID: p.UserID, Quorum: 1}
	if err := s.addVersion(ctx, tx, p, &v); err != nil {
		return err
	}
	return tx.Log(ctx, p.Record("policy.created", "policy", pol.Key, "Created the policy "+pol.Title))
}

// addVersion stores a new version; its author must be a user (the CLI
// without an account writes as the organization's first admin).
func (s *Service) addVersion(ctx context.Context, tx *store.Queries, p attest.Principal, v *attest.PolicyVersion) error {
	if v.AuthorID == 0 {
		id, err := firstAdmin(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		v.AuthorID = id
	}
	return tx.AddPolicyVersion(ctx, p.OrgID, v)
}

func firstAdmin(ctx context.Context, tx *store.Queries, orgID int64) (int64, error) {
	ms, err := tx.Members(ctx, orgID)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.Role == attest.RoleAdmin {
			return m.User.ID, nil
		}
	}
	return 0, attest.Errorf(attest.EINVALID, "the organization has no admin to write as")
}

func (s *Service) checkOwner(ctx context.Context, tx *store.Queries, orgID, userID int64) error {
	if userID == 0 {
		return nil
	}
	m, err := tx.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid("owner", "is not a member of the organization")
	}
	if err != nil {
		return err
	}
	return attest.MayOwn(m.Role, "owner")
}

// checkBody refuses a body over the size bound or whose placeholders the
// organization has no value for, naming the line.
func (s *Service) checkBody(ctx context.Context, tx *store.Queries, orgID int64, body string) error {
	if len(body) > attest.MaxPolicyBody {
		return attest.Invalid("body", "is longer than %d KiB", attest.MaxPolicyBody>>10)
	}
	if strings.TrimSpace(body) == "" {
		return attest.Invalid("body", "is empty")
	}
	values, err := s.Values(ctx, tx, orgID)
	if err != nil {
		return err
	}
	if _, err := templates.Fill(body, values); err != nil {
		return attest.Invalid("body", "%v", err)
	}
	return nil
}

// Change saves a policy's own fields: title, owner, audience, review cadence,
// controls and criteria.
func (s *Service) Change(ctx context.Context, p attest.Principal, pol attest.Policy) (attest.Policy, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return pol, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error { return s.changeTx(ctx, tx, p, &pol) })
	if err != nil {
		return pol, err
	}
	return s.DB.Policy(ctx, p.OrgID, pol.ID)
}

// changeTx saves a policy's own fields inside tx.
func (s *Service) changeTx(ctx context.Context, tx *store.Queries, p attest.Principal, pol *attest.Policy) error {
	old, err := tx.Policy(ctx, p.OrgID, pol.ID)
	if err != nil {
		return err
	}
	pol.OrgID, pol.Key, pol.TemplateID, pol.Retired = p.OrgID, old.Key, old.TemplateID, old.Retired
	if err := s.checkOwner(ctx, tx, p.OrgID, pol.OwnerID); err != nil {
		return err
	}
	if err := tx.UpdatePolicy(ctx, pol); err != nil {
		return err
	}
	return tx.Log(ctx, p.Record("policy.changed", "policy", pol.Key, fmt.Sprintf("Changed the policy %s (audience: %s, review every %d months)",
		pol.Title, pol.Audience, pol.ReviewMonths)))
}

// Draft is a change to a policy's text.
type Draft struct {
	Body       string
	ChangeNote string
	Material   bool // people must accept the new version again
}

// SaveDraft saves text as the policy's draft: it replaces the newest version
// while that is a draft, and otherwise starts a new draft version.
func (s *Service) SaveDraft(ctx context.Context, p attest.Principal, policyID int64, d Draft) (attest.PolicyVersion, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.PolicyVersion{}, err
	}
	var v attest.PolicyVersion
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		v, err = s.saveDraftTx(ctx, tx, p, policyID, d)
		return err
	})
	return v, err
}

// saveDraftTx saves a draft inside tx.
func (s *Service) saveDraftTx(ctx context.Context, tx *store.Queries, p attest.Principal, policyID int64, d Draft) (attest.PolicyVersion, error) {
	var v attest.PolicyVersion
	err := func() error {
		pol, err := tx.Policy(ctx, p.OrgID, policyID)
		if err != nil {
			return err
		}
		if pol.Retired {
			return attest.Errorf(attest.ECONFLICT, "the policy %s is retired", pol.Title)
		}
		if err := s.checkBody(ctx, tx, p.OrgID, d.Body); err != nil {
			return err
		}
		if pol.Latest != nil && pol.Latest.State == attest.VersionInReview {
			return attest.Errorf(attest.ECONFLICT, "version %s is in review: ask an approver to reject it before changing the text", pol.Latest.Label)
		}
		if pol.Latest != nil && pol.Latest.Editable() {
			v = *pol.Latest
			if v.Number == 1 {
				d.Material = true // the first version is always accepted by everyone
			}
			v.Body, v.ChangeNote, v.Material = d.Body, d.ChangeNote, d.Material
			v.Label, err = s.label(ctx, tx, p.OrgID, pol.ID, v.Number, v.Material)
			if err != nil {
				return err
			}
			if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &v); err != nil {
				return err
			}
			return tx.Log(ctx, p.Record("policy.draft_saved", "policy", pol.Key, fmt.Sprintf("Saved the draft %s of %s", v.Label, pol.Title)))
		}
		next := 1
		if pol.Latest != nil {
			next = pol.Latest.Number + 1
		}
		v = attest.PolicyVersion{PolicyID: pol.ID, State: attest.VersionDraft, Material: d.Material || next == 1, ChangeNote: d.ChangeNote,
			Body: d.Body, AuthorID: p.UserID, Quorum: 1}
		if pol.Latest != nil {
			v.Approvers, v.Quorum = clearDecisions(pol.Latest.Approvers), pol.Latest.Quorum
		}
		if v.Label, err = s.label(ctx, tx, p.OrgID, pol.ID, next, v.Material); err != nil {
			return err
		}
		if err := s.addVersion(ctx, tx, p, &v); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("policy.draft_started", "policy", pol.Key, fmt.Sprintf("Started the draft %s of %s", v.Label, pol.Title)))
	}()
	return v, err
}

// label names version number n of a policy, given whether it is material.
func (s *Service) label(ctx context.Context, tx *store.Queries, orgID, policyID int64, n int, material bool) (string, error) {
	vs, err := tx.PolicyVersions(ctx, orgID, policyID)
	if err != nil {
		return "", err
	}
	flags := make([]bool, n)
	for _, v := range vs {
		if v.Number < n {
			flags[v.Number-1] = v.Material
		}
	}
	flags[n-1] = material
	return attest.VersionLabel(flags), nil
}

func clearDecisions(as []attest.Approver) []attest.Approver {
	out := make([]attest.Approver, len(as))
	for i, a := range as {
		out[i] = attest.Approver{UserID: a.UserID, Name: a.Name}
	}
	return out
}

// Preview fills the organization's values into body and renders it as
// sanitized HTML, as people will read it once submitted. A placeholder
// without a value is an error naming its line.
func (s *Service) Preview(ctx context.Context, p attest.Principal, body string) (string, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return "", err
	}
	if len(body) > attest.MaxPolicyBody {
		return "", attest.Invalid("body", "is longer than %d KiB", attest.MaxPolicyBody>>10)
	}
	values, err := s.Values(ctx, &s.DB.Queries, p.OrgID)
	if err != nil {
		return "", err
	}
	filled, err := templates.Fill(body, values)
	if err != nil {
		return "", attest.Invalid("body", "%v", err)
	}
	return templates.HTML(filled)
}

// Submit sends a draft to named approvers, of whom quorum must approve. The
// text people will read is fixed now: placeholders are filled and hashed.
// Approvers are members who may own work (not auditors) and not the author.
func (s *Service) Submit(ctx context.Context, p attest.Principal, versionID int64, approvers []int64, quorum int) (attest.PolicyVersion, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.PolicyVersion{}, err
	}
	var v attest.PolicyVersion
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var pol attest.Policy
		var err error
		if v, pol, err = loadVersion(ctx, tx, p.OrgID, versionID); err != nil {
			return err
		}
		if v.State != attest.VersionDraft {
			return attest.Errorf(attest.ECONFLICT, "version %s is %s, not a draft", v.Label, StateLabel(v.State))
		}
		if len(approvers) == 0 {
			return attest.Invalid("approvers", "name at least one approver")
		}
		if quorum < 1 || quorum > len(approvers) {
			return attest.Invalid("quorum", "must be between 1 and the number of approvers (%d), got %d", len(approvers), quorum)
		}
		var named []attest.Approver
		for _, id := range approvers {
			m, err := tx.Membership(ctx, p.OrgID, id)
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				return attest.Invalid("approvers", "user %d is not a member of the organization", id)
			}
			if err != nil {
				return err
			}
			if m.Role == attest.RoleAuditor {
				return attest.Invalid("approvers", "%s is an auditor: auditors examine policies and approve none", m.User.Email)
			}
			if id == v.AuthorID {
				return attest.Invalid("approvers", "%s wrote this version and cannot approve it", m.User.Email)
			}
			if slices.ContainsFunc(named, func(a attest.Approver) bool { return a.UserID == id }) {
				return attest.Invalid("approvers", "%s is named twice", m.User.Email)
			}
			name := m.User.Email
			if m.User.Name != "" && m.User.Name != m.User.Email {
				name = m.User.Name + " <" + m.User.Email + ">"
			}
			named = append(named, attest.Approver{UserID: id, Name: name})
		}
		values, err := s.Values(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		content, err := templates.Fill(v.Body, values)
		if err != nil {
			return attest.Invalid("body", "%v", err)
		}
		now := tx.Now()
		sum := sha256.Sum256([]byte(content))
		v.Content, v.Hash, v.Approvers, v.Quorum, v.State, v.SubmittedAt = content, hex.EncodeToString(sum[:]), named, quorum, attest.VersionInReview, &now
		if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &v); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("policy.submitted", "policy", pol.Key, fmt.Sprintf("Submitted %s %s for approval by %d of %d approvers",
			pol.Title, v.Label, quorum, len(named))))
	})
	return v, err
}

// loadVersion reads a version and its policy inside tx.
func loadVersion(ctx context.Context, tx *store.Queries, orgID, versionID int64) (attest.PolicyVersion, attest.Policy, error) {
	v, err := tx.PolicyVersion(ctx, orgID, versionID)
	if err != nil {
		return v, attest.Policy{}, err
	}
	pol, err := tx.Policy(ctx, orgID, v.PolicyID)
	return v, pol, err
}

// Decision is an approver's decision on a version in review.
type Decision struct {
	Decision string // attest.DecisionApprove or attest.DecisionReject
	Comment  string
	// EvidenceUID names evidence the decision rests on, such as the board
	// minutes that approved the policy.
	EvidenceUID string
}

// Decide records a named approver's decision. Approving records an approval;
// once a quorum approved, the version is approved and its text becomes a
// ledger record. Rejecting returns the version to draft, with every decision
// cleared, so the author can change it and submit again.
func (s *Service) Decide(ctx context.Context, p attest.Principal, versionID int64, d Decision) (attest.PolicyVersion, error) {
	if err := p.Require(attest.ActWork); err != nil {
		return attest.PolicyVersion{}, err
	}
	if d.Decision != attest.DecisionApprove && d.Decision != attest.DecisionReject {
		return attest.PolicyVersion{}, attest.Invalid("decision", "must be approve or reject (got %q)", d.Decision)
	}
	if len(d.Comment) > 2000 {
		return attest.PolicyVersion{}, attest.Invalid("comment", "must be at most 2000 characters")
	}
	var v attest.PolicyVersion
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var pol attest.Policy
		var err error
		if v, pol, err = loadVersion(ctx, tx, p.OrgID, versionID); err != nil {
			return err
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if v.State != attest.VersionInReview {
			return attest.Errorf(attest.ECONFLICT, "version %s is %s, not in review", v.Label, StateLabel(v.State))
		}
		i := slices.IndexFunc(v.Approvers, func(a attest.Approver) bool { return a.UserID == p.UserID && p.UserID != 0 })
		if i < 0 {
			return attest.Errorf(attest.EFORBIDDEN, "you are not an approver of %s %s", pol.Title, v.Label)
		}
		if v.Approvers[i].Decision != "" {
			return attest.Errorf(attest.ECONFLICT, "you already decided on %s %s", pol.Title, v.Label)
		}
		if d.EvidenceUID != "" {
			if _, err := tx.EvidenceByUID(ctx, p.OrgID, d.EvidenceUID); err != nil {
				if attest.ErrorCode(err) == attest.ENOTFOUND {
					return attest.Invalid("evidence", "no evidence %q in this organization", d.EvidenceUID)
				}
				return err
			}
		}
		now := tx.Now()
		uid := attest.NewUID("pa_")
		v.Approvers[i].Decision, v.Approvers[i].Comment, v.Approvers[i].At = d.Decision, d.Comment, &now
		v.Approvers[i].EvidenceUID, v.Approvers[i].RecordUID = d.EvidenceUID, uid
		rec := map[string]any{"type": ledger.RecordTypePolicyApproval, "org": org.Slug, "uid": uid, "policy": pol.Key,
			"version": v.Label, "hash": v.Hash, "approver": p.Label, "decision": d.Decision, "comment": d.Comment,
			"evidence": d.EvidenceUID, "at": ledger.FormatTime(now)}
		if err := s.record(ctx, tx, org, ledger.RecordTypePolicyApproval, uid, rec); err != nil {
			return err
		}
		summary := fmt.Sprintf("Approved %s %s", pol.Title, v.Label)
		switch {
		case d.Decision == attest.DecisionReject:
			summary = fmt.Sprintf("Rejected %s %s: %s", pol.Title, v.Label, d.Comment)
			v.State, v.SubmittedAt, v.Content, v.Hash = attest.VersionDraft, nil, "", ""
			v.Approvers = clearDecisions(v.Approvers)
		case v.Approvals() >= v.Quorum:
			v.State, v.ApprovedAt = attest.VersionApproved, &now
			var approvedBy []string
			for _, a := range v.Approvers {
				if a.Decision == attest.DecisionApprove {
					approvedBy = append(approvedBy, a.Name)
				}
			}
			author, err := tx.UserByID(ctx, v.AuthorID)
			if err != nil {
				return err
			}
			vid := attest.NewUID("pv_")
			rec := map[string]any{"type": ledger.RecordTypePolicyVersion, "org": org.Slug, "id": vid, "policy": pol.Key,
				"title": pol.Title, "version": v.Label, "material": v.Material, "hash": v.Hash, "content": v.Content,
				"author": author.Email, "approvers": approvedBy, "quorum": v.Quorum, "approved_at": ledger.FormatTime(now)}
			if err := s.record(ctx, tx, org, ledger.RecordTypePolicyVersion, vid, rec); err != nil {
				return err
			}
			summary += fmt.Sprintf(" (quorum of %d reached: approved)", v.Quorum)
		}
		if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &v); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("policy."+d.Decision, "policy", pol.Key, summary))
	})
	return v, err
}

// Publish makes an approved version the one people read and accept; the
// version it replaces is superseded. Its review date is set from now.
func (s *Service) Publish(ctx context.Context, p attest.Principal, versionID int64) (attest.PolicyVersion, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.PolicyVersion{}, err
	}
	var v attest.PolicyVersion
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var pol attest.Policy
		var err error
		if v, pol, err = loadVersion(ctx, tx, p.OrgID, versionID); err != nil {
			return err
		}
		if v.State != attest.VersionApproved {
			return attest.Errorf(attest.ECONFLICT, "version %s is %s: only an approved version is published", v.Label, StateLabel(v.State))
		}
		if pol.Retired {
			return attest.Errorf(attest.ECONFLICT, "the policy %s is retired", pol.Title)
		}
		if pol.Published != nil {
			if pol.Published.Number > v.Number {
				return attest.Errorf(attest.ECONFLICT, "a newer version (%s) is already published", pol.Published.Label)
			}
			old := *pol.Published
			old.State = attest.VersionSuperseded
			if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &old); err != nil {
				return err
			}
		}
		now := tx.Now()
		v.State, v.PublishedAt, v.ReviewBy = attest.VersionPublished, &now, attest.ReviewDate(now, pol.ReviewMonths)
		if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &v); err != nil {
			return err
		}
		what := "everyone it applies to accepts it again"
		if !v.Material {
			what = "a minor change: earlier acceptances stand"
		}
		return tx.Log(ctx, p.Record("policy.published", "policy", pol.Key, fmt.Sprintf("Published %s %s (%s)", pol.Title, v.Label, what)))
	})
	return v, err
}

// Retire withdraws a policy: its published version is retired and nobody
// must accept it any more. Its history stays.
func (s *Service) Retire(ctx context.Context, p attest.Principal, policyID int64) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		pol, err := tx.Policy(ctx, p.OrgID, policyID)
		if err != nil {
			return err
		}
		if pol.Retired {
			return attest.Errorf(attest.ECONFLICT, "the policy %s is already retired", pol.Title)
		}
		if pol.Published != nil {
			v := *pol.Published
			v.State = attest.VersionRetired
			if err := tx.UpdatePolicyVersion(ctx, p.OrgID, &v); err != nil {
				return err
			}
		}
		pol.Retired = true
		if err := tx.UpdatePolicy(ctx, &pol); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("policy.retired", "policy", pol.Key, "Retired the policy "+pol.Title))
	})
}

// record stores a record's canonical bytes and appends its entry.
func (s *Service) record(ctx context.Context, tx *store.Queries, org attest.Organization, typ, id string, rec any) error {
	return s.Ledger.AppendRecord(ctx, tx, org, typ, id, rec)
}

// StateLabel is a version state in words.
func StateLabel(state string) string {
	switch state {
	case attest.VersionInReview:
		return "in review"
	case "":
		return ""
	}
	return state
}

// MemberIDs resolves members' emails to their user IDs, for naming owners and
// approvers by email (API, CLI); an email that is not a member's is an error
// naming field.
func (s *Service) MemberIDs(ctx context.Context, p attest.Principal, field string, emails []string) ([]int64, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	members, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	byEmail := map[string]int64{}
	for _, m := range members {
		byEmail[m.User.Email] = m.User.ID
	}
	var out []int64
	for _, e := range emails {
		id, ok := byEmail[attest.NormalizeEmail(e)]
		if !ok {
			return nil, attest.Invalid(field, "%s is not a member of the organization", e)
		}
		out = append(out, id)
	}
	return out, nil
}

package programme

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// SOC 2 is always pursued, its reach set by its categories (Scope.Save).
// Other built-in frameworks (ISO 27001) are pursued when the organization
// brings them into scope; their requirements are then applicable unless the
// organization excludes one with a justification, which only a framework's
// optional requirements allow (ISO 27001's Annex A controls, never its
// clauses 4–10).

// Optional reports whether a requirement of a built-in framework may be
// excluded: an assessable ISO 27001 Annex A control. field names the form or
// API field in the error.
func Optional(fw *catalog.Framework, field, id string) error {
	r, ok := fw.Requirement(id)
	switch {
	case !ok:
		return attest.Invalid(field, "%q is not a requirement of %s", id, fw.Name)
	case fw.ID != ISO27001:
		return attest.Invalid(field, "%s requirements are not excluded one by one", fw.Name)
	case !strings.HasPrefix(r.Series, "A.") || !r.Assessable:
		return attest.Invalid(field, "%s is a clause of the management system: every clause applies; only Annex A controls can be excluded", id)
	}
	return nil
}

// pursuable returns a built-in framework other than SOC 2.
func (s Scope) pursuable(framework string) (*catalog.Framework, error) {
	fw, ok := s.Catalog.Framework(framework)
	if !ok || fw.ID == Framework {
		return nil, attest.Invalid("framework", "%q is not a framework you can bring into scope", framework)
	}
	return fw, nil
}

// SetFramework brings a built-in framework into the organization's scope
// (in true) or takes it out. Bringing one in gives controls adopted earlier
// the library's crosswalk mappings to it. Setting what is already set
// changes and records nothing.
func (s Scope) SetFramework(ctx context.Context, p attest.Principal, framework string, in bool) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	fw, err := s.pursuable(framework)
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		changed, err := tx.SetScopeFramework(ctx, p.OrgID, fw.ID, in)
		if err != nil || !changed {
			return err
		}
		action, summary := "scope.framework_added", "Brought "+fw.Name+" into scope"
		if !in {
			action, summary = "scope.framework_removed", "Took "+fw.Name+" out of scope"
		}
		if err := tx.Log(ctx, p.Record(action, "framework", fw.ID, summary)); err != nil {
			return err
		}
		if !in {
			return nil
		}
		synced, err := SyncCrosswalk(ctx, tx, s.Catalog, p.OrgID)
		if err != nil {
			return err
		}
		return logSync(ctx, tx, p, synced)
	})
}

// Exclude takes an optional requirement (an Annex A control) out of the
// framework's scope with a justification, or replaces the justification of
// one already excluded.
func (s Scope) Exclude(ctx context.Context, p attest.Principal, framework, requirement, justification string) (attest.Exclusion, error) {
	e := attest.Exclusion{OrgID: p.OrgID, Framework: framework, Requirement: strings.TrimSpace(requirement), Justification: justification, ExcludedBy: p.UserID}
	if err := p.Require(attest.ActEdit); err != nil {
		return e, err
	}
	fw, err := s.pursuable(framework)
	if err != nil {
		return e, err
	}
	if err := Optional(fw, "requirement", e.Requirement); err != nil {
		return e, err
	}
	if err := attest.ValidateExclusion(&e); err != nil {
		return e, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveExclusion(ctx, &e); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.requirement_excluded", "requirement", fw.ID+":"+e.Requirement,
			fmt.Sprintf("Excluded %s %s: %s", fw.Name, e.Requirement, e.Justification)))
	})
	return e, err
}

// Include makes an excluded requirement applicable again; including one
// that applies already changes and records nothing.
func (s Scope) Include(ctx context.Context, p attest.Principal, framework, requirement string) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	fw, err := s.pursuable(framework)
	if err != nil {
		return err
	}
	if err := Optional(fw, "requirement", requirement); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		err := tx.DeleteExclusion(ctx, p.OrgID, fw.ID, requirement)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.requirement_included", "requirement", fw.ID+":"+requirement,
			fmt.Sprintf("%s %s applies again", fw.Name, requirement)))
	})
}

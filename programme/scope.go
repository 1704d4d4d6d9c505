package programme

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// Scope changes what an organization's SOC 2 report covers: the categories,
// the system description, subservice organizations and complementary user
// entity controls.
type Scope struct {
	DB      Transactor // *store.DB
	Catalog *catalog.Catalog
}

// Save replaces the categories in scope and the system description. Unknown
// categories are refused; required ones are implied and not stored.
func (s Scope) Save(ctx context.Context, p attest.Principal, sc attest.Scope) (attest.Scope, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return sc, err
	}
	out := attest.Scope{OrgID: p.OrgID, SystemName: strings.TrimSpace(sc.SystemName), SystemSummary: strings.TrimSpace(sc.SystemSummary),
		Services: strings.TrimSpace(sc.Services), Infrastructure: strings.TrimSpace(sc.Infrastructure), Locations: strings.TrimSpace(sc.Locations)}
	fw := s.Catalog.SOC2()
	for _, id := range sc.Categories {
		cat, ok := fw.Category(id)
		if !ok {
			return sc, attest.Invalid("categories", "%q is not a category", id)
		}
		if !cat.Required && !slices.Contains(out.Categories, id) {
			out.Categories = append(out.Categories, id)
		}
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := tx.Scope(ctx, p.OrgID)
		if err != nil {
			return err
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		summary := "Updated the system description"
		if strings.Join(before.Categories, ",") != strings.Join(out.Categories, ",") {
			summary = "Categories in scope: security"
			for _, c := range out.Categories {
				summary += ", " + c
			}
		}
		if err := tx.SaveScope(ctx, &out); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.updated", "scope", org.Slug, summary))
	})
	return out, err
}

// AddSubservice records a subservice organization.
func (s Scope) AddSubservice(ctx context.Context, p attest.Principal, sub attest.SubserviceOrg) (attest.SubserviceOrg, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return sub, err
	}
	sub.ID, sub.OrgID, sub.Controls = 0, p.OrgID, strings.TrimSpace(sub.Controls)
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddSubservice(ctx, &sub); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.subservice_added", "subservice", idString(sub.ID),
			fmt.Sprintf("Added subservice organization %s (%s, %s)", sub.Name, sub.Service, sub.Method)))
	})
	return sub, err
}

// DeleteSubservice removes subservice organization id; another
// organization's is ENOTFOUND.
func (s Scope) DeleteSubservice(ctx context.Context, p attest.Principal, id int64) (attest.SubserviceOrg, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.SubserviceOrg{}, err
	}
	var sub attest.SubserviceOrg
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if sub, err = tx.DeleteSubservice(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.subservice_removed", "subservice", idString(sub.ID), "Removed subservice organization "+sub.Name))
	})
	return sub, err
}

// AddCUEC records a complementary user entity control. Errors name the
// fields "criteria" and "description" (the UI form prefixes them "cuec_").
func (s Scope) AddCUEC(ctx context.Context, p attest.Principal, cu attest.CUEC) (attest.CUEC, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return cu, err
	}
	cu.ID, cu.OrgID = 0, p.OrgID
	for _, id := range cu.Criteria {
		if err := s.Catalog.SOC2().Criterion("criteria", id); err != nil {
			return cu, err
		}
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddCUEC(ctx, &cu); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.cuec_added", "cuec", idString(cu.ID), "Added a complementary user entity control: "+cu.Description))
	})
	return cu, err
}

// DeleteCUEC removes complementary user entity control id; another
// organization's is ENOTFOUND.
func (s Scope) DeleteCUEC(ctx context.Context, p attest.Principal, id int64) (attest.CUEC, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.CUEC{}, err
	}
	var cu attest.CUEC
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if cu, err = tx.DeleteCUEC(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("scope.cuec_removed", "cuec", idString(cu.ID), "Removed a complementary user entity control: "+cu.Description))
	})
	return cu, err
}

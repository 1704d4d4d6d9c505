package programme

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// Controls changes an organization's controls: adopting the library, custom
// controls, their fields, mappings and retirement.
type Controls struct {
	DB      Transactor // *store.DB
	Catalog *catalog.Catalog
}

// Adopt copies every library control the organization lacks into it and
// returns those added; with none to add it changes and records nothing.
func (s Controls) Adopt(ctx context.Context, p attest.Principal) ([]attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return nil, err
	}
	var added []attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if added, err = Adopt(ctx, tx, s.Catalog, p.OrgID); err != nil {
			return err
		}
		if len(added) > 0 {
			if err := tx.Log(ctx, p.Record("controls.adopted", "control", "library",
				fmt.Sprintf("Adopted %d controls from the Attest control library", len(added)))); err != nil {
				return err
			}
		}
		// Controls adopted before get the crosswalk mappings they lack.
		synced, err := SyncCrosswalk(ctx, tx, s.Catalog, p.OrgID)
		if err != nil {
			return err
		}
		return logSync(ctx, tx, p, synced)
	})
	return added, err
}

// Create adds a custom control mapped to the given SOC 2 criteria. Family
// defaults to Custom; a ref that is a library control's ID is refused, since it
// would block adopting that control; a taken ref is ECONFLICT.
func (s Controls) Create(ctx context.Context, p attest.Principal, c attest.Control, criteria []string) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return c, err
	}
	c.ID, c.OrgID, c.LibraryID, c.Mappings = 0, p.OrgID, "", nil
	c.Family, c.Description = strings.TrimSpace(c.Family), strings.TrimSpace(c.Description)
	c.Evidence = cleanLines(c.Evidence)
	if c.Family == "" {
		c.Family = "Custom"
	}
	if _, ok := s.Catalog.Control(strings.TrimSpace(c.Ref)); ok {
		return c, attest.Invalid("ref", "%s is an ID of the control library; choose another, such as %s", c.Ref, NextCustomRef(nil))
	}
	for _, req := range criteria {
		if err := s.Catalog.SOC2().Criterion("criteria", req); err != nil {
			return c, err
		}
		c.Mappings = append(c.Mappings, attest.Mapping{Framework: Framework, Requirement: req, Source: attest.SourceOrganization})
	}
	if err := attest.ValidateControl(&c); err != nil {
		return c, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := checkOwner(ctx, tx, p.OrgID, c.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.CreateControl(ctx, &c); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("control.created", "control", c.Ref, "Created custom control "+c.Ref+" "+c.Name)); err != nil {
			return err
		}
		var err error
		c, err = tx.Control(ctx, p.OrgID, c.ID)
		return err
	})
	return c, err
}

// NextCustomRef suggests CUS-n for the first n not taken.
func NextCustomRef(taken map[string]bool) string {
	for n := 1; ; n++ {
		if ref := fmt.Sprintf("CUS-%d", n); !taken[ref] {
			return ref
		}
	}
}

// ControlChange is an edit of a control: nil fields keep their values, so the
// UI form (every field) and the API (status, owner, justification) make the
// same change. Ref and mappings change elsewhere.
type ControlChange struct {
	Name, Family, Description, Type, Frequency *string
	Evidence                                   *[]string
	OwnerID                                    *int64 // 0: unowned
	Status, Justification                      *string
}

// Update applies ch to control id and records what changed.
func (s Controls) Update(ctx context.Context, p attest.Principal, id int64, ch ControlChange) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Control{}, err
	}
	var c attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := tx.Control(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		c = before
		set := func(dst *string, v *string, trim bool) {
			if v != nil {
				*dst = *v
				if trim {
					*dst = strings.TrimSpace(*dst)
				}
			}
		}
		set(&c.Name, ch.Name, false)
		set(&c.Family, ch.Family, true)
		set(&c.Description, ch.Description, true)
		set(&c.Type, ch.Type, false)
		set(&c.Frequency, ch.Frequency, false)
		set(&c.Status, ch.Status, false)
		set(&c.Justification, ch.Justification, false)
		if ch.Evidence != nil {
			c.Evidence = cleanLines(*ch.Evidence)
		}
		if ch.OwnerID != nil {
			c.OwnerID = *ch.OwnerID
		}
		if err := attest.ValidateControl(&c); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, p.OrgID, c.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.UpdateControl(ctx, &c); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("control.updated", "control", c.Ref, describeControlChange(before, c))); err != nil {
			return err
		}
		c, err = tx.Control(ctx, p.OrgID, id)
		return err
	})
	return c, err
}

// MaxBulk is how many controls one bulk change may touch.
const MaxBulk = 500

// UpdateMany applies one change (an owner, a status, a justification) to
// several controls, all or nothing: each goes through Update's checks and
// leaves its own activity entry, and the first refusal undoes the lot and
// names the control it came from.
func (s Controls) UpdateMany(ctx context.Context, p attest.Principal, ids []int64, ch ControlChange) ([]attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return nil, err
	}
	switch {
	case len(ids) == 0:
		return nil, attest.Invalid("controls", "choose at least one control")
	case len(ids) > MaxBulk:
		return nil, attest.Invalid("controls", "choose at most %d controls at once", MaxBulk)
	case ch.OwnerID == nil && ch.Status == nil && ch.Justification == nil:
		return nil, attest.Invalid("change", "choose an owner or a status to set")
	}
	var out []attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		one := Controls{DB: InTx(tx), Catalog: s.Catalog}
		for _, id := range ids {
			c, err := one.Update(ctx, p, id, ch)
			if err != nil {
				return namedControl(ctx, tx, p.OrgID, id, err)
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// namedControl prefixes a refusal with the control it concerns.
func namedControl(ctx context.Context, tx *store.Queries, orgID, id int64, err error) error {
	var e *attest.Error
	if !errors.As(err, &e) {
		return err
	}
	ref := fmt.Sprintf("control %d", id)
	if c, cerr := tx.Control(ctx, orgID, id); cerr == nil {
		ref = c.Ref
	}
	return &attest.Error{Code: e.Code, Field: "controls", Message: ref + ": " + e.Error()}
}

func cleanLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		for _, l := range strings.Split(l, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// describeControlChange summarises an edit for the activity log.
func describeControlChange(a, b attest.Control) string {
	var parts []string
	if a.Status != b.Status {
		parts = append(parts, fmt.Sprintf("status %s → %s", attest.StatusLabel(a.Status), attest.StatusLabel(b.Status)))
	}
	if a.OwnerID != b.OwnerID {
		parts = append(parts, "owner changed")
	}
	for _, f := range []struct {
		name string
		x, y string
	}{{"name", a.Name, b.Name}, {"description", a.Description, b.Description}, {"type", a.Type, b.Type}, {"frequency", a.Frequency, b.Frequency},
		{"justification", a.Justification, b.Justification}, {"family", a.Family, b.Family}, {"expected evidence", strings.Join(a.Evidence, "\n"), strings.Join(b.Evidence, "\n")}} {
		if f.x != f.y {
			parts = append(parts, f.name+" edited")
		}
	}
	if len(parts) == 0 {
		return "Saved " + b.Ref + " without changes"
	}
	return "Updated " + b.Ref + ": " + strings.Join(parts, ", ")
}

// Map ties control id to a requirement of a built-in framework (framework ""
// is SOC 2) or of a framework the organization imported, with a type (""
// is equivalent); mapping twice is harmless.
func (s Controls) Map(ctx context.Context, p attest.Principal, id int64, framework, requirement, typ string) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Control{}, err
	}
	m := attest.Mapping{Framework: framework, Requirement: strings.TrimSpace(requirement), Source: attest.SourceOrganization, Type: typ}
	if m.Framework == "" {
		m.Framework = Framework
	}
	if m.Type == "" {
		m.Type = attest.MappingEquivalent
	}
	if err := attest.ValidMappingType("type", m.Type); err != nil {
		return attest.Control{}, err
	}
	var c attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if c, err = tx.Control(ctx, p.OrgID, id); err != nil {
			return err
		}
		if err := MappableRequirement(ctx, tx, s.Catalog, p.OrgID, m.Framework, m.Requirement); err != nil {
			return err
		}
		if err := tx.Map(ctx, p.OrgID, c.ID, m); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("control.mapped", "control", c.Ref, fmt.Sprintf("Mapped %s to %s %s (%s)", c.Ref, m.Framework, m.Requirement, m.Type))); err != nil {
			return err
		}
		c, err = tx.Control(ctx, p.OrgID, id)
		return err
	})
	return c, err
}

// Unmap removes a mapping of control id; one that does not exist is ENOTFOUND.
func (s Controls) Unmap(ctx context.Context, p attest.Principal, id int64, framework, requirement string) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Control{}, err
	}
	var c attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if c, err = tx.Control(ctx, p.OrgID, id); err != nil {
			return err
		}
		if err := tx.Unmap(ctx, p.OrgID, c.ID, framework, requirement); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("control.unmapped", "control", c.Ref, fmt.Sprintf("Unmapped %s from %s %s", c.Ref, framework, requirement))); err != nil {
			return err
		}
		c, err = tx.Control(ctx, p.OrgID, id)
		return err
	})
	return c, err
}

// Retype changes the type of a mapping of control id, a library mapping or
// the organization's own; the mapping becomes the organization's, so the
// library's crosswalk no longer changes it. One that does not exist is
// ENOTFOUND.
func (s Controls) Retype(ctx context.Context, p attest.Principal, id int64, framework, requirement, typ string) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Control{}, err
	}
	if err := attest.ValidMappingType("type", typ); err != nil {
		return attest.Control{}, err
	}
	var c attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if c, err = tx.Control(ctx, p.OrgID, id); err != nil {
			return err
		}
		before := ""
		for _, m := range c.Mappings {
			if m.Framework == framework && m.Requirement == requirement {
				before = m.Type
			}
		}
		if err := tx.SetMappingType(ctx, p.OrgID, c.ID, framework, requirement, typ); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("control.mapping_retyped", "control", c.Ref,
			fmt.Sprintf("Changed the mapping of %s to %s %s from %s to %s", c.Ref, framework, requirement, before, typ))); err != nil {
			return err
		}
		c, err = tx.Control(ctx, p.OrgID, id)
		return err
	})
	return c, err
}

// Retire stops control id from counting toward readiness; Restore undoes it.
func (s Controls) Retire(ctx context.Context, p attest.Principal, id int64) (attest.Control, error) {
	return s.setRetired(ctx, p, id, true)
}

// Restore makes a retired control count again.
func (s Controls) Restore(ctx context.Context, p attest.Principal, id int64) (attest.Control, error) {
	return s.setRetired(ctx, p, id, false)
}

func (s Controls) setRetired(ctx context.Context, p attest.Principal, id int64, retire bool) (attest.Control, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Control{}, err
	}
	action, verb := "control.retired", "Retired"
	if !retire {
		action, verb = "control.restored", "Restored"
	}
	var c attest.Control
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if c, err = tx.Control(ctx, p.OrgID, id); err != nil {
			return err
		}
		if err := tx.SetControlRetired(ctx, p.OrgID, c.ID, retire); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record(action, "control", c.Ref, verb+" "+c.Ref+" "+c.Name)); err != nil {
			return err
		}
		c, err = tx.Control(ctx, p.OrgID, id)
		return err
	})
	return c, err
}

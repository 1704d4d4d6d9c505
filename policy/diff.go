package policy

import (
	"context"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/templates"
)

// Diff compares the text of two versions of a policy.
type Diff struct {
	Policy   attest.Policy          `json:"-"`
	Versions []attest.PolicyVersion `json:"-"` // every version, newest first, for pickers
	From     attest.PolicyVersion   `json:"from"`
	To       attest.PolicyVersion   `json:"to"`
	Lines    []attest.DiffLine      `json:"lines"`
	// Complete is false when the versions were too far apart to compare line
	// by line, and the whole text shows as replaced.
	Complete bool `json:"complete"`
	Removed  int  `json:"removed"`
	Added    int  `json:"added"`
}

// Diff compares two versions of the policy key, by version ID (0: the
// default). By default it compares the published version with the newest, or
// the newest with the one before when the newest is published.
func (s *Service) Diff(ctx context.Context, p attest.Principal, key string, fromID, toID int64) (Diff, error) {
	pol, versions, err := s.GetByKey(ctx, p, key)
	if err != nil {
		return Diff{}, err
	}
	if len(versions) == 0 {
		return Diff{}, attest.Errorf(attest.ENOTFOUND, "%s has no versions", pol.Title)
	}
	d := Diff{Policy: pol, Versions: versions, To: versions[0], From: versions[len(versions)-1]}
	if pol.Published != nil && pol.Published.ID != versions[0].ID {
		d.From = *pol.Published
	} else if len(versions) > 1 {
		d.From = versions[1]
	}
	pick := func(field string, id int64, into *attest.PolicyVersion) error {
		if id == 0 {
			return nil
		}
		i := slices.IndexFunc(versions, func(v attest.PolicyVersion) bool { return v.ID == id })
		if i < 0 {
			return attest.Invalid(field, "%s has no version %d", pol.Title, id)
		}
		*into = versions[i]
		return nil
	}
	if err := pick("from", fromID, &d.From); err != nil {
		return Diff{}, err
	}
	if err := pick("to", toID, &d.To); err != nil {
		return Diff{}, err
	}
	values, err := s.Values(ctx, &s.DB.Queries, p.OrgID)
	if err != nil {
		return Diff{}, err
	}
	d.Lines, d.Complete = attest.DiffLines(readText(d.From, values), readText(d.To, values))
	d.Removed, d.Added = attest.DiffChanged(d.Lines)
	return d, nil
}

// readText is a version's text as people read it: fixed once submitted; for
// a draft, filled with today's values (or as written, while a placeholder
// has none), so a diff shows changes of wording, not of placeholders.
func readText(v attest.PolicyVersion, values map[string]string) string {
	if v.Content != "" {
		return v.Content
	}
	if filled, err := templates.Fill(v.Body, values); err == nil {
		return filled
	}
	return v.Body
}

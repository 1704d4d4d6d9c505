package policy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/policyfile"
	"github.com/attest-hq/attest/store"
)

// ExportFiles is every policy not retired as a file: its own fields, and the
// text of its newest version as written (placeholders and all), so editing
// the file and importing it continues from where the policy stands.
func (s *Service) ExportFiles(ctx context.Context, p attest.Principal) ([]policyfile.File, error) {
	list, err := s.List(ctx, p)
	if err != nil {
		return nil, err
	}
	members, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	emails := map[int64]string{}
	for _, m := range members {
		emails[m.User.ID] = m.User.Email
	}
	var out []policyfile.File
	for _, pol := range list {
		if pol.Retired || pol.Latest == nil {
			continue
		}
		v, err := s.DB.PolicyVersion(ctx, p.OrgID, pol.Latest.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, policyfile.File{Name: pol.Key + ".md", Key: pol.Key, Title: pol.Title, Owner: emails[pol.OwnerID],
			Audience: pol.Audience, ReviewMonths: pol.ReviewMonths, Controls: pol.Controls, Criteria: pol.Criteria,
			Version: v.Label + " (" + StateLabel(v.State) + ")", Body: v.Body})
	}
	return out, nil
}

// FileOutcome is what an import did with one file.
type FileOutcome struct {
	File    string `json:"file"`
	Outcome string `json:"outcome"` // created, changed, draft, changed+draft, unchanged
	Version string `json:"version,omitempty"`
}

// ImportReport sums up an import.
type ImportReport struct {
	Files                               []FileOutcome `json:"files"`
	Created, Changed, Drafts, Unchanged int
}

// ImportFiles brings policies as files into the organization, all or
// nothing: a new key creates a policy with its first draft; a known one has
// its fields changed where they differ, and a changed text saved as a draft
// (a new version when the newest was approved). Nothing is approved or
// published: drafts go through review in Attest. Any error (an owner who is
// not a member, a placeholder without a value, a version in review) names
// its file, and nothing is stored.
func (s *Service) ImportFiles(ctx context.Context, p attest.Principal, files []policyfile.File) (ImportReport, error) {
	return s.importFiles(ctx, p, files, true)
}

// CheckFiles does everything ImportFiles does, in a transaction it then rolls
// back: the report says what an import would do, and any refusal is the one
// the import would meet. For a CI check of a pull request.
func (s *Service) CheckFiles(ctx context.Context, p attest.Principal, files []policyfile.File) (ImportReport, error) {
	return s.importFiles(ctx, p, files, false)
}

// errChecked rolls back a checked import.
var errChecked = errors.New("policy files checked")

func (s *Service) importFiles(ctx context.Context, p attest.Principal, files []policyfile.File, keep bool) (ImportReport, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		members, err := tx.Members(ctx, p.OrgID)
		if err != nil {
			return err
		}
		byEmail := map[string]int64{}
		for _, m := range members {
			byEmail[m.User.Email] = m.User.ID
		}
		seen := map[string]bool{}
		for _, f := range files {
			if seen[f.Key] {
				return attest.Errorf(attest.EINVALID, "%s: a second file for the policy %s", f.Name, f.Key)
			}
			seen[f.Key] = true
			out, err := s.importFile(ctx, tx, p, f, byEmail)
			if err != nil {
				return fileError(f, err)
			}
			rep.Files = append(rep.Files, out)
			switch out.Outcome {
			case "created":
				rep.Created++
			case "unchanged":
				rep.Unchanged++
			case "draft":
				rep.Drafts++
			case "changed":
				rep.Changed++
			case "changed+draft":
				rep.Changed++
				rep.Drafts++
			}
		}
		if !keep {
			return errChecked
		}
		return nil
	})
	if err != nil && !errors.Is(err, errChecked) {
		return ImportReport{}, err
	}
	return rep, nil
}

func (s *Service) importFile(ctx context.Context, tx *store.Queries, p attest.Principal, f policyfile.File, byEmail map[string]int64) (FileOutcome, error) {
	out := FileOutcome{File: f.Name}
	var owner int64
	if f.Owner != "" {
		id, ok := byEmail[attest.NormalizeEmail(f.Owner)]
		if !ok {
			return out, attest.Invalid("owner", "%s is not a member of the organization", f.Owner)
		}
		owner = id
	}
	pol, err := tx.PolicyByKey(ctx, p.OrgID, f.Key)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		if owner == 0 {
			owner = p.UserID
		}
		pol = attest.Policy{OrgID: p.OrgID, Key: f.Key, Title: f.Title, OwnerID: owner, Controls: orEmpty(f.Controls),
			Criteria: orEmpty(f.Criteria), Audience: f.Audience, ReviewMonths: f.ReviewMonths}
		if err := attest.ValidatePolicy(&pol); err != nil {
			return out, err
		}
		if err := s.createTx(ctx, tx, p, &pol, f.Body, changeNote(f, "Imported from "+f.Name)); err != nil {
			return out, err
		}
		out.Outcome, out.Version = "created", "1.0"
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if pol.Retired {
		return out, attest.Errorf(attest.ECONFLICT, "the policy %s is retired; remove its file or give it a new key", f.Key)
	}
	want := pol
	want.Title, want.Audience, want.Controls, want.Criteria = f.Title, f.Audience, orEmpty(f.Controls), orEmpty(f.Criteria)
	if f.ReviewMonths != 0 {
		want.ReviewMonths = f.ReviewMonths
	}
	if owner != 0 {
		want.OwnerID = owner
	}
	if err := attest.ValidatePolicy(&want); err != nil {
		return out, err
	}
	var did []string
	if !samePolicy(pol, want) {
		if err := s.changeTx(ctx, tx, p, &want); err != nil {
			return out, err
		}
		did = append(did, "changed")
	}
	latest := ""
	if pol.Latest != nil {
		v, err := tx.PolicyVersion(ctx, p.OrgID, pol.Latest.ID)
		if err != nil {
			return out, err
		}
		latest, out.Version = v.Body, v.Label
	}
	if strings.TrimRight(latest, "\n") != strings.TrimRight(f.Body, "\n") {
		v, err := s.saveDraftTx(ctx, tx, p, pol.ID, Draft{Body: f.Body, ChangeNote: changeNote(f, "Imported from "+f.Name), Material: f.Material})
		if err != nil {
			return out, err
		}
		did, out.Version = append(did, "draft"), v.Label
	}
	out.Outcome = strings.Join(did, "+")
	if out.Outcome == "" {
		out.Outcome = "unchanged"
	}
	return out, nil
}

func samePolicy(a, b attest.Policy) bool {
	return a.Title == b.Title && a.OwnerID == b.OwnerID && a.ReviewMonths == b.ReviewMonths && slices.Equal(a.Controls, b.Controls) &&
		slices.Equal(a.Criteria, b.Criteria) && a.Audience.Everyone == b.Audience.Everyone &&
		slices.Equal(a.Audience.Departments, b.Audience.Departments) && slices.Equal(a.Audience.EmploymentTypes, b.Audience.EmploymentTypes)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func changeNote(f policyfile.File, def string) string {
	if f.ChangeNote != "" {
		return f.ChangeNote
	}
	return def
}

var bodyLine = regexp.MustCompile(`\bline (\d+)\b`)

// fileError names the file (and the file's line, for an error about the
// text, whose lines count from the body's first).
func fileError(f policyfile.File, err error) error {
	e, ok := err.(*attest.Error)
	if !ok {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	msg := e.Message
	where := f.Name
	switch attest.ErrorField(err) {
	case "body":
		if m := bodyLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			where = fmt.Sprintf("%s line %d", f.Name, f.BodyLine+n-1)
			msg = strings.TrimSpace(strings.TrimPrefix(strings.Replace(msg, m[0], "", 1), ":"))
		}
	case "":
	default:
		msg = attest.ErrorField(err) + ": " + msg
	}
	return attest.Errorf(attest.ErrorCode(err), "%s: %s", where, msg)
}

// Package change is the changes register (CC8.1): the changes that reached
// production over a window, each reconciled with its review. Pull requests
// and GitHub deployments come from each GitHub connection's latest complete
// collection; deployments GitHub does not record come from an uploaded deploy
// log. The judgement is the pure attest.ReconcileChanges.
package change

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
)

// Service answers for the changes register and keeps its rules and deploy log.
type Service struct {
	DB      *store.DB
	Monitor *monitor.Service
	// Evidence banks a window's register as evidence; nil for commands that
	// only read the register.
	Evidence *evidence.Service
	Now      func() time.Time

	// kept is what each connection's latest snapshot told (source).
	kept monitor.Derived[told]
}

// mayCollectRepositories reports whether connections of connector type typ
// may have collected repositories: a connector that is not installed here
// may have, before it was removed.
func (s *Service) mayCollectRepositories(typ string) bool {
	c, err := s.Monitor.Connectors.Get(typ)
	return err != nil || slices.Contains(c.Spec().ResourceTypes, "github.repository")
}

// source is what a connection's latest complete snapshot tells of changes.
type source struct {
	Source
	told
}

// told is what a snapshot tells of changes, kept by its SHA-256 (Derived).
type told struct {
	repositories int
	notes        []string
	pulls        []attest.PullRequest
	deps         []attest.Deployment
}

// source reads what connection c's latest complete snapshot tells of
// changes, or takes it from what was kept (monitor.Derived): a GitHub
// organization of 500 repositories is megabytes of JSON to decode on every
// page that shows changes due.
func (s *Service) source(ctx context.Context, orgID int64, c attest.Connection) (source, error) {
	src := source{Source: Source{Connection: c.Name, ConnectionID: c.ID}}
	run, err := s.Monitor.LatestComplete(ctx, orgID, c.ID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		src.Notes = append(src.Notes, "no complete collection yet")
		return src, nil
	}
	if err != nil {
		return src, err
	}
	src.told, err = s.kept.Get(ctx, s.Monitor, run, func(snap monitor.Snapshot) (told, error) {
		var t told
		for _, r := range snap.Resources {
			if r.Type != "github.repository" || r.Data["archived"] == true {
				continue
			}
			ps, ds, why := attest.ChangesOf(r)
			t.repositories++
			if why != "" {
				t.notes = append(t.notes, r.Key+": "+why)
			}
			t.pulls = append(t.pulls, ps...)
			t.deps = append(t.deps, ds...)
		}
		return t, nil
	})
	if err != nil {
		src.Notes = append(src.Notes, "the latest snapshot cannot be read: "+err.Error())
		return src, nil
	}
	src.CollectedAt = run.FinishedAt
	src.Repositories, src.Pulls, src.Deployments = src.repositories, len(src.pulls), len(src.deps)
	src.Notes = append(src.Notes, src.notes...)
	return src, nil
}

// BankControls are the library controls a banked register is evidence for:
// traceable change records, the emergency change procedure, and the
// periodic check for changes that bypassed review.
var BankControls = []string{"CHG-1", "CHG-3", "CHG-6"}

// maxNotes keeps a banked register's notes within evidence's limit (10,000
// bytes); the file holds everything.
const maxNotes = 9000

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// DefaultDays is the window a report covers unless asked otherwise: a quarter.
const DefaultDays = 90

// Source is one place the register read changes from.
type Source struct {
	Connection   string    `json:"connection"` // a GitHub connection's name, or "deploy log"
	ConnectionID int64     `json:"connection_id,omitempty"`
	CollectedAt  time.Time `json:"collected_at,omitzero"`
	Repositories int       `json:"repositories"`
	Pulls        int       `json:"pulls"`
	Deployments  int       `json:"deployments"`
	// Notes say what could not be read: no collection yet, a repository
	// whose pull requests or deployments the credential cannot see.
	Notes []string `json:"notes,omitempty"`
}

// String describes the source in a line: what it held, when it was
// collected, and what could not be read.
func (s Source) String() string {
	line := fmt.Sprintf("%s: %d repositories, %d pull request(s), %d deployment(s)", s.Connection, s.Repositories, s.Pulls, s.Deployments)
	if !s.CollectedAt.IsZero() {
		line += ", collected " + s.CollectedAt.UTC().Format(time.RFC3339)
	}
	if len(s.Notes) > 0 {
		line += " (" + strings.Join(s.Notes, "; ") + ")"
	}
	return line
}

// Report is the register over a window.
type Report struct {
	Days       int                        `json:"days"`
	Since      time.Time                  `json:"since"`
	Rules      attest.ChangeRules         `json:"rules"`
	Changes    []attest.Change            `json:"changes"`
	Undeployed []attest.JudgedPull        `json:"undeployed"`
	Counts     map[attest.ChangeState]int `json:"counts"`
	Findings   int                        `json:"findings"`
	Sources    []Source                   `json:"sources"`
}

// Report reconciles p's organization's changes over the last days (1 to
// 366; 0 for DefaultDays).
func (s *Service) Report(ctx context.Context, p attest.Principal, days int) (Report, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return Report{}, err
	}
	if days == 0 {
		days = DefaultDays
	}
	if days < 1 || days > 366 {
		return Report{}, attest.Invalid("days", "must be a whole number of days from 1 to 366 (got %d)", days)
	}
	return s.report(ctx, p, s.now().AddDate(0, 0, -days), days)
}

// Since reconciles p's organization's changes as Report does, over
// everything from since to now: an audit window that ended in the past
// (package population reads the merges of the window from it, with the
// deployments after them).
func (s *Service) Since(ctx context.Context, p attest.Principal, since time.Time) (Report, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return Report{}, err
	}
	return s.report(ctx, p, since, int(s.now().Sub(since).Hours()/24))
}

func (s *Service) report(ctx context.Context, p attest.Principal, since time.Time, days int) (Report, error) {
	now := s.now()
	rep := Report{Days: days, Since: since.UTC(), Counts: map[attest.ChangeState]int{},
		Changes: []attest.Change{}, Undeployed: []attest.JudgedPull{}, Sources: []Source{}}
	var err error
	if rep.Rules, err = s.DB.ChangeRules(ctx, p.OrgID); err != nil {
		return rep, err
	}
	conns, err := s.DB.Connections(ctx, p.OrgID)
	if err != nil {
		return rep, err
	}
	var pulls []attest.PullRequest
	var deps []attest.Deployment
	for _, c := range conns {
		if !s.mayCollectRepositories(c.Type) {
			continue // an AWS account's snapshot can hold 100,000 resources, none of them repositories
		}
		src, err := s.source(ctx, p.OrgID, c)
		if err != nil {
			return rep, err
		}
		// Connections of other systems are not sources, unless they
		// collected repositories.
		if c.Type == "github" || src.Repositories > 0 {
			rep.Sources = append(rep.Sources, src.Source)
		}
		pulls = append(pulls, src.pulls...)
		deps = append(deps, src.deps...)
	}
	logged, err := s.DB.DeployLog(ctx, p.OrgID, rep.Since)
	if err != nil {
		return rep, err
	}
	if len(logged) > 0 {
		rep.Sources = append(rep.Sources, Source{Connection: "deploy log", Deployments: len(logged)})
		deps = append(deps, logged...)
	}
	changes, undeployed := attest.ReconcileChanges(pulls, dedupe(deps), rep.Rules, now)
	for _, c := range changes {
		if c.At.Before(rep.Since) {
			continue
		}
		rep.Changes = append(rep.Changes, c)
		rep.Counts[c.State]++
		if c.State.Finding() {
			rep.Findings++
		}
	}
	for _, jp := range undeployed {
		if !jp.MergedAt.Before(rep.Since) {
			rep.Undeployed = append(rep.Undeployed, jp)
		}
	}
	return rep, nil
}

// dedupe keeps one of the deployments of the same commit of a repository at
// the same minute: a deploy log that repeats what GitHub recorded.
func dedupe(deps []attest.Deployment) []attest.Deployment {
	seen := map[string]bool{}
	var out []attest.Deployment
	for _, d := range deps {
		k := d.Repo + "@" + d.SHA + "@" + d.At.Truncate(time.Minute).Format(time.RFC3339)
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// SetRules sets the organization's change-management rules.
func (s *Service) SetRules(ctx context.Context, p attest.Principal, r attest.ChangeRules) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	r.EmergencyLabel = strings.TrimSpace(r.EmergencyLabel)
	if err := attest.ValidateChangeRules(r); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetChangeRules(ctx, p.OrgID, r); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("change.rules_set", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Set change rules: emergency label %q, reviewed within %d hours", r.EmergencyLabel, r.EmergencyHours)))
	})
}

// ImportLog stores the deployments of an uploaded deploy log, all or none,
// and returns how many it read and how many were new.
func (s *Service) ImportLog(ctx context.Context, p attest.Principal, r io.Reader) (read, added int, err error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return 0, 0, err
	}
	deps, err := ParseDeployLog(r, s.now())
	if err != nil {
		return 0, 0, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		n, err := tx.AddDeployLog(ctx, p.OrgID, deps, p.UserID)
		if err != nil {
			return err
		}
		added = n
		return tx.Log(ctx, p.Record("change.deploy_log_imported", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Imported a deploy log: %d deployments, %d new", len(deps), n)))
	})
	return len(deps), added, err
}

// WriteCSV writes a report's changes, one row per pull request deployed
// (a deployment without one is a row of its own), for an auditor's sample.
func WriteCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"deployed_at", "repository", "commit", "environment", "deployer", "source", "change_state", "pull_request",
		"title", "author", "merged_at", "approvers", "approved_at", "pull_state", "reason"})
	t := func(v time.Time) string {
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339)
	}
	safe := attest.SafeCSV
	for _, c := range rep.Changes {
		head := []string{t(c.At), safe(c.Repo), safe(c.SHA), safe(c.Environment), safe(c.Deployer), c.Source, string(c.State)}
		if len(c.Pulls) == 0 {
			cw.Write(append(head, "", "", "", "", "", "", "", safe(c.Reason)))
			continue
		}
		for _, p := range c.Pulls {
			cw.Write(append(head, strconv.Itoa(p.Number), safe(p.Title), safe(p.Author), t(p.MergedAt), safe(strings.Join(p.Approvers, " ")),
				t(p.ApprovedAt), string(p.State), safe(p.Reason)))
		}
	}
	cw.Flush()
	return cw.Error()
}

// Label words a state for people.
func Label(s attest.ChangeState) string {
	return cmp.Or(labels[s], string(s))
}

var labels = map[attest.ChangeState]string{
	attest.ChangeReviewed:            "Reviewed",
	attest.ChangeEmergencyReviewed:   "Emergency, reviewed in time",
	attest.ChangeRedeploy:            "Redeployed",
	attest.ChangeEmergencyPending:    "Emergency, review pending",
	attest.ChangeUnreviewed:          "Not reviewed",
	attest.ChangeApprovedAfterMerge:  "Approved after merging",
	attest.ChangeEmergencyUnreviewed: "Emergency, not reviewed in time",
	attest.ChangeNoPullRequest:       "No pull request",
}

// Bank stores the register over the last days as evidence: the CSV an
// auditor samples, its period the window, attached to the organization's
// controls adopted from BankControls. The evidence is content-addressed and in the ledger like
// any other, and keeps those controls' evidence fresh for readiness. Its
// notes name every finding, so the record shows what was found, not only
// that the check ran.
func (s *Service) Bank(ctx context.Context, p attest.Principal, days int) (attest.Evidence, Report, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Evidence{}, Report{}, err
	}
	if s.Evidence == nil {
		return attest.Evidence{}, Report{}, attest.Errorf(attest.EINTERNAL, "banking changes needs the evidence store")
	}
	rep, err := s.Report(ctx, p, days)
	if err != nil {
		return attest.Evidence{}, rep, err
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return attest.Evidence{}, rep, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return attest.Evidence{}, rep, err
	}
	var ids []int64
	for _, c := range controls {
		if slices.Contains(BankControls, c.LibraryID) || slices.Contains(BankControls, c.Ref) {
			ids = append(ids, c.ID)
		}
	}
	var csv strings.Builder
	if err := WriteCSV(&csv, rep); err != nil {
		return attest.Evidence{}, rep, err
	}
	now := s.now().UTC()
	from, to := rep.Since.Format(attest.DateLayout), now.Format(attest.DateLayout)
	var notes strings.Builder
	fmt.Fprintf(&notes, "%d deployed change(s) from %s to %s, %d finding(s).", len(rep.Changes), from, to, rep.Findings)
	for _, c := range rep.Changes {
		line := fmt.Sprintf("\n- %s %s %s: %s", c.At.Format("2006-01-02 15:04"), c.Repo, c.SHA, c.Reason)
		if !c.State.Finding() {
			continue
		}
		if notes.Len()+len(line) > maxNotes {
			notes.WriteString("\n… and more: every finding is in the file.")
			break
		}
		notes.WriteString(line)
	}
	for _, src := range rep.Sources {
		for _, n := range src.Notes {
			if line := fmt.Sprintf("\nNot read: %s: %s", src.Connection, n); notes.Len()+len(line) <= maxNotes {
				notes.WriteString(line)
			}
		}
	}
	ev, err := s.Evidence.Add(ctx, evidence.New{Org: org, Actor: p.Actor(), Kind: attest.KindSystem,
		Title:  fmt.Sprintf("Deployed changes %s to %s: %d change(s), %d finding(s)", from, to, len(rep.Changes), rep.Findings),
		Source: "Attest changes register", Filename: fmt.Sprintf("changes-%s-%s.csv", from, to), MediaType: "text/csv; charset=utf-8",
		CollectedAt: now, PeriodStart: rep.Since, PeriodEnd: now, Notes: notes.String(), ControlIDs: ids}, strings.NewReader(csv.String()))
	return ev, rep, err
}

// ForPopulations is the register from since to now as package population
// reads it.
func (s *Service) ForPopulations(ctx context.Context, p attest.Principal, since time.Time) (population.ChangeLog, error) {
	rep, err := s.Since(ctx, p, since)
	lines := make([]string, len(rep.Sources))
	for i, src := range rep.Sources {
		lines[i] = src.String()
	}
	return population.ChangeLog{Changes: rep.Changes, Undeployed: rep.Undeployed, Sources: lines}, err
}

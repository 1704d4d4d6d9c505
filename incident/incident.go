// Package incident runs the incident register and the response exercises:
// incidents with their timeline, notification decisions, corrective actions
// (tasks) and post-mortem, whose sign-off closes the incident as a ledger
// record; and incident-response and disaster-recovery exercises, each held
// exercise a ledger record, on a yearly schedule per kind. Every change writes
// its activity entry in the transaction that makes it.
package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Service reads and changes incidents and exercises.
type Service struct {
	DB     *store.DB
	Ledger *chain.Chain
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// Detail is an incident with its corrective actions and history.
type Detail struct {
	Incident attest.Incident
	Actions  []attest.Task
	History  []attest.Activity
}

// List returns the incidents f selects.
func (s *Service) List(ctx context.Context, p attest.Principal, f store.IncidentFilter) ([]attest.Incident, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Incidents(ctx, p.OrgID, f)
}

// Get returns incident id with its actions and history.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (Detail, error) {
	var d Detail
	if err := p.Require(attest.ActRead); err != nil {
		return d, err
	}
	var err error
	if d.Incident, err = s.DB.Incident(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	if d.Actions, err = s.DB.IncidentTasks(ctx, p.OrgID, id, 0); err != nil {
		return d, err
	}
	d.History, err = s.DB.RecordActivity(ctx, p.OrgID, "incident", idString(id))
	return d, err
}

// Create records a new incident.
func (s *Service) Create(ctx context.Context, p attest.Principal, in attest.Incident) (attest.Incident, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return in, err
	}
	in.ID, in.OrgID = 0, p.OrgID
	if in.Status == attest.IncidentClosed {
		return in, attest.Invalid("status", "an incident is closed by signing off its post-mortem")
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateIncident(ctx, &in, p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("incident.created", "incident", idString(in.ID),
			fmt.Sprintf("Recorded incident “%s” (%s, %s)", in.Title, attest.SeverityLabel(in.Severity), in.Status)))
	})
	if err != nil {
		return in, err
	}
	return s.DB.Incident(ctx, p.OrgID, in.ID)
}

// Update saves every editable field of incident in.ID. A closed incident
// (its post-mortem signed off) no longer changes.
func (s *Service) Update(ctx context.Context, p attest.Principal, in attest.Incident) (attest.Incident, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return in, err
	}
	in.OrgID = p.OrgID
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := tx.Incident(ctx, p.OrgID, in.ID)
		if err != nil {
			return err
		}
		if before.Status == attest.IncidentClosed {
			return attest.Errorf(attest.ECONFLICT, "incident “%s” is closed: its post-mortem was signed off", before.Title)
		}
		if in.Status == attest.IncidentClosed {
			return attest.Invalid("status", "an incident is closed by signing off its post-mortem")
		}
		if in.PostMortemEvidence != "" && in.PostMortemEvidence != before.PostMortemEvidence {
			if _, err := tx.EvidenceByUID(ctx, p.OrgID, in.PostMortemEvidence); err != nil {
				if attest.ErrorCode(err) == attest.ENOTFOUND {
					return attest.Invalid("post_mortem_evidence", "no evidence %q in this organization", in.PostMortemEvidence)
				}
				return err
			}
		}
		if err := tx.UpdateIncident(ctx, &in); err != nil {
			return err
		}
		after, err := tx.Incident(ctx, p.OrgID, in.ID)
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("incident.updated", "incident", idString(in.ID),
			fmt.Sprintf("Updated incident “%s”: %s", after.Title, Changes(before, after))))
	})
	if err != nil {
		return in, err
	}
	return s.DB.Incident(ctx, p.OrgID, in.ID)
}

func stampText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// Changes names the fields that differ between two versions of an incident,
// for the activity log.
func Changes(a, b attest.Incident) string {
	var out []string
	add := func(name, x, y string) {
		if x != y {
			if len(x) > 60 || len(y) > 60 {
				out = append(out, name+" changed")
				return
			}
			out = append(out, fmt.Sprintf("%s %q → %q", name, x, y))
		}
	}
	add("title", a.Title, b.Title)
	add("summary", a.Summary, b.Summary)
	add("severity", a.Severity, b.Severity)
	add("status", a.Status, b.Status)
	add("occurred", stampText(a.OccurredAt), stampText(b.OccurredAt))
	add("detected", stampText(a.DetectedAt), stampText(b.DetectedAt))
	add("contained", stampText(a.ContainedAt), stampText(b.ContainedAt))
	add("resolved", stampText(a.ResolvedAt), stampText(b.ResolvedAt))
	add("systems", strings.Join(a.Systems, ", "), strings.Join(b.Systems, ", "))
	add("data", strings.Join(a.DataCategories, ", "), strings.Join(b.DataCategories, ", "))
	add("personal data", strconv.FormatBool(a.PersonalData), strconv.FormatBool(b.PersonalData))
	add("root cause", a.RootCause, b.RootCause)
	add("lessons", a.Lessons, b.Lessons)
	add("owner", a.OwnerName, b.OwnerName)
	for _, aud := range attest.NotificationAudiences() {
		x, y := a.Notification(aud), b.Notification(aud)
		add("notify "+aud, strings.TrimSpace(x.Decision+" "+x.NotifiedOn), strings.TrimSpace(y.Decision+" "+y.NotifiedOn))
		if x.Decision == y.Decision {
			add(aud+" reason", x.Reason, y.Reason)
		}
	}
	add("post-mortem", a.PostMortem, b.PostMortem)
	add("post-mortem evidence", a.PostMortemEvidence, b.PostMortemEvidence)
	if len(out) == 0 {
		return "nothing changed"
	}
	return strings.Join(out, "; ")
}

// SignOff signs off a resolved incident's post-mortem, which closes it: a
// ledger record that commits to the post-mortem's text.
func (s *Service) SignOff(ctx context.Context, p attest.Principal, id int64) (attest.Incident, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Incident{}, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		in, err := tx.Incident(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		switch {
		case in.Status == attest.IncidentClosed:
			return attest.Errorf(attest.ECONFLICT, "incident “%s” is already closed", in.Title)
		case in.Status != attest.IncidentResolved:
			return attest.Invalid("status", "only a resolved incident's post-mortem can be signed off (it is %s)", in.Status)
		case !in.HasPostMortem():
			return attest.Invalid("post_mortem", "write the post-mortem or attach it as evidence before signing it off")
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		uid := attest.NewUID("pm_")
		sum := sha256.Sum256([]byte(in.PostMortem))
		rec := map[string]any{"type": ledger.RecordTypeIncidentPostMortem, "org": org.Slug, "uid": uid, "incident": in.ID,
			"title": in.Title, "severity": in.Severity, "detected_at": ledger.FormatTime(in.DetectedAt),
			"contained_at": timeText(in.ContainedAt), "resolved_at": timeText(in.ResolvedAt), "root_cause": in.RootCause,
			"post_mortem": in.PostMortem, "hash": hex.EncodeToString(sum[:]), "evidence": in.PostMortemEvidence,
			"signed_off_by": p.Label, "at": ledger.FormatTime(tx.Now())}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeIncidentPostMortem, uid, rec); err != nil {
			return err
		}
		if err := tx.SignOffIncident(ctx, p.OrgID, id, p.UserID, uid); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("incident.signed_off", "incident", idString(id),
			fmt.Sprintf("Signed off the post-mortem of “%s” and closed it (ledger record %s)", in.Title, uid)))
	})
	if err != nil {
		return attest.Incident{}, err
	}
	return s.DB.Incident(ctx, p.OrgID, id)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ledger.FormatTime(t)
}

// AddAction opens a corrective action: a task linked to incident id.
func (s *Service) AddAction(ctx context.Context, p attest.Principal, id int64, t attest.Task) (attest.Task, error) {
	return s.addTask(ctx, p, id, 0, t)
}

// addTask opens a task linked to an incident or an exercise, with the
// task's own activity entry and one on the incident or exercise.
func (s *Service) addTask(ctx context.Context, p attest.Principal, incidentID, exerciseID int64, t attest.Task) (attest.Task, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return t, err
	}
	t.ID, t.OrgID, t.CreatedBy, t.Status = 0, p.OrgID, p.UserID, attest.TaskOpen
	t.Description = strings.TrimSpace(t.Description)
	if err := attest.ValidateTask(&t); err != nil {
		return t, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		kind, recID, what := "incident", idString(incidentID), ""
		if exerciseID != 0 {
			e, err := tx.Exercise(ctx, p.OrgID, exerciseID)
			if err != nil {
				return err
			}
			kind, recID, what = "exercise", idString(exerciseID), "exercise “"+e.Title+"”"
		} else {
			in, err := tx.Incident(ctx, p.OrgID, incidentID)
			if err != nil {
				return err
			}
			what = "incident “" + in.Title + "”"
		}
		if err := tx.CreateTask(ctx, &t); err != nil {
			return err
		}
		if err := tx.LinkIncidentTask(ctx, p.OrgID, t.ID, incidentID, exerciseID); err != nil {
			return err
		}
		var err error
		if t, err = tx.Task(ctx, p.OrgID, t.ID); err != nil {
			return err
		}
		summary := "“" + t.Title + "”"
		if t.OwnerName != "" {
			summary += " for " + t.OwnerName
		}
		if t.DueOn != "" {
			summary += ", due " + t.DueOn
		}
		if err := tx.Log(ctx, p.Record("task.created", "task", idString(t.ID), "Created task "+summary+" for "+what)); err != nil {
			return err
		}
		verb := "Added corrective action "
		if kind == "exercise" {
			verb = "Added follow-up "
		}
		return tx.Log(ctx, p.Record(kind+".task_added", kind, recID, verb+summary))
	})
	return t, err
}

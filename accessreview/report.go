package accessreview

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// reportColumns are the campaign report's columns.
var reportColumns = []string{"system", "source", "login", "email", "name", "admin", "person", "reviewer", "decision", "reason",
	"decided_by", "decided_at", "task", "removal"}

// ReportCSV writes a campaign's report: one line per account with who
// reviewed it, when, what they decided and why, the task a revoke or change
// opened and whether a revoked account was verified removed.
func ReportCSV(d Detail) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(reportColumns)
	source := map[string]string{}
	for _, s := range d.Review.Systems {
		source[s.Name] = s.Source
	}
	for _, it := range d.Items {
		at, task := "", ""
		if !it.DecidedAt.IsZero() {
			at = it.DecidedAt.UTC().Format(time.RFC3339)
		}
		if it.TaskID != 0 {
			task = idString(it.TaskID)
		}
		_ = w.Write([]string{it.System, source[it.System], attest.SafeCSV(it.Login), attest.SafeCSV(it.Email), attest.SafeCSV(it.Name), fmt.Sprint(it.Admin),
			attest.SafeCSV(it.PersonName), attest.SafeCSV(it.ReviewerName), it.Decision, attest.SafeCSV(it.Reason), attest.SafeCSV(it.DecidedByName), at, task,
			attest.RemovalLabel(it.Removal)})
	}
	w.Flush()
	return buf.Bytes()
}

// Report returns a campaign's report as it stands now (revocations
// verified by the latest collections), and its file name.
func (s *Service) Report(ctx context.Context, p attest.Principal, id int64) ([]byte, string, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, "", err
	}
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	return ReportCSV(d), reportName(d.Review), nil
}

func reportName(r attest.AccessReview) string {
	return "access-review-" + strings.TrimPrefix(r.UID, "ar_") + ".csv"
}

// Complete closes a campaign whose every account is decided: its report
// is stored as evidence for the access review controls, and the completion
// (each decision, the report's hash) is a ledger record.
func (s *Service) Complete(ctx context.Context, p attest.Principal, id int64) (attest.AccessReview, error) {
	var r attest.AccessReview
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return r, err
	}
	r = d.Review
	if r.State != attest.AccessReviewOpen {
		return r, attest.Errorf(attest.ECONFLICT, "the access review was already completed on %s", r.CompletedOn())
	}
	if n := r.Items - r.Decided; n > 0 {
		return r, attest.Invalid("items", "%d of %d accounts are not decided yet", n, r.Items)
	}
	report := ReportCSV(d)
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return r, err
	}
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return r, err
	}
	ids := attest.AdoptedFrom(controls, Controls...)
	ev, err := s.Evidence.Add(ctx, evidence.New{Org: org, Actor: p.Actor(), Kind: attest.KindFile,
		Title: "Access review report: " + r.Title, Filename: reportName(r), MediaType: "text/csv; charset=utf-8",
		PeriodStart: r.StartedAt, PeriodEnd: s.now().UTC(),
		Notes:      fmt.Sprintf("%d accounts in %d system(s), every one decided by its reviewer; the account list was frozen at the start as ledger record %s.", r.Items, len(r.Systems), r.UID),
		ControlIDs: ids}, bytes.NewReader(report))
	if err != nil {
		return r, err
	}
	sum := sha256.Sum256(report)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		labels, err := memberLabels(ctx, tx, p.OrgID)
		if err != nil {
			return err
		}
		if err := tx.CompleteAccessReview(ctx, p.OrgID, r.ID, p.UserID, ev.UID); err != nil {
			return attest.Errorf(attest.ECONFLICT, "the access review was completed meanwhile")
		}
		decisions := make([]any, len(d.Items))
		for i, it := range d.Items {
			decisions[i] = map[string]any{"system": it.System, "key": it.Key, "decision": it.Decision, "reason": it.Reason,
				"reviewer": labels[it.ReviewerID], "decided_by": labels[it.DecidedBy], "decided_at": ledger.FormatTime(it.DecidedAt)}
		}
		rec := map[string]any{"type": ledger.RecordTypeAccessReviewCompletion, "org": org.Slug, "uid": r.UID, "snapshot": r.SnapshotHash,
			"decisions": decisions, "report": ev.UID, "report_sha256": hex.EncodeToString(sum[:]), "completed_by": p.Label,
			"at": ledger.FormatTime(tx.Now())}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeAccessReviewCompletion, r.UID, rec); err != nil {
			return err
		}
		revoked := 0
		for _, it := range d.Items {
			if it.Decision != attest.DecisionKeep {
				revoked++
			}
		}
		return tx.Log(ctx, p.Record("access_review.completed", "access_review", idString(r.ID),
			fmt.Sprintf("Completed the access review “%s”: %d accounts reviewed, %d to revoke or change; report %s", r.Title, r.Items, revoked, ev.UID)))
	})
	if err != nil {
		return r, err
	}
	return s.DB.AccessReview(ctx, p.OrgID, r.ID)
}

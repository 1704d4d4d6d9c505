package programme

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// The incident register's library controls.
const (
	ctlIncidentTracking   = "IR-3" // incident tracking and coordination (CC7.3, CC7.4)
	ctlPostIncidentReview = "IR-4" // post-incident review (CC7.5)
	ctlIncidentExercise   = "IR-5" // incident response tabletop exercise (CC7.4)
	ctlCustomerNotice     = "IR-6" // customer notification of security incidents (CC7.4)
	ctlRestoreTest        = "BC-4" // quarterly backup restore test (A1.3, CC7.5)
	ctlDRExercise         = "BC-6" // annual disaster recovery exercise (A1.3, CC7.5)
)

func init() { addRegister(incidentRegister) }

func incidentRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	incidents, err := q.Incidents(ctx, orgID, store.IncidentFilter{})
	if err != nil {
		return RegisterStatus{}, err
	}
	exercises, err := q.Exercises(ctx, orgID)
	if err != nil {
		return RegisterStatus{}, err
	}
	tasks, err := q.AllIncidentTasks(ctx, orgID)
	if err != nil {
		return RegisterStatus{}, err
	}
	return IncidentStatus(incidents, exercises, tasks, today), nil
}

// IncidentStatus is what the incident register says for readiness on today:
// an exercise of a kind held within twelve months is a record for the
// incident-response exercise (IR-5) or disaster-recovery exercise (BC-6, and
// a live one within three months for the restore test BC-4), and its
// absence a gap; incidents of the last twelve months are records for
// tracking (IR-3), those with a post-mortem for post-incident review (IR-4),
// those with a customer notification decision for IR-6; a resolved SEV1 or
// SEV2 without a post-mortem is a gap on IR-4, and an overdue corrective
// action or follow-up a gap on IR-3.
func IncidentStatus(incidents []attest.Incident, exercises []attest.Exercise, tasks []store.LinkedTask, today string) RegisterStatus {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	gap := func(ctl, format string, args ...any) {
		st.Gaps[ctl] = append(st.Gaps[ctl], readiness.Gap{Code: readiness.GapIncident, Message: fmt.Sprintf(format, args...)})
	}
	held := map[string]int{}
	for _, e := range exercises {
		if !attest.ExerciseCurrent(e.HeldOn, today) {
			continue
		}
		held[e.Kind]++
		if e.Kind == attest.ExerciseIncidentResponse {
			st.Records[ctlIncidentExercise]++
		} else {
			st.Records[ctlDRExercise]++
			if e.Format == attest.ExerciseLive && incidentMonths(e.HeldOn, 3) > today {
				st.Records[ctlRestoreTest]++
			}
		}
	}
	if held[attest.ExerciseIncidentResponse] == 0 {
		gap(ctlIncidentExercise, "No incident response exercise was held in the last 12 months.")
	}
	if held[attest.ExerciseDisasterRecovery] == 0 {
		gap(ctlDRExercise, "No disaster recovery exercise was held in the last 12 months.")
	}
	yearAgo := incidentMonths(today, -12)
	title := map[int64]string{}
	for _, in := range incidents {
		title[in.ID] = in.Title
		if in.Incomplete() != "" {
			gap(ctlPostIncidentReview, "Incident “%s” (%s) is resolved without a post-mortem.", in.Title, attest.SeverityLabel(in.Severity))
		}
		if attest.Today(in.DetectedAt) < yearAgo {
			continue
		}
		st.Records[ctlIncidentTracking]++
		if in.Resolved() && in.HasPostMortem() {
			st.Records[ctlPostIncidentReview]++
		}
		if in.Notification("customers").Decision != "" {
			st.Records[ctlCustomerNotice]++
		}
	}
	for _, t := range tasks {
		if !t.OverdueOn(today) {
			continue
		}
		switch {
		case t.IncidentID != 0:
			gap(ctlIncidentTracking, "Corrective action “%s” of incident “%s” is overdue (due %s).", t.Title, title[t.IncidentID], t.DueOn)
		default:
			gap(ctlIncidentTracking, "Exercise follow-up “%s” is overdue (due %s).", t.Title, t.DueOn)
		}
	}
	return st
}

// incidentMonths moves a YYYY-MM-DD day by n months ("" for a bad day).
func incidentMonths(day string, n int) string {
	d, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, n, 0).Format(attest.DateLayout)
}

package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

// incidentRoutes: the incident register and the response exercises.
func (h *Handler) incidentRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/incidents", web.Read, h.apiIncidents),
		route("POST", "/orgs/{org}/incidents", web.Edit, h.apiCreateIncident),
		route("POST", "/orgs/{org}/incidents/import", web.Edit, h.apiImportIncidents),
		route("GET", "/orgs/{org}/incidents/{id}", web.Read, h.apiIncident),
		route("PUT", "/orgs/{org}/incidents/{id}", web.Edit, h.apiUpdateIncident),
		route("POST", "/orgs/{org}/incidents/{id}/actions", web.Edit, h.apiAddIncidentAction),
		route("POST", "/orgs/{org}/incidents/{id}/sign-off", web.Edit, h.apiSignOffIncident),
		route("GET", "/orgs/{org}/exercises", web.Read, h.apiExercises),
		route("POST", "/orgs/{org}/exercises", web.Edit, h.apiRecordExercise),
		route("GET", "/orgs/{org}/exercises/{id}", web.Read, h.apiExercise),
		route("POST", "/orgs/{org}/exercises/{id}/follow-ups", web.Edit, h.apiAddExerciseFollowUp),
	}
}

// incidentJSON is an incident on the wire: times in RFC 3339, "" while not
// set.
type incidentJSON struct {
	ID                 int64                 `json:"id"`
	Title              string                `json:"title"`
	Summary            string                `json:"summary"`
	Severity           string                `json:"severity"`
	Status             string                `json:"status"`
	OccurredAt         string                `json:"occurred_at"`
	DetectedAt         string                `json:"detected_at"`
	ContainedAt        string                `json:"contained_at"`
	ResolvedAt         string                `json:"resolved_at"`
	Systems            []string              `json:"systems"`
	DataCategories     []string              `json:"data_categories"`
	PersonalData       bool                  `json:"personal_data"`
	RootCause          string                `json:"root_cause"`
	Lessons            string                `json:"lessons"`
	OwnerID            int64                 `json:"owner_id,omitempty"`
	Owner              string                `json:"owner,omitempty"`
	Notifications      []attest.Notification `json:"notifications"`
	PostMortem         string                `json:"post_mortem"`
	PostMortemEvidence string                `json:"post_mortem_evidence"`
	Incomplete         string                `json:"incomplete,omitempty"`
	SignedOffBy        string                `json:"signed_off_by,omitempty"`
	SignedOffAt        string                `json:"signed_off_at,omitempty"`
	RecordUID          string                `json:"record_uid,omitempty"`
	UpdatedAt          string                `json:"updated_at"`
}

// incidentInput is what creating or updating an incident sends.
type incidentInput struct {
	Title              string                `json:"title"`
	Summary            string                `json:"summary"`
	Severity           string                `json:"severity"`
	Status             string                `json:"status"`
	OccurredAt         string                `json:"occurred_at"`
	DetectedAt         string                `json:"detected_at"`
	ContainedAt        string                `json:"contained_at"`
	ResolvedAt         string                `json:"resolved_at"`
	Systems            []string              `json:"systems"`
	DataCategories     []string              `json:"data_categories"`
	PersonalData       bool                  `json:"personal_data"`
	RootCause          string                `json:"root_cause"`
	Lessons            string                `json:"lessons"`
	OwnerID            int64                 `json:"owner_id"`
	Notifications      []attest.Notification `json:"notifications"`
	PostMortem         string                `json:"post_mortem"`
	PostMortemEvidence string                `json:"post_mortem_evidence"`
}

func (in incidentInput) incident() (attest.Incident, error) {
	out := attest.Incident{Title: in.Title, Summary: in.Summary, Severity: in.Severity, Status: in.Status, Systems: in.Systems,
		DataCategories: in.DataCategories, PersonalData: in.PersonalData, RootCause: in.RootCause, Lessons: in.Lessons, OwnerID: in.OwnerID,
		Notifications: in.Notifications, PostMortem: in.PostMortem, PostMortemEvidence: in.PostMortemEvidence}
	var err error
	for _, t := range []struct {
		name, v string
		dst     *time.Time
	}{{"occurred_at", in.OccurredAt, &out.OccurredAt}, {"detected_at", in.DetectedAt, &out.DetectedAt},
		{"contained_at", in.ContainedAt, &out.ContainedAt}, {"resolved_at", in.ResolvedAt, &out.ResolvedAt}} {
		if *t.dst, err = incident.ParseTime(t.name, t.v); err != nil {
			return out, err
		}
	}
	return out, nil
}

func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toIncidentJSON(in attest.Incident) incidentJSON {
	out := incidentJSON{ID: in.ID, Title: in.Title, Summary: in.Summary, Severity: in.Severity, Status: in.Status,
		OccurredAt: wireTime(in.OccurredAt), DetectedAt: wireTime(in.DetectedAt), ContainedAt: wireTime(in.ContainedAt), ResolvedAt: wireTime(in.ResolvedAt),
		Systems: nonNil(in.Systems), DataCategories: nonNil(in.DataCategories), PersonalData: in.PersonalData, RootCause: in.RootCause,
		Lessons: in.Lessons, OwnerID: in.OwnerID, Owner: in.OwnerName, Notifications: nonNil(in.Notifications), PostMortem: in.PostMortem,
		PostMortemEvidence: in.PostMortemEvidence, Incomplete: in.Incomplete(), SignedOffBy: in.SignedOffName, RecordUID: in.RecordUID,
		UpdatedAt: web.RFC3339(in.UpdatedAt)}
	if in.SignedOffAt != nil {
		out.SignedOffAt = web.RFC3339(*in.SignedOffAt)
	}
	return out
}

func tasksJSON(list []attest.Task, today string) []taskJSON {
	out := make([]taskJSON, 0, len(list))
	for _, t := range list {
		out = append(out, toTaskJSON(t, today))
	}
	return out
}

func activityJSON(list []attest.Activity) []web.ActivityJSON {
	out := make([]web.ActivityJSON, 0, len(list))
	for _, a := range list {
		out = append(out, web.ToActivityJSON(a))
	}
	return out
}

func apiPathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return id, nil
}

// actionInput is a corrective action or follow-up to open.
type actionInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	OwnerID     int64  `json:"owner_id"`
	DueOn       string `json:"due_on"`
	Priority    string `json:"priority"`
}

func (a actionInput) task() attest.Task {
	return attest.Task{Title: a.Title, Description: a.Description, OwnerID: a.OwnerID, DueOn: a.DueOn, Priority: a.Priority}
}

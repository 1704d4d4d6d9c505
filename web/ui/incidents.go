package ui

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// incidentRoutes: the incident register, its corrective actions and
// post-mortem sign-off, and the response exercises.
func (h *Handler) incidentRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/incidents", web.Read, h.incidentsPage),
		route("POST", "/o/{org}/incidents", web.Edit, h.createIncident),
		route("GET", "/o/{org}/incidents/export", web.Read, h.exportIncidents),
		route("POST", "/o/{org}/incidents/import", web.Edit, h.importIncidents),
		route("GET", "/o/{org}/incidents/{id}", web.Read, h.incidentPage),
		route("POST", "/o/{org}/incidents/{id}", web.Edit, h.saveIncident),
		route("POST", "/o/{org}/incidents/{id}/actions", web.Edit, h.addIncidentAction),
		route("POST", "/o/{org}/incidents/{id}/sign-off", web.Edit, h.signOffIncident),
		route("POST", "/o/{org}/exercises", web.Edit, h.recordExercise),
		route("GET", "/o/{org}/exercises/{id}", web.Read, h.exercisePage),
		route("POST", "/o/{org}/exercises/{id}/follow-ups", web.Edit, h.addExerciseFollowUp),
	}
}

func init() { addDue(incidentDue) }

// incidentDue: the next exercise of each kind due within 30 days or
// overdue, and open incidents' corrective actions due within 30 days or
// overdue.
func incidentDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	ctx := r.Context()
	soon := addDays(today, 30)
	var out []dueItem
	sched, err := h.Incidents.Schedule(ctx, c.P)
	if err != nil {
		return nil, err
	}
	base := "/o/" + c.Org.Slug
	for _, d := range sched {
		if d.Due == "" || d.Due <= soon {
			out = append(out, dueItem{Kind: "Exercise", Title: attest.ExerciseKindLabel(d.Kind) + " exercise", Href: base + "/incidents#exercises",
				Due: cmpOr(d.Due, today), Overdue: d.Overdue})
		}
	}
	open, err := h.Incidents.List(ctx, c.P, store.IncidentFilter{Open: true})
	if err != nil {
		return nil, err
	}
	isOpen := map[int64]string{}
	for _, in := range open {
		isOpen[in.ID] = in.Title
	}
	tasks, err := h.DB.AllIncidentTasks(ctx, c.Org.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		title, ok := isOpen[t.IncidentID]
		if !ok || t.Closed() || t.DueOn == "" || t.DueOn > soon {
			continue
		}
		out = append(out, dueItem{Kind: "Incident", Title: t.Title + " (" + title + ")", Href: base + "/incidents/" + strconv.FormatInt(t.IncidentID, 10),
			Due: t.DueOn, Overdue: t.OverdueOn(today)})
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func addDays(day string, n int) string {
	d, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(attest.DateLayout)
}

// incidentFields are the fields of the incident form.
var incidentFields = []string{"title", "summary", "severity", "status", "occurred_at", "detected_at", "contained_at", "resolved_at",
	"systems", "data_categories", "personal_data", "root_cause", "lessons", "owner",
	"notify_customers", "notify_customers_reason", "notify_customers_on",
	"notify_regulators", "notify_regulators_reason", "notify_regulators_on",
	"notify_others", "notify_others_reason", "notify_others_on", "post_mortem", "post_mortem_evidence"}

// incidentFromForm reads an incident's fields from a form; a value it
// cannot read is an error naming its field.
func incidentFromForm(r *http.Request, in *attest.Incident) (*web.Form, error) {
	f := web.NewForm(r, incidentFields...)
	v := f.Values
	in.Title, in.Summary, in.Severity, in.Status = v["title"], v["summary"], v["severity"], v["status"]
	in.Systems, in.DataCategories = incident.SplitList(commaList(v["systems"])), incident.SplitList(commaList(v["data_categories"]))
	in.PersonalData = v["personal_data"] == "yes"
	in.RootCause, in.Lessons, in.PostMortem, in.PostMortemEvidence = v["root_cause"], v["lessons"], strings.ReplaceAll(v["post_mortem"], "\r\n", "\n"), strings.TrimSpace(v["post_mortem_evidence"])
	in.OwnerID, _ = strconv.ParseInt(v["owner"], 10, 64)
	var err error
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"occurred_at", &in.OccurredAt}, {"detected_at", &in.DetectedAt}, {"contained_at", &in.ContainedAt}, {"resolved_at", &in.ResolvedAt}} {
		if *t.dst, err = incident.ParseTime(t.name, v[t.name]); err != nil {
			return f, err
		}
	}
	in.Notifications = nil
	for _, aud := range attest.NotificationAudiences() {
		n := attest.Notification{Audience: aud, Decision: v["notify_"+aud], Reason: v["notify_"+aud+"_reason"], NotifiedOn: v["notify_"+aud+"_on"]}
		if n.Decision != "" || strings.TrimSpace(n.Reason) != "" || n.NotifiedOn != "" {
			in.Notifications = append(in.Notifications, n)
		}
	}
	return f, nil
}

// commaList lets a form's list be separated by commas as well as
// semicolons and lines.
func commaList(s string) string { return strings.ReplaceAll(s, ",", ";") }

func formTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04")
}

// incidentForm fills the incident form from a stored incident.
func incidentForm(in attest.Incident) *web.Form {
	v := map[string]string{"title": in.Title, "summary": in.Summary, "severity": in.Severity, "status": in.Status,
		"occurred_at": formTime(in.OccurredAt), "detected_at": formTime(in.DetectedAt), "contained_at": formTime(in.ContainedAt),
		"resolved_at": formTime(in.ResolvedAt), "systems": strings.Join(in.Systems, ", "), "data_categories": strings.Join(in.DataCategories, ", "),
		"root_cause": in.RootCause, "lessons": in.Lessons, "owner": idOrEmpty(in.OwnerID), "post_mortem": in.PostMortem,
		"post_mortem_evidence": in.PostMortemEvidence}
	if in.PersonalData {
		v["personal_data"] = "yes"
	}
	for _, aud := range attest.NotificationAudiences() {
		n := in.Notification(aud)
		v["notify_"+aud], v["notify_"+aud+"_reason"], v["notify_"+aud+"_on"] = n.Decision, n.Reason, n.NotifiedOn
	}
	return &web.Form{Values: v, Errors: map[string]string{}}
}

// failForm records err on the form, beside its field and, since a long form
// may hide the field, in words at the top.
func failForm(f *web.Form, err error) {
	f.Fail(err)
	if attest.ErrorField(err) != "" {
		f.Error = web.Sentence(err)
	}
}

// postMortemHTML renders a post-mortem's Markdown as sanitized HTML, as
// policies are.
func postMortemHTML(md string) (template.HTML, error) {
	if strings.TrimSpace(md) == "" {
		return "", nil
	}
	s, err := templates.HTML(md)
	return template.HTML(s), err // sanitized by templates.HTML
}

// spanText words one of an incident's timeline spans, "—" while unknown.
func spanText(d time.Duration, ok bool) string {
	if !ok {
		return "—"
	}
	return attest.FormatSpan(d)
}

// taskFormFields are the fields of the action and follow-up forms.
func actionFromForm(r *http.Request) (attest.Task, *web.Form) {
	f := web.NewForm(r, "title", "description", "owner", "due_on", "priority")
	t := attest.Task{Title: f.Values["title"], Description: f.Values["description"], DueOn: f.Values["due_on"], Priority: f.Values["priority"]}
	t.OwnerID, _ = strconv.ParseInt(f.Values["owner"], 10, 64)
	return t, f
}

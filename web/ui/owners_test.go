package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestAuditorOwnsNothing: an auditor examines the work, so neither the UI nor
// the API lets anyone make them the owner of a control or a task. The rule
// lives in the services (the store no longer checks it); this holds every
// door to it.
func TestAuditorOwnsNothing(t *testing.T) {
	const refusal = "cannot be an auditor"
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			ctl := adopt(e, "GOV-1")
			auditor := fmt.Sprint(e.Users["auditor"].ID)
			mgr := e.Login("manager")

			// UI: the control form says so beside the owner field.
			res := mgr.Post(fmt.Sprintf("/o/alpha/controls/%d", ctl.ID), controlForm(ctl, map[string]string{"owner": auditor}))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `<p class="error">Owner `+refusal) {
				t.Fatalf("UI control owned by an auditor: %d", res.StatusCode)
			}
			res = mgr.Post("/o/alpha/controls", url.Values{"ref": {"CUS-7"}, "name": {"Mine"}, "type": {"preventive"}, "frequency": {"annual"},
				"status": {"not_started"}, "owner": {auditor}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `<p class="error">Owner `+refusal) {
				t.Fatalf("UI custom control owned by an auditor: %d", res.StatusCode)
			}
			// UI: the task forms, new and existing.
			res = mgr.Post("/o/alpha/tasks", url.Values{"title": {"Review access"}, "owner": {auditor}, "priority": {"medium"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `<p class="error">Owner `+refusal) {
				t.Fatalf("UI task owned by an auditor: %d", res.StatusCode)
			}
			if res := mgr.Post("/o/alpha/tasks", url.Values{"title": {"Review access"}, "priority": {"medium"}}); !res.RedirectsTo("/o/alpha/tasks") {
				t.Fatalf("unowned task: %d %s", res.StatusCode, res.Text)
			}
			tasks, _ := e.DB.Tasks(ctx, e.Alpha.ID, store.TaskFilter{})
			if len(tasks) != 1 {
				t.Fatalf("tasks: %+v", tasks)
			}
			task := tasks[0]
			res = mgr.Post(fmt.Sprintf("/o/alpha/tasks/%d", task.ID), url.Values{"title": {task.Title}, "owner": {auditor}, "priority": {task.Priority}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `<p class="error">Owner `+refusal) {
				t.Fatalf("UI task reassigned to an auditor: %d", res.StatusCode)
			}

			// The pickers offer only eligible members: the auditor is not among
			// the owner options of the control, new-control, criterion, task
			// list and task pages, while the employee is.
			ownerSelects := regexp.MustCompile(`(?s)<select[^>]*name="owner"[^>]*>.*?</select>`)
			offers := func(page string, id int64) bool {
				return strings.Contains(strings.Join(ownerSelects.FindAllString(page, -1), ""), fmt.Sprintf(`<option value="%d"`, id))
			}
			for _, page := range []string{fmt.Sprintf("/o/alpha/controls/%d", ctl.ID), "/o/alpha/controls/new", "/o/alpha/criteria/CC6.1",
				"/o/alpha/tasks", fmt.Sprintf("/o/alpha/tasks/%d", task.ID), "/o/alpha/controls"} {
				res := mgr.Get(page)
				if res.StatusCode != http.StatusOK || offers(res.Text, e.Users["auditor"].ID) || !offers(res.Text, e.Users["employee"].ID) {
					t.Errorf("%s: %d, offers the auditor or not the employee as owner", page, res.StatusCode)
				}
			}

			// API: 422 naming the field.
			token, _ := e.Token(e.Alpha, "manager")
			for _, call := range []struct {
				method, path string
				body         map[string]any
			}{
				{"PATCH", fmt.Sprintf("/orgs/alpha/controls/%d", ctl.ID), map[string]any{"owner_id": e.Users["auditor"].ID}},
				{"POST", "/orgs/alpha/tasks", map[string]any{"title": "Review access", "owner_id": e.Users["auditor"].ID}},
			} {
				res := e.API(call.method, call.path, token, call.body)
				body := webtest.Decode[map[string]map[string]string](t, res)["error"]
				if res.StatusCode != http.StatusUnprocessableEntity || body["field"] != "owner" || !strings.Contains(body["message"], refusal) {
					t.Fatalf("API %s %s with an auditor owner: %d %v", call.method, call.path, res.StatusCode, body)
				}
			}

			// Nothing changed: the control and the task are still unowned.
			if got, _ := e.DB.Control(ctx, e.Alpha.ID, ctl.ID); got.OwnerID != 0 {
				t.Fatalf("control owner: %d", got.OwnerID)
			}
			if got, _ := e.DB.Tasks(ctx, e.Alpha.ID, store.TaskFilter{}); len(got) != 1 || got[0].OwnerID != 0 {
				t.Fatalf("tasks after refusals: %+v", got)
			}
			if acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "control.updated"}); len(acts) != 0 {
				t.Fatalf("a refused change was recorded: %+v", acts)
			}
		})
	}
}

// TestTaskCriterionThroughServices: a task's criterion is checked on create
// (the API names the field "criterion") and when an edit changes it, and the
// activity entry names the task's owner.
func TestTaskCriterionThroughServices(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			token, _ := e.Token(e.Alpha, "manager")
			res := e.API("POST", "/orgs/alpha/tasks", token, map[string]any{"title": "Fix it", "criterion": "CC9.9"})
			body := webtest.Decode[map[string]map[string]string](t, res)["error"]
			if res.StatusCode != http.StatusUnprocessableEntity || body["field"] != "criterion" || body["message"] != `criterion: "CC9.9" is not a SOC 2 criterion` {
				t.Fatalf("API task with an unknown criterion: %d %v", res.StatusCode, body)
			}
			res = e.API("POST", "/orgs/alpha/tasks", token, map[string]any{"title": "Fix it", "criterion": "CC6.1",
				"owner_id": e.Users["employee"].ID, "due_on": "2026-05-01"})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("API task: %d %s", res.StatusCode, res.Text)
			}
			created := webtest.Decode[map[string]any](t, res)
			if created["criterion"] != "CC6.1" || created["overdue"] != true {
				t.Fatalf("API task: %v", created)
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "task.created"})
			want := "Created task “Fix it” for " + e.Users["employee"].Name + ", due 2026-05-01 (criterion CC6.1)"
			if len(acts) != 1 || acts[0].Summary != want {
				t.Fatalf("activity: %+v, want %q", acts, want)
			}
			// The UI form: changing the criterion to an unknown one is refused beside the field.
			id := int64(created["id"].(float64))
			mgr := e.Login("manager")
			res = mgr.Post(fmt.Sprintf("/o/alpha/tasks/%d", id), url.Values{"title": {"Fix it"}, "requirement": {"CC9.9"}, "priority": {"medium"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `&#34;CC9.9&#34; is not a SOC 2 criterion`) {
				t.Fatalf("UI task with an unknown criterion: %d", res.StatusCode)
			}
			if got, _ := e.DB.Task(ctx, e.Alpha.ID, id); got.Requirement != "CC6.1" {
				t.Fatalf("task criterion: %q", got.Requirement)
			}
		})
	}
}

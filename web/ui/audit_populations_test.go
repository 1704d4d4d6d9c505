package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestAuditPopulationPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	audits, err := e.DB.Audits(t.Context(), e.Alpha.ID, true, nil)
	if err != nil || len(audits) != 1 {
		t.Fatalf("alpha's audit: %v", err)
	}
	base := "/o/alpha/audits/" + strconv.FormatInt(audits[0].ID, 10) + "/populations"
	mgr := e.Login("manager")
	if res := mgr.Get(base); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No population taken yet") ||
		!strings.Contains(res.Text, "Take a population") {
		t.Fatalf("an empty list: %d %.500s", res.StatusCode, res.Text)
	}
	// The env's clock starts on 2026-06-01: June has not closed.
	res := mgr.Post(base, url.Values{"kind": {"leavers"}, "from": {"2026-06-01"}, "to": {"2026-06-30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "can be taken from 2026-07-01") {
		t.Fatalf("an open window: %d %.3000s", res.StatusCode, res.Text)
	}
	// A configuration capture is the other way round: refused for January,
	// closed, naming the day it closed; taken within June.
	res = mgr.Post(base, url.Values{"kind": {"configuration"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "closed on 2026-01-31") {
		t.Fatalf("a capture of a closed window: %d %.3000s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(base, url.Values{"kind": {"configuration"}, "from": {"2026-01-01"}, "to": {"2026-06-30"}}); !res.RedirectsTo(base + "/") {
		t.Fatalf("a capture within the window: %d %.3000s", res.StatusCode, res.Text)
	}
	res = mgr.Post(base, url.Values{"kind": {"changes"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}})
	if !res.RedirectsTo(base + "/") {
		t.Fatalf("take: %d %.500s", res.StatusCode, res.Text)
	}
	page := mgr.Get(res.Header.Get("Location"))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "an empty population, recorded as such") || !strings.Contains(page.Text, "SOC 2 Type 2") ||
		!strings.Contains(page.Text, "deploy history") {
		t.Fatalf("the population's page: %d %.3000s", page.StatusCode, page.Text)
	}
	// The old address sends a population of an audit to its audit's page.
	id := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	if old := mgr.Get("/o/alpha/audit-populations/" + id); !old.RedirectsTo(base + "/" + id) {
		t.Fatalf("the old address: %d %s", old.StatusCode, old.Header.Get("Location"))
	}
	aud := e.Login("auditor")
	list := aud.Get(base)
	if list.StatusCode != http.StatusOK || strings.Contains(list.Text, "Take a population") || !strings.Contains(list.Text, "2026-01-01 to 2026-01-31") {
		t.Fatalf("the auditor's list: %d %.3000s", list.StatusCode, list.Text)
	}
	// The invited auditor reads the audit's populations, and nothing of
	// another audit's.
	guest := e.Login("guest")
	if res := guest.Get(base + "/" + id); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "an empty population") {
		t.Fatalf("the guest's view: %d %.2000s", res.StatusCode, res.Text)
	}
	// A member draws a sample; the guest downloads its workpaper, which
	// re-derives.
	ctl := attest.Control{OrgID: e.Alpha.ID, Ref: "CHG-9", Name: "Reviewed changes", Family: "Change", Type: "preventive", Frequency: "per-event",
		Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC8.1", Source: attest.SourceLibrary}}}
	if err := e.DB.CreateControl(t.Context(), &ctl); err != nil {
		t.Fatal(err)
	}
	drawn := mgr.Post(base+"/"+id+"/samples", url.Values{"control": {strconv.FormatInt(ctl.ID, 10)}})
	if !drawn.RedirectsTo(base + "/" + id + "#samples") {
		t.Fatalf("draw: %d %.2000s", drawn.StatusCode, drawn.Text)
	}
	page = guest.Get(base + "/" + id)
	if !strings.Contains(page.Text, "CHG-9") || strings.Contains(page.Text, "Draw a sample") {
		t.Fatalf("the guest's samples: %.4000s", page.Text)
	}
	samples, err := e.Srv.Services().Populations.Samples(t.Context(), attest.Principal{OrgID: e.Alpha.ID, Role: attest.RoleAdmin}, audits[0].ID)
	if err != nil || len(samples) != 1 {
		t.Fatalf("samples: %+v, %v", samples, err)
	}
	dl := guest.Get(base + "/" + id + "/samples/" + strconv.FormatInt(samples[0].ID, 10))
	wp, err := attest.ParseWorkpaper(strings.NewReader(dl.Text))
	if dl.StatusCode != http.StatusOK || err != nil || attest.VerifyWorkpaper(wp) != nil || wp.Seed != samples[0].Seed ||
		wp.AuditID != strconv.FormatInt(audits[0].ID, 10) || wp.ControlID != "CHG-9" {
		t.Fatalf("the workpaper: %d %v %.1000s", dl.StatusCode, err, dl.Text)
	}
	// The download is in the activity log the organization reads, as every
	// other file an auditor takes from the audit.
	acts, err := e.DB.Activity(t.Context(), e.Alpha.ID, attest.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	logged := fmt.Sprintf("opened the workpaper of sample %d", samples[0].ID)
	if !slices.ContainsFunc(acts, func(a attest.Activity) bool { return a.Action == "audit.viewed" && strings.Contains(a.Summary, logged) }) {
		t.Errorf("no activity entry %q", logged)
	}
	other := attest.Audit{OrgID: e.Alpha.ID, Name: "Other", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-03-31", Status: attest.AuditFieldwork}
	if err := e.DB.CreateAudit(t.Context(), &other); err != nil {
		t.Fatal(err)
	}
	admin := e.Users["admin"]
	p := attest.Principal{UserID: admin.ID, OrgID: e.Alpha.ID, Role: attest.RoleAdmin, Label: admin.Email}
	theirs, err := e.Srv.Services().Populations.Take(t.Context(), p, population.Request{Kind: "changes", AuditID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	otherBase := "/o/alpha/audits/" + strconv.FormatInt(other.ID, 10) + "/populations"
	for _, path := range []string{otherBase, otherBase + "/" + strconv.FormatInt(theirs.ID, 10), "/o/alpha/audit-populations"} {
		if res := guest.Get(path); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the guest on %s: %d", path, res.StatusCode)
		}
	}
	if res := guest.Get(base + "/" + strconv.FormatInt(theirs.ID, 10)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another audit's population through the guest's audit: %d", res.StatusCode)
	}
}

func TestAuditResultsPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	audits, err := e.DB.Audits(t.Context(), e.Alpha.ID, true, nil)
	if err != nil || len(audits) != 1 {
		t.Fatalf("alpha's audit: %v", err)
	}
	a := audits[0]
	ctl := attest.Control{OrgID: e.Alpha.ID, Ref: "CHG-9", Name: "Reviewed changes", Family: "Change", Type: "preventive", Frequency: "per-event",
		Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC8.1", Source: attest.SourceLibrary}}}
	if err := e.DB.CreateControl(t.Context(), &ctl); err != nil {
		t.Fatal(err)
	}
	admin := e.Users["admin"]
	p := attest.Principal{UserID: admin.ID, OrgID: e.Alpha.ID, Role: attest.RoleAdmin, Label: admin.Email}
	// No merged change in January: the change control did not operate.
	if _, err := e.Srv.Services().Populations.Take(t.Context(), p, population.Request{Kind: "changes", From: "2026-01-01", To: "2026-01-31", AuditID: a.ID}); err != nil {
		t.Fatal(err)
	}
	path := "/o/alpha/audits/" + strconv.FormatInt(a.ID, 10) + "/results"
	guest := e.Login("guest")
	res := guest.Get(path)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "CHG-9 Reviewed changes</td><td>not occurring") {
		t.Fatalf("the guest's results: %d %.4000s", res.StatusCode, res.Text)
	}
	if res := guest.Post(path, url.Values{"control": {strconv.FormatInt(ctl.ID, 10)}, "root_cause": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the guest records a root cause: %d", res.StatusCode)
	}
	mgr := e.Login("manager")
	if res := mgr.Post(path, url.Values{"control": {"999999"}, "root_cause": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "not a control of this audit") {
		t.Fatalf("a root cause for a control outside the audit: %d %.2000s", res.StatusCode, res.Text)
	}

	// A deviation item gets a root cause of its own, shown under the item
	// beside the control's; an item that is no deviation is refused.
	late := storetest.Control(e.Alpha, "KEY-1")
	late.Status = attest.StatusImplemented
	if err := e.DB.CreateControl(t.Context(), &late); err != nil {
		t.Fatal(err)
	}
	storetest.MustFailing(t, e.DB, e.Alpha, late, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	const key = "monitoring:test-KEY-1:user:ada:2026-02-01"
	form := func(item, cause string) url.Values {
		return url.Values{"control": {strconv.FormatInt(late.ID, 10)}, "item": {item}, "root_cause": {cause}}
	}
	if res := mgr.Post(path, form(key, "ada's token was exempt")); !res.RedirectsTo(path + "#control-" + strconv.FormatInt(late.ID, 10)) {
		t.Fatalf("record an item's root cause: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(path, url.Values{"control": {strconv.FormatInt(late.ID, 10)}, "root_cause": {"the rotation job was off"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the control's root cause: %d %.2000s", res.StatusCode, res.Text)
	}
	page := mgr.Get(path)
	if !strings.Contains(page.Text, "Root cause of this item:</strong> ada&#39;s token was exempt") || !strings.Contains(page.Text, "Root cause:</strong> the rotation job was off") ||
		!strings.Contains(page.Text, `name="item" value="`+key+`"`) {
		t.Fatalf("the item's and the control's root causes: %.6000s", page.Text)
	}
	if res := mgr.Post(path, form("monitoring:test-KEY-1:user:bob:2026-02-01", "x")); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "is not a deviation of KEY-1") {
		t.Fatalf("a root cause for an item that is no deviation: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := guest.Post(path, form(key, "x")); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the guest records an item's root cause: %d", res.StatusCode)
	}
}

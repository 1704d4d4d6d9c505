package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// An auditor invited into one audit joins with the link, sees that audit's
// workspace and evidence and nothing else, is logged for what they open,
// and is out once the audit closes; members preview the same view.
func TestAuditorInvitedIntoOneAudit(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { auditorInvited(t, d) })
	}
}

func auditorInvited(t *testing.T, d store.Dialect) {
	e := webtest.New(t, d)
	mgr := e.Login("manager")
	// A Type 2 window must last 3 to 12 months; the error names the field.
	form := url.Values{"name": {"SOC 2 Type 2 2026"}, "framework": {"soc2"}, "type": {"type2"}, "from": {"2026-03-01"}, "to": {"2026-04-30"}, "firm": {"Ledger & Co"}}
	if res := mgr.Post("/o/alpha/audits", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "lasts at least 3 months") {
		t.Fatalf("a two-month window: %d %.300s", res.StatusCode, res.Text)
	}
	form.Set("to", "2026-08-31")
	res := mgr.Post("/o/alpha/audits", form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/o/alpha/audits/\d+$`).MatchString(loc) {
		t.Fatalf("create: %d %s %.300s", res.StatusCode, loc, res.Text)
	}
	audit := loc

	// Evidence in the window for a control mapped to SOC 2, and evidence of
	// another control that is not (an unmapped custom control).
	ctl := attest.Control{OrgID: e.Alpha.ID, Ref: "C-1", Name: "Access reviews", Family: "Access", Type: "detective", Frequency: "quarterly",
		Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.2", Source: attest.SourceLibrary}}}
	other := attest.Control{OrgID: e.Alpha.ID, Ref: "C-2", Name: "Kitchen rota", Family: "Other", Type: "detective", Frequency: "weekly", Status: attest.StatusImplemented}
	for _, c := range []*attest.Control{&ctl, &other} {
		if err := e.DB.CreateControl(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	add := func(title string, control int64) attest.Evidence {
		ev, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: attest.Actor{Label: "test"}, Kind: attest.KindFile, Title: title,
			Filename: "x.csv", ControlIDs: []int64{control}}, strings.NewReader("content of "+title))
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	inScope, outside := add("Q2 access review", ctl.ID), add("Rota", other.ID)

	// Members preview the auditor's view.
	if res := mgr.Get(audit + "?preview=auditor"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `id="auditor-preview"`) ||
		!strings.Contains(res.Text, `data-evidence="`+inScope.UID+`"`) || strings.Contains(res.Text, `data-evidence="`+outside.UID+`"`) ||
		strings.Contains(res.Text, `id="auditors"`) {
		t.Fatalf("preview: %d %.3000s", res.StatusCode, res.Text)
	}

	// Inviting a member is refused; inviting the firm's auditor shows the link once.
	if res := mgr.Post(audit+"/auditors", url.Values{"email": {e.Users["employee"].Email}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "is a member of the organization") {
		t.Fatalf("invite a member: %d %.300s", res.StatusCode, res.Text)
	}
	res = mgr.Post(audit+"/auditors", url.Values{"email": {"ana@ledger.test"}})
	link := regexp.MustCompile(`<code id="invite-link">[^<]*(/invitations/[^<]+)</code>`).FindStringSubmatch(res.Text)
	if res.StatusCode != http.StatusCreated || link == nil {
		t.Fatalf("invite: %d %.2000s", res.StatusCode, res.Text)
	}
	// The invitation is the audit's, not the organization's.
	if res := e.Login("admin").Get("/o/alpha/settings"); strings.Contains(res.Text, "ana@ledger.test") {
		t.Error("an audit's invitation is listed among the organization's")
	}

	// The auditor creates their account with the link and lands in the audit.
	ana := e.Anon()
	res = ana.Post(link[1], url.Values{"name": {"Ana Auditor"}, "password": {"correct horse battery staple"}})
	if !res.RedirectsTo(audit) {
		t.Fatalf("accept: %d %s %.300s", res.StatusCode, res.Header.Get("Location"), res.Text)
	}
	// Still planning, without early access: not open to auditors yet.
	if res := ana.Get(audit); res.StatusCode != http.StatusNotFound {
		t.Fatalf("audit in planning: %d, want 404", res.StatusCode)
	}
	if res := mgr.Post(audit, url.Values{"status": {"fieldwork"}}); !res.RedirectsTo(audit) {
		t.Fatalf("to fieldwork: %d %.300s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(audit, url.Values{"status": {"planning"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "moves forward only") {
		t.Fatalf("back to planning: %d", res.StatusCode)
	}

	page := ana.Get(audit)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Text, `data-evidence="`+inScope.UID+`"`) || strings.Contains(page.Text, `data-evidence="`+outside.UID+`"`) ||
		!strings.Contains(page.Text, `data-control="C-1"`) || strings.Contains(page.Text, `data-control="C-2"`) || strings.Contains(page.Text, "Preview as auditor") {
		t.Fatalf("auditor's workspace: %d %.3000s", page.StatusCode, page.Text)
	}
	// Their navigation is the audits, and the organization's other pages are closed to them.
	if strings.Contains(page.Text, `href="/o/alpha/controls"`) || strings.Contains(page.Text, `href="/o/alpha/people"`) {
		t.Error("an auditor's navigation lists the organization's pages")
	}
	for _, p := range []string{"/o/alpha", "/o/alpha/people", "/o/alpha/evidence/" + id(inScope.ID) + "/content", "/o/alpha/activity"} {
		if res := ana.Get(p); res.StatusCode != http.StatusForbidden {
			t.Errorf("auditor GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	if res := ana.Get("/o/beta/audits"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another organization: %d", res.StatusCode)
	}
	if res := ana.Post(audit, url.Values{"status": {"closed"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an auditor changed the audit: %d", res.StatusCode)
	}
	// Evidence of the audit downloads; evidence outside it is not found.
	if res := ana.Get(audit + "/evidence/" + id(inScope.ID) + "?download=1"); res.StatusCode != http.StatusOK || res.Text != "content of Q2 access review" {
		t.Fatalf("download: %d %q", res.StatusCode, res.Text)
	}
	if res := ana.Get(audit + "/evidence/" + id(outside.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("evidence outside the audit: %d", res.StatusCode)
	}
	// Policies in force during the window, with their text.
	at := webtest.Start.AddDate(0, -1, 0)
	pol := attest.Policy{OrgID: e.Alpha.ID, Key: "access", Title: "Access policy", Audience: attest.Audience{Everyone: true}}
	if err := e.DB.CreatePolicy(ctx, &pol); err != nil {
		t.Fatal(err)
	}
	v := attest.PolicyVersion{PolicyID: pol.ID, Label: "1.0", State: attest.VersionPublished, Body: "# Access\nLeast privilege.", Content: "# Access\nLeast privilege.",
		Hash: strings.Repeat("b", 64), AuthorID: e.Users["admin"].ID, Quorum: 1, ApprovedAt: &at, PublishedAt: &at}
	if err := e.DB.AddPolicyVersion(ctx, e.Alpha.ID, &v); err != nil {
		t.Fatal(err)
	}
	if page := ana.Get(audit); !strings.Contains(page.Text, `data-policy="access-1.0"`) {
		t.Fatalf("policies in the workspace: %.3000s", page.Text)
	}
	if res := ana.Get(audit + "/policies/" + id(v.ID)); res.StatusCode != http.StatusOK || res.Text != "# Access\nLeast privilege." {
		t.Fatalf("policy text: %d %q", res.StatusCode, res.Text)
	}
	if res := ana.Get(audit + "/policies/" + id(v.ID+1000)); res.StatusCode != http.StatusNotFound {
		t.Errorf("a version outside the audit: %d", res.StatusCode)
	}
	// The audit's package: a zip holding the evidence of the workspace.
	if res := ana.Get(audit + "/package"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(res.Text, "PK") || !strings.Contains(res.Text, inScope.SHA256) {
		t.Fatalf("package: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// The organization reads what its auditor opened and downloaded.
	acts, err := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{ActorLabel: "ana@ledger.test"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range acts {
		seen[a.Action]++
	}
	if seen["audit.viewed"] < 1 || seen["audit.evidence_downloaded"] != 1 || seen["audit.policy_downloaded"] != 1 || seen["audit.exported"] != 1 || seen["audit.auditor_joined"] != 1 {
		t.Errorf("auditor's activity: %v", seen)
	}
	// Their home page leads to the audit list.
	if res := ana.Get("/"); !res.RedirectsTo("/o/alpha/audits") {
		t.Errorf("home: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// Closing the audit ends their access; members still read it.
	if res := mgr.Post(audit, url.Values{"status": {"closed"}}); !res.RedirectsTo(audit) {
		t.Fatalf("close: %d %.300s", res.StatusCode, res.Text)
	}
	if res := ana.Get(audit); res.StatusCode != http.StatusNotFound {
		t.Errorf("after closing: %d, want 404", res.StatusCode)
	}
	if res := mgr.Get(audit); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `data-evidence="`+inScope.UID+`"`) {
		t.Errorf("a member reads a closed audit: %d", res.StatusCode)
	}
	if res := mgr.Post(audit, url.Values{"name": {"Renamed"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a closed audit changed: %d", res.StatusCode)
	}
}

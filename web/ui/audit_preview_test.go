package ui_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// A member's "preview as auditor" follows them through the audit's pages
// until they leave it, renders each page through the auditor's principal
// with its forms disabled, and stays inside the one audit.
func TestPreviewAsAuditorFollowsTheAuditsPages(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")
			create := func(name string) string {
				res := mgr.Post("/o/alpha/audits", url.Values{"name": {name}, "framework": {"soc2"}, "type": {"type2"},
					"from": {"2026-03-01"}, "to": {"2026-08-31"}})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("create %s: %d %.300s", name, res.StatusCode, res.Text)
				}
				return res.Header.Get("Location")
			}
			audit, other := create("SOC 2 Type 2 2026"), create("SOC 2 Type 2 2026, second firm")
			previewing := func(path string) bool {
				t.Helper()
				res := mgr.Get(path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d %.300s", path, res.StatusCode, res.Text)
				}
				on := strings.Contains(res.Text, `id="auditor-preview"`)
				// The page is the auditor's: their navigation, no editor's
				// form, and what forms they have disabled.
				if auditor := !strings.Contains(res.Text, `href="/o/alpha/controls"`); auditor != on {
					t.Errorf("GET %s: preview banner %v, but the auditor's navigation %v", path, on, auditor)
				}
				if on && (strings.Contains(res.Text, `id="generate-requests"`) || !strings.Contains(res.Text, `<fieldset class="auditor-preview" disabled>`)) {
					t.Errorf("GET %s: the preview shows an editor's form or enabled forms: %.3000s", path, res.Text)
				}
				return on
			}
			if previewing(audit + "/requests") {
				t.Fatal("a page is in preview before the member asked for it")
			}
			if !previewing(audit + "/requests?preview=auditor") {
				t.Fatal("?preview=auditor did not preview the request list")
			}
			for _, p := range []string{audit, audit + "/populations", audit + "/results"} {
				if !previewing(p) {
					t.Errorf("the preview did not follow to %s", p)
				}
			}
			if previewing(other) {
				t.Error("the preview of one audit leaked into another audit's pages")
			}
			if previewing(audit+"/results?preview=off") || previewing(audit) {
				t.Error("the preview outlived ?preview=off")
			}
			page := mgr.Get(audit).Text
			if !strings.Contains(page, `id="preview-link"`) {
				t.Error("the workspace lost its preview link")
			}
			// The workspace links the drafts of the audit's report, for its
			// type and window; an auditor's view does not.
			draft := regexp.MustCompile(`<a href="([^"]+)" id="draft-assertion">`).FindStringSubmatch(page)
			if draft == nil || !strings.Contains(draft[1], "type=type2&amp;from=2026-03-01&amp;to=2026-08-31&amp;format=pdf") {
				t.Fatalf("the draft assertion link: %v", draft)
			}
			if res := mgr.Get(html.UnescapeString(draft[1])); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Text, "%PDF-") {
				t.Errorf("the draft assertion: %d %.200s", res.StatusCode, res.Text)
			}
			if strings.Contains(mgr.Get(audit+"?preview=auditor").Text, `id="draft-assertion"`) {
				t.Error("the auditor's view links the organization's drafts")
			}
		})
	}
}

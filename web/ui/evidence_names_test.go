package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestUploadNamesWithPathsAreRefused: a file name that is a path is refused
// with a field error on file, through the UI and the API alike, rather than
// shortened to its last element and stored.
func TestUploadNamesWithPathsAreRefused(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			ctl := control(e, "AC-4")
			mgr := e.Login("manager")
			token, _ := e.Token(e.Alpha, "manager")
			fields := [][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}
			for _, name := range []string{"../../x", "a/b.txt", "/etc/passwd", `..\..\evil.exe`, `a\b.txt`, "..", "."} {
				ct, body := evidenceForm(fields, name, []byte("content"))
				res := postMultipart(mgr, "/o/alpha/evidence", ct, body)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "is not a file name") && !strings.Contains(res.Text, "contains a path separator") {
					t.Errorf("UI upload named %q: %d, want 422 refusing the name", name, res.StatusCode)
				}

				ct, body = evidenceForm(fields, name, []byte("content"))
				req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/evidence", body)
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Authorization", "Bearer "+token)
				res = e.Anon().Do(req)
				got := webtest.Decode[map[string]map[string]string](t, res)["error"]
				if res.StatusCode != http.StatusUnprocessableEntity || got["field"] != "file" || !strings.Contains(got["message"], fmt.Sprintf("%q", name)) {
					t.Errorf("API upload named %q: %d %v, want 422 on field file quoting the name", name, res.StatusCode, got)
				}
			}
			if list, _ := e.DB.EvidenceList(ctx, e.Alpha.ID, store.EvidenceFilter{IncludeReplaced: true}); len(list) != 0 {
				t.Fatalf("refused names left %d rows, e.g. %q", len(list), list[0].Filename)
			}
			// A plain name still goes through, unchanged.
			ct, body := evidenceForm(fields, "report..v2.pdf", []byte("content"))
			if res := postMultipart(mgr, "/o/alpha/evidence", ct, body); !res.RedirectsTo("/o/alpha/evidence/") {
				t.Fatalf("upload named report..v2.pdf: %d %s", res.StatusCode, res.Text)
			}
			if list, _ := e.DB.EvidenceList(ctx, e.Alpha.ID, store.EvidenceFilter{}); len(list) != 1 || list[0].Filename != "report..v2.pdf" {
				t.Fatalf("stored %+v, want one item named report..v2.pdf", list)
			}
		})
	}
}

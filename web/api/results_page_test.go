package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// The result list comes a page at a time: walking its cursors gives every
// current result once, in the list's order, on both databases; a test's own
// answer carries its first page and the cursor to the rest.
func TestResultListIsPaged(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			ctx := t.Context()
			now := e.Clock.Now()
			sc := githubtest.LargeScenario(now.AddDate(-1, 0, 0), now, now, 60, 30)
			srv := githubtest.NewServer(sc)
			defer srv.Close()
			sys := attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem)
			conn, err := e.Connections.Add(ctx, sys, connection.Input{Type: "github", Name: "github",
				Settings: map[string]string{"org": "contoso", "base_url": srv.URL}, Secret: []byte(sc.Token)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Monitor.Run(ctx, e.Alpha.ID, conn.ID, nil); err != nil {
				t.Fatal(err)
			}
			want, err := e.Monitor.Results(ctx, sys, store.ResultFilter{})
			if err != nil {
				t.Fatal(err)
			}
			aud, _ := e.Token(e.Alpha, "auditor")
			got := walk(t, e, aud, "/orgs/alpha/results?", "cursor", 37, func(res webtest.Response) ([]attest.TestResult, string) {
				page := webtest.Decode[struct {
					Results []attest.TestResult `json:"results"`
					Next    string              `json:"next_cursor"`
				}](t, res)
				return page.Results, page.Next
			})
			if len(got) != len(want) {
				t.Fatalf("the walk gave %d results, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].ID {
					t.Fatalf("result %d of the walk is %d (%s %s), want %d (%s %s)", i, got[i].ID, got[i].Test, got[i].Resource.Key, want[i].ID, want[i].Test, want[i].Resource.Key)
				}
			}
			for _, bad := range []string{"limit=0", "limit=5001", "limit=x", "cursor=nope", "cursor=" + url.QueryEscape("W10")} {
				res := e.API("GET", "/orgs/alpha/results?"+bad, aud, nil)
				field := strings.Split(bad, "=")[0]
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, field) {
					t.Errorf("%s: %d %s", bad, res.StatusCode, res.Text)
				}
			}

			// A test's answer: its first page and the cursor to the rest.
			all, err := e.Monitor.Results(ctx, sys, store.ResultFilter{Test: "github.member_2fa"})
			if err != nil || len(all) == 0 {
				t.Fatalf("github.member_2fa: %d results, %v", len(all), err)
			}
			one := webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/tests/github.member_2fa", aud, nil))
			if n := len(one["results"].([]any)); n != len(all) || one["next_cursor"] != nil {
				t.Errorf("the test's answer has %d results (next %v), want all %d on one page", n, one["next_cursor"], len(all))
			}
			rest := e.API("GET", fmt.Sprintf("/orgs/alpha/results?test=github.member_2fa&limit=%d", len(all)-1), aud, nil)
			if p := webtest.Decode[map[string]any](t, rest); p["next_cursor"] == nil {
				t.Errorf("a page one short of the test's results has no next_cursor")
			}
		})
	}
}

package ui_test

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestEvidenceListPages walks the evidence list through the API's cursor and
// the page's numbered pages, and checks the list of what expires soon against
// freshness computed item by item.
func TestEvidenceListPages(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			ctl := control(e, "AC-9") // quarterly
			now := e.Clock.Now()
			type item struct {
				id      int64
				title   string
				expires time.Time
			}
			var items []item
			for i := range 64 {
				// Half expire within 30 days (as of a quarter and two weeks
				// ago, give or take), the rest are stale or fresh for long.
				at := now.AddDate(0, -3, -14).Add(time.Duration(i+1) * 10 * time.Hour)
				if i%2 == 1 {
					at = now.AddDate(0, 0, -i*9)
				}
				title := fmt.Sprintf("item-%02d-x", i)
				ev, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: evidencetest.Actor, Kind: attest.KindAttestation, Title: title,
					CollectedAt: at, ControlIDs: []int64{ctl.ID}}, strings.NewReader("x"))
				if err != nil {
					t.Fatal(err)
				}
				items = append(items, item{ev.ID, title, evidence.ExpiresAt(evidence.Item{CollectedAt: at}, ctl.Frequency)})
			}

			// The API: pages of 7 by cursor reach every item once.
			token, _ := e.Token(e.Alpha, "auditor")
			seen := map[float64]int{}
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("the API's pages never end")
				}
				res := webtest.Decode[struct {
					Evidence []map[string]any `json:"evidence"`
					Next     string           `json:"next_cursor"`
				}](t, e.API("GET", "/orgs/alpha/evidence?limit=7&cursor="+cursor, token, nil))
				if len(res.Evidence) > 7 {
					t.Fatalf("a page of 7 holds %d", len(res.Evidence))
				}
				for _, x := range res.Evidence {
					seen[x["id"].(float64)]++
				}
				if res.Next == "" {
					break
				}
				cursor = res.Next
			}
			for _, it := range items {
				if seen[float64(it.id)] != 1 {
					t.Errorf("the API's pages show %s %d times", it.title, seen[float64(it.id)])
				}
			}
			if len(seen) != len(items) {
				t.Errorf("the API's pages show %d items, want %d", len(seen), len(items))
			}
			if n := len(webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/evidence", token, nil))["evidence"].([]any)); n != 64 {
				t.Errorf("the default page holds %d of 64 items", n)
			}
			for _, bad := range []struct{ query, field string }{{"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=ten", "limit"},
				{"cursor=yesterday", "cursor"}, {"cursor=5", "cursor"}} {
				res := e.API("GET", "/orgs/alpha/evidence?"+bad.query, token, nil)
				var body struct{ Error struct{ Field string } }
				if json.Unmarshal([]byte(res.Text), &body); res.StatusCode != 422 || body.Error.Field != bad.field {
					t.Errorf("?%s: %d %s, want 422 naming %s", bad.query, res.StatusCode, res.Text, bad.field)
				}
			}

			// The page: fifty rows, then the rest, the filter kept in the links.
			mgr := e.Login("manager")
			first := mgr.Get("/o/alpha/evidence?q=item")
			if got := strings.Count(first.Text, `-x</a><div class="muted small">`); got != 50 {
				t.Errorf("page 1 lists %d rows, want 50", got)
			}
			if !strings.Contains(first.Text, "1–50 of 64") || !strings.Contains(first.Text, `href="?page=2&amp;q=item"`) {
				t.Errorf("page 1 lacks its pager with the filter kept")
			}
			second := mgr.Get("/o/alpha/evidence?q=item&page=2")
			if got := strings.Count(second.Text, `-x</a><div class="muted small">`); got != 14 || !strings.Contains(second.Text, "51–64 of 64") {
				t.Errorf("page 2 lists %d rows, want 14", got)
			}

			// What expires soon: exactly the items whose expiry falls in the
			// next 30 days, the soonest twenty listed in order, the rest counted.
			var want []item
			for _, it := range items {
				if it.expires.After(now) && it.expires.Before(now.AddDate(0, 0, 30)) {
					want = append(want, it)
				}
			}
			slices.SortStableFunc(want, func(a, b item) int { return a.expires.Compare(b.expires) })
			if len(want) <= 20 {
				t.Fatalf("only %d items expire soon; the test needs more than a list's worth", len(want))
			}
			section := first.Text[strings.Index(first.Text, "Expiring in the next 30 days"):]
			section = section[:strings.Index(section, "</section>")]
			var shown []string
			for _, m := range regexp.MustCompile(`>(item-\d\d-x)</a>`).FindAllStringSubmatch(section, -1) {
				shown = append(shown, m[1])
			}
			var wantShown []string
			for _, it := range want[:20] {
				wantShown = append(wantShown, it.title)
			}
			if !slices.Equal(shown, wantShown) {
				t.Errorf("expiring soon shows %v, want %v", shown, wantShown)
			}
			if more := fmt.Sprintf("and %d more", len(want)-20); !strings.Contains(html.UnescapeString(section), more) {
				t.Errorf("expiring soon does not say %q: %s", more, section)
			}
		})
	}
}

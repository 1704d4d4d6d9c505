package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPeopleInTheBrowser: a manager imports a CSV file with a mistake and
// sees the rejected row named by line with nothing imported, fixes the file
// and imports it, finds a person by department, and records a leaver; the
// employee, who is on the roster, shows as signing in.
func TestPeopleInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	mustStaffedOrg(t, s.App.DB)
	base := s.Base + "/o/" + testOrg.Slug
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(base + "/people")
	mp.mustHave(`nav a[href$="/people"]`)

	upload := func(content string) int64 {
		t.Helper()
		file := filepath.Join(t.TempDir(), "people.csv")
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(mp.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})); err != nil {
			t.Fatal(err)
		}
		resp, err := chromedp.RunResponse(mp.ctx, chromedp.Click(chromedp.CSS(`#import button[type="submit"]`)))
		if err != nil || resp == nil {
			t.Fatalf("import: %v", err)
		}
		return resp.Status
	}
	header := "name,email,start_date,department,manager\n"
	rows := "Grace Hopper,grace@acme.test,2024-02-01,Engineering,\n" +
		"Emma Employee," + testEmployee.Email + ",2025-03-03,Engineering,grace@acme.test\n"
	if st := upload(header + rows + "Bob,bob@acme.test,03/04/2025,Sales,\n"); st != 422 {
		t.Fatalf("a file with a bad date answered %d", st)
	}
	if got := mp.text("#rejected"); !strings.Contains(got, "1 of 3 rows rejected") || !strings.Contains(got, "4\tbob@acme.test\tstart_date") {
		t.Errorf("rejected rows: %q", got)
	}
	if n := mp.count("#people tbody a"); n != 0 {
		t.Fatalf("%d people after a refused import", n)
	}
	mp.open(base + "/people")
	if st := upload(header + rows + "Bob,bob@acme.test,2025-04-03,Sales,\n"); st != 200 {
		t.Fatalf("import answered %d", st)
	}
	if got := mp.body(); !strings.Contains(got, "Imported 3 rows: 3 added") {
		t.Errorf("after the import: %s", got)
	}
	if got := mp.text("#people"); !strings.Contains(got, "as Employee") {
		t.Errorf("the employee does not show as signing in: %q", got)
	}
	mp.submit(`form[role="search"] button`, "q", "sales")
	if n := mp.count("#people tbody a"); n != 1 || !strings.Contains(mp.text("#people"), "Bob") {
		t.Errorf("search for sales: %d rows, %q", n, mp.text("#people"))
	}

	// Bob leaves: an end date, and the roster says so.
	mp.open(base + "/people?q=bob")
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(`#people tbody a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, mp, `input[name="end_date"]`)
	mp.submit(`form[action*="/people/"] button[type="submit"]`, "end_date", "2025-11-28")
	if got := mp.body(); !strings.Contains(got, "Saved Bob") || !strings.Contains(got, "left") {
		t.Errorf("after recording the leaver: %s", got)
	}
}

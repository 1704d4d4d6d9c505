package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// deepLib is a CISO Assistant library whose nodes nest eight levels deep,
// the last with neither name nor ref_id.
func deepLib(version string, extra string) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "urn: urn:t:library:deep\nref_id: deep\nname: Deep\nversion: %s\nobjects:\n  framework:\n    urn: urn:t:framework:deep\n    ref_id: deep\n    name: Deep\n    requirement_nodes:\n", version)
	parent := ""
	for level := 1; level <= 7; level++ {
		fmt.Fprintf(&sb, "      - {urn: 'urn:t:n:l%d', ref_id: 'L%d', name: 'Level %d', assessable: true%s}\n", level, level, level, parent)
		parent = fmt.Sprintf(", parent_urn: 'urn:t:n:l%d'", level)
	}
	fmt.Fprintf(&sb, "      - {urn: 'urn:t:n:l8', description: 'Keep records. And more.', assessable: true%s}\n", parent)
	sb.WriteString(extra)
	return []byte(sb.String())
}

const withdrawnOSCAL = `{"catalog": {"uuid": "2b3e8d0e-3b55-4c2b-9d43-8d6d6cf1f2a1",
 "metadata": {"title": "Withdrawals", "last-modified": "2026-01-01T00:00:00Z", "version": "5", "oscal-version": "1.1.2"},
 "controls": [{"id": "c-1", "title": "Live control"},
   {"id": "c-2", "title": "Old control", "props": [{"name": "status", "value": "withdrawn"}],
    "links": [{"href": "#c-1", "rel": "incorporated-into"}]}]}}`

func TestFrameworkPageShowsDepthDerivedTitlesAndWithdrawals(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	if res := upload(mgr, "/o/alpha/frameworks", "deep.yaml", deepLib("1", "")); !res.RedirectsTo("/o/alpha/frameworks/deep") {
		t.Fatalf("import: %d %s", res.StatusCode, res.Text)
	}
	page := mgr.Get("/o/alpha/frameworks/deep")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", page.StatusCode)
	}
	for _, want := range []string{`class="depth-7"`, `class="depth-8"`, "Keep records.", "(derived title)"} {
		if !strings.Contains(page.Text, want) {
			t.Errorf("framework page lacks %q", want)
		}
	}
	if strings.Count(page.Text, "(derived title)") != 1 {
		t.Errorf("(derived title) shown %d times, want once", strings.Count(page.Text, "(derived title)"))
	}
	css := mgr.Get("/static/app.css").Text
	for level := 5; level <= 8; level++ {
		if !strings.Contains(css, fmt.Sprintf(".tree .depth-%d {", level)) {
			t.Errorf("app.css does not indent depth %d", level)
		}
	}

	if res := upload(mgr, "/o/alpha/frameworks", "w.json", []byte(withdrawnOSCAL)); !res.RedirectsTo("/o/alpha/frameworks/withdrawals") {
		t.Fatalf("import OSCAL: %d %s", res.StatusCode, res.Text)
	}
	page = mgr.Get("/o/alpha/frameworks/withdrawals")
	if !strings.Contains(page.Text, `<li data-filter-item id="r-c-2" class="depth-1 withdrawn">`) || !strings.Contains(page.Text, `moved to <a href="#r-c-1">c-1</a>; not assessed`) ||
		!strings.Contains(page.Text, `<li data-filter-item id="r-c-1" class="depth-1">`) {
		t.Errorf("withdrawn control not shown as such:\n%s", page.Text)
	}
}

func TestFrameworkReplaceThroughUI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	if res := upload(mgr, "/o/alpha/frameworks", "deep.yaml", deepLib("1", "")); !res.RedirectsTo("/o/alpha/frameworks/deep") {
		t.Fatalf("import: %d", res.StatusCode)
	}
	if page := mgr.Get("/o/alpha/frameworks/deep"); !strings.Contains(page.Text, `action="/o/alpha/frameworks/deep/replace"`) {
		t.Fatal("no Replace form on the framework page")
	}
	// Another framework's file is refused, and nothing changes.
	if res := upload(mgr, "/o/alpha/frameworks/deep/replace", "w.json", []byte(withdrawnOSCAL)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `not &#34;deep&#34;`) {
		t.Fatalf("replace with another framework: %d %s", res.StatusCode, res.Text)
	}
	res := upload(mgr, "/o/alpha/frameworks/deep/replace", "deep-2.yaml", deepLib("2", "      - {urn: 'urn:t:n:new', ref_id: 'NEW', name: 'New one', assessable: true}\n"))
	if !res.RedirectsTo("/o/alpha/frameworks/deep") {
		t.Fatalf("replace: %d %s", res.StatusCode, res.Text)
	}
	page := mgr.Get(res.Header.Get("Location"))
	if !strings.Contains(page.Text, "Replaced with Deep 2: 9 requirements; kept 0 mappings, dropped 0") || !strings.Contains(page.Text, "New one") {
		t.Errorf("after replace:\n%s", page.Text)
	}
}

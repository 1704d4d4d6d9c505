package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/web"
)

const digest = "5fe11a5d951539f32b16ef9e0e2fdec86725051e65b7ffb716d11e690d3cb1a4"

// A long hash shows by its first 12 characters; the full value is in the same
// <details>, closed, and as the title.
func TestShortHashesShortensALoneHash(t *testing.T) {
	got := string(web.ShortHashes(digest))
	want := `<details class="hash"><summary title="` + digest + `"><code>5fe11a5d9515</code>…<span class="sr-only"> (show the full value)</span></summary><code class="hash-full">` + digest + `</code></details>`
	if got != want {
		t.Errorf("ShortHashes(digest) =\n%s\nwant\n%s", got, want)
	}
}

// In a sentence (an activity summary) each hash is shortened, its
// "sha256:" prefix kept, and the rest of the text escaped.
func TestShortHashesInText(t *testing.T) {
	text := `Added file evidence "<a&b>" (sha256 ` + digest + `, ledger entry 3); test version sha256:` + strings.Repeat("ab", 32)
	got := string(web.ShortHashes(text))
	for _, want := range []string{
		`Added file evidence &#34;&lt;a&amp;b&gt;&#34; (sha256 <details class="hash"><summary title="` + digest + `"><code>5fe11a5d9515</code>`,
		`</details>, ledger entry 3); test version <details class="hash"><summary title="sha256:` + strings.Repeat("ab", 32) + `"><code>sha256:abababababab</code>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ShortHashes(text) =\n%s\nwant it to contain\n%s", got, want)
		}
	}
	if n := strings.Count(got, `<details class="hash">`); n != 2 {
		t.Errorf("%d hashes shortened, want 2:\n%s", n, got)
	}
}

// Shorter identifiers (evidence and snapshot IDs, 20 hex characters) and
// ordinary words stay whole, and are escaped.
func TestShortHashesLeavesShortIDs(t *testing.T) {
	for _, s := range []string{"ev_dceaca2cd06746d4f2e6", "col_0123456789abcdef0123", "deadbeef", "Corrected ev_dceaca2cd06746d4f2e6 with <b>"} {
		got := string(web.ShortHashes(s))
		if strings.Contains(got, "<details") {
			t.Errorf("ShortHashes(%q) shortened something: %s", s, got)
		}
		if want := strings.ReplaceAll(s, "<b>", "&lt;b&gt;"); got != want {
			t.Errorf("ShortHashes(%q) = %q, want %q", s, got, want)
		}
	}
}

// Templates print a hash, or text that carries one, through short, never
// bare: a bare SHA-256 is 64 characters that push a phone's page sideways.
// The offline replay command on a result page is the exception: it is there
// to be copied whole.
func TestTemplatesShortenHashes(t *testing.T) {
	bare := regexp.MustCompile(`\{\{-?\s*(\$\w*)?(\.\w+)*\.(SHA256|RecordHash|TestVersion|Summary|Head|Hash)\s*-?\}\}`)
	version := regexp.MustCompile(`\{\{-?\s*\$t\.Version\s*-?\}\}`) // a test's version, on the test page
	eachTemplate(t, func(path, text string) {
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "attest test replay") {
				continue
			}
			if m := bare.FindString(line); m != "" {
				t.Errorf("templates/%s:%d prints %s bare; write {{short …}}", path, i+1, m)
			}
			if path == "monitoring_test.html" && version.MatchString(line) {
				t.Errorf("templates/%s:%d prints the test version bare; write {{short …}}", path, i+1)
			}
		}
	})
}

// Every table sits in a .table-scroll container, so that a table wider than
// a phone scrolls inside its card instead of widening the page.
func TestTablesScrollInsideTheirCard(t *testing.T) {
	eachTemplate(t, func(path, text string) {
		if all, wrapped := strings.Count(text, "<table"), strings.Count(text, `<div class="table-scroll"><table`); all != wrapped {
			t.Errorf("templates/%s has %d tables, %d of them in a <div class=\"table-scroll\">", path, all, wrapped)
		}
	})
}

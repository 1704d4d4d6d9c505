package web_test

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The content security policy forbids inline styles and scripts. A template that
// used them would render without complaint and silently lose its effect, so
// this test refuses them at the source.
func TestTemplatesHaveNoInlineStyleOrScript(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\sstyle=|<script[^>]*>[^<]|\son[a-z]+=`)
	eachTemplate(t, func(path, text string) {
		for i, line := range strings.Split(text, "\n") {
			if inline.MatchString(line) {
				t.Errorf("templates/%s:%d uses an inline style, script or event handler, which the CSP blocks: %s", path, i+1, strings.TrimSpace(line))
			}
		}
	})
}

// eachTemplate calls check with the path (below templates/) and the text of
// every template file.
func eachTemplate(t *testing.T, check func(path, text string)) {
	t.Helper()
	err := fs.WalkDir(os.DirFS("templates"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile("templates/" + path)
		if err != nil {
			return err
		}
		check(path, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

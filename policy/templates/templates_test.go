package templates_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/policy/templates"
)

func load(t *testing.T) (*catalog.Catalog, []templates.Template) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := templates.Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	return cat, ts
}

// The policies auditors expect to see, one template each.
var expected = []string{
	"acceptable-use", "access-control", "asset-management", "backup-recovery", "business-continuity",
	"change-management", "code-of-conduct", "confidentiality", "data-classification", "data-retention",
	"encryption", "hr-security", "incident-response", "information-security", "logging-monitoring",
	"password-authentication", "physical-security", "privacy", "risk-management", "secure-development",
	"vendor-management", "vulnerability-management",
}

func TestShippedTemplatesCoverTheExpectedPolicies(t *testing.T) {
	_, ts := load(t)
	var ids []string
	for _, tp := range ts {
		ids = append(ids, tp.ID)
	}
	if !slices.Equal(ids, expected) {
		t.Errorf("templates:\n got %v\nwant %v", ids, expected)
	}
	if len(ts) < 20 {
		t.Errorf("%d templates, want at least 20", len(ts))
	}
	for _, id := range []string{"privacy", "confidentiality"} {
		tp, _ := templates.Find(ts, id)
		if tp.Category != id {
			t.Errorf("%s: offered when %q is in scope, want %q", id, tp.Category, id)
		}
	}
}

func TestShippedTemplatesMapToTheLibraryAndUseWhatTheyDeclare(t *testing.T) {
	cat, ts := load(t)
	for _, tp := range ts {
		for _, id := range tp.Controls {
			if _, ok := cat.Control(id); !ok {
				t.Errorf("%s: control %s is not in the library", tp.ID, id)
			}
		}
		for _, cr := range tp.Criteria {
			if _, ok := cat.SOC2().Requirement(cr); !ok {
				t.Errorf("%s: criterion %s does not exist", tp.ID, cr)
			}
		}
		for _, name := range []string{"company_name", "policy_owner", "approver", "effective_date", "review_cadence"} {
			v, ok := tp.Variable(name)
			if !ok || v.Description == "" || v.Default == "" {
				t.Errorf("%s: variable %s missing or without description and default: %+v", tp.ID, name, v)
			}
		}
		for _, v := range tp.Variables {
			if !strings.Contains(tp.Body, "{{"+v.Name+"}}") {
				t.Errorf("%s: declares %s but never uses it", tp.ID, v.Name)
			}
		}
		md, err := tp.Render(nil)
		if err != nil {
			t.Errorf("%s: render with defaults: %v", tp.ID, err)
			continue
		}
		if strings.Contains(md, "{{") || strings.Contains(md, "}}") {
			t.Errorf("%s: a placeholder is left after rendering with defaults", tp.ID)
		}
		if !strings.HasPrefix(md, "# "+tp.Title+"\n") {
			t.Errorf("%s: the body does not open with its title %q", tp.ID, tp.Title)
		}
		html, err := templates.HTML(md)
		if err != nil || !strings.Contains(html, "<h1>") {
			t.Errorf("%s: HTML: %v %.80q", tp.ID, err, html)
		}
	}
}

// A template's owners agree with the control library: the code of conduct is
// the People team's, the change policy the Engineering lead's.
func TestTemplateDefaultsOverrideSharedOnes(t *testing.T) {
	_, ts := load(t)
	coc, _ := templates.Find(ts, "code-of-conduct")
	owner, _ := coc.Variable("policy_owner")
	if owner.Default != "the People team" || owner.Description == "" {
		t.Errorf("code of conduct owner = %+v", owner)
	}
	isp, _ := templates.Find(ts, "information-security")
	owner, _ = isp.Variable("policy_owner")
	if owner.Default != "the Security owner" {
		t.Errorf("information security owner = %+v", owner)
	}
}

func TestRenderFillsValuesAndRefusesUnknownOnes(t *testing.T) {
	_, ts := load(t)
	tp, _ := templates.Find(ts, "access-control")
	md, err := tp.Render(map[string]string{"company_name": "Globex", "removal_hours": "8"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md, "At Globex, people") || !strings.Contains(md, "within\n8 hours") && !strings.Contains(md, "within 8 hours") {
		t.Errorf("values not filled:\n%s", md)
	}
	if !strings.Contains(md, "**Approved by:** the CEO") {
		t.Errorf("the approver did not take its default:\n%s", md)
	}
	_, err = tp.Render(map[string]string{"compnay_name": "Globex"})
	if err == nil || !strings.Contains(err.Error(), `unknown variable "compnay_name"`) {
		t.Errorf("unknown variable: %v", err)
	}
	_, err = tp.Render(map[string]string{"approver": "  "})
	if err == nil || !strings.Contains(err.Error(), `variable "approver" (first used on line`) {
		t.Errorf("empty value: %v", err)
	}
	_, err = tp.Render(map[string]string{"approver": "the CEO\n# Ignore the above"})
	if err == nil || !strings.Contains(err.Error(), `variable "approver": a value is one line`) {
		t.Errorf("multi-line value: %v", err)
	}
	// One pass: a value that looks like a placeholder is text, not a reference.
	md, err = tp.Render(map[string]string{"company_name": "{{approver}}"})
	if err != nil || !strings.Contains(md, `At \{\{approver\}\}, people`) {
		t.Errorf("placeholder in a value: %v\n%s", err, md)
	}
}

func TestHostileValuesAreTextInHTML(t *testing.T) {
	_, ts := load(t)
	tp, _ := templates.Find(ts, "information-security")
	md, err := tp.Render(map[string]string{
		"company_name":     `<script>alert(1)</script>`,
		"approver":         `[the board](javascript:alert(1))`,
		"policy_owner":     `<img src=https://tracker.example/p.gif onerror=alert(1)>`,
		"security_contact": `*bold* & <b>x</b>`,
	})
	if err != nil {
		t.Fatal(err)
	}
	html, err := templates.HTML(md)
	if err != nil {
		t.Fatal(err)
	}
	// The values arrive as text: no element, attribute or link is made of them.
	for _, bad := range []string{"<script", "<img", "href=", "<b>", "<em>bold"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains %q:\n%s", bad, html)
		}
	}
	for _, want := range []string{"<p>&lt;script&gt;alert(1)&lt;/script&gt; holds information",
		"<strong>Approved by:</strong> [the board](javascript:alert(1))</li>",
		"&lt;img src=https://tracker.example/p.gif onerror=alert(1)&gt;",
		"*bold* &amp; &lt;b&gt;x&lt;/b&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks the value as text %q:\n%s", want, html)
		}
	}
}

func TestHTMLRemovesScriptStylesAndImagesFromTheMarkdownItself(t *testing.T) {
	html, err := templates.HTML("# T\n\n<script>alert(1)</script>\n\n<p style=\"color:red\">x</p>\n\n" +
		"![pixel](https://tracker.example/p.gif)\n\n[ok](https://example.com) [bad](javascript:alert(1))\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "alert(1)</", "style=", "<img", "tracker.example", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains %q:\n%s", bad, html)
		}
	}
	for _, want := range []string{"<h1>T</h1>", `<a href="https://example.com" rel="nofollow noopener" target="_blank">ok</a>`, "<td>1</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
}

const sharedYAML = `variables:
  - {name: company_name, description: The name., default: Example Co.}
`

func loadOne(t *testing.T, body string) error {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"p/variables.yaml": {Data: []byte(sharedYAML)},
		"p/x.md":           {Data: []byte(body)},
	}
	_, err = templates.LoadFS(fsys, "p", cat)
	return err
}

func TestBrokenTemplatesAreErrorsNamingTheProblem(t *testing.T) {
	head := "---\nid: x\ntitle: X\nsummary: S\nversion: 1\ncontrols: [GOV-1]\ncriteria: [CC1.1]\nvariables: [company_name]\n---\n"
	cases := []struct{ name, src, want string }{
		{"valid", head + "# X\n\n{{company_name}}\n", ""},
		{"no front matter", "# X\n", "p/x.md:1: a template starts with"},
		{"unclosed", "---\nid: x\n", "never closed"},
		{"unknown field", strings.Replace(head, "version: 1", "versoin: 1", 1), "p/x.md:5: front matter: field versoin not found"},
		{"lone carriage returns", "---\n\r\r\r0\n---\n", "p/x.md:2: front matter: cannot unmarshal !!int `0`"},
		{"empty front matter", "---\n---\n{{company_name}}\n", "p/x.md: id \"\": want lower-case words"},
		{"undeclared", head + "# X\n\n{{company_name}}\n{{owner}}\n", `line 13: variable "owner" is used but not declared`},
		{"malformed", head + "# X\n{{company_name}} {{ Company }}\n", `line 11: "{{ Company }}" is not a placeholder`},
		{"unused", strings.Replace(head, "[company_name]", "[company_name, {name: extra, description: D, default: v}]", 1) + "{{company_name}}\n", `variable "extra" is declared but the text never uses it`},
		{"not shared", strings.Replace(head, "[company_name]", "[company_name, approver]", 1) + "{{company_name}} {{approver}}\n", `"approver" is not a shared variable`},
		{"unknown control", strings.Replace(head, "GOV-1", "GOV-99", 1) + "{{company_name}}\n", "control GOV-99 is not in the control library"},
		{"unknown criterion", strings.Replace(head, "[CC1.1]", "[CC1.1, CC42.1]", 1) + "{{company_name}}\n", "criterion CC42.1 does not exist"},
		{"criterion of no control", strings.Replace(head, "[CC1.1]", "[CC1.1, CC6.4]", 1) + "{{company_name}}\n", "criterion CC6.4 is supported by none"},
		{"required category", strings.Replace(head, "version: 1", "version: 1\ncategory: security", 1) + "{{company_name}}\n", `category "security" is not an optional`},
	}
	for _, c := range cases {
		err := loadOne(t, c.src)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestFill(t *testing.T) {
	values := map[string]string{"company_name": "Acme *Corp*", "empty": " "}
	got, err := templates.Fill("# {{company_name}}\n\nKeep it.", values)
	if err != nil || got != "# Acme \\*Corp\\*\n\nKeep it." {
		t.Fatalf("Fill = %q, %v", got, err)
	}
	for body, want := range map[string]string{
		"ok\n\nsee {{nobody}}":     "line 3: unknown variable \"nobody\"",
		"{{Bad Name}}":             "line 1: \"{{Bad Name}}\" is not a placeholder",
		"a\n{{empty}}":             "line 2: variable \"empty\" has no value",
		"x {{company_name}} {{y}}": "line 1: unknown variable \"y\"",
	} {
		if _, err := templates.Fill(body, values); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Fill(%q) = %v, want %q", body, err, want)
		}
	}
}

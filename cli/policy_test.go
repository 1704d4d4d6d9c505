package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPolicyTemplatesLists(t *testing.T) {
	r := runCLI(t, nil, "", "policy", "templates")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"information-security", "Information Security Policy", "controls GOV-1, GOV-2",
		"privacy                    Privacy Policy (when privacy is in scope)", "22 templates\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, nil, "", "policy", "templates", "--json")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var first struct {
		ID        string
		Variables []struct{ Name, Default string }
		Body      string
	}
	if r.code != 0 || len(lines) != 22 || json.Unmarshal([]byte(lines[0]), &first) != nil {
		t.Fatalf("json: %+v", r)
	}
	if first.ID != "acceptable-use" || len(first.Variables) == 0 || !strings.Contains(first.Body, "{{company_name}}") {
		t.Errorf("first template: %+v", first)
	}
}

func TestPolicyRender(t *testing.T) {
	r := runCLI(t, nil, "", "policy", "render", "--template", "encryption", "--set", "company_name=Globex",
		"--set", "minimum_tls_version=TLS 1.3")
	if r.code != 0 || !strings.Contains(r.stdout, "that hold Globex data") || !strings.Contains(r.stdout, "TLS 1.3 or newer") ||
		strings.Contains(r.stdout, "{{") {
		t.Fatalf("%+v", r)
	}
	r = runCLI(t, nil, "", "policy", "render", "--template", "encryption", "--format", "html", "--set", "company_name=<script>x</script>")
	if r.code != 0 || !strings.Contains(r.stdout, "<h1>Encryption and Key Management Policy</h1>") ||
		!strings.Contains(r.stdout, "&lt;script&gt;x&lt;/script&gt;") || strings.Contains(r.stdout, "<script") {
		t.Fatalf("%+v", r)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--template", "encryption", "--set", "tls=1.3"}, `unknown variable "tls"`},
		{[]string{"--template", "nope"}, `no template "nope"`},
		{[]string{}, "--template is required"},
		{[]string{"--template", "encryption", "--format", "pdf"}, "--format: want markdown or html"},
		{[]string{"--template", "encryption", "--set", "novalue"}, `want KEY=VALUE, got "novalue"`},
	} {
		r := runCLI(t, nil, "", append([]string{"policy", "render"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: %+v, want exit 2 and %q", c.args, r, c.want)
		}
	}
}

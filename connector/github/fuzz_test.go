package github_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
)

// readEvents are the events ParseWebhook names resources for.
var readEvents = []string{"push", "branch_protection_rule", "branch_protection_configuration", "repository", "security_and_analysis",
	"dependabot_alert", "secret_scanning_alert", "repository_vulnerability_alert", "pull_request", "repository_ruleset",
	"member", "membership", "organization", "team"}

// FuzzParseWebhook sends hostile deliveries, as POST /hooks/github passes
// them on. A body signed with the secret is never refused as unsigned: it
// fails only as attest.Invalid on "body", or names at most two resources, of
// the connector's types with non-empty keys ("*" only for an organization
// ruleset), and nothing for events Attest does not read. The same body with
// one bit changed, or under a signature header the fuzzer chose that is not
// the right one, is EUNAUTHORIZED before anything is parsed.
func FuzzParseWebhook(f *testing.F) {
	body := `{"ref":"refs/heads/main","repository":{"full_name":"northwind/api"},"organization":{"login":"northwind"}}`
	for _, s := range []struct{ event, body, sig string }{
		{"push", body, ""},
		{"member", body, "sha256=00"},
		{"ping", `{"zen":"Keep it logically awesome.","hook_id":1}`, ""},
		{"repository_ruleset", `{"action":"edited","organization":{"login":"northwind"}}`, ""},
		{"pull_request", `{"action":"closed","pull_request":{"merged":true},"repository":{"full_name":"northwind/web"}}`, "sha256="},
		{"pull_request", `{"action":"closed","pull_request":{"merged":"yes"}}`, ""},
		{"team", `{"organization":null}`, "md5=1"},
		{"push", `not json`, ""},
	} {
		f.Add(s.event, []byte(s.body), s.sig, uint16(10))
	}
	secret := []byte("s3cret")
	f.Fuzz(func(t *testing.T, event string, body []byte, sig string, flip uint16) {
		h := http.Header{}
		h.Set("X-GitHub-Event", event)
		good := githubtest.SignWebhook(secret, body)
		h.Set("X-Hub-Signature-256", good)
		refs, err := github.ParseWebhook(h, body, secret)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorField(err) != "body" {
				t.Fatalf("a signed delivery refused other than as an invalid body: %v", err)
			}
		} else {
			if len(refs) > 2 || !slices.Contains(readEvents, event) && len(refs) > 0 {
				t.Fatalf("event %q named %v", event, refs)
			}
			for _, r := range refs {
				if r.Key == "" || r.Type != github.TypeRepository && r.Type != github.TypeOrganization ||
					r.Key == "*" && (event != "repository_ruleset" || r.Type != github.TypeRepository) {
					t.Fatalf("event %q named %+v", event, r)
				}
			}
		}
		if len(body) > 0 {
			changed := slices.Clone(body)
			changed[int(flip)%len(changed)] ^= 1 << (flip % 8)
			if _, err := github.ParseWebhook(h, changed, secret); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
				t.Fatalf("a changed body was not refused as unsigned: %v", err)
			}
		}
		// The same MAC in upper-case hex is the right signature too.
		if rest, ok := strings.CutPrefix(sig, "sha256="); !ok || !strings.EqualFold(rest, good[len("sha256="):]) {
			h.Set("X-Hub-Signature-256", sig)
			if _, err := github.ParseWebhook(h, body, secret); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
				t.Fatalf("signature header %q accepted: %v", sig, err)
			}
		}
	})
}

package attest_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layers ranks every package of Attest. A package may import only packages of
// a lower rank, so the import graph stays layered: the domain at the bottom,
// storage above it, the use-case services above storage, the adapters (web,
// CLI) on top, and app, the composition root, joining them. A new package
// needs a line here, which is the moment to decide where it belongs.
var layers = map[string]int{
	"":                            0, // the domain: types, rules, coded errors, the principal
	"auth":                        0, // credential primitives
	"ledger":                      0, // pure: entries, records, checkpoints, bundles
	"blob":                        1,
	"catalog":                     1,
	"csvfile":                     1, // the CSV files Attest imports: header, bounds, errors by line
	"csvfile/csvfiletest":         1, // the checks of the CSV imports' fuzz targets
	"requestlist":                 2, // an audit firm's request list (PBC) read from CSV
	"readiness":                   1,
	"metrics":                     1, // the process's figures in Prometheus's text format (stdlib only)
	"metrics/metricstest":         2, // a strict reader of that format, for tests
	"export/oscal":                2, // pure: the programme as OSCAL component definitions and assessment results
	"soa":                         1, // pure: the Statement of Applicability as CSV, Markdown and PDF
	"connector/github":            1, // the GitHub connector (go-github)
	"connector/github/githubtest": 1, // a local server speaking GitHub's REST API
	"connector/aws":               1, // the AWS connector (aws-sdk-go-v2)
	"connector/aws/awstest":       1, // a local server speaking IAM, STS, EC2, RDS, S3, S3 Control and GuardDuty wire protocols
	"connector/okta":              1, // the Okta connector (REST, net/http)
	"connector/okta/oktatest":     1, // a local server speaking Okta's management API
	"connector/google":            1, // the Google Workspace connector (Admin SDK Directory API)
	"connector/google/googletest": 1, // a local server speaking the Directory API and Google's token endpoint
	"monitor/engine":              1, // pure: test definitions in CEL, evaluation
	"secret":                      1, // AES-256-GCM sealing of connection credentials
	"connector":                   2, // registry of connector types
	"catalog/importer":            2,
	"policy/templates":            2, // policy templates: front matter, placeholders, sanitized HTML
	"store":                       3,
	"policy/doc":                  3, // pure: policies as Markdown, HTML and PDF; acknowledgement reports
	"policy/policyfile":           1, // pure: policies as code, Markdown files with front matter
	"store/storetest":             4,
	"export/auditpkg":             4, // pure: an audit's export package (index, files, ledger segment, PDF, OSCAL) and its verification
	"chain":                       4,
	"evidence":                    5,
	"connection":                  5, // connections: settings, sealed credentials, checks
	"monitor":                     6, // runs collections and tests; results, history, exceptions, replay
	"programme":                   7, // readiness reads the registers (training, people) below it
	"account":                     6,
	"people":                      5, // workforce records and their CSV import; background checks
	"training":                    6, // security awareness training: the built-in course and quiz, external completions
	"policy":                      5, // policy lifecycle: drafts, approvals, publication, acceptance
	"evidence/evidencetest":       7,
	"sso":                         7, // single sign-on over OpenID Connect (go-oidc)
	"passkey":                     7, // passkeys over WebAuthn (go-webauthn)
	"sso/oidctest":                5, // a real OpenID Connect provider on loopback, for tests
	"notify/email":                1, // notifications by SMTP (net/smtp)
	"notify/slack":                1, // notifications to Slack incoming webhooks
	"notify/mailpittest":          5, // a real SMTP server (Mailpit) on loopback, for tests
	"notify":                      6, // notices, digests, deliveries by email and Slack
	"roster":                      7, // people beside their accounts in collected systems; leavers, joiners, unlinked accounts
	"risk":                        6, // the risk register: library, scores, treatments, approved assessments
	"vendors":                     6, // vendors, their reviews, SOC 2 reports and complementary user entity controls
	"incident":                    7, // incidents, their timeline and corrective actions; response exercises
	"change":                      7, // deployed changes reconciled with their reviews (CC8.1)
	"accessreview":                7, // access review campaigns: frozen account lists, decisions, verified removals
	"population":                  6, // audit populations: recorded retrievals, reconciled and tested item by item
	"demo":                        8, // above the services it seeds through
	"jobs":                        7, // the only package importing River
	"jobs/jobstest":               8, // a database with Attest's and the job queue's migrations applied, for tests
	"web":                         8,
	"web/ui":                      9,
	"web/api":                     9,
	"web/hooks":                   9,  // providers' webhooks: verify, then queue a collection
	"web/webtest":                 12, // the full server for tests, built through app
	"app":                         11,
	"cli":                         12,
	"cmd/attest":                  13,
	"bench/bundle":                13,
	"bench/ledger":                13,
	"bench/verify":                13,
	"bench/monitor":               13,
	"bench/webhook":               13,
	"bench/aws":                   13,
	"bench/auditpkg":              13,
	"bench/pages":                 13,
	"e2e":                         13,
	"faults":                      13, // tests only: the binary killed at random moments, two nodes on one database
}

const module = "github.com/attest-hq/attest"

func TestImportGraphIsLayered(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		// .ci/run turns checkptr off: it would check nothing of ours as long
		// as nothing of ours converts pointers with unsafe.
		if slices.Contains(p.Imports, "unsafe") || slices.Contains(p.TestImports, "unsafe") || slices.Contains(p.XTestImports, "unsafe") {
			t.Errorf("%s imports unsafe: Attest's code does not (and .ci/run runs the race detector without checkptr on that ground)", p.ImportPath)
		}
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rank, ok := layers[name]
		if !ok {
			t.Errorf("package %q has no layer: add it to layers in layers_test.go", name)
			continue
		}
		for _, imp := range p.Imports {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if r, ok := layers[dep]; ok && r >= rank {
				t.Errorf("%s (layer %d) imports %s (layer %d): a package may import only lower layers", p.ImportPath, rank, imp, r)
			}
		}
	}
	if seen < 15 {
		t.Fatalf("go list found only %d packages", seen)
	}
}

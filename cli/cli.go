// Package cli implements the attest command line: serve, migrate, version, and
// administration commands. Every flag has an ATTEST_* environment fallback.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// env is the process environment, passed in so tests can set it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	ctx            context.Context
	connectors     connector.Registry // nil: connector.Default(); tests register their own
	// passwords hashes passwords (user create, the demo's users); zero is
	// auth.DefaultParams. Tests use auth.TestParams: a hash with the
	// default's 64 MiB and three passes is a third of a second.
	passwords auth.Params
}

type command struct {
	name    string // "user create"
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "Serve the web UI and the API, applying pending migrations first", runServe},
		{"worker", "Run collection jobs without serving (scheduled, \"Run now\", webhooks); stops on SIGINT or SIGTERM", runWorker},
		{"migrate", "Apply pending database migrations and exit", runMigrate},
		{"jobs", "Show the job processes (serve and worker nodes) and the job queue: attest jobs [--json]", runJobs},
		{"version", "Print the version", runVersion},
		{"org create", "Create an organization: attest org create SLUG --name NAME", runOrgCreate},
		{"user create", "Create a user (or add an existing one) in an organization with a role", runUserCreate},
		{"user reset-two-step", "Remove a user's authenticator app and recovery codes and sign them out everywhere (they lost both): --email EMAIL", runUserResetTwoStep},
		{"token create", "Print a new API token of a member for scripts and CI: --org SLUG --email EMAIL --name NAME", runTokenCreate},
		{"readiness", "Print an organization's readiness for SOC 2 or --framework iso27001; --min PERCENT exits 3 below it (for CI gates)", runReadiness},
		{"framework scope", "Bring a built-in framework into an organization's scope or take it out: attest framework scope --org SLUG iso27001 on|off", runFrameworkScope},
		{"soa exclude", "Exclude an ISO 27001 Annex A control with the reason: attest soa exclude --org SLUG --justification TEXT A.7.1", runSoAExclude},
		{"soa include", "Make an excluded Annex A control applicable again: attest soa include --org SLUG A.7.1", runSoAInclude},
		{"soa", "Write the ISO 27001 Statement of Applicability: attest soa --org SLUG [--format csv|md|pdf] [--out FILE]", runSoA},
		{"framework import", "Import a CISO Assistant library (YAML) or OSCAL catalog (JSON) into an organization; --replace replaces it", runFrameworkImport},
		{"framework delete", "Delete an imported framework and the mappings to it: attest framework delete --org SLUG KEY", runFrameworkDelete},
		{"evidence add", "Add files as evidence for controls, all or nothing: attest evidence add --org SLUG --control REF FILE…", runEvidenceAdd},
		{"evidence export", "Write an organization's evidence, ledger and checkpoints to a bundle: --org SLUG --out FILE.zip", runEvidenceExport},
		{"audit create", "Start an audit in planning: --org SLUG --name NAME [--framework soc2] --type type1 --as-of DAY | --type type2 --from DAY --to DAY [--firm NAME] [--early-access DAY]", runAuditCreate},
		{"audit list", "List an organization's audits: --org SLUG [--json]", runAuditList},
		{"audit show", "Print what an audit covers: its controls and the evidence of its period: --org SLUG --audit ID [--json]", runAuditShow},
		{"audit status", "Move an audit forward (fieldwork, reporting, closed; closing ends its auditors' access): --org SLUG --audit ID --to STATUS", runAuditStatus},
		{"audit invite", "Invite an audit firm's auditor into one audit and print the link (shown once): --org SLUG --audit ID --as MEMBER_EMAIL --email EMAIL [--base-url URL]", runAuditInvite},
		{"audit revoke", "End an invited auditor's access to one audit (as \"End access\" on its page): --org SLUG --audit ID --email EMAIL", runAuditRevoke},
		{"audit results", "Print the result of each control in an audit's scope: pass, deviation (with its root cause), not occurring or not tested, and each deviation item with its key and root cause: --org SLUG --audit ID [--json]", runAuditResults},
		{"audit root-cause", "Record the root cause of a control's deviation in an audit, or with --item of one deviation item (its key in attest audit results): --org SLUG --audit ID --control REF [--item KEY] (--text TEXT | --clear)", runAuditRootCause},
		{"verify", "Re-hash every blob and walk every ledger; or verify a bundle or an audit package: attest verify FILE.zip --pubkey KEY", runVerify},
		{"audit population take", "Take an audit population, recorded in the ledger, reconciled and tested item by item: --org SLUG --audit ID --kind joiners|leavers|changes|incidents|access_reviews|vendor_reviews|vulnerabilities|configuration [--from YYYY-MM-DD --to YYYY-MM-DD] [--json]", runAuditPopulationTake},
		{"audit population list", "List an organization's recorded populations: --org SLUG [--kind K] [--audit ID] [--json]", runAuditPopulationList},
		{"audit population show", "Show a recorded population with its rows, results and mismatches: --org SLUG [--json | --items] ID", runAuditPopulationShow},
		{"audit population sample", "Draw a sample of a recorded population for a control of its audit and write its workpaper: --org SLUG --audit ID --population ID --control ID [--frequency F] [--prior-deviation] --out FILE", runAuditPopulationSample},
		{"audit sample", "Draw an audit sample into a workpaper, or re-derive one: --audit ID --control REF --population FILE [--frequency F] [--prior-deviation] --out FILE | --verify FILE", runAuditSample},
		{"audit requests generate", "Add the default request list of an audit: one request per control in scope and period, skipping those it has: --org SLUG --audit ID", runAuditRequestsGenerate},
		{"audit requests list", "List an audit's requests with their tally by status: --org SLUG --audit ID [--status S] [--json]", runAuditRequestsList},
		{"audit requests add", "Add a request to an audit: --org SLUG --audit ID --title TEXT [--ref R] [--details TEXT] [--expected TEXT] [--control REF] [--owner EMAIL] [--due DAY]", runAuditRequestsAdd},
		{"audit requests import", "Import an audit firm's request list from CSV, every row or none: --org SLUG --audit ID --file FILE.csv", runAuditRequestsImport},
		{"audit requests show", "Show a request with its history and evidence: --org SLUG --audit ID --request ID [--json]", runAuditRequestsShow},
		{"audit requests act", "Comment on, submit or assign a request: --org SLUG --audit ID --request ID --action comment|submit|assign [--text TEXT] [--evidence IDS] [--owner EMAIL] [--due DAY]", runAuditRequestsAct},
		{"audit export", "Write an audit's export package (index, evidence files, ledger segment, PDF summary, OSCAL), verifiable offline: --org SLUG (--audit ID | [--framework ID] (--as-of DAY | --from DAY --to DAY)) --out FILE.zip [--no-resume]; an interrupted run resumes from FILE.zip.partial", runAuditExport},
		{"coverage", "Type 2 coverage per control: attest coverage --org SLUG --from DATE --to DATE [--tz ZONE] [--json]", runCoverage},
		{"key show", "Print the install's public ledger key, which verifies its checkpoints and bundles", runKeyShow},
		{"connection add", "Add a connection: --org SLUG --type TYPE --name NAME --set KEY=VALUE… [--secret-stdin] [--interval MINUTES]", runConnectionAdd},
		{"connection list", "List an organization's connections and their last check: --org SLUG [--json]", runConnectionList},
		{"connection check", "Check a connection's credential; exits 1 naming what is missing: --org SLUG --name NAME", runConnectionCheck},
		{"connection remove", "Remove a connection and its credential: --org SLUG --name NAME", runConnectionRemove},
		{"monitor run", "Collect and test now, printing every result; exits 1 when any fails: --org SLUG [--connection NAME] [--json]", runMonitorRun},
		{"test eval", "Evaluate monitoring tests offline on a snapshot: --resources FILE.json [--tests DIR] [--json]; exit 1 when any fails", runTestEval},
		{"test list", "List the monitoring tests with their versions: [--tests DIR] [--json]", runTestList},
		{"test replay", "Re-derive a result's verdict from its snapshot and test version: --org SLUG --result ID", runTestReplay},
		{"connection webhook", "Make a new webhook secret for a connection and print it with the payload URL (shown once): --org SLUG --name NAME", runConnectionWebhook},
		{"test add", "Add (or replace) one of an organization's own tests from a YAML file, validated first: --org SLUG FILE.yaml", runTestAdd},
		{"test remove", "Remove one of an organization's own tests: --org SLUG --id TEST", runTestRemove},
		{"exception list", "List an organization's test exceptions and their state: --org SLUG [--json]", runExceptionList},
		{"exception request", "Request an exception: --org SLUG --as EMAIL --test ID --resource TYPE:KEY --reason TEXT --expires DATE", runExceptionRequest},
		{"exception approve", "Approve an exception (an admin or manager other than the requester): --org SLUG --as EMAIL --id exc_…", runExceptionDecide("exception approve")},
		{"exception revoke", "Revoke an exception: --org SLUG --as EMAIL --id exc_…", runExceptionDecide("exception revoke")},
		{"people import", "Import people from a CSV file, all or nothing; exits 1 naming each rejected row: --org SLUG FILE.csv", runPeopleImport},
		{"people list", "List an organization's people: --org SLUG [--json]", runPeopleList},
		{"people add", "Record a person: --org SLUG --name NAME --email EMAIL --start-date DATE [--title T] [--department D] [--manager EMAIL] …", runPeopleAdd},
		{"change list", "Print the changes register: every deployed change of the window reconciled with its review; exits 1 on any finding: --org SLUG [--days N] [--format text|json|csv]", runChangeList},
		{"change import", "Store a deploy log (CSV: repository, commit, deployed_at[, environment, deployer]) for deployments GitHub does not record, all or nothing: --org SLUG FILE.csv", runChangeImport},
		{"change bank", "Store the changes register over a window as evidence of the change controls (CHG-1, CHG-3, CHG-6), in the ledger: --org SLUG [--days N]", runChangeBank},
		{"people roster", "Set people beside their accounts in collected systems; print leavers with access, joiners without, accounts without an owner; exits 1 when any: --org SLUG [--json]", runPeopleRoster},
		{"people populations", "Print the joiners and leavers of a window of days, each reconciled with their accounts: --org SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--csv]", runPeoplePopulations},
		{"risk list", "List the risk register with scores and review dates; with --overdue exits 1 when a review or acceptance is overdue: --org SLUG [--overdue] [--json]", runRiskList},
		{"risk import", "Import risks from a CSV file, all or nothing; exits 1 naming each rejected row and field: --org SLUG FILE.csv", runRiskImport},
		{"risk export", "Export the risk register as CSV: --org SLUG [--out FILE.csv]", runRiskExport},
		{"risk assess", "Submit the annual risk assessment (the register frozen today) to an approver: --org SLUG --as EMAIL --approver EMAIL [--note TEXT]", runRiskAssess},
		{"risk approve", "Approve a submitted risk assessment as its named approver; it goes into the ledger: --org SLUG --as EMAIL ra_…", runRiskApprove},
		{"training list", "List where everyone stands with security awareness training; --overdue exits 1 when anyone is overdue: --org SLUG [--overdue] [--json]", runTrainingList},
		{"training record", "Record an external course's completion with a certificate or link: --org SLUG --email EMAIL --course NAME --completed-on DATE (--certificate FILE | --link URL)", runTrainingRecord},
		{"background list", "List everyone's background check; --overdue exits 1 when any is overdue: --org SLUG [--overdue]", runBackgroundList},
		{"background import", "Import background checks from a CSV file, all or nothing; exits 1 naming each rejected row: --org SLUG FILE.csv", runBackgroundImport},
		{"vendor list", "List the vendor register with each vendor's next review; --overdue exits 1 when any is overdue: --org SLUG [--overdue] [--json]", runVendorList},
		{"vendor import", "Import vendors from a CSV file, all or nothing; exits 1 naming each rejected row: --org SLUG FILE.csv", runVendorImport},
		{"vendor export", "Export the vendor register as CSV: --org SLUG [--out FILE.csv]", runVendorExport},
		{"oscal", "Write the programme for one framework as an OSCAL document, validated against NIST's schema: --org SLUG --document component-definition|assessment-results [--framework ID] [--from DAY --to DAY] [--out FILE]", runOSCAL},
		{"draft description", "Write the draft system description: --org SLUG [--format md|pdf] [--out FILE]", runDraftDescription},
		{"draft assertion", "Write the draft management assertion: --org SLUG --type type1 --as-of DAY | --type type2 --from DAY --to DAY | --audit ID [--format md|pdf] [--out FILE]", runDraftAssertion},
		{"checklist list", "List onboarding and offboarding checklists with their open steps; --overdue exits 1 when a step is past its deadline: --org SLUG [--overdue] [--json]", runChecklistList},
		{"checklist defaults", "Create the default onboarding and offboarding templates where none exist: --org SLUG [--since YYYY-MM-DD]", runChecklistDefaults},
		{"checklist close", "Close a checklist step by hand with a note and optionally a file kept as evidence: --org SLUG --email EMAIL --step ID --note TEXT [--file PATH]", runChecklistClose},
		{"checklist observe", "Verify account steps from the latest collections, as the worker does after each: --org SLUG", runChecklistObserve},
		{"review start", "Start an access review: freeze the accounts of connections and an uploaded list: --org SLUG --system CONNECTION=OWNER_EMAIL … [--upload FILE.csv --upload-system NAME --upload-owner EMAIL] [--title T] [--due YYYY-MM-DD]", runReviewStart},
		{"review list", "List access reviews and when the next is due; --overdue exits 1 when one is: --org SLUG [--overdue] [--json]", runReviewList},
		{"review report", "Write an access review's report as CSV: --org SLUG ID|UID [--out FILE.csv]", runReviewReport},
		{"review cadence", "Set how many months apart access reviews are due (default 3): --org SLUG --months N", runReviewCadence},
		{"vendor subprocessors", "Print the subprocessor list: --org SLUG [--format md|csv] [--out FILE]", runVendorSubprocessors},
		{"incident list", "List the incident register: --org SLUG [--severity sev1…sev4] [--open] [--json]", runIncidentList},
		{"incident import", "Import incidents from a CSV file, all or nothing; a bad row names its line and field: --org SLUG FILE.csv", runIncidentImport},
		{"incident export", "Write the incident register as CSV: --org SLUG [--out FILE]", runIncidentExport},
		{"exercise record", "Record a held incident-response or disaster-recovery exercise in the ledger: --org SLUG --kind KIND [--format tabletop|live] --held-on DATE --title T --scenario S --participant NAME… [--findings TEXT]", runExerciseRecord},
		{"exercise list", "List exercises and when the next of each kind is due; --check exits 1 when one is due: --org SLUG [--check]", runExerciseList},
		{"policy templates", "List the policy templates with the controls and criteria each supports: [--json]", runPolicyTemplates},
		{"policy render", "Print a policy template filled in: --template ID [--set KEY=VALUE…] [--format markdown|html]", runPolicyRender},
		{"policy list", "List an organization's policies with their newest and published versions: --org SLUG [--json]", runPolicyList},
		{"policy adopt", "Adopt a policy template as a draft: --org SLUG --template ID [--key KEY]", runPolicyAdopt},
		{"policy show", "Show a policy and its versions: --org SLUG [--json] KEY", runPolicyShow},
		{"policy diff", "Compare two versions of a policy line by line: --org SLUG [--from LABEL] [--to LABEL] KEY", runPolicyDiff},
		{"policy export", "Write every policy as KEY.md files (front matter and text) to keep in git: --org SLUG --out DIR", runPolicyExport},
		{"policy import", "Import policy files, all or nothing: new keys become policies, changed texts drafts; exits 1 naming each broken file: --org SLUG [--check] DIR", runPolicyImport},
		{"policy print", "Write a policy, or every published one, as PDF, Markdown or HTML: --org SLUG [--format pdf|md|html] [--out FILE] [KEY]", runPolicyPrint},
		{"policy submit", "Send a policy's draft for approval: --org SLUG --approver EMAIL… [--quorum N] KEY", runPolicySubmit},
		{"policy approve", "Record a named approver's decision: --org SLUG --as EMAIL [--reject] [--comment TEXT] [--evidence ev_…] KEY", runPolicyApprove},
		{"policy publish", "Publish a policy's approved version: --org SLUG KEY", runPolicyPublish},
		{"policy values", "Show the values policy placeholders are filled with, or set some: --org SLUG [--set KEY=VALUE…]", runPolicyValues},
		{"policy acknowledgements", "Who must accept which policy, and who is overdue: --org SLUG [--overdue] [--json | --format csv|pdf [--out FILE]]; --overdue exits 1 when any are", runPolicyAcknowledgements},
		{"email set", "Set the install's SMTP server, checked first: --host HOST [--port 587] [--security starttls|tls|none] [--username USER [--password-stdin]] --from ADDRESS", runEmailSet},
		{"email show", "Show the install's SMTP server (never its password)", runEmailShow},
		{"email check", "Connect to the SMTP server, start TLS and sign in, without sending", runEmailCheck},
		{"email test", "Send a test message now and print what the server answered: --to ADDRESS", runEmailTest},
		{"email clear", "Turn email off: invitations become links to copy, digests are not sent", runEmailClear},
		{"notify send", "Run one notification round and send every queued message from this process, printing each outcome", runNotifySend},
		{"secrets rotate", "Make a new secret key current and re-seal every stored credential with it", runSecretsRotate},
		{"backup", "Copy the SQLite install (database, file blobs, keys) into one archive while serve may run: --out FILE", runBackup},
		{"restore", "Unpack a backup into a new, empty data directory: --from FILE", runRestore},
		{"gc", "Remove evidence blobs that no evidence refers to and older than a day: attest gc [--dry-run] [--older-than DURATION]", runGC},
		{"help", "List commands, flags and environment variables", nil},
	}
}

// Main runs the command line and returns the exit status: 0 on success, 1 when
// the command failed, 2 for a usage error.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv})
}

func run(ctx context.Context, args []string, e *env) int {
	e.ctx = ctx
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(e.stdout)
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name && c.run != nil {
			err := c.run(e, args[len(words):])
			var ue usageError
			var below belowMinimum
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, &ue):
				fmt.Fprintf(e.stderr, "attest %s: %v\nRun 'attest help' for usage.\n", c.name, err)
				return 2
			case errors.As(err, &below):
				fmt.Fprintf(e.stderr, "attest %s: %v\n", c.name, err)
				return 3
			case attest.ErrorCode(store.Unavailable(err)) == attest.EUNAVAILABLE:
				// The database or the disk, not the command: exit 75
				// (EX_TEMPFAIL), so a script knows to try again later.
				fmt.Fprintf(e.stderr, "attest %s: %s\n(%v)\n", c.name, attest.ErrorMessage(store.Unavailable(err)), err)
				return 75
			default:
				fmt.Fprintf(e.stderr, "attest %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(e.stderr, "attest: unknown command %q\nRun 'attest help' for usage.\n", strings.Join(args, " "))
	return 2
}

// usageError is a mistake in how a command was called.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// setting is a flag with an environment fallback. The table is the single
// source for flag parsing and for 'attest help'.
type setting struct {
	flag, env, def, help string
	commands             []string // which commands take it
}

var settings = []setting{
	{"addr", "ATTEST_ADDR", "127.0.0.1:8080", "address to listen on (host:port)", []string{"serve"}},
	{"database-url", "ATTEST_DATABASE_URL", "", "postgres://… for PostgreSQL; empty for the embedded SQLite file in the data directory", []string{"serve", "worker", "migrate", "jobs", "org create", "user create", "user reset-two-step", "token create", "readiness", "framework import", "framework delete", "verify", "key show", "evidence add", "evidence export", "coverage", "gc", "connection add", "connection list", "connection check", "connection remove", "connection webhook", "secrets rotate", "email set", "email show", "email check", "email test", "email clear", "notify send", "monitor run", "test replay", "test add", "test remove", "exception list", "exception request", "exception approve", "exception revoke", "people import", "people list", "people add", "people roster", "people populations", "change list", "change import", "change bank", "policy list", "policy adopt", "policy show", "policy diff", "policy print", "policy export", "policy import", "policy submit", "policy approve", "policy publish", "policy values", "policy acknowledgements", "risk list", "risk import", "risk export", "risk assess", "risk approve", "vendor list", "vendor import", "vendor export", "vendor subprocessors", "incident list", "incident import", "incident export", "exercise record", "exercise list", "training list", "training record", "background list", "background import", "oscal", "draft description", "draft assertion", "checklist list", "checklist defaults", "checklist close", "checklist observe", "review start", "review list", "review report", "review cadence", "backup", "restore", "framework scope", "soa exclude", "soa include", "soa", "audit create", "audit list", "audit show", "audit status", "audit invite", "audit revoke", "audit results", "audit root-cause", "audit export", "audit population take", "audit population list", "audit population show", "audit population sample", "audit requests generate", "audit requests list", "audit requests add", "audit requests import", "audit requests show", "audit requests act"}},
	{"data-dir", "ATTEST_DATA_DIR", "./attest-data", "directory for the SQLite database and local files", []string{"serve", "worker", "migrate", "jobs", "org create", "user create", "user reset-two-step", "token create", "readiness", "framework import", "framework delete", "verify", "key show", "evidence add", "evidence export", "coverage", "gc", "connection add", "connection list", "connection check", "connection remove", "connection webhook", "secrets rotate", "email set", "email show", "email check", "email test", "email clear", "notify send", "monitor run", "test replay", "test add", "test remove", "exception list", "exception request", "exception approve", "exception revoke", "people import", "people list", "people add", "people roster", "people populations", "change list", "change import", "change bank", "policy list", "policy adopt", "policy show", "policy diff", "policy print", "policy export", "policy import", "policy submit", "policy approve", "policy publish", "policy values", "policy acknowledgements", "risk list", "risk import", "risk export", "risk assess", "risk approve", "vendor list", "vendor import", "vendor export", "vendor subprocessors", "incident list", "incident import", "incident export", "exercise record", "exercise list", "training list", "training record", "background list", "background import", "oscal", "draft description", "draft assertion", "checklist list", "checklist defaults", "checklist close", "checklist observe", "review start", "review list", "review report", "review cadence", "backup", "restore", "framework scope", "soa exclude", "soa include", "soa", "audit create", "audit list", "audit show", "audit status", "audit invite", "audit revoke", "audit results", "audit root-cause", "audit export", "audit population take", "audit population list", "audit population show", "audit population sample", "audit requests generate", "audit requests list", "audit requests add", "audit requests import", "audit requests show", "audit requests act"}},
	{"blob-url", "ATTEST_BLOB_URL", "", "where evidence files are stored: s3://bucket?endpoint=…&region=…, file:///path, or empty for the blobs folder in the data directory", []string{"serve", "worker", "verify", "evidence add", "evidence export", "gc", "monitor run", "test replay", "exception request", "exception approve", "exception revoke", "people roster", "people populations", "change list", "change bank", "exercise record", "training record", "checklist list", "checklist close", "checklist observe", "review start", "review report", "backup", "audit export", "audit population take"}},
	{"signing-key", "ATTEST_SIGNING_KEY_FILE", "", "the install's Ed25519 ledger key; serve creates it on first start; default keys/ledger-ed25519.key in the data directory", []string{"serve", "worker", "verify", "key show", "evidence add", "evidence export", "gc", "monitor run", "test replay", "exception request", "exception approve", "exception revoke", "people roster", "people populations", "change list", "change bank", "exercise record", "training record", "checklist list", "checklist close", "checklist observe", "review start", "review report", "backup", "audit export", "audit population take"}},
	{"secret-key-file", "ATTEST_SECRET_KEY_FILE", "", "the keys sealing connection credentials, used when ATTEST_SECRET_KEY is not set; serve creates it on first start; default keys/secrets-aes256.key in the data directory", []string{"serve", "worker", "connection add", "connection check", "connection webhook", "secrets rotate", "email set", "email check", "email test", "notify send", "monitor run", "backup"}},
	{"max-upload", "ATTEST_MAX_UPLOAD", "100MiB", "largest evidence file accepted (B, KiB, MiB or GiB)", []string{"serve", "evidence add"}},
	{"base-url", "ATTEST_BASE_URL", "", "external URL for links (set-up, invitations), the single sign-on redirect URI and the passkey domain (a name, not an IP); https:// marks cookies Secure; default http://ADDR", []string{"serve"}},
	{"trust-proxy", "ATTEST_TRUST_PROXY", "false", "take client addresses from X-Forwarded-For (only behind a reverse proxy)", []string{"serve"}},
	{"session-idle", "ATTEST_SESSION_IDLE", "12h", "sign a session out after this long without use", []string{"serve"}},
	{"shutdown-timeout", "ATTEST_SHUTDOWN_TIMEOUT", "30s", "how long to let in-flight requests and running jobs finish on SIGTERM", []string{"serve", "worker"}},
	{"job-lost-after", "ATTEST_JOB_LOST_AFTER", "1m", "give the running jobs of a serve or worker process to another once it has been silent this long (killed, its machine lost); each process beats every sixth of it, at most every 10s", []string{"serve", "worker", "jobs"}},
	{"demo", "ATTEST_DEMO", "false", "create (or refresh) a demo organization and print its logins", []string{"serve"}},
	{"demo-size", "ATTEST_DEMO_SIZE", "standard", "standard, or large: also build the large demo organization (2,000 people, 500 repositories, 100,000 cloud resources with three years of history, 50,000 evidence items; about a minute on first start, then kept); large implies --demo", []string{"serve"}},
	{"jobs", "ATTEST_JOBS", "true", "run collection jobs in this process; false leaves them to attest worker", []string{"serve"}},
	{"workers", "ATTEST_WORKERS", "4", "collections run at once by this process", []string{"serve", "worker"}},
	{"metrics-addr", "ATTEST_METRICS_ADDR", "", "serve Prometheus metrics at /metrics on this address (host:port) of their own, never the public one; empty for none", []string{"serve", "worker"}},
	{"log-format", "ATTEST_LOG_FORMAT", "auto", "text, json, or auto (text on a terminal, JSON otherwise)", []string{"serve", "worker"}},
	{"log-level", "ATTEST_LOG_LEVEL", "info", "debug, info, warn or error", []string{"serve", "worker"}},
}

// flags holds one command's parsed settings.
type flags struct {
	fs     *flag.FlagSet
	values map[string]*string
	e      *env
}

// newFlags defines the settings that apply to cmd, plus any extra flags the
// command adds before parse.
func newFlags(cmd string, e *env) *flags {
	f := &flags{fs: flag.NewFlagSet(cmd, flag.ContinueOnError), values: map[string]*string{}, e: e}
	f.fs.SetOutput(e.stderr)
	for _, s := range settings {
		for _, c := range s.commands {
			if c == cmd {
				v := s.def
				f.values[s.flag] = &v
				if s.def == "true" || s.def == "false" {
					f.fs.Var((*boolText)(&v), s.flag, s.help+" ["+s.env+"]")
				} else {
					f.fs.StringVar(&v, s.flag, s.def, s.help+" ["+s.env+"]")
				}
			}
		}
	}
	return f
}

// parse reads flags (interspersed with positional arguments), then fills every
// setting not given on the command line from its environment variable.
func (f *flags) parse(args []string, e *env) ([]string, error) {
	var positional []string
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		args = f.fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, s := range settings {
		if _, ok := f.values[s.flag]; !ok || given[s.flag] {
			continue
		}
		if v := e.getenv(s.env); v != "" {
			*f.values[s.flag] = v
		}
	}
	return positional, nil
}

// boolText is a boolean flag kept as text, so that flag and environment values
// are validated by one function (flags.boolean) with one error message.
type boolText string

func (b *boolText) String() string     { return string(*b) }
func (b *boolText) Set(s string) error { *b = boolText(s); return nil }
func (b *boolText) IsBoolFlag() bool   { return true }

func (f *flags) str(name string) string { return *f.values[name] }

func (f *flags) boolean(name string) (bool, error) {
	switch strings.ToLower(f.str(name)) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off", "":
		return false, nil
	}
	return false, usagef("--%s (%s): want true or false, got %q", name, envOf(name), f.str(name))
}

// bytes reads a size such as 100MiB, 512KiB or 1048576.
func (f *flags) bytes(name string) (int64, error) {
	s := strings.TrimSpace(f.str(name))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, usagef("--%s (%s): want a size such as 100MiB, got %q", name, envOf(name), f.str(name))
	}
	return n * mult, nil
}

func (f *flags) duration(name string) (time.Duration, error) {
	d, err := time.ParseDuration(f.str(name))
	if err != nil || d <= 0 {
		return 0, usagef("--%s (%s): want a positive duration such as 30s or 12h, got %q", name, envOf(name), f.str(name))
	}
	return d, nil
}

func envOf(flagName string) string {
	for _, s := range settings {
		if s.flag == flagName {
			return s.env
		}
	}
	return ""
}

// logger builds the structured logger: text on a terminal, JSON otherwise.
func (f *flags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.str("log-level"))); err != nil {
		return nil, usagef("--log-level (ATTEST_LOG_LEVEL): want debug, info, warn or error, got %q", f.str("log-level"))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f.str("log-format") {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "auto":
		if isTerminal(w) {
			return slog.New(slog.NewTextHandler(w, opts)), nil
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format (ATTEST_LOG_FORMAT): want text, json or auto, got %q", f.str("log-format"))
}

// open is the commands' door to the composition root: the configuration
// from the command's flags, then app.Open, which validates it, opens and
// migrates the database and builds the services. Needs.Evidence also opens the
// blob store and the signing key (never creating it).
func (f *flags) open(ctx context.Context, needs app.Needs) (*app.Services, error) {
	cfg := app.Config{DatabaseURL: f.str("database-url"), DataDir: f.str("data-dir")}
	if _, ok := f.values["blob-url"]; ok {
		cfg.BlobURL = f.str("blob-url")
	}
	if _, ok := f.values["signing-key"]; ok {
		cfg.SigningKeyFile = f.str("signing-key")
	}
	if _, ok := f.values["secret-key-file"]; ok {
		// The keys themselves come only from the environment, never a
		// flag, which other users could read in the process list.
		cfg.SecretKeyFile, cfg.SecretKey = f.str("secret-key-file"), f.e.getenv(secret.EnvKey)
	}
	cfg.Connectors, cfg.PasswordParams = f.e.connectors, f.e.passwords
	if _, ok := f.values["max-upload"]; ok {
		var err error
		if cfg.MaxUpload, err = f.bytes("max-upload"); err != nil {
			return nil, err
		}
	}
	return app.Open(ctx, cfg, needs)
}

// openOrg opens the install as open does and finds the organization named by
// --org, naming the flag when it does not exist.
func (f *flags) openOrg(ctx context.Context, needs app.Needs, slug string) (*app.Services, attest.Organization, error) {
	s, err := f.open(ctx, needs)
	if err != nil {
		return nil, attest.Organization{}, err
	}
	org, err := s.DB.OrgBySlug(ctx, slug)
	if err != nil {
		s.Close()
		return nil, org, fmt.Errorf("--org %s: %w", slug, err)
	}
	return s, org, nil
}

// orgFlags begins a command that acts in one organization: its settings
// and --org.
func orgFlags(cmd string, e *env) (*flags, *string) {
	f := newFlags(cmd, e)
	return f, f.fs.String("org", "", "organization slug")
}

// importCSV runs an import command: --org and exactly one FILE.csv
// argument, the file opened before the services (a missing file costs no
// database connection), then run with the organization and the file.
func importCSV(e *env, name string, args []string, run func(s *app.Services, org attest.Organization, path string, file *os.File) error) error {
	f := newFlags(name, e)
	orgSlug := f.fs.String("org", "", "organization slug")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one FILE.csv argument, got %d", len(rest))
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	file, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer file.Close()
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	return run(s, org, rest[0], file)
}

// openOrgCommand parses a command that takes no positional argument and
// needs --org, then opens the services and the organization.
func (f *flags) openOrgCommand(args []string, slug *string, needs app.Needs) (*app.Services, attest.Organization, error) {
	if rest, err := f.parse(args, f.e); err != nil {
		return nil, attest.Organization{}, err
	} else if len(rest) > 0 {
		return nil, attest.Organization{}, usagef("unexpected argument %q", rest[0])
	}
	if *slug == "" {
		return nil, attest.Organization{}, usagef("--org is required")
	}
	return f.openOrg(f.e.ctx, needs, *slug)
}

func printHelp(w io.Writer) {
	fmt.Fprintf(w, "attest %s: SOC 2 compliance automation.\n\nUsage: attest COMMAND [flags]\n\nCommands:\n", attest.Version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nFlags and their environment variables (a flag wins over its variable):\n")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  --%-17s %-24s default %s\n      %s (for: %s)\n", s.flag, s.env, def, s.help, strings.Join(s.commands, ", "))
	}
	fmt.Fprintf(w, "\nCommand flags:\n")
	fmt.Fprintf(w, "  org create SLUG --name NAME\n")
	fmt.Fprintf(w, "  user create --org SLUG --email EMAIL --role admin|manager|employee|auditor [--name NAME] [--password-stdin]\n")
	fmt.Fprintf(w, "  user reset-two-step --email EMAIL\n")
	fmt.Fprintf(w, "      Prompts for the password on a terminal; --password-stdin reads it from the first line of standard input.\n")
	fmt.Fprintf(w, "  token create --org SLUG --email EMAIL --name NAME [--expires DAYS|never]\n")
	fmt.Fprintf(w, "      Prints only the token (atk_…) on standard output; --expires defaults to 90 days, as in the UI.\n")
	fmt.Fprintf(w, "  readiness --org SLUG [--framework soc2|iso27001] [--json] [--min PERCENT]\n")
	fmt.Fprintf(w, "      Exit status: 0 ready enough, 3 below --min, 1 failure, 2 usage error.\n")
	fmt.Fprintf(w, "  framework import FILE --org SLUG [--replace]\n")
	fmt.Fprintf(w, "      --replace replaces the framework with the same key in one step, keeping mappings whose requirement remains.\n")
	fmt.Fprintf(w, "  framework delete --org SLUG KEY\n")
	fmt.Fprintf(w, "  framework scope --org SLUG FRAMEWORK on|off\n")
	fmt.Fprintf(w, "  soa [--format csv|md|pdf] [--out FILE] --org SLUG\n")
	fmt.Fprintf(w, "  soa exclude --org SLUG --justification TEXT CONTROL\n")
	fmt.Fprintf(w, "  soa include --org SLUG CONTROL\n")
	fmt.Fprintf(w, "  evidence add --org SLUG --control REF [--control REF] [--title T] [--period-start DATE --period-end DATE] [--notes N] FILE…\n")
	fmt.Fprintf(w, "  evidence export --org SLUG --out FILE.zip\n")
	fmt.Fprintf(w, "  verify [--org SLUG]                    re-hash blobs and walk the ledgers of this install\n")
	fmt.Fprintf(w, "  verify FILE.zip --pubkey KEY           verify a bundle or an audit package offline\n")
	fmt.Fprintf(w, "  audit export --org SLUG [--framework ID] (--as-of DAY | --from DAY --to DAY) [--label NAME] --out FILE.zip\n")
	fmt.Fprintf(w, "  coverage --org SLUG --from DATE --to DATE [--tz ZONE] [--json]\n")
	fmt.Fprintf(w, "  key show\n")
	fmt.Fprintf(w, "  connection add --org SLUG --type TYPE --name NAME --set KEY=VALUE… [--secret-stdin] [--interval MINUTES]\n")
	fmt.Fprintf(w, "      Prompts for the credential on a terminal; --secret-stdin reads all of standard input (a token or a PEM key).\n")
	fmt.Fprintf(w, "  connection list --org SLUG [--json]\n")
	fmt.Fprintf(w, "  connection check --org SLUG --name NAME   exit status 1 when the credential does not work or lacks a permission\n")
	fmt.Fprintf(w, "  connection remove --org SLUG --name NAME\n")
	fmt.Fprintf(w, "  people import --org SLUG FILE.csv        all or nothing; exit status 1 naming each rejected row, when nothing is stored\n")
	fmt.Fprintf(w, "  people list --org SLUG [--json]\n")
	fmt.Fprintf(w, "  people add --org SLUG --name NAME --email EMAIL --start-date DATE [--title T] [--department D] [--manager EMAIL]\n")
	fmt.Fprintf(w, "      [--employment-type employee|contractor|intern] [--end-date DATE]\n")
	fmt.Fprintf(w, "  risk list --org SLUG [--overdue] [--json]  --overdue: exit status 1 when a review or acceptance is overdue\n")
	fmt.Fprintf(w, "  risk import --org SLUG FILE.csv          all or nothing; exit status 1 naming each rejected row and field\n")
	fmt.Fprintf(w, "  risk export --org SLUG [--out FILE.csv]\n")
	fmt.Fprintf(w, "  risk assess --org SLUG --as EMAIL --approver EMAIL [--note TEXT]\n")
	fmt.Fprintf(w, "  risk approve --org SLUG --as EMAIL ra_…\n")
	fmt.Fprintf(w, "  training list --org SLUG [--overdue] [--json]   exit status 1 with --overdue when anyone is overdue\n")
	fmt.Fprintf(w, "  training record --org SLUG --email EMAIL --course NAME --completed-on DATE (--certificate FILE | --link URL)\n")
	fmt.Fprintf(w, "  background list --org SLUG [--overdue]   exit status 1 with --overdue when any check is overdue\n")
	fmt.Fprintf(w, "  background import --org SLUG FILE.csv    all or nothing; exit status 1 naming each rejected row\n")
	fmt.Fprintf(w, "  vendor list --org SLUG [--overdue] [--json]   exit status 1 with --overdue when any review is overdue\n")
	fmt.Fprintf(w, "  vendor import --org SLUG FILE.csv        all or nothing; exit status 1 naming each rejected row\n")
	fmt.Fprintf(w, "  vendor export --org SLUG [--out FILE.csv]\n")
	fmt.Fprintf(w, "  vendor subprocessors --org SLUG [--format md|csv] [--out FILE]\n")
	fmt.Fprintf(w, "  oscal --org SLUG --document component-definition|assessment-results [--framework ID] [--from DAY --to DAY] [--out FILE]\n")
	fmt.Fprintf(w, "  draft description --org SLUG [--format md|pdf] [--out FILE]\n")
	fmt.Fprintf(w, "  draft assertion --org SLUG --type type1 --as-of DAY | --type type2 --from DAY --to DAY [--format md|pdf] [--out FILE]\n")
	fmt.Fprintf(w, "  checklist list --org SLUG [--overdue] [--json]   exit status 1 with --overdue when a step is past its deadline\n")
	fmt.Fprintf(w, "  checklist defaults --org SLUG [--since YYYY-MM-DD]\n")
	fmt.Fprintf(w, "  checklist close --org SLUG --email EMAIL --step ID --note TEXT [--file PATH]\n")
	fmt.Fprintf(w, "  checklist observe --org SLUG\n")
	fmt.Fprintf(w, "  review start --org SLUG --system CONNECTION=OWNER_EMAIL … [--upload FILE.csv --upload-system NAME --upload-owner EMAIL]\n")
	fmt.Fprintf(w, "  review list --org SLUG [--overdue] [--json]   exit status 1 with --overdue when an access review is overdue\n")
	fmt.Fprintf(w, "  review report --org SLUG ID|UID [--out FILE.csv]\n")
	fmt.Fprintf(w, "  review cadence --org SLUG --months N\n")
	fmt.Fprintf(w, "  incident list --org SLUG [--severity sev1…sev4] [--open] [--json]\n")
	fmt.Fprintf(w, "  incident import --org SLUG FILE.csv      all or nothing; exit status 1 naming the bad row's line and field\n")
	fmt.Fprintf(w, "  incident export --org SLUG [--out FILE]\n")
	fmt.Fprintf(w, "  exercise record --org SLUG --kind incident_response|disaster_recovery [--format tabletop|live] --held-on DATE\n")
	fmt.Fprintf(w, "      --title T --scenario S --participant NAME… [--findings TEXT]\n")
	fmt.Fprintf(w, "  exercise list --org SLUG [--check]       --check exits 1 when an exercise is due\n")
	fmt.Fprintf(w, "  policy list --org SLUG [--json]\n")
	fmt.Fprintf(w, "  policy adopt --org SLUG --template ID [--key KEY]\n")
	fmt.Fprintf(w, "  policy show --org SLUG [--json] KEY\n")
	fmt.Fprintf(w, "  policy export --org SLUG --out DIR       writes KEY.md files (front matter and text) to keep in git\n")
	fmt.Fprintf(w, "  policy import --org SLUG DIR             all or nothing; exit status 1 naming each broken file; never approves\n")
	fmt.Fprintf(w, "  policy submit --org SLUG --approver EMAIL… [--quorum N] KEY\n")
	fmt.Fprintf(w, "  policy approve --org SLUG --as EMAIL [--reject] [--comment TEXT] [--evidence ev_…] KEY\n")
	fmt.Fprintf(w, "  policy publish --org SLUG KEY\n")
	fmt.Fprintf(w, "  policy values --org SLUG [--set KEY=VALUE…]   KEY= returns a value to its default\n")
	fmt.Fprintf(w, "  policy acknowledgements --org SLUG [--overdue] [--json]   --overdue exits 1 when anyone is overdue\n")
	fmt.Fprintf(w, "  secrets rotate                           the keys come from ATTEST_SECRET_KEY (current first) or the key file\n")
	fmt.Fprintf(w, "  gc [--dry-run] [--older-than DURATION]  remove evidence blobs no evidence refers to (default: older than 24h)\n")
	fmt.Fprintf(w, "  backup --out FILE                        SQLite install: database, file blobs, ledger heads and keys; store it like a key\n")
	fmt.Fprintf(w, "  restore --from FILE                      into a new, empty --data-dir; all or nothing\n")
	fmt.Fprintf(w, "\nQuick start: attest serve --demo\n")
}

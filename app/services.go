package app

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/metrics"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/passkey"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/sso"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// Services are the opened parts of an install and the use-case services built
// on them, once. Every door shares them: the web UI and API, the CLI commands,
// demo seeding, tests and, with monitoring, the job worker. A state change is
// a method of one of these services, never a transaction in a door.
type Services struct {
	DB      *store.DB
	Blobs   blob.Store         // nil for commands that need no evidence files
	Key     ed25519.PrivateKey // nil for commands that need no signing key
	Catalog *catalog.Catalog
	// Ledger is the one append path to every organization's ledger: each
	// service that records to it (evidence today; policies, monitoring and
	// audits next) appends through this one value, so head writes are ordered.
	Ledger *chain.Chain
	// Metrics counts what this process does (requests, jobs, collections,
	// ledger appends); the web handler and the job queue report to it too.
	Metrics *metrics.Metrics
	// JobBoard reads the install's job processes, judged alive or lost, and
	// its job queue: for `attest jobs`, the Jobs page and /metrics alike.
	JobBoard jobs.Board

	Evidence   *evidence.Service
	Controls   programme.Controls
	Scope      programme.Scope
	Tasks      programme.Tasks
	Frameworks programme.Frameworks
	// Readiness derives readiness for the web pages and the API, and keeps
	// each organization's while its records are unchanged.
	Readiness *programme.Readiness
	Orgs      *account.Orgs
	Members   *account.Members
	Users     *account.Users
	// Jobs queues and runs collections; nil while no Runner is hooked up
	// (see monitoringJobs in jobs.go).
	Jobs *jobs.Jobs

	// Secrets seals connection credentials; nil for commands that need none
	// (Needs.Secrets).
	Secrets     attest.SecretBox
	Connections *connection.Service
	// Monitor runs collections and tests and answers for their results.
	Monitor *monitor.Service
	// People keeps the workforce records.
	People *people.Service
	// Policies runs policies from draft to acceptance.
	Policies *policy.Service
	// SSO signs people in through their organization's identity provider;
	// its BaseURL (for the redirect URI) is set by Web.
	SSO *sso.Service
	// Passkeys registers passkeys and signs people in with them; its
	// BaseURL (the relying party) is set by Web.
	Passkeys *passkey.Service
	// Notify keeps notification settings and sends email and Slack
	// messages; its BaseURL (for links) is set by Web, its Queue by the
	// job client.
	Notify *notify.Service
	// Roster sets people beside their accounts in collected systems.
	Roster *roster.Service
	// Changes reconciles deployed changes with their reviews.
	Changes *change.Service
	// Risks keeps the risk register and its annual assessments.
	Risks *risk.Service
	// Vendors keeps the vendor register, its reviews and checklists.
	Vendors *vendors.Service
	// AccessReviews runs access review campaigns.
	AccessReviews *accessreview.Service
	// Incidents keeps the incident register and the response exercises.
	Incidents *incident.Service
	// Training runs security awareness training and records completions.
	Training *training.Service
	// Populations takes audit populations: recorded retrievals, reconciled
	// and tested item by item.
	Populations *population.Service
	// Checklists keeps onboarding and offboarding templates and closes
	// their steps.
	Checklists *programme.Checklists
	// Drafts writes the system description and management assertion drafts.
	Drafts programme.Drafts
	// OSCAL writes the programme as OSCAL documents.
	OSCAL programme.OSCAL
	// Audits keeps audits and their invited auditors.
	Audits programme.Audits
	// AuditPackages writes an audit's export package.
	AuditPackages programme.AuditPackages

	settings    Settings
	metricsAddr string // where Work serves /metrics; "" for none
}

// Settings shape the services' answers. Zero fields take Config's defaults.
type Settings struct {
	Log            *slog.Logger
	Now            func() time.Time
	PasswordParams auth.Params
	Throttle       auth.Throttle
	SessionIdle    time.Duration
	SessionMax     time.Duration
	InvitationTTL  time.Duration
	MaxUpload      int64
	PasswordChecks int                // password checks at once
	DataDir        string             // where ledger heads are saved beside the database (and in the bucket, with S3 blobs)
	Secrets        attest.SecretBox   // seals connection credentials and authenticator secrets; nil: neither can be added or opened
	Connectors     connector.Registry // nil: connector.Default()
	Metrics        *metrics.Metrics   // the process's figures; nil: a new one
	JobLostAfter   time.Duration      // --job-lost-after: when a silent job process is lost (0: jobs.DefaultLostAfter)
}

// NewServices builds every use-case service over the opened parts.
func NewServices(db *store.DB, blobs blob.Store, key ed25519.PrivateKey, cat *catalog.Catalog, set Settings) *Services {
	set = set.withDefaults()
	p := programme.NewServices(db, cat)
	ledger := &chain.Chain{Key: key, Heads: chain.Stores(set.DataDir, blobs), Appended: set.Metrics.LedgerAppended}
	s := &Services{
		DB: db, Blobs: blobs, Key: key, Catalog: cat, Ledger: ledger, Metrics: set.Metrics,
		Evidence:   &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: set.MaxUpload, Heads: ledger.Heads, Ledger: ledger, Catalog: cat},
		Controls:   p.Controls,
		Scope:      p.Scope,
		Tasks:      p.Tasks,
		Frameworks: p.Frameworks,
		Readiness:  &programme.Readiness{DB: db, Catalog: cat},
		Orgs:       &account.Orgs{DB: db, PasswordParams: set.PasswordParams},
		Members:    &account.Members{DB: db, Now: set.Now, InvitationTTL: set.InvitationTTL, PasswordParams: set.PasswordParams},
		Users: &account.Users{DB: db, Now: set.Now, PasswordParams: set.PasswordParams, Throttle: set.Throttle,
			SessionIdle: set.SessionIdle, SessionMax: set.SessionMax, MaxPasswordChecks: set.PasswordChecks, Box: set.Secrets},
		People:   &people.Service{DB: db},
		Secrets:  set.Secrets,
		settings: set,
	}
	var tpls []templates.Template // none without a catalog to check them against
	if cat != nil {
		var err error
		if tpls, err = templates.Load(cat); err != nil {
			panic(fmt.Sprintf("app: the shipped policy templates do not load: %v", err)) // a build defect, caught by tests
		}
	}
	s.Policies = &policy.Service{DB: db, Ledger: ledger, Templates: tpls, KeptStatus: &store.Kept[string, policy.Status]{}}
	s.SSO = &sso.Service{DB: db, Box: set.Secrets, Users: s.Users, Now: set.Now, Log: set.Log}
	s.Passkeys = &passkey.Service{DB: db, Users: s.Users, Now: set.Now, Log: set.Log}
	s.Notify = &notify.Service{DB: db, Box: set.Secrets, Now: set.Now, Log: set.Log, StateEvery: NotifyStateEvery,
		Checklists: func(ctx context.Context, orgID int64, today string) ([]attest.Checklist, error) {
			in, err := programme.ChecklistInput(ctx, &db.Queries, orgID, today)
			return attest.Checklists(in), err
		}}
	s.Connections = &connection.Service{DB: db, Box: set.Secrets, Registry: set.Connectors, Now: set.Now, Log: set.Log}
	var types []string
	for _, spec := range set.Connectors.Specs() {
		types = append(types, spec.ResourceTypes...)
	}
	s.Monitor = &monitor.Service{DB: db, Blobs: blobs, Ledger: ledger, Connections: s.Connections, Connectors: set.Connectors,
		Builtin: monitor.MustLoadBuiltin(), ResourceTypes: types, Now: set.Now, Log: set.Log, Collected: set.Metrics.Collected}
	s.Roster = &roster.Service{DB: db, Monitor: s.Monitor, Now: set.Now}
	s.Drafts = programme.Drafts{DB: db, Catalog: cat, Now: set.Now}
	s.OSCAL = programme.OSCAL{DB: db, Catalog: cat, Now: set.Now}
	s.Audits = programme.Audits{DB: db, Catalog: cat, Now: set.Now}
	s.AuditPackages = programme.AuditPackages{DB: db, Catalog: cat, Evidence: s.Evidence, Now: set.Now}
	s.Checklists = &programme.Checklists{DB: db, Evidence: s.Evidence, Now: set.Now, Accounts: func(ctx context.Context, p attest.Principal) (attest.Roster, error) {
		rep, err := s.Roster.Roster(ctx, p)
		return rep.Roster, err
	}}
	s.Changes = &change.Service{DB: db, Monitor: s.Monitor, Evidence: s.Evidence, Now: set.Now}
	lib, err := risk.LoadLibrary()
	if err != nil {
		panic(fmt.Sprintf("app: the shipped risk library does not load: %v", err)) // a build defect, caught by tests
	}
	s.Risks = &risk.Service{DB: db, Ledger: ledger, Library: lib, Now: set.Now}
	s.Vendors = &vendors.Service{DB: db, Ledger: ledger, Evidence: s.Evidence, Now: set.Now}
	s.Incidents = &incident.Service{DB: db, Ledger: ledger}
	course, err := training.LoadCourse()
	if err != nil {
		panic(fmt.Sprintf("app: the built-in training course does not load: %v", err)) // a build defect, caught by tests
	}
	s.Training = &training.Service{DB: db, Ledger: ledger, Evidence: s.Evidence, Course: course, Now: set.Now}
	s.AccessReviews = &accessreview.Service{DB: db, Ledger: ledger, Evidence: s.Evidence, Monitor: s.Monitor, Now: set.Now}
	s.Populations = &population.Service{DB: db, Ledger: ledger, Now: set.Now, Roster: s.Roster.ForPopulations, Changes: s.Changes.ForPopulations,
		Collections: s.Monitor.LatestCollections, Capture: s.Monitor.CaptureConnections}
	s.Audits.Populations = s.Populations
	s.AuditPackages.Audits = s.Audits
	s.JobBoard = jobs.Board{DB: db, LostAfter: set.JobLostAfter}
	set.Metrics.ReadJobs(jobsSource(s.JobBoard))
	return s
}

// NotifyStateEvery is how often notification rounds read each
// organization's tasks, evidence and policies (history is read every round,
// every minute): a task due tomorrow is news within minutes, not seconds.
const NotifyStateEvery = 10 * time.Minute

// Web is what the web layer's handlers work with.
func (s *Services) Web(baseURL string) web.Services {
	s.SSO.BaseURL, s.Passkeys.BaseURL, s.Notify.BaseURL = baseURL, baseURL, baseURL
	return web.Services{
		DB: s.DB, Catalog: s.Catalog, Evidence: s.Evidence, Log: s.settings.Log, Now: s.settings.Now, BaseURL: baseURL,
		Controls: s.Controls, Scope: s.Scope, Tasks: s.Tasks, Frameworks: s.Frameworks, Readiness: s.Readiness, Drafts: s.Drafts, OSCAL: s.OSCAL, Audits: s.Audits, AuditPackages: s.AuditPackages,
		Orgs: s.Orgs, Members: s.Members, Users: s.Users,
		Connections: s.Connections, Monitor: s.Monitor, Jobs: s.webJobs(), People: s.People,
		Policies: s.Policies, SSO: s.SSO, Passkeys: s.Passkeys, Notify: s.Notify, Roster: s.Roster, Changes: s.Changes,
		Risks:         s.Risks,
		Vendors:       s.Vendors,
		Incidents:     s.Incidents,
		Training:      s.Training,
		AccessReviews: s.AccessReviews,
		Checklists:    s.Checklists,
		Populations:   s.Populations,
		JobBoard:      s.JobBoard,
	}
}

// webJobs gives the web layer the job client, or an untyped nil without one
// (a nil *jobs.Jobs in the interface would look present).
func (s *Services) webJobs() web.Jobs {
	if s.Jobs == nil {
		return nil
	}
	return s.Jobs
}

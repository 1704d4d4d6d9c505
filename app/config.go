package app

import (
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/metrics"
	"github.com/attest-hq/attest/secret"
)

// Config is the whole configuration of Attest: the server, the CLI commands and
// (with monitoring) the worker take the same struct. Defaults and validation
// live here and nowhere else: withDefaults fills what was left out, Validate
// refuses what cannot work, naming the flag.
type Config struct {
	Addr           string // listen address; port 0 picks a free one
	DatabaseURL    string // "" → SQLite in DataDir
	DataDir        string // SQLite file, blobs, signing key and saved ledger heads (the CLI's default: ./attest-data)
	BaseURL        string // external URL; "" → http://Addr
	BlobURL        string // where evidence files go; "" → DataDir/blobs
	SigningKeyFile string // the ledger key; "" → DataDir/keys/ledger-ed25519.key
	SecretKey      string // ATTEST_SECRET_KEY: the keys sealing connection credentials (current first); "" → SecretKeyFile
	SecretKeyFile  string // "" → DataDir/keys/secrets-aes256.key
	MaxUpload      int64  // largest evidence file; 0 → 100 MiB
	TrustProxy     bool
	SessionIdle    time.Duration // 0 → 12 hours
	SessionMax     time.Duration // 0 → 7 days
	InvitationTTL  time.Duration // 0 → 7 days
	Demo           bool
	// DemoSize, when not zero, adds the large demo organization (demo.Large
	// for `--demo-size large`) beside the demo one; it implies Demo.
	DemoSize        demo.Size
	ShutdownTimeout time.Duration // 0 → 30 seconds
	// FirstBlobCollection is how long after the start the janitor first
	// looks for unreferenced blobs (a walk of the whole blob store, and a
	// read per blob), then hourly (0 → DefaultFirstBlobCollection).
	FirstBlobCollection time.Duration
	// Jobs: serve runs collection jobs in-process unless NoJobs (then an
	// `attest worker` runs them); Workers is how many at once (0 → jobs.DefaultWorkers).
	NoJobs  bool
	Workers int
	// JobLostAfter is how long a job process may be silent before the jobs
	// it was running are given to another (0 → jobs.DefaultLostAfter).
	JobLostAfter time.Duration
	// MetricsAddr, when set, serves /metrics (Prometheus) on a listener of
	// its own, never on Addr: `attest serve` and `attest worker` alike.
	MetricsAddr string
	// Metrics counts what the process does; nil → a new one. Tests pass
	// their own to read it.
	Metrics *metrics.Metrics
	// JobRunner and JobScheduler, when set, replace the services' own (see
	// monitoringJobs): for tests.
	JobRunner    jobs.Runner
	JobScheduler jobs.Scheduler

	Log            *slog.Logger       // nil → discard
	Out            io.Writer          // where set-up links and demo logins are printed; nil → discard
	Now            func() time.Time   // clock; time.Now when nil
	PasswordParams auth.Params        // zero → auth.DefaultParams
	Throttle       auth.Throttle      // zero → auth.DefaultThrottle
	PasswordChecks int                // password checks at once (argon2id, 64 MiB each); 0 → account.DefaultPasswordChecks
	Connectors     connector.Registry // connector types; nil → the shipped ones (GitHub, Google Workspace, Okta)

	// demoIdentity are the demo's identity provider connections, reachable
	// through the demo's connectors.
	demoIdentity []demo.IdentityConnection
	// demoLarge are the large demo organization's systems.
	demoLarge demo.LargeSystems
}

// Defaults that are not zero values.
const (
	DefaultMaxUpload       int64 = 100 << 20
	DefaultSessionIdle           = 12 * time.Hour
	DefaultSessionMax            = 7 * 24 * time.Hour
	DefaultInvitationTTL         = 7 * 24 * time.Hour
	DefaultShutdownTimeout       = 30 * time.Second
	MaxWorkers                   = 100

	// DefaultFirstBlobCollection leaves a server's first minutes to the
	// people who started it: with 50,000 blobs the walk takes 12 s and
	// 6 s of CPU, and orphans wait a day (evidence.GCGrace) in any case.
	DefaultFirstBlobCollection = 10 * time.Minute
)

// withDefaults returns cfg with every left-out setting filled in.
func (cfg Config) withDefaults() Config {
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = DefaultSessionMax
	}
	if cfg.InvitationTTL == 0 {
		cfg.InvitationTTL = DefaultInvitationTTL
	}
	if cfg.FirstBlobCollection == 0 {
		cfg.FirstBlobCollection = DefaultFirstBlobCollection
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PasswordParams == (auth.Params{}) {
		cfg.PasswordParams = auth.DefaultParams
	}
	if cfg.Throttle == (auth.Throttle{}) {
		cfg.Throttle = auth.DefaultThrottle
	}
	if cfg.PasswordChecks == 0 {
		cfg.PasswordChecks = account.DefaultPasswordChecks
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New(attest.Version, time.Now())
	}
	if cfg.Connectors == nil {
		cfg.Connectors = connector.Default(aws.New(), github.New(), google.New(), okta.New())
		if cfg.Demo || cfg.DemoSize != (demo.Size{}) {
			cfg.Connectors, cfg.demoIdentity, cfg.demoLarge = demoConnectors(cfg.Now(), cfg.DemoSize)
		}
	}
	return cfg
}

// Validate refuses settings that cannot work, naming the flag (and its
// environment variable) at fault. Zero values are valid: they take defaults.
func (cfg Config) Validate() error {
	if b := cfg.BaseURL; b != "" && !strings.HasPrefix(b, "http://") && !strings.HasPrefix(b, "https://") {
		return attest.Invalid("--base-url (ATTEST_BASE_URL)", "want an http:// or https:// URL, got %q", b)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--session-idle (ATTEST_SESSION_IDLE)", cfg.SessionIdle}, {"--shutdown-timeout (ATTEST_SHUTDOWN_TIMEOUT)", cfg.ShutdownTimeout},
		{"--job-lost-after (ATTEST_JOB_LOST_AFTER)", cfg.JobLostAfter},
		{"session maximum", cfg.SessionMax}, {"invitation lifetime", cfg.InvitationTTL}} {
		if d.v < 0 {
			return attest.Invalid(d.flag, "must be positive, got %s", d.v)
		}
	}
	if cfg.SecretKey != "" {
		if _, err := secret.ParseKeys(secret.EnvKey, cfg.SecretKey); err != nil {
			return attest.Invalid(secret.EnvKey, "%s", strings.TrimPrefix(err.Error(), secret.EnvKey+": "))
		}
	}
	if cfg.Workers < 0 || cfg.Workers > MaxWorkers {
		return attest.Invalid("--workers (ATTEST_WORKERS)", "want 1 to %d collections at once, got %d", MaxWorkers, cfg.Workers)
	}
	if cfg.PasswordChecks < 0 {
		return attest.Invalid("password checks", "must be positive, got %d", cfg.PasswordChecks)
	}
	if cfg.MaxUpload < 0 {
		return attest.Invalid("--max-upload (ATTEST_MAX_UPLOAD)", "must be positive, got %d", cfg.MaxUpload)
	}
	if cfg.SessionIdle > 0 && cfg.SessionMax > 0 && cfg.SessionIdle > cfg.SessionMax {
		return attest.Invalid("--session-idle (ATTEST_SESSION_IDLE)", "must not exceed the session maximum of %s", cfg.SessionMax)
	}
	return nil
}

// settings are the parts of the configuration that shape the services.
func (cfg Config) settings() Settings {
	return Settings{Log: cfg.Log, Now: cfg.Now, PasswordParams: cfg.PasswordParams, Throttle: cfg.Throttle, SessionIdle: cfg.SessionIdle,
		SessionMax: cfg.SessionMax, InvitationTTL: cfg.InvitationTTL, MaxUpload: cfg.MaxUpload, DataDir: cfg.DataDir,
		PasswordChecks: cfg.PasswordChecks, Connectors: cfg.Connectors, Metrics: cfg.Metrics, JobLostAfter: cfg.JobLostAfter}
}

// withDefaults fills left-out settings from the same defaults as Config, for
// callers (tests) that build services without a whole configuration.
func (set Settings) withDefaults() Settings {
	cfg := Config{Log: set.Log, Now: set.Now, PasswordParams: set.PasswordParams, Throttle: set.Throttle, SessionIdle: set.SessionIdle,
		SessionMax: set.SessionMax, InvitationTTL: set.InvitationTTL, MaxUpload: set.MaxUpload, DataDir: set.DataDir,
		PasswordChecks: set.PasswordChecks, Connectors: set.Connectors, Metrics: set.Metrics, JobLostAfter: set.JobLostAfter}
	out := cfg.withDefaults().settings()
	out.Secrets = set.Secrets
	return out
}

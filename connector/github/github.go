// Package github is the GitHub connector: it reads an organization's
// settings, people and repositories through GitHub's REST API (GitHub.com or
// GitHub Enterprise Server) with google/go-github, and yields the resources
// documented in docs/connectors/github.md. It only reads.
//
// What GitHub will not show is reported, never guessed: a plan that does not
// offer branch protection for private repositories, a feature that is off, a
// token that is not an organization owner's. Such fields go in the
// resource's Unavailable map with the reason, and the tests that read them
// are unverifiable rather than failing.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v84/github"

	"github.com/attest-hq/attest"
)

// Type is the connector type.
const Type = "github"

// Resource types.
const (
	TypeOrganization = "github.organization"
	TypeMember       = "github.member"
	TypeRepository   = "github.repository"
)

// DefaultBaseURL is the API root of GitHub.com.
const DefaultBaseURL = "https://api.github.com/"

// maxRateWait is the longest the connector waits for a rate limit to reset
// before it reports the resource type as not collected.
const maxRateWait = 60 * time.Second

// Connector reads GitHub. The zero value is not usable; call New.
type Connector struct {
	client *http.Client
	now    func() time.Time

	mu   sync.Mutex
	apps map[string]*appAuth // installation tokens, shared across collections
}

// Option configures a Connector.
type Option func(*Connector)

// WithHTTPClient makes the connector send its requests through c (tests,
// proxies). The credential is added per request; c must not add its own.
func WithHTTPClient(c *http.Client) Option { return func(k *Connector) { k.client = c } }

// WithClock sets the clock that signs App tokens and judges their expiry
// (tests).
func WithClock(now func() time.Time) Option { return func(k *Connector) { k.now = now } }

// New returns the GitHub connector.
func New(opts ...Option) *Connector {
	c := &Connector{client: &http.Client{Timeout: 60 * time.Second}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Spec describes the connector's settings, credential and permissions.
func (c *Connector) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{
		Type: Type, Title: "GitHub",
		Settings: []attest.SettingSpec{
			{Key: "org", Label: "Organization", Help: "The organization's login, as in github.com/LOGIN.", Required: true},
			{Key: "base_url", Label: "API root", Help: "Leave empty for GitHub.com. GitHub Enterprise Server: https://HOST/api/v3/.", Default: DefaultBaseURL},
			{Key: "pull_request_days", Label: "Pull request window (days)", Help: "How many days of merged pull requests and deployments to read for change management.", Default: "90"},
			{Key: "deployment_environment", Label: "Deployment environment", Help: "The environment whose deployments are the changes to reconcile with reviews; empty for every environment.", Default: "production"},
			{Key: "app_id", Label: "GitHub App ID", Help: "Only when the secret is a GitHub App's private key: the App's ID or client ID."},
			{Key: "installation_id", Label: "Installation ID", Help: "Only for a GitHub App: the installation on the organization. Leave empty to find it from the organization."},
		},
		SecretLabel:   "Personal access token (fine-grained or classic), or a GitHub App's private key (PEM); read-only",
		ResourceTypes: []string{TypeOrganization, TypeMember, TypeRepository},
		Permissions: []string{
			"Metadata: read", "Administration: read", "Members: read (organization)", "Pull requests: read", "Deployments: read",
			"Dependabot alerts: read", "Secret scanning alerts: read",
		},
	}
}

// Validate checks a connection's settings and credential without calling
// GitHub: the settings parse, and a private key is readable and comes with
// the App's ID.
func (c *Connector) Validate(req attest.CollectRequest) error {
	if _, err := parseSettings(req.Settings); err != nil {
		return err
	}
	secret := strings.TrimSpace(string(req.Secret))
	if !isPrivateKey(secret) {
		return nil
	}
	if _, _, err := appSettings(req.Settings); err != nil {
		return err
	}
	_, err := parseAppKey([]byte(secret))
	return err
}

// settings are a connection's settings, parsed.
type settings struct {
	org       string
	base      *url.URL
	prDays    int
	baseStr   string
	deployEnv string // "" for every environment
}

func parseSettings(m map[string]string) (settings, error) {
	s := settings{org: strings.TrimSpace(m["org"]), prDays: 90, baseStr: strings.TrimSpace(m["base_url"]), deployEnv: "production"}
	if v, ok := m["deployment_environment"]; ok {
		s.deployEnv = strings.TrimSpace(v)
	}
	if s.org == "" {
		return s, attest.Invalid("org", "is required: the organization's login")
	}
	if s.baseStr == "" {
		s.baseStr = DefaultBaseURL
	}
	if !strings.HasSuffix(s.baseStr, "/") {
		s.baseStr += "/"
	}
	u, err := url.Parse(s.baseStr)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return s, attest.Invalid("base_url", "must be an http(s) URL such as https://github.example.com/api/v3/ (got %q)", m["base_url"])
	}
	s.base = u
	if v := strings.TrimSpace(m["pull_request_days"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			return s, attest.Invalid("pull_request_days", "must be a whole number of days from 1 to 366 (got %q)", v)
		}
		s.prDays = n
	}
	return s, nil
}

// session is one collection or check: a client with the credential, the
// settings, and a count of the requests made.
type session struct {
	gh    *gh.Client
	set   settings
	calls atomic.Int64
	app   *appAuth // nil when the secret is a token
	// jwtClient is a client signed in as the App itself (App sessions).
	jwtClient func(jwt string) *gh.Client
}

// token returns the session's installation token (App sessions).
func (s *session) token(ctx context.Context) (string, error) { return s.app.Token(ctx, s.jwtClient) }

// countingTransport counts requests.
type countingTransport struct {
	next  http.RoundTripper
	calls *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return t.next.RoundTrip(r)
}

func (c *Connector) session(req attest.CollectRequest) (*session, error) {
	set, err := parseSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	secret := strings.TrimSpace(string(req.Secret))
	if secret == "" {
		return nil, attest.Invalid("secret", "a token or a GitHub App's private key is required")
	}
	s := &session{set: set}
	base := c.client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	counted := countingTransport{next: base, calls: &s.calls}
	// client returns a go-github client for the API root that sends rt's
	// requests with the connector's timeout.
	client := func(rt http.RoundTripper) *gh.Client {
		hc := *c.client
		hc.Transport = rt
		g := gh.NewClient(&hc)
		g.BaseURL = set.base
		g.UploadURL = set.base
		g.UserAgent = "attest (+https://github.com/attest-hq/attest)"
		return g
	}
	if !isPrivateKey(secret) {
		s.gh = client(counted).WithAuthToken(secret)
		return s, nil
	}
	appID, installation, err := appSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	if s.app, err = c.appFor(set, []byte(secret), appID, installation); err != nil {
		return nil, err
	}
	s.jwtClient = func(jwt string) *gh.Client { return client(counted).WithAuthToken(jwt) }
	s.gh = client(bearerTransport{next: counted, token: s.token})
	return s, nil
}

// status returns the HTTP status of a go-github error, 0 when there is none.
func status(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	return 0
}

// message returns GitHub's message of an error response.
func message(err error) string {
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Message
	}
	return err.Error()
}

// planLimited reports GitHub's answer for a feature the plan does not offer
// on a private repository ("Upgrade to GitHub Pro or make this repository
// public to enable this feature.").
func planLimited(err error) bool {
	return status(err) == http.StatusForbidden && strings.Contains(message(err), "Upgrade to GitHub Pro")
}

// call runs fn, waiting out a rate limit that resets within maxRateWait (and
// the context) and trying once more; a longer limit is returned as an error
// that says when it resets.
func (s *session) call(ctx context.Context, fn func() (*gh.Response, error)) error {
	for attempt := 0; ; attempt++ {
		_, err := fn()
		if err == nil {
			return nil
		}
		wait, limited := rateWait(err)
		if !limited || attempt >= 2 {
			return err
		}
		if wait > maxRateWait {
			return fmt.Errorf("GitHub's rate limit is exhausted until %s: %w", time.Now().Add(wait).UTC().Format(time.RFC3339), err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// rateWait reports whether err is a rate limit, and how long until it lifts.
func rateWait(err error) (time.Duration, bool) {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return max(time.Until(rl.Rate.Reset.Time), 0) + 250*time.Millisecond, true
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter != nil {
			return *ab.RetryAfter, true
		}
		return 5 * time.Second, true
	}
	return 0, false
}

// pages calls list for every page, following GitHub's Link header.
func pages(ctx context.Context, s *session, list func(page int) (*gh.Response, error)) error {
	page := 1
	for {
		var resp *gh.Response
		err := s.call(ctx, func() (*gh.Response, error) {
			var err error
			resp, err = list(page)
			return resp, err
		})
		if err != nil {
			return err
		}
		if resp == nil || resp.NextPage == 0 {
			return nil
		}
		page = resp.NextPage
	}
}

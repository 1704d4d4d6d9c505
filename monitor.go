package attest

import (
	"cmp"
	"context"
	"net"
	"slices"
	"time"
)

// Continuous monitoring. Data flows one way: a Connector collects Resources
// from a provider; the collection's snapshot is appended to the ledger; tests
// (CEL definitions, package monitor) judge each resource; their results feed
// the controls' status and readiness.

// LatestCollection is the latest complete collection of one connection: its
// resources, or why there is none. Readers of collected data (an audit's
// vulnerability population) take it.
type LatestCollection struct {
	Connection  string
	CollectedAt time.Time
	Resources   []Resource
	Note        string // set when there is no collection to read
}

// Resource is one thing a connector observed, such as a GitHub repository.
type Resource struct {
	Type string `json:"type"` // e.g. "github.repository"
	Key  string `json:"key"`  // stable natural key, e.g. "acme/api"
	// Data is the resource as a JSON object: what tests read as `resource`.
	Data map[string]any `json:"data"`
	// Unavailable names the top-level fields of Data that the source would not
	// expose, each with the reason in words (the plan hides the setting, the
	// credential lacks a permission). A test that reads such a field is
	// unverifiable for this resource, never failing.
	Unavailable map[string]string `json:"unavailable,omitempty"`
}

// Ref returns the resource's type and key.
func (r Resource) Ref() ResourceRef { return ResourceRef{Type: r.Type, Key: r.Key} }

// ResourceRef names a resource without its data.
type ResourceRef struct {
	Type string `json:"type"`
	Key  string `json:"key"`
}

// ResultStatus is a test's verdict on one resource.
type ResultStatus string

const (
	ResultPass          ResultStatus = "pass"
	ResultFail          ResultStatus = "fail"
	ResultNotApplicable ResultStatus = "not_applicable"
	// ResultError: the collection or the evaluation failed, so nothing is
	// known about the fact.
	ResultError ResultStatus = "error"
	// ResultUnverifiable: the source does not expose the fact (a plan limit, a
	// missing permission). It is a gap to close, never a failure.
	ResultUnverifiable ResultStatus = "unverifiable"
)

// ResultStatuses lists the statuses from worst to best for display.
var ResultStatuses = []ResultStatus{ResultFail, ResultError, ResultUnverifiable, ResultPass, ResultNotApplicable}

// Valid reports whether s is a known status.
func (s ResultStatus) Valid() bool {
	for _, v := range ResultStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// ConnectorSpec describes a connector type: what a connection of that type
// needs and what it collects.
type ConnectorSpec struct {
	Type        string        `json:"type"` // "github"
	Title       string        `json:"title"`
	Settings    []SettingSpec `json:"settings"`
	SecretLabel string        `json:"secret_label"` // what the secret is, e.g. "Token or GitHub App private key"
	// SecretOptional: a connection may be added without a credential (the
	// connector then uses one of the install's own, such as AWS's default
	// credential chain).
	SecretOptional bool     `json:"secret_optional,omitempty"`
	ResourceTypes  []string `json:"resource_types"`
	// Permissions lists the read-only permissions or scopes the credential
	// needs, in the provider's own names; docs/connectors/<type>.md explains them.
	Permissions []string `json:"permissions"`
}

// SettingSpec is one non-secret setting of a connection.
type SettingSpec struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Help     string `json:"help"`
	Default  string `json:"default,omitempty"`
	Required bool   `json:"required"`
}

// CollectRequest is what a connector is called with. Secret is the decrypted
// credential; a connector never logs it.
type CollectRequest struct {
	Settings map[string]string
	Secret   []byte
	// Only, when not empty, limits collection to these resources (a webhook
	// names what changed); empty collects everything.
	Only []ResourceRef
	Now  time.Time
}

// Collection is what one collection yielded.
type Collection struct {
	Resources []Resource
	Calls     int // API requests made
	// Failed names resource types that could not be collected at all, with
	// the reason; their tests report error, never fail.
	Failed map[string]string
	// Warnings are problems that did not stop the collection.
	Warnings []string
}

// CheckResult says whether a connection's credential works and what it lacks.
type CheckResult struct {
	OK       bool     `json:"ok"`
	Identity string   `json:"identity"` // who the credential acts as
	Missing  []string `json:"missing,omitempty"`
	Message  string   `json:"message"`
}

// SortResources orders a collection's resources by type, then key, so that
// a connector's output (and its snapshot) does not depend on the order its
// concurrent reads finished in.
func SortResources(rs []Resource) {
	slices.SortFunc(rs, func(a, b Resource) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Key, b.Key))
	})
}

// LoopbackHost reports whether host is localhost or a loopback address:
// connectors accept a plain-http endpoint there only (a local test server),
// so that no credential crosses a network in clear.
func LoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Connector collects resources from one kind of provider. Implementations
// live in connector/<type> and are registered in connector.Registry.
type Connector interface {
	Spec() ConnectorSpec
	// Check verifies the credential and names each missing permission.
	Check(ctx context.Context, req CollectRequest) (CheckResult, error)
	Collect(ctx context.Context, req CollectRequest) (Collection, error)
}

// SecretBox seals and opens credentials at rest.
type SecretBox interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// Connection is a configured connector instance of an organization. Its
// credential is sealed at rest and is never part of this value.
type Connection struct {
	ID       int64             `json:"id"`
	OrgID    int64             `json:"-"`
	Type     string            `json:"type"` // a ConnectorSpec.Type
	Name     string            `json:"name"` // unique in the organization
	Settings map[string]string `json:"settings"`
	// IntervalMinutes is how often it is collected on schedule (default 60).
	IntervalMinutes int       `json:"interval_minutes"`
	Enabled         bool      `json:"enabled"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedBy       int64     `json:"-"`
	// The last "Check connection": when, whether it worked, and what it said.
	CheckedAt    time.Time `json:"checked_at,omitzero"`
	CheckOK      bool      `json:"check_ok"`
	CheckMessage string    `json:"check_message"`
}

// CredentialValidator is implemented by connectors whose settings and
// credential must agree in ways a ConnectorSpec cannot say (a GitHub App's
// key needs the App's ID). Connections are validated with it when added, so
// the mistake is named then, not at the first collection. It makes no
// network call.
type CredentialValidator interface {
	Validate(req CollectRequest) error
}

// WebhookReceiver is implemented by connectors whose provider sends webhooks
// (POST /hooks/{type}/{connection}). Webhook verifies a delivery with the
// connection's webhook secret and names the resources it changed, so that
// only they are collected and tested again. A bad signature is EUNAUTHORIZED;
// a delivery that names nothing to collect (a ping) returns no resources; a
// resource keyed "*" stands for every resource (an organization-wide rule
// changed), and the whole connection is collected again.
type WebhookReceiver interface {
	Webhook(header map[string][]string, body, secret []byte) ([]ResourceRef, error)
}

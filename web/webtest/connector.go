package webtest

import (
	"context"
	"errors"
	"sync"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/secret"
)

// Probe is the connector type every Env registers, so that connection pages
// and endpoints run without a provider: its check answers from the
// credential, "good-token" working, "limited-token" lacking a permission,
// anything else refused as the provider would.
type Probe struct{}

// ProbeType is Probe's connector type.
const ProbeType = "probe"

func (Probe) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{Type: ProbeType, Title: "Probe", SecretLabel: "Probe token",
		Settings: []attest.SettingSpec{
			{Key: "org", Label: "Organization", Help: "The organization's login at the provider.", Required: true},
			{Key: "base_url", Label: "API root", Help: "Where the provider's API answers.", Default: "https://probe.example.test"},
		},
		ResourceTypes: []string{"probe.thing"}, Permissions: []string{"things:read", "members:read"}}
}

func (Probe) Check(_ context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	switch string(req.Secret) {
	case "good-token":
		return attest.CheckResult{OK: true, Identity: "probe-bot@" + req.Settings["org"], Message: "Reads everything Attest needs"}, nil
	case "limited-token":
		return attest.CheckResult{OK: false, Identity: "probe-bot@" + req.Settings["org"], Missing: []string{"members:read"}}, nil
	}
	return attest.CheckResult{}, errors.New("the provider answered 401 Bad credentials")
}

func (Probe) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return attest.Collection{}, nil
}

// connectors and testBox are what every Env's services use.
var connectors = connector.New(Probe{}, github.New())

func testBox() attest.SecretBox {
	var k secret.Key
	copy(k[:], "webtest key, 32 bytes long.....!")
	b, err := secret.New(k)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	githubOnce sync.Once
	githubSrv  *githubtest.Server
)

// GitHub is a local GitHub API (githubtest's default scenario, as of Start)
// shared by every Env of the test binary: connections of type "github" with
// GitHubSettings collect from it through the real connector.
func GitHub() *githubtest.Server {
	githubOnce.Do(func() { githubSrv = githubtest.NewServer(githubtest.DefaultScenario(Start)) })
	return githubSrv
}

// GitHubSettings are a connection's settings for GitHub(); its token is
// GitHubToken.
func GitHubSettings() map[string]string {
	return map[string]string{"org": "northwind", "base_url": GitHub().URL}
}

// GitHubToken is the token GitHub() accepts.
const GitHubToken = "ghp_test"

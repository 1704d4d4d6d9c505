package app

import (
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/demo"
)

// demoGitHub answers, inside the process, the GitHub API of the demo
// organization: githubtest's scenario, requested at demo.GitHubHost. The demo
// connection therefore runs the real connector, schedules, "Run now" and all,
// without a network or a GitHub account; every other host goes to the network
// as usual, so real connections made during a demo are unaffected.
type demoGitHub struct {
	api  http.Handler
	next http.RoundTripper
}

func (t demoGitHub) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != demo.GitHubHost {
		return t.next.RoundTrip(r)
	}
	rec := httptest.NewRecorder()
	t.api.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// demoConnectors is the shipped registry with the GitHub connector able to
// reach the demo organization.
func demoConnectors(now time.Time) connector.Registry {
	sc := githubtest.DefaultScenario(now)
	sc.Token = demo.GitHubToken
	client := &http.Client{Timeout: 60 * time.Second, Transport: demoGitHub{api: githubtest.Handler(sc), next: http.DefaultTransport}}
	return connector.Default(github.New(github.WithHTTPClient(client)), google.New(), okta.New())
}

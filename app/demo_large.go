package app

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/demo"
)

// Where the large demo organization's GitHub and AWS answer, inside the
// process, like the demo organization's.
const (
	largeGitHubHost = "large-github.attest.invalid"
	largeAWSHost    = "large-aws.attest.invalid"
)

// largeRegions are the large AWS account's regions.
var largeRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"}

// largeDemo builds the large demo organization's GitHub organization and
// AWS account (the test servers' large scenarios, at now), the handlers
// answering them, and the connections and clock that demo.SeedLarge uses to
// collect their history. A zero size builds nothing.
func largeDemo(now time.Time, size demo.Size) (map[string]http.Handler, demo.LargeSystems) {
	if size == (demo.Size{}) {
		return nil, demo.LargeSystems{}
	}
	from := now.AddDate(-size.Years, 0, 0)
	gh := githubtest.LargeScenario(from, now, now, size.Repositories, size.People)
	cloud := &lazyAccount{now: now, build: func(at time.Time) *awstest.Scenario {
		return awstest.LargeScenarioAt(from, now, at, size.CloudResources, largeRegions)
	}}
	return map[string]http.Handler{largeGitHubHost: githubtest.Handler(gh), largeAWSHost: cloud}, demo.LargeSystems{
		GitHub: demo.IdentityConnection{Type: github.Type, Name: "github",
			Settings: map[string]string{"org": "contoso", "base_url": "https://" + largeGitHubHost + "/"}, Secret: []byte(gh.Token)},
		AWS: demo.IdentityConnection{Type: aws.Type, Name: "aws-production",
			Settings: map[string]string{"regions": strings.Join(largeRegions, ","), "endpoint_url": "https://" + largeAWSHost},
			Secret:   []byte("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")},
		At: func(system string, t time.Time) {
			switch system {
			case github.Type:
				gh.Become(githubtest.LargeScenario(from, now, t, size.Repositories, size.People))
			case aws.Type:
				cloud.at(t)
			}
		},
	}
}

// lazyAccount is the large AWS account, built when first asked for, at now,
// or when the demo's history moves it to a moment. Its 100,000 resources
// hold about 20 MB, which a server should not keep from its start when it
// may never collect them: its data directory was built on an earlier start
// and its collections run elsewhere or later.
type lazyAccount struct {
	now   time.Time
	build func(at time.Time) *awstest.Scenario

	mu sync.Mutex
	sc *awstest.Scenario // nil until first asked for
	h  http.Handler
}

// at makes the account show the moment t, building it there if it is not
// yet built.
func (l *lazyAccount) at(t time.Time) {
	next := l.build(t)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sc == nil {
		l.sc, l.h = next, awstest.Handler(next)
		return
	}
	l.sc.Become(next)
}

func (l *lazyAccount) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	if l.sc == nil {
		l.sc = l.build(l.now)
		l.h = awstest.Handler(l.sc)
	}
	h := l.h
	l.mu.Unlock()
	h.ServeHTTP(w, r)
}

package app

import (
	"net/http"
	"strings"
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
	cloud := awstest.LargeScenarioAt(from, now, now, size.CloudResources, largeRegions)
	return map[string]http.Handler{largeGitHubHost: githubtest.Handler(gh), largeAWSHost: awstest.Handler(cloud)}, demo.LargeSystems{
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
				cloud.Become(awstest.LargeScenarioAt(from, now, t, size.CloudResources, largeRegions))
			}
		},
	}
}

package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/connector/google/googletest"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/connector/okta/oktatest"
	"github.com/attest-hq/attest/demo"
)

// demoHosts answers, inside the process, the APIs of the demo
// organization's GitHub, Okta and Google Workspace: the test servers'
// scenarios, requested at the demo's own host names. The demo connections
// therefore run the real connectors, schedules, "Run now" and all, without a
// network or an account anywhere; every other host goes to the network as
// usual, so real connections made during a demo are unaffected.
type demoHosts struct {
	api  map[string]http.Handler
	next http.RoundTripper
}

func (t demoHosts) RoundTrip(r *http.Request) (*http.Response, error) {
	h, ok := t.api[r.URL.Host]
	if !ok {
		// S3 Control puts the account ID in front of the endpoint's host.
		if _, parent, found := strings.Cut(r.URL.Host, "."); found && (parent == demoAWSHost || parent == largeAWSHost) {
			h, ok = t.api[parent]
		}
	}
	if !ok {
		return t.next.RoundTrip(r)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// The demo identity providers' hosts and credentials.
const (
	demoOktaHost   = "demo-okta.attest.invalid"
	demoGoogleHost = "demo-google.attest.invalid"
	demoOktaToken  = "00demo_northwind_okta_token"
)

// demoConnectors is the shipped registry with the connectors able to reach
// the demo organization's systems, and the identity provider connections
// the demo adds. The test servers' people are given the demo workforce's
// emails, names and departments, so that the roster links them; Okta puts
// Noor in Platform while the workforce records Engineering, a department
// conflict for the roster to name.
//
// A non-zero size adds the large demo organization's GitHub and AWS (see
// largeDemo).
func demoConnectors(now time.Time, size demo.Size) (connector.Registry, []demo.IdentityConnection, demo.LargeSystems) {
	gh := githubtest.DefaultScenario(now)
	gh.Token = demo.GitHubToken

	emails, names, departments := demo.Workforce()
	person := func(i int) (string, string) { return emails[i%len(emails)], names[i%len(names)] }

	ok := oktatest.DefaultScenario(now)
	ok.Token = demoOktaToken
	// Index into the workforce for each scenario user, in order: admins,
	// a suspended leaver, a deprovisioned former employee who is not on the
	// roster any more, a staged joiner, an idle account, a never-used one.
	oktaPeople := []int{0, 1, 2, 3, 6, -1, 8, 4, 9, 7}
	for i := range ok.Users {
		if i < len(oktaPeople) && oktaPeople[i] >= 0 {
			u := &ok.Users[i]
			var name string
			u.Login, name = person(oktaPeople[i])
			u.First, u.Last, _ = strings.Cut(name, " ")
			u.Department = departments[oktaPeople[i]]
			if u.Login == "noor@demo.attest.test" {
				u.Department = "Platform"
			}
		} else {
			ok.Users[i].Login = strings.Replace(ok.Users[i].Login, "acme.example", "demo.attest.test", 1)
		}
	}
	ok.Me = ok.Users[0].Login

	gw := googletest.DefaultScenario(now)
	googlePeople := []int{0, 3, 1, 2, 6, -1, 5, 4}
	for i := range gw.Users {
		if i < len(googlePeople) && googlePeople[i] >= 0 {
			email, name := person(googlePeople[i])
			first, last, _ := strings.Cut(name, " ")
			gw.Users[i].Email, gw.Users[i].GivenName, gw.Users[i].FamilyName, gw.Users[i].Aliases = email, first, last, nil
			gw.Users[i].Department = departments[googlePeople[i]]
		} else {
			gw.Users[i].Email = strings.Replace(gw.Users[i].Email, "acme.example", "demo.attest.test", 1)
		}
	}
	gw.Admin = gw.Users[0].Email
	googleURL := "https://" + demoGoogleHost + "/"

	hosts := map[string]http.Handler{
		demo.GitHubHost: githubtest.Handler(gh), demoOktaHost: oktatest.Handler(ok), demoGoogleHost: googletest.Handler(gw),
		demoAWSHost: awstest.Handler(demoAWS(now))}
	large, systems := largeDemo(now, size)
	for host, h := range large {
		hosts[host] = h
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: demoHosts{next: http.DefaultTransport, api: hosts}}
	reg := connector.Default(aws.New(aws.WithHTTPClient(client)), github.New(github.WithHTTPClient(client)),
		google.New(google.WithHTTPClient(client)), okta.New(okta.WithHTTPClient(client)))
	return reg, []demo.IdentityConnection{
		{Type: okta.Type, Name: "okta", Settings: map[string]string{"org_url": "https://" + demoOktaHost}, Secret: []byte(demoOktaToken)},
		{Type: google.Type, Name: "google-workspace", Settings: map[string]string{"admin_email": gw.Admin, "domain": "demo.attest.test",
			"base_url": googleURL, "token_url": googleURL + "token"},
			Secret: googletest.ServiceAccountKey(gw.ClientEmail, gw.ClientID, gw.Key, googleURL+"token")},
		demoAWSConnection,
	}, systems
}

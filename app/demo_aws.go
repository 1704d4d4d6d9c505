package app

import (
	"time"

	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/demo"
)

// demoAWSHost is where the demo organization's AWS answers, inside the
// process: every service at one endpoint, as behind an endpoint override.
const demoAWSHost = "demo-aws.attest.invalid"

// demoAWSConnection is the demo's AWS account, collected like the identity
// providers: through the real connector, from awstest's scenario.
var demoAWSConnection = demo.IdentityConnection{Type: aws.Type, Name: "aws-production",
	Settings: map[string]string{"regions": "us-east-1,eu-west-1", "endpoint_url": "https://" + demoAWSHost},
	Secret:   []byte("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")}

// demoAWS is the demo's AWS account: awstest's default account, whose
// traps the verdicts must get right (a public bucket policy and ACL
// neutralised by the account-level block, AWS-managed AdministratorAccess
// reported for information, Aurora instances judged by their cluster, a
// region without GuardDuty), with no password policy, so that the
// NoSuchEntity answer shows as the failure it is. The credential report is
// ready at once, so the demo starts without waiting.
func demoAWS(now time.Time) *awstest.Scenario {
	sc := awstest.DefaultScenario(now)
	sc.PasswordPolicy = nil
	sc.ReportPending = 0
	sc.PageSize = 100
	return sc
}

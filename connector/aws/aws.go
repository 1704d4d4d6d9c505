// Package aws is the AWS connector: it reads an AWS account's root user,
// IAM users (from the credential report), password policy, managed
// policies and S3 buckets, and per region its EBS default encryption,
// security groups, snapshots, RDS databases and GuardDuty detector, through
// aws-sdk-go-v2, and yields the resources
// documented in docs/connectors/aws.md. It only reads.
//
// What the credential may not see is reported, never guessed: an action AWS
// denies leaves the fields that need it in the resource's Unavailable map,
// naming the action, and the tests that read them are unverifiable rather
// than failing. Two verdicts other tools get wrong are judged here with
// everything that decides them: a bucket is public only when neither the
// account-level block (S3 Control) nor its own block neutralises a public
// policy or ACL, and the layer that decides is named; an AWS-managed policy
// is collected for information and never judged as the customer's own.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/attest-hq/attest"
)

// Type is the connector type.
const Type = "aws"

// Resource types.
const (
	TypeAccount = "aws.account"
	TypeUser    = "aws.iam_user"
	TypePolicy  = "aws.iam_policy"
	TypeBucket  = "aws.s3_bucket"
	// Regional types.
	TypeRegion        = "aws.ec2_region"
	TypeSecurityGroup = "aws.ec2_security_group"
	TypeSnapshot      = "aws.ebs_snapshot"
)

// defaultRegion is the region of the global services' calls (IAM, STS, S3
// Control) when the regions setting names none.
const defaultRegion = "us-east-1"

// Actions is the minimal read-only IAM policy's action list, in the order
// docs/connectors/aws.md documents them.
var Actions = []string{
	"sts:GetCallerIdentity",
	"iam:GetAccountSummary",
	"iam:GetAccountPasswordPolicy",
	"iam:GenerateCredentialReport",
	"iam:GetCredentialReport",
	"iam:ListPolicies",
	"iam:GetPolicyVersion",
	"s3:ListAllMyBuckets",
	"s3:GetAccountPublicAccessBlock",
	"s3:GetBucketPublicAccessBlock",
	"s3:GetBucketPolicyStatus",
	"s3:GetBucketPolicy",
	"s3:GetBucketAcl",
	"s3:GetEncryptionConfiguration",
	"s3:GetBucketTagging",
	"s3:GetBucketVersioning",
	"ec2:GetEbsEncryptionByDefault",
	"ec2:DescribeSecurityGroups",
	"ec2:DescribeRegions",
	"ec2:DescribeSnapshots",
	"rds:DescribeDBInstances",
	"rds:DescribeDBClusters",
	"guardduty:ListDetectors",
	"guardduty:GetDetector",
	"cloudtrail:DescribeTrails",
	"cloudtrail:GetTrailStatus",
	"cloudtrail:GetEventSelectors",
	"kms:ListKeys",
	"kms:ListAliases",
	"kms:DescribeKey",
	"kms:GetKeyRotationStatus",
	"logs:DescribeLogGroups",
	"logs:ListTagsForResource",
	"config:DescribeConfigurationRecorders",
	"config:DescribeConfigurationRecorderStatus",
}

// Connector reads AWS. The zero value is not usable; call New.
type Connector struct {
	now     func() time.Time
	poll    time.Duration // between credential report generation checks
	backoff func(attempt int, err error) (time.Duration, error)
	client  *http.Client // nil: the connector's own transport
	// versions are the policy documents of each identity's last collection.
	versions policyVersions
}

// Option configures a Connector.
type Option func(*Connector)

// WithClock sets the clock that stands for the collection time when the
// request has none (tests).
func WithClock(now func() time.Time) Option { return func(k *Connector) { k.now = now } }

// WithReportPoll sets the wait between checks that IAM has generated the
// credential report (2s by default; tests use 0).
func WithReportPoll(d time.Duration) Option { return func(k *Connector) { k.poll = d } }

// WithBackoff replaces the SDK's exponential backoff between retries of a
// throttled or failed call (tests use no wait).
func WithBackoff(f func(attempt int, err error) (time.Duration, error)) Option {
	return func(k *Connector) { k.backoff = f }
}

// New returns the AWS connector.
func New(opts ...Option) *Connector {
	c := &Connector{now: time.Now, poll: 2 * time.Second}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Spec describes the connector's settings, credential and permissions.
func (c *Connector) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{
		Type: Type, Title: "Amazon Web Services",
		Settings: []attest.SettingSpec{
			{Key: "regions", Label: "Regions", Help: "Comma-separated regions whose regional services (EC2, RDS, GuardDuty, CloudTrail, KMS, CloudWatch Logs, AWS Config) are read, such as us-east-1,eu-west-1. The first one also carries the global services' calls (IAM, S3 Control). Empty: every region enabled for the account (ec2:DescribeRegions)."},
			{Key: "role_arn", Label: "Roles to assume", Help: "Optional: the ARN of a read-only role in the account to collect, assumed with STS (arn:aws:iam::123456789012:role/AttestAudit); several, comma-separated, collect one account each in this connection."},
			{Key: "external_id", Label: "External ID", Help: "Optional: the external ID the role's trust policy requires (only with a role); with several roles, one for all or one per role in the same order, comma-separated."},
			{Key: "profile", Label: "Profile", Help: "Optional: a profile of the shared AWS config files, used when no access key is stored."},
			{Key: "endpoint_url", Label: "Endpoint URL", Help: "Optional: send every call to this endpoint instead of AWS's (a proxy endpoint or a local test server). AWS_ENDPOINT_URL does the same from the environment."},
		},
		SecretLabel:    "Access key as ACCESS_KEY_ID:SECRET_ACCESS_KEY (empty: the default credential chain)",
		SecretOptional: true,
		ResourceTypes: []string{TypeAccount, TypeUser, TypePolicy, TypeBucket, TypeRegion, TypeSecurityGroup, TypeSnapshot,
			TypeDBInstance, TypeDBCluster, TypeGuardDuty,
			TypeTrail, TypeTrailCoverage, TypeKMSKey, TypeLogGroup, TypeConfigRegion},
		Permissions: Actions,
	}
}

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	rolePattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
)

// settings are a connection's parsed settings and credential.
type settings struct {
	regions               []string
	allRegions            bool // none listed: every enabled region
	roleARN, externalID   string
	profile               string
	endpoint              string
	keyID, secret, tokenV string
}

// Validate checks a connection's settings and credential without calling
// AWS.
func (c *Connector) Validate(req attest.CollectRequest) error {
	reqs, err := perAccount(req)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if _, err := parse(r); err != nil {
			return err
		}
	}
	return nil
}

func parse(req attest.CollectRequest) (settings, error) {
	var s settings
	for _, r := range strings.Split(req.Settings["regions"], ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !regionPattern.MatchString(r) {
			return s, attest.Invalid("regions", "%q is not a region name such as us-east-1", r)
		}
		s.regions = append(s.regions, r)
	}
	if len(s.regions) == 0 {
		s.allRegions = true
		s.regions = []string{defaultRegion}
	}
	s.roleARN = strings.TrimSpace(req.Settings["role_arn"])
	s.externalID = strings.TrimSpace(req.Settings["external_id"])
	if s.roleARN != "" && !rolePattern.MatchString(s.roleARN) {
		return s, attest.Invalid("role_arn", "must be a role's ARN such as arn:aws:iam::123456789012:role/AttestAudit (got %q)", s.roleARN)
	}
	if s.externalID != "" && s.roleARN == "" {
		return s, attest.Invalid("external_id", "is only used with a role to assume: set role_arn too")
	}
	s.profile = strings.TrimSpace(req.Settings["profile"])
	if ep := strings.TrimSpace(req.Settings["endpoint_url"]); ep != "" {
		u, err := url.Parse(ep)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
			return s, attest.Invalid("endpoint_url", "must be an http or https URL such as https://aws-proxy.internal (got %q)", ep)
		}
		if u.Scheme == "http" && !attest.LoopbackHost(u.Hostname()) {
			return s, attest.Invalid("endpoint_url", "must use https (http is accepted only on a loopback address; got %q)", ep)
		}
		s.endpoint = strings.TrimRight(ep, "/")
	}
	if secret := strings.TrimSpace(string(req.Secret)); secret != "" {
		parts := strings.Split(secret, ":")
		if len(parts) < 2 || len(parts) > 3 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
			return s, attest.Invalid("secret", "must be ACCESS_KEY_ID:SECRET_ACCESS_KEY (optionally :SESSION_TOKEN), or empty for the default credential chain")
		}
		s.keyID, s.secret = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if len(parts) == 3 {
			s.tokenV = strings.TrimSpace(parts[2])
		}
		if s.profile != "" {
			return s, attest.Invalid("profile", "is only used with the default credential chain: leave it empty when an access key is stored")
		}
	}
	return s, nil
}

// session is one collection or check: the SDK's configuration, the clients
// of the global services and a count of the HTTP requests made.
type session struct {
	c      *Connector
	set    settings
	cfg    aws.Config
	calls  *atomic.Int64
	region string
	iam    *iam.Client
	s3     *s3.Client
	s3c    *s3control.Client
	sts    *sts.Client
	ec2    *ec2.Client
	// creds caches an assumed role's session (nil without role_arn), so
	// that a session AWS calls expired can be assumed again (reassume).
	creds *aws.CredentialsCache
	// refused is the error code of the first call AWS ended by calling the
	// credential expired, after its retries (watchRefusals).
	refused atomic.Pointer[string]
}

// reassume is the retryer of an assumed role's session: a call AWS answers
// with ExpiredToken (the session ran out early, or the clocks disagree) drops
// the cached session, and the retry, signed anew, assumes the role again.
// Every other error is the standard retryer's to judge.
type reassume struct {
	aws.RetryerV2
	s *session
}

func (r reassume) IsErrorRetryable(err error) bool {
	if c := codeOf(err); r.s.creds != nil && (c == "ExpiredToken" || c == "ExpiredTokenException") {
		r.s.creds.Invalidate()
		return true
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

// watchRefusals remembers the first call that ends, retries done, with AWS
// calling the credential expired: from then on every call of the
// collection fails the same way, and Collect says so once per type, naming
// the account. (A region that refuses the credential, AuthFailure in a
// region not enabled, is that region's failure, not an expiry.) It runs
// first in the initialize step, outside the retryer.
func watchRefusals(s *session) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("AttestRefusals",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if code := codeOf(err); code == "ExpiredToken" || code == "ExpiredTokenException" {
					s.refused.CompareAndSwap(nil, &code)
				}
				return out, md, err
			}), middleware.Before)
	}
}

// countCalls counts every HTTP request the SDK sends, each retry included:
// it runs last in the finalize step, after the retryer.
func countCalls(n *atomic.Int64) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("AttestCallCount",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				n.Add(1)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

func (c *Connector) session(ctx context.Context, req attest.CollectRequest) (*session, error) {
	set, err := parse(req)
	if err != nil {
		return nil, err
	}
	s := &session{c: c, set: set, calls: &atomic.Int64{}, region: set.regions[0]}
	// The endpoint's host, once known: S3 Control puts the account ID in
	// front of it (123456789012.host), which only AWS's DNS answers, so the
	// dialer sends such names to the overriding endpoint itself.
	var endpointHost atomic.Value
	endpointHost.Store("")
	httpClient := awshttp.NewBuildableClient().WithTimeout(60 * time.Second).WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = http.ProxyFromEnvironment // HTTPS_PROXY, HTTP_PROXY, NO_PROXY
		dial := (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if h := endpointHost.Load().(string); h != "" {
				if host, port, err := net.SplitHostPort(addr); err == nil {
					if eh, ep, err := net.SplitHostPort(h); err == nil && port == ep && strings.HasSuffix(host, "."+eh) {
						addr = h
					}
				}
			}
			return dial(ctx, network, addr)
		}
	})
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(s.region),
		config.WithHTTPClient(httpClient),
		config.WithAPIOptions([]func(*middleware.Stack) error{countCalls(s.calls), watchRefusals(s)}),
		config.WithRetryer(func() aws.Retryer {
			return reassume{s: s, RetryerV2: retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				if c.backoff != nil {
					o.Backoff = retry.BackoffDelayerFunc(c.backoff)
				}
			})}
		}),
	}
	if set.endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(set.endpoint))
	}
	if set.keyID != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(set.keyID, set.secret, set.tokenV)))
	} else if set.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(set.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, attest.Invalid("profile", "the AWS configuration cannot be loaded: %v", err)
	}
	c.useClient(&cfg)
	custom := cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != ""
	if custom {
		if u, err := url.Parse(*cfg.BaseEndpoint); err == nil {
			h := u.Host
			if u.Port() == "" {
				h = net.JoinHostPort(u.Hostname(), map[bool]string{true: "443", false: "80"}[u.Scheme == "https"])
			}
			endpointHost.Store(h)
		}
	}
	s.sts = sts.NewFromConfig(cfg)
	if set.roleARN != "" {
		p := stscreds.NewAssumeRoleProvider(s.sts, set.roleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "attest"
			if set.externalID != "" {
				o.ExternalID = aws.String(set.externalID)
			}
		})
		s.creds = aws.NewCredentialsCache(p)
		cfg.Credentials = s.creds
		s.sts = sts.NewFromConfig(cfg)
	}
	s.cfg = cfg
	s.iam = iam.NewFromConfig(cfg)
	// Behind an endpoint override, buckets are addressed by path: a bucket
	// name in front of a private host name resolves nowhere.
	s.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = custom })
	s.s3c = s3control.NewFromConfig(cfg)
	s.ec2 = ec2.NewFromConfig(cfg)
	return s, nil
}

// codeOf returns AWS's error code ("AccessDenied", "NoSuchEntity"), or ""
// for an error that is not an answer of AWS's.
func codeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// denied reports whether AWS refused the call for want of permission.
func denied(err error) bool {
	switch codeOf(err) {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AllAccessDisabled":
		return true
	}
	return false
}

// refusedCredential reports whether AWS refused the credential itself: no
// call can succeed, so the collection stops with a coded error.
func refusedCredential(err error) bool {
	switch codeOf(err) {
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException", "AuthFailure", "InvalidAccessKeyId":
		return true
	}
	return err != nil && strings.Contains(err.Error(), "failed to retrieve credentials")
}

// why words an error for a reason: the action, AWS's code and message.
func why(action string, err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return fmt.Sprintf("%s answered %s: %s", action, ae.ErrorCode(), ae.ErrorMessage())
	}
	return fmt.Sprintf("%s failed: %v", action, err)
}

// deniedReason is the reason of a field hidden because action was denied.
func deniedReason(action string, err error) string {
	return fmt.Sprintf("AWS denied %s to the credential (%s); add it to the connection's policy", action, codeOf(err))
}

// coded turns an error that stops a whole collection into a coded error.
func coded(action string, err error) error {
	switch {
	case refusedCredential(err):
		return attest.Errorf(attest.EUNAUTHORIZED, "AWS refused the credential: %s", why(action, err))
	case denied(err):
		return attest.Errorf(attest.EFORBIDDEN, "%s", why(action, err))
	case codeOf(err) == "Throttling" || codeOf(err) == "ThrottlingException" || codeOf(err) == "RequestLimitExceeded":
		return attest.Errorf(attest.ETHROTTLED, "%s", why(action, err))
	}
	return fmt.Errorf("%s", why(action, err))
}

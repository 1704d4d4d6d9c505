// Package awstest is a local server speaking the wire protocols of the AWS
// services the AWS connector reads: the query protocol with XML answers for
// IAM, STS, EC2 and RDS (EC2 and RDS per region, from the signature's
// scope), REST-XML for S3 (path-style) and S3 Control, REST-JSON for
// GuardDuty (per region). It answers from a Scenario, pages
// lists with AWS's markers, throttles with AWS's `Throttling` error and
// uses AWS's documented error codes (NoSuchEntity,
// NoSuchPublicAccessBlockConfiguration, NoSuchBucketPolicy, AccessDenied,
// AuthFailure). It requires a SigV4 Authorization header on every request
// but does not verify the signature. Tests reach it through the SDK's
// endpoint override, the production code path.
package awstest

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Account is the scenario's account ID.
const Account = "123456789012"

// Block is one level's Block Public Access settings.
type Block struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// AllOn is a block with its four settings on.
var AllOn = &Block{true, true, true, true}

// PasswordPolicy is the account's IAM password policy.
type PasswordPolicy struct {
	MinLength                              int
	Symbols, Numbers, Uppercase, Lowercase bool
	MaxAgeDays, ReusePrevention            int
}

// Key is an IAM user's access key.
type Key struct {
	Active      bool
	LastRotated time.Time
	LastUsed    time.Time // zero: never used
}

// User is an IAM user as the credential report shows it.
type User struct {
	Name             string
	Created          time.Time
	Password         bool
	PasswordLastUsed time.Time // zero: no_information
	MFA              bool
	Keys             []Key
}

// Policy is a managed policy.
type Policy struct {
	Name        string
	AWSManaged  bool
	Attachments int
	Document    string // JSON: the default version's
	// Version is the default version's ID ("": v1). AWS never edits a
	// version: a new document comes with a new ID.
	Version string
	// ID is the policy's unique ID ("": derived from the name); a policy
	// deleted and created again under the same name has a new one.
	ID string
}

func (p Policy) versionID() string {
	if p.Version == "" {
		return "v1"
	}
	return p.Version
}

func (p Policy) policyID() string {
	if p.ID == "" {
		return "ANPA" + strings.ToUpper(p.Name)
	}
	return p.ID
}

// Bucket is an S3 bucket.
type Bucket struct {
	Name         string
	Region       string
	Block        *Block            // nil: NoSuchPublicAccessBlockConfiguration
	Policy       string            // JSON; "": NoSuchBucketPolicy
	PolicyPublic bool              // GetBucketPolicyStatus's IsPublic
	ACLPublic    bool              // the ACL grants AllUsers READ
	Encryption   string            // "AES256", "aws:kms"; "": ServerSideEncryptionConfigurationNotFoundError
	Tags         map[string]string // none: NoSuchTagSet
	Versioning   string            // "Enabled", "Suspended"; "": never enabled
}

// Rule is an inbound security group rule.
type Rule struct {
	Protocol string // "tcp", "udp", "-1" (all)
	From, To int32
	CIDRs    []string // "0.0.0.0/0", "::/0", "10.0.0.0/8"
}

// SecurityGroup is an EC2 security group.
type SecurityGroup struct {
	ID, Name, VPC string
	Inbound       []Rule
}

// Snapshot is an EBS snapshot of the account's.
type Snapshot struct {
	ID, Volume string
	Encrypted  bool
	Public     bool // createVolumePermission Group all
}

// Region is what one region holds.
type Region struct {
	EBSEncryptionByDefault bool
	SecurityGroups         []SecurityGroup
	Snapshots              []Snapshot
	Fail                   string // an error code every call in the region answers (EC2, RDS, GuardDuty and the JSON services), e.g. "AuthFailure"
	DBInstances            []DBInstance
	DBClusters             []DBCluster
	Detectors              []Detector // GuardDuty; none: ListDetectors answers an empty list
	Trails                 []Trail    // trails whose home is the region
	KMSKeys                []KMSKey   // the region's KMS keys
	LogGroups              []LogGroup // the region's CloudWatch Logs groups
	Recorders              []Recorder // the region's AWS Config recorders
}

// Scenario is what the fake AWS holds. Change it with Update while the
// server runs.
type Scenario struct {
	mu sync.Mutex

	CallerARN      string
	RootMFA        bool
	RootAccessKeys bool
	RootLastUsed   time.Time // zero: no_information
	PasswordPolicy *PasswordPolicy
	Users          []User
	Policies       []Policy
	AccountBlock   *Block // nil: NoSuchPublicAccessBlockConfiguration
	Buckets        []Bucket
	Regions        map[string]*Region
	PageSize       int             // items per list page
	ReportPending  int             // GenerateCredentialReport answers STARTED this many times first
	Deny           map[string]bool // "iam:GetAccountSummary": AccessDenied
	Throttle       map[string]int  // "iam:ListPolicies": answer Throttling this many times first
	RoleARN        string          // a role AssumeRole accepts, with ExternalID
	ExternalID     string
	// AccountID is the account the scenario answers for; "": Account.
	AccountID string
	// Accounts are other accounts one credential reaches by assuming a
	// role, keyed by that role's ARN: AssumeRole checks the other
	// scenario's ExternalID, and the session it issues is answered from
	// that scenario.
	Accounts map[string]*Scenario
	// ExpireAfter makes an access key ID answer ExpiredToken once it has
	// signed this many requests; "ASIA*" applies to every session
	// AssumeRole issues (each a new key ID).
	ExpireAfter     map[string]int
	Now             time.Time
	requests        []Request
	generatedReport bool
	signed          map[string]int       // requests signed per key ID
	assumed         int                  // sessions AssumeRole issued
	routes          map[string]*Scenario // session key ID → the account (Accounts) it was issued for
}

// account is the ID of the account the scenario answers for.
func (sc *Scenario) account() string {
	if sc.AccountID != "" {
		return sc.AccountID
	}
	return Account
}

// Request is one request the server answered.
type Request struct {
	Action string // "iam:ListPolicies", "s3:GetBucketPolicy"
	KeyID  string // the access key ID of the signature
	Region string // the region of the signature's scope
}

// Update changes the scenario under its lock.
func (s *Scenario) Update(f func(*Scenario)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// Requests returns the requests answered so far.
func (s *Scenario) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// AdminDocument allows every action on every resource.
const AdminDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TLSPolicy denies requests without TLS.
const TLSPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
	`"Resource":["arn:aws:s3:::acme-logs","arn:aws:s3:::acme-logs/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// DefaultScenario is a small company's account at now: the root user with
// MFA, a strong password policy, five users of whom four fall short in one
// way each, an administrator policy of the customer's and two AWS-managed
// ones attached, and four buckets under an account-level block with all
// four settings on (one of them with a public policy and ACL that the
// account-level block neutralises).
func DefaultScenario(now time.Time) *Scenario {
	sc := defaultScenario(now)
	jsonDefaults(sc)
	return sc
}

func defaultScenario(now time.Time) *Scenario {
	day := 24 * time.Hour
	sc := &Scenario{
		Now:          now,
		CallerARN:    "arn:aws:iam::" + Account + ":user/attest-audit",
		RootMFA:      true,
		RootLastUsed: now.Add(-200 * day),
		PasswordPolicy: &PasswordPolicy{MinLength: 14, Symbols: true, Numbers: true, Uppercase: true, Lowercase: true,
			ReusePrevention: 24},
		Users: []User{
			{Name: "alice", Created: now.Add(-400 * day), Password: true, PasswordLastUsed: now.Add(-day), MFA: true,
				Keys: []Key{{Active: true, LastRotated: now.Add(-30 * day), LastUsed: now.Add(-day)}}},
			{Name: "bob", Created: now.Add(-300 * day), Password: true, PasswordLastUsed: now.Add(-5 * day)},
			{Name: "carol", Created: now.Add(-500 * day),
				Keys: []Key{{Active: true, LastRotated: now.Add(-200 * day), LastUsed: now.Add(-day)}}},
			{Name: "dave", Created: now.Add(-600 * day), Password: true, PasswordLastUsed: now.Add(-150 * day), MFA: true,
				Keys: []Key{{Active: false, LastRotated: now.Add(-400 * day)}}},
			{Name: "erin", Created: now.Add(-120 * day),
				Keys: []Key{{Active: true, LastRotated: now.Add(-10 * day), LastUsed: now.Add(-2 * day)}, {Active: true, LastRotated: now.Add(-100 * day)}}},
		},
		Policies: []Policy{
			{Name: "BreakGlassAdmin", Attachments: 1, Document: AdminDocument},
			{Name: "ReadReports", Attachments: 2, Document: `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`},
			{Name: "AdminFromOffice", Attachments: 1, Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}}`},
			{Name: "AdministratorAccess", AWSManaged: true, Attachments: 1, Document: AdminDocument},
			{Name: "ReadOnlyAccess", AWSManaged: true, Attachments: 3, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","ec2:Describe*"],"Resource":"*"}]}`},
		},
		AccountBlock: AllOn,
		Buckets: []Bucket{
			{Name: "acme-logs", Region: "us-east-1", Policy: TLSPolicy, Encryption: "aws:kms", Tags: map[string]string{"data-classification": "production", "team": "platform"}, Versioning: "Enabled"},
			{Name: "acme-website", Region: "us-east-1", PolicyPublic: true, ACLPublic: true, Encryption: "AES256",
				Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-website/*"}]}`},
			{Name: "acme-data", Region: "eu-west-1", Block: AllOn, Encryption: "AES256", Tags: map[string]string{"data-classification": "production"}, Versioning: "Suspended"},
			{Name: "acme-legacy", Region: "eu-west-1", Block: &Block{BlockPublicAcls: true}},
		},
		Regions: map[string]*Region{
			"us-east-1": {EBSEncryptionByDefault: true, SecurityGroups: []SecurityGroup{
				{ID: "sg-0a1b2c3d4e5f60001", Name: "web", VPC: "vpc-0f1e2d3c", Inbound: []Rule{
					{Protocol: "tcp", From: 443, To: 443, CIDRs: []string{"0.0.0.0/0", "::/0"}},
					{Protocol: "tcp", From: 22, To: 22, CIDRs: []string{"10.0.0.0/8"}}}},
				{ID: "sg-0a1b2c3d4e5f60002", Name: "bastion", VPC: "vpc-0f1e2d3c", Inbound: []Rule{
					{Protocol: "tcp", From: 22, To: 22, CIDRs: []string{"0.0.0.0/0"}}}},
				{ID: "sg-0a1b2c3d4e5f60003", Name: "default", VPC: "vpc-0f1e2d3c"},
			}},
			"eu-west-1": {Snapshots: []Snapshot{
				{ID: "snap-0a1b2c3d4e5f00001", Volume: "vol-0a1b2c3d4e5f00001", Encrypted: true},
				{ID: "snap-0a1b2c3d4e5f00002", Volume: "vol-0a1b2c3d4e5f00002", Public: true},
				{ID: "snap-0a1b2c3d4e5f00003", Volume: "vol-0a1b2c3d4e5f00003", Encrypted: true},
			}, SecurityGroups: []SecurityGroup{
				{ID: "sg-0b1b2c3d4e5f60004", Name: "db", VPC: "vpc-0a9b8c7d", Inbound: []Rule{
					{Protocol: "tcp", From: 5000, To: 6000, CIDRs: []string{"::/0"}}}},
				{ID: "sg-0b1b2c3d4e5f60005", Name: "dns", VPC: "vpc-0a9b8c7d", Inbound: []Rule{
					{Protocol: "udp", From: 53, To: 53, CIDRs: []string{"0.0.0.0/0"}}}},
			}},
		},
		PageSize:      2,
		ReportPending: 1,
	}
	defaultDatabases(sc)
	defaultDetectors(sc)
	return sc
}

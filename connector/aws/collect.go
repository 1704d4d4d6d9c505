package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/attest-hq/attest"
)

// Collect reads the account (root user and password policy), its IAM users
// from the credential report, its customer-managed policies and the
// AWS-managed ones attached in it, and its S3 buckets. A credential AWS
// refuses is an error; a type that cannot be read at all is in Failed with
// AWS's error code; a fact a denied action hides is in the resource's
// Unavailable, naming the action.
func (c *Connector) collectAccount(ctx context.Context, req attest.CollectRequest) (attest.Collection, error) {
	s, err := c.session(ctx, req)
	if err != nil {
		return attest.Collection{}, err
	}
	now := req.Now
	if now.IsZero() {
		now = c.now()
	}
	id, err := s.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return attest.Collection{Calls: int(s.calls.Load())}, coded("sts:GetCallerIdentity", err)
	}
	col := &collector{s: s, now: now, account: aws.ToString(id.Account), failed: map[string]string{},
		identity: keptIdentity(s.set, aws.ToString(id.Arn), aws.ToString(id.UserId))}
	var wg sync.WaitGroup
	wg.Go(func() { col.accountAndUsers(ctx) })
	wg.Go(func() { col.policies(ctx) })
	wg.Go(func() { col.buckets(ctx) })
	wg.Go(func() { col.regions(ctx) })
	wg.Go(func() { col.databases(ctx) })
	wg.Go(func() { col.guardDuty(ctx) })
	wg.Go(func() { col.jsonServices(ctx) })
	wg.Wait()
	if code := s.refused.Load(); code != nil {
		// Every type that failed after the refusal failed for it; say why once
		// per type, naming the account, rather than with each call's echo.
		renew := "renew the access key"
		if s.set.roleARN != "" {
			renew = "check that " + s.set.roleARN + " can still be assumed"
		}
		for typ, reason := range col.failed {
			col.failed[typ] = fmt.Sprintf("AWS stopped accepting the credential for account %s part-way through the collection (%s): %s; %s", col.account, *code, renew, reason)
		}
	}
	out := attest.Collection{Resources: col.resources, Calls: int(s.calls.Load()), Warnings: col.warnings}
	if len(col.failed) > 0 {
		out.Failed = col.failed
	}
	attest.SortResources(out.Resources)
	return out, nil
}

type collector struct {
	s       *session
	now     time.Time
	account string
	// identity names what may share kept policy documents (keptIdentity).
	identity string

	mu        sync.Mutex
	resources []attest.Resource
	failed    map[string]string
	warnings  []string

	regionList regionList
}

func (c *collector) add(r attest.Resource) {
	if len(r.Unavailable) == 0 {
		r.Unavailable = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resources = append(c.resources, r)
}

func (c *collector) fail(typ, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed[typ] = reason
}

// ---------------------------------------------------------------- Account

// Reasons of the account's fields.
const (
	noPasswordPolicy = "none: GetAccountPasswordPolicy answered NoSuchEntity, no password policy is set, so IAM users' " +
		"passwords need only IAM's default of 8 characters, with no complexity, expiry or reuse rule"
)

// accountAndUsers reads the account summary and password policy, then the
// credential report, and adds the account and one resource per IAM user.
func (c *collector) accountAndUsers(ctx context.Context) {
	arn := fmt.Sprintf("arn:aws:iam::%s:root", c.account)
	acct := attest.Resource{Type: TypeAccount, Key: arn, Unavailable: map[string]string{},
		Data: map[string]any{"account_id": c.account, "arn": arn}}

	sum, err := c.s.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	switch {
	case err == nil:
		acct.Data["root_mfa_enabled"] = sum.SummaryMap["AccountMFAEnabled"] == 1
		acct.Data["root_access_keys_present"] = sum.SummaryMap["AccountAccessKeysPresent"] == 1
	case denied(err):
		r := deniedReason("iam:GetAccountSummary", err)
		acct.Unavailable["root_mfa_enabled"], acct.Unavailable["root_access_keys_present"] = r, r
	default:
		c.fail(TypeAccount, why("iam:GetAccountSummary", err))
		return
	}

	pp, err := c.s.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	switch {
	case err == nil:
		acct.Data["password_policy"] = passwordPolicy(pp.PasswordPolicy)
	case codeOf(err) == "NoSuchEntity":
		acct.Data["password_policy"] = map[string]any{
			"status": noPasswordPolicy, "minimum_length": 8, "require_symbols": false, "require_numbers": false,
			"require_uppercase": false, "require_lowercase": false, "max_age_days": 0, "reuse_prevention": 0,
		}
	case denied(err):
		acct.Unavailable["password_policy"] = deniedReason("iam:GetAccountPasswordPolicy", err)
	default:
		c.fail(TypeAccount, why("iam:GetAccountPasswordPolicy", err))
		return
	}

	rows, err := c.credentialReport(ctx)
	if err != nil {
		reason := why("the credential report", err)
		if denied(err) {
			reason = deniedReason("iam:GenerateCredentialReport and iam:GetCredentialReport", err)
		}
		acct.Unavailable["root_password_last_used"] = reason
		c.add(acct)
		c.fail(TypeUser, reason)
		return
	}
	for _, row := range rows {
		if row["user"] == "<root_account>" {
			acct.Data["root_password_last_used"] = reportTime(row["password_last_used"])
			continue
		}
		c.add(userOf(row))
	}
	if _, ok := acct.Data["root_password_last_used"]; !ok {
		acct.Unavailable["root_password_last_used"] = "the credential report has no <root_account> row"
	}
	c.add(acct)
}

func passwordPolicy(p *iamtypes.PasswordPolicy) map[string]any {
	return map[string]any{
		"status":            "set",
		"minimum_length":    int(aws.ToInt32(p.MinimumPasswordLength)),
		"require_symbols":   p.RequireSymbols,
		"require_numbers":   p.RequireNumbers,
		"require_uppercase": p.RequireUppercaseCharacters,
		"require_lowercase": p.RequireLowercaseCharacters,
		"max_age_days":      int(aws.ToInt32(p.MaxPasswordAge)),
		"reuse_prevention":  int(aws.ToInt32(p.PasswordReusePrevention)),
	}
}

// credentialReport asks IAM to generate the credential report, waits until
// it is complete (it is reused for four hours once generated), and reads
// its rows as maps of column to value.
func (c *collector) credentialReport(ctx context.Context) ([]map[string]string, error) {
	for attempt := 0; ; attempt++ {
		g, err := c.s.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, err
		}
		if g.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if attempt >= 30 {
			return nil, fmt.Errorf("IAM was still generating the credential report after %d checks (state %s)", attempt+1, g.State)
		}
		if err := sleep(ctx, c.s.c.poll); err != nil {
			return nil, err
		}
	}
	rep, err := c.s.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(rep.Content))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("the credential report is not CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("the credential report is empty")
	}
	head := recs[0]
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range head {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// reportTime reads a credential report date: an RFC 3339 time, or null for
// N/A, no_information and not_supported.
func reportTime(v string) any {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// userOf turns a credential report row into an IAM user resource.
func userOf(row map[string]string) attest.Resource {
	var keys []any
	for _, n := range []string{"1", "2"} {
		p := "access_key_" + n + "_"
		rotated := reportTime(row[p+"last_rotated"])
		if rotated == nil {
			continue // no such key
		}
		keys = append(keys, map[string]any{
			"slot": n, "active": row[p+"active"] == "true", "last_rotated": rotated,
			"last_used": reportTime(row[p+"last_used_date"]),
		})
	}
	if keys == nil {
		keys = []any{}
	}
	return attest.Resource{Type: TypeUser, Key: row["arn"], Data: map[string]any{
		"name": row["user"], "arn": row["arn"], "created": reportTime(row["user_creation_time"]),
		"console_access":     row["password_enabled"] == "true",
		"password_last_used": reportTime(row["password_last_used"]),
		"mfa_active":         row["mfa_active"] == "true",
		"access_keys":        keys,
	}}
}

// ---------------------------------------------------------------- Policies

// policies lists the account's customer-managed policies and the
// AWS-managed policies attached in it, each with its default version's
// document.
func (c *collector) policies(ctx context.Context) {
	var all []iamtypes.Policy
	for _, q := range []*iam.ListPoliciesInput{
		{Scope: iamtypes.PolicyScopeTypeLocal},
		{Scope: iamtypes.PolicyScopeTypeAws, OnlyAttached: true},
	} {
		p := iam.NewListPoliciesPaginator(c.s.iam, q)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				c.fail(TypePolicy, why("iam:ListPolicies", err))
				return
			}
			all = append(all, page.Policies...)
		}
	}
	// Versions are read a few at a time: against AWS each call is a round
	// trip, and an account with thousands of policies read one by one spends
	// minutes here.
	known := c.s.c.versions.of(c.identity)
	var mu sync.Mutex
	seen := make(map[policyVersion]string, len(all))
	work := make(chan iamtypes.Policy)
	var wg sync.WaitGroup
	for range min(policyWorkers, len(all)) {
		wg.Go(func() {
			for p := range work {
				r, key, doc, ok := c.policy(ctx, p, known)
				if ok {
					mu.Lock()
					seen[key] = doc
					mu.Unlock()
				}
				c.add(r)
			}
		})
	}
	for _, p := range all {
		work <- p
	}
	close(work)
	wg.Wait()
	c.s.c.versions.keep(c.identity, seen)
}

// policyWorkers is how many policy versions are read at a time.
const policyWorkers = 4

// policy is the resource of one listed policy, with its default version's
// document from known or read with GetPolicyVersion; ok says the document
// was had (and key names it).
func (c *collector) policy(ctx context.Context, p iamtypes.Policy, known map[policyVersion]string) (r attest.Resource, key policyVersion, doc string, ok bool) {
	arn := aws.ToString(p.Arn)
	managed := "customer"
	if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || strings.Contains(arn, ":iam::aws:policy/") {
		managed = "aws"
	}
	r = attest.Resource{Type: TypePolicy, Key: arn, Unavailable: map[string]string{}, Data: map[string]any{
		"name": aws.ToString(p.PolicyName), "arn": arn, "managed_by": managed,
		"attachment_count": int(aws.ToInt32(p.AttachmentCount)), "default_version": aws.ToString(p.DefaultVersionId),
	}}
	key = policyVersion{arn: arn, id: aws.ToString(p.PolicyId), version: aws.ToString(p.DefaultVersionId)}
	doc, ok = known[key]
	if !ok || key.id == "" || key.version == "" {
		v, err := c.s.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: p.DefaultVersionId})
		if err != nil {
			reason := why("iam:GetPolicyVersion", err)
			if denied(err) {
				reason = deniedReason("iam:GetPolicyVersion", err)
			}
			r.Unavailable["grants_full_admin"], r.Unavailable["full_admin_statements"] = reason, reason
			return r, key, "", false
		}
		doc, ok = aws.ToString(v.PolicyVersion.Document), key.id != "" && key.version != ""
	}
	stmts, err := fullAdminStatements(doc)
	if err != nil {
		r.Unavailable["grants_full_admin"] = err.Error()
		r.Unavailable["full_admin_statements"] = err.Error()
	} else {
		r.Data["grants_full_admin"] = len(stmts) > 0
		r.Data["full_admin_statements"] = stmts
	}
	return r, key, doc, ok
}

// policyVersion names one version of one policy. AWS never changes a
// version once created (an edit is a new version, and a policy deleted and
// created again under the same name has a new ID), so a version's document
// read once is its document for good.
type policyVersion struct{ arn, id, version string }

// keptIdentity names what may share kept policy documents: one credential
// (access key or profile), role and external ID, answered by one endpoint,
// acting as one caller. The endpoint and the credential are part of it
// because a custom endpoint answers whatever it likes, the caller's ARN
// included: a connection pointed at a server of its own must never read, or
// write, the documents kept for another connection's account. An empty
// caller ARN names no one, and nothing is kept for it.
func keptIdentity(set settings, arn, userID string) string {
	if arn == "" {
		return ""
	}
	h := sha256.New()
	for _, f := range []string{set.endpoint, set.profile, set.keyID, set.roleARN, set.externalID, arn, userID} {
		fmt.Fprintf(h, "%d:%s", len(f), f) // length first: no field can pass for two
	}
	return hex.EncodeToString(h.Sum(nil))
}

// policyVersions keeps, for each identity the connector collected as, the
// policy documents its last collection read, so that the next collection
// reads only the versions that are new: an account's thousands of policies
// rarely change, and IAM throttles GetPolicyVersion. Only the last
// collection's are kept, and all identities' together within maxKeptBytes
// (a collection whose documents exceed maxKeptPerIdentity keeps none;
// another's make room by pushing out the identities kept longest ago).
type policyVersions struct {
	mu    sync.Mutex
	last  map[string]keptDocs
	total int
	seq   int64 // keeps so far, to push out the longest kept first
}

type keptDocs struct {
	docs map[policyVersion]string
	size int
	seq  int64
}

// maxKeptBytes bounds the policy documents kept, all identities together,
// and maxKeptPerIdentity one identity's, so that no connection (one pointed
// at an endpoint of its own, say) can push out all the others': a large
// account's 6,000 policies are a few megabytes.
const (
	maxKeptBytes       = 64 << 20
	maxKeptPerIdentity = maxKeptBytes / 4
)

func (v *policyVersions) of(identity string) map[policyVersion]string {
	if identity == "" {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.last[identity].docs // never written after keep stored it
}

func (v *policyVersions) keep(identity string, docs map[policyVersion]string) {
	if identity == "" {
		return
	}
	size := 0
	for k, d := range docs {
		size += len(k.arn) + len(k.id) + len(k.version) + len(d) + 64 // the map's own share, roughly
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.last == nil {
		v.last = map[string]keptDocs{}
	}
	v.total -= v.last[identity].size
	delete(v.last, identity)
	if len(docs) == 0 || size > maxKeptPerIdentity {
		return
	}
	for v.total+size > maxKeptBytes {
		oldest := ""
		for other, k := range v.last {
			if oldest == "" || k.seq < v.last[oldest].seq {
				oldest = other
			}
		}
		if oldest == "" {
			break // nothing left to push out
		}
		v.total -= v.last[oldest].size
		delete(v.last, oldest)
	}
	v.seq++
	v.last[identity] = keptDocs{docs: docs, size: size, seq: v.seq}
	v.total += size
}

// fullAdminStatements reads a policy document (IAM returns it URL-encoded)
// and names its statements that allow every action on every resource
// without a condition, by Sid or position.
func fullAdminStatements(doc string) ([]any, error) {
	if dec, err := url.QueryUnescape(doc); err == nil {
		doc = dec
	}
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("the policy document is not JSON: %v", err)
	}
	type statement struct {
		Sid       string
		Effect    string
		Action    json.RawMessage
		Resource  json.RawMessage
		Condition json.RawMessage
	}
	var stmts []statement
	if err := json.Unmarshal(d.Statement, &stmts); err != nil {
		var one statement
		if err := json.Unmarshal(d.Statement, &one); err != nil {
			return nil, fmt.Errorf("the policy document's Statement is not understood: %v", err)
		}
		stmts = []statement{one}
	}
	out := []any{}
	for i, st := range stmts {
		if st.Effect != "Allow" || len(st.Condition) > 0 && string(st.Condition) != "null" && string(st.Condition) != "{}" {
			continue
		}
		if hasWildcard(st.Action, "*", "*:*") && hasWildcard(st.Resource, "*") {
			name := st.Sid
			if name == "" {
				name = fmt.Sprintf("statement %d", i+1)
			}
			out = append(out, name)
		}
	}
	return out, nil
}

// hasWildcard reports whether a string-or-list element holds one of want.
func hasWildcard(raw json.RawMessage, want ...string) bool {
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil {
			return false
		}
		list = []string{one}
	}
	for _, v := range list {
		for _, w := range want {
			if strings.TrimSpace(v) == w {
				return true
			}
		}
	}
	return false
}

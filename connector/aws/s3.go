package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/attest-hq/attest"
)

// bucketWorkers is how many buckets are read at a time.
const bucketWorkers = 8

// block is one level's S3 Block Public Access settings.
type block struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

func (b block) all() bool {
	return b.BlockPublicAcls && b.IgnorePublicAcls && b.BlockPublicPolicy && b.RestrictPublicBuckets
}

func (b block) or(o block) block {
	return block{b.BlockPublicAcls || o.BlockPublicAcls, b.IgnorePublicAcls || o.IgnorePublicAcls,
		b.BlockPublicPolicy || o.BlockPublicPolicy, b.RestrictPublicBuckets || o.RestrictPublicBuckets}
}

func (b block) data(configured bool) map[string]any {
	return map[string]any{
		"configured": configured, "block_public_acls": b.BlockPublicAcls, "ignore_public_acls": b.IgnorePublicAcls,
		"block_public_policy": b.BlockPublicPolicy, "restrict_public_buckets": b.RestrictPublicBuckets, "all": b.all(),
	}
}

func blockOf(c *s3types.PublicAccessBlockConfiguration) block {
	if c == nil {
		return block{}
	}
	return block{aws.ToBool(c.BlockPublicAcls), aws.ToBool(c.IgnorePublicAcls), aws.ToBool(c.BlockPublicPolicy), aws.ToBool(c.RestrictPublicBuckets)}
}

// accountBlock reads the account-level block through S3 Control. None set
// (NoSuchPublicAccessBlockConfiguration) is four settings off; known is
// false, with the reason, when it cannot be read.
func (c *collector) accountBlock(ctx context.Context) (b block, configured, known bool, reason string) {
	out, err := c.s.s3c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(c.account)})
	switch {
	case err == nil && out.PublicAccessBlockConfiguration != nil:
		p := out.PublicAccessBlockConfiguration
		return block{aws.ToBool(p.BlockPublicAcls), aws.ToBool(p.IgnorePublicAcls), aws.ToBool(p.BlockPublicPolicy), aws.ToBool(p.RestrictPublicBuckets)}, true, true, ""
	case err == nil, codeOf(err) == "NoSuchPublicAccessBlockConfiguration":
		return block{}, false, true, ""
	case denied(err):
		return block{}, false, false, deniedReason("s3:GetAccountPublicAccessBlock", err)
	default:
		return block{}, false, false, why("s3:GetAccountPublicAccessBlock (S3 Control)", err)
	}
}

// buckets lists the account's buckets and reads each one's block, policy
// status, ACL, default encryption and policy.
func (c *collector) buckets(ctx context.Context) {
	var list []s3types.Bucket
	p := s3.NewListBucketsPaginator(c.s.s3, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.fail(TypeBucket, why("s3:ListAllMyBuckets", err))
			return
		}
		list = append(list, page.Buckets...)
	}
	if len(list) == 0 {
		return
	}
	acct, configured, known, reason := c.accountBlock(ctx)
	work := make(chan s3types.Bucket)
	var wg sync.WaitGroup
	for range min(bucketWorkers, len(list)) {
		wg.Go(func() {
			for b := range work {
				c.add(c.bucket(ctx, b, acct, configured, known, reason))
			}
		})
	}
	for _, b := range list {
		work <- b
	}
	close(work)
	wg.Wait()
}

// allUsers and authUsers are the grantees that make an ACL public.
const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

func (c *collector) bucket(ctx context.Context, b s3types.Bucket, acct block, acctConfigured, acctKnown bool, acctReason string) attest.Resource {
	name := aws.ToString(b.Name)
	region := aws.ToString(b.BucketRegion)
	if region == "" {
		region = c.s.region
	}
	inRegion := func(o *s3.Options) { o.Region = region }
	arn := "arn:aws:s3:::" + name
	r := attest.Resource{Type: TypeBucket, Key: arn, Unavailable: map[string]string{}, Data: map[string]any{
		"name": name, "arn": arn, "region": region,
	}}
	if b.CreationDate != nil {
		r.Data["created"] = b.CreationDate.UTC().Format("2006-01-02T15:04:05Z")
	}
	hide := func(action string, err error, fields ...string) {
		reason := why(action, err)
		if denied(err) {
			reason = deniedReason(action, err)
		}
		for _, f := range fields {
			r.Unavailable[f] = reason
		}
	}
	if acctKnown {
		r.Data["account_block"] = acct.data(acctConfigured)
	} else {
		r.Unavailable["account_block"] = acctReason
	}

	var bucketBlock block
	bucketKnown := true
	pab, err := c.s.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b.Name}, inRegion)
	switch {
	case err == nil:
		bucketBlock = blockOf(pab.PublicAccessBlockConfiguration)
		r.Data["bucket_block"] = bucketBlock.data(true)
	case codeOf(err) == "NoSuchPublicAccessBlockConfiguration":
		r.Data["bucket_block"] = bucketBlock.data(false)
	default:
		bucketKnown = false
		hide("s3:GetBucketPublicAccessBlock", err, "bucket_block")
	}

	policyPublic, policyKnown := false, true
	st, err := c.s.s3.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b.Name}, inRegion)
	switch {
	case err == nil:
		policyPublic = st.PolicyStatus != nil && aws.ToBool(st.PolicyStatus.IsPublic)
		r.Data["policy_public"] = policyPublic
	case codeOf(err) == "NoSuchBucketPolicy":
		r.Data["policy_public"] = false
	default:
		policyKnown = false
		hide("s3:GetBucketPolicyStatus", err, "policy_public")
	}

	var publicGrants []string
	aclKnown := true
	acl, err := c.s.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b.Name}, inRegion)
	if err == nil {
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				continue
			}
			switch aws.ToString(g.Grantee.URI) {
			case allUsers:
				publicGrants = append(publicGrants, "AllUsers "+string(g.Permission))
			case authUsers:
				publicGrants = append(publicGrants, "AuthenticatedUsers "+string(g.Permission))
			}
		}
		grants := make([]any, 0, len(publicGrants))
		for _, g := range publicGrants {
			grants = append(grants, g)
		}
		r.Data["acl_public_grants"] = grants
	} else {
		aclKnown = false
		hide("s3:GetBucketAcl", err, "acl_public_grants")
	}

	v := judgePublic(acct, acctKnown, bucketBlock, bucketKnown, policyPublic, policyKnown, publicGrants, aclKnown)
	if v.unknown != "" {
		r.Unavailable["public_access"] = v.unknown
	} else {
		r.Data["public_access"] = map[string]any{"public": v.public, "fully_blocked": v.fullyBlocked, "decided_by": v.decidedBy}
	}

	enc, err := c.s.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b.Name}, inRegion)
	switch {
	case err == nil:
		alg := "none"
		if enc.ServerSideEncryptionConfiguration != nil {
			for _, rule := range enc.ServerSideEncryptionConfiguration.Rules {
				if rule.ApplyServerSideEncryptionByDefault != nil {
					alg = string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm)
				}
			}
		}
		r.Data["default_encryption"] = alg
	case codeOf(err) == "ServerSideEncryptionConfigurationNotFoundError":
		r.Data["default_encryption"] = "none"
	default:
		hide("s3:GetEncryptionConfiguration", err, "default_encryption")
	}

	tags := map[string]any{}
	tg, err := c.s.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b.Name}, inRegion)
	switch {
	case err == nil:
		for _, t := range tg.TagSet {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		r.Data["tags"] = tags
	case codeOf(err) == "NoSuchTagSet":
		r.Data["tags"] = tags
	default:
		hide("s3:GetBucketTagging", err, "tags")
	}
	ver, err := c.s.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b.Name}, inRegion)
	if err == nil {
		status := string(ver.Status)
		if status == "" {
			status = "Off" // never enabled: S3 answers without a Status
		}
		r.Data["versioning"] = status
	} else {
		hide("s3:GetBucketVersioning", err, "versioning")
	}

	pol, err := c.s.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b.Name}, inRegion)
	switch {
	case err == nil:
		r.Data["has_policy"] = true
		r.Data["tls_required"] = denyInsecureTransport(aws.ToString(pol.Policy))
	case codeOf(err) == "NoSuchBucketPolicy":
		r.Data["has_policy"] = false
		r.Data["tls_required"] = false
	default:
		hide("s3:GetBucketPolicy", err, "has_policy", "tls_required")
	}
	return r
}

// publicVerdict is whether a bucket is public, and which layer decides.
type publicVerdict struct {
	public, fullyBlocked bool
	decidedBy            string
	unknown              string // why it cannot be judged
}

// judgePublic combines the four layers that decide whether a bucket is
// public: the account-level block, the bucket-level block, the bucket
// policy's status and the ACL's grants. A setting on at either level
// applies; the account level is read first because it overrides every
// bucket.
func judgePublic(acct block, acctKnown bool, bkt block, bktKnown bool, policyPublic, policyKnown bool, grants []string, aclKnown bool) publicVerdict {
	if acctKnown && acct.all() {
		return publicVerdict{fullyBlocked: true, decidedBy: "the account-level block (S3 Control): all four Block Public Access settings are on for the account, " +
			"so no policy or ACL can make this bucket public, whatever its own settings"}
	}
	if bktKnown && bkt.all() {
		return publicVerdict{fullyBlocked: true, decidedBy: "the bucket-level block: all four Block Public Access settings are on for this bucket"}
	}
	switch {
	case !acctKnown:
		return publicVerdict{unknown: "the account-level Block Public Access setting could not be read, and it alone could decide: it overrides the bucket's own settings, policy and ACL"}
	case !bktKnown:
		return publicVerdict{unknown: "the bucket-level Block Public Access setting could not be read, and the account-level one does not block everything"}
	case !policyKnown:
		return publicVerdict{unknown: "the bucket policy's status could not be read, and Block Public Access is not fully on at either level"}
	case !aclKnown:
		return publicVerdict{unknown: "the bucket ACL could not be read, and Block Public Access is not fully on at either level"}
	}
	eff := acct.or(bkt)
	level := func(acctOn bool) string {
		if acctOn {
			return "account"
		}
		return "bucket"
	}
	v := publicVerdict{fullyBlocked: eff.all()}
	switch {
	case policyPublic && !eff.RestrictPublicBuckets:
		v.public = true
		v.decidedBy = "the bucket policy: it grants public access (policy status IsPublic) and RestrictPublicBuckets is off at both the account and the bucket level"
	case len(grants) > 0 && !eff.IgnorePublicAcls:
		v.public = true
		v.decidedBy = fmt.Sprintf("the bucket ACL: it grants %s and IgnorePublicAcls is off at both the account and the bucket level", strings.Join(grants, ", "))
	case policyPublic:
		v.decidedBy = fmt.Sprintf("RestrictPublicBuckets at the %s level: the bucket policy is public, but only AWS services and the account's own principals may use it", level(acct.RestrictPublicBuckets))
	case len(grants) > 0:
		v.decidedBy = fmt.Sprintf("IgnorePublicAcls at the %s level: the ACL grants %s, but S3 ignores it", level(acct.IgnorePublicAcls), strings.Join(grants, ", "))
	default:
		v.decidedBy = "the bucket's own policy and ACL: neither grants public access"
	}
	return v
}

// denyInsecureTransport reports whether a bucket policy denies requests
// made without TLS: a Deny statement conditioned on aws:SecureTransport
// being false.
func denyInsecureTransport(doc string) bool {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return false
	}
	type statement struct {
		Effect    string
		Condition map[string]map[string]any
	}
	var stmts []statement
	if json.Unmarshal(d.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(d.Statement, &one) != nil {
			return false
		}
		stmts = []statement{one}
	}
	for _, st := range stmts {
		if st.Effect != "Deny" {
			continue
		}
		for op, kv := range st.Condition {
			if !strings.EqualFold(op, "Bool") {
				continue
			}
			for k, v := range kv {
				if strings.EqualFold(k, "aws:SecureTransport") && (fmt.Sprint(v) == "false" || fmt.Sprint(v) == "[false]") {
					return true
				}
			}
		}
	}
	return false
}

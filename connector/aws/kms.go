package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/attest-hq/attest"
)

// TypeKMSKey is a KMS key.
const TypeKMSKey = "aws.kms_key"

// kmsKeys lists a region's KMS keys and aliases (two paginated lists),
// describes each key (KMS has no list call that gives a key's manager and
// spec) and asks the rotation status of each key that can rotate
// automatically: customer-managed, symmetric, with key material KMS made.
// AWS-managed keys rotate by themselves and are not asked about.
func (c *collector) kmsKeys(ctx context.Context, cl *kms.Client, region string) error {
	in := func(o *kms.Options) { o.Region = region }
	var keys []kmstypes.KeyListEntry
	p := kms.NewListKeysPaginator(cl, &kms.ListKeysInput{Limit: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return regionalError("kms:ListKeys", err)
		}
		keys = append(keys, page.Keys...)
	}
	aliases := map[string][]any{}
	aliasErr := ""
	ap := kms.NewListAliasesPaginator(cl, &kms.ListAliasesInput{Limit: aws.Int32(100)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx, in)
		if err != nil {
			if !denied(err) {
				return regionalError("kms:ListAliases", err)
			}
			aliasErr = deniedReason("kms:ListAliases", err)
			break
		}
		for _, a := range page.Aliases {
			if id := aws.ToString(a.TargetKeyId); id != "" {
				aliases[id] = append(aliases[id], aws.ToString(a.AliasName))
			}
		}
	}
	for _, k := range keys {
		d, err := cl.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyArn}, in)
		if err != nil {
			return regionalError("kms:DescribeKey", err)
		}
		m := d.KeyMetadata
		arn := aws.ToString(m.Arn)
		r := attest.Resource{Type: TypeKMSKey, Key: arn, Unavailable: map[string]string{}, Data: map[string]any{
			"id": aws.ToString(m.KeyId), "arn": arn, "region": region, "description": aws.ToString(m.Description),
			"key_manager": string(m.KeyManager), "key_spec": string(m.KeySpec), "key_usage": string(m.KeyUsage),
			"key_state": string(m.KeyState), "origin": string(m.Origin), "multi_region": aws.ToBool(m.MultiRegion),
			"rotation_enabled": nil, "rotation_period_days": nil,
		}}
		if m.CreationDate != nil {
			r.Data["created"] = m.CreationDate.UTC().Format("2006-01-02T15:04:05Z")
		}
		names := aliases[aws.ToString(m.KeyId)]
		sort.Slice(names, func(i, j int) bool { return names[i].(string) < names[j].(string) })
		if names == nil {
			names = []any{}
		}
		r.Data["aliases"] = names
		if aliasErr != "" {
			r.Unavailable["aliases"] = aliasErr
		}
		if rotatable(m) {
			st, err := cl.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: m.Arn}, in)
			switch {
			case err == nil:
				r.Data["rotation_enabled"] = st.KeyRotationEnabled
				if st.RotationPeriodInDays != nil {
					r.Data["rotation_period_days"] = int(*st.RotationPeriodInDays)
				}
			case denied(err):
				r.Unavailable["rotation_enabled"] = deniedReason("kms:GetKeyRotationStatus", err)
			default:
				r.Unavailable["rotation_enabled"] = why("kms:GetKeyRotationStatus", err)
			}
		}
		c.add(r)
	}
	return nil
}

// rotatable reports whether KMS can rotate a key's material automatically:
// a customer-managed symmetric encryption key whose material KMS made,
// not pending deletion. The test aws.kms_key_rotation applies to the same
// keys.
func rotatable(m *kmstypes.KeyMetadata) bool {
	return m.KeyManager == kmstypes.KeyManagerTypeCustomer && m.KeySpec == kmstypes.KeySpecSymmetricDefault &&
		m.Origin == kmstypes.OriginTypeAwsKms && m.KeyState != kmstypes.KeyStatePendingDeletion &&
		m.KeyState != kmstypes.KeyStatePendingReplicaDeletion
}

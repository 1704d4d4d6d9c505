package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/attest-hq/attest"
)

// regionWorkers is how many regions are read at a time.
const regionWorkers = 4

// adminPorts are the ports no security group should open to the world:
// remote administration and databases.
var adminPorts = []struct {
	port int32
	name string
}{
	{22, "SSH"}, {3389, "RDP"}, {3306, "MySQL"}, {5432, "PostgreSQL"}, {1433, "SQL Server"},
	{1521, "Oracle"}, {27017, "MongoDB"}, {6379, "Redis"}, {9200, "Elasticsearch"},
}

// regions reads each configured region's EC2 facts, a few regions at a
// time. A region that cannot be read is named, with AWS's error code, in
// Failed for the regional types; the other regions' resources stand.
func (c *collector) regions(ctx context.Context) {
	if reason := c.eachRegion(ctx, func(region string) error { return c.region(ctx, region) }); reason != "" {
		c.fail(TypeRegion, reason)
		c.fail(TypeSecurityGroup, reason)
		c.fail(TypeSnapshot, reason)
	}
}

// region reads one region's EBS default encryption and security groups.
func (c *collector) region(ctx context.Context, region string) error {
	in := func(o *ec2.Options) { o.Region = region }
	key := c.account + "/" + region
	r := attest.Resource{Type: TypeRegion, Key: key, Unavailable: map[string]string{}, Data: map[string]any{"account_id": c.account, "region": region}}
	ebs, err := c.s.ec2.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}, in)
	switch {
	case err == nil:
		r.Data["ebs_encryption_by_default"] = aws.ToBool(ebs.EbsEncryptionByDefault)
	case denied(err):
		r.Unavailable["ebs_encryption_by_default"] = deniedReason("ec2:GetEbsEncryptionByDefault", err)
	default:
		return fmt.Errorf("%s", why("ec2:GetEbsEncryptionByDefault", err))
	}
	var groups []ec2types.SecurityGroup
	p := ec2.NewDescribeSecurityGroupsPaginator(c.s.ec2, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return fmt.Errorf("%s", why("ec2:DescribeSecurityGroups", err))
		}
		groups = append(groups, page.SecurityGroups...)
	}
	snaps, err := c.snapshots(ctx, region, in)
	if err != nil {
		return err
	}
	c.add(r)
	for _, g := range groups {
		c.add(securityGroup(c.account, region, g))
	}
	for _, sn := range snaps {
		c.add(sn)
	}
	return nil
}

// snapshots lists the account's EBS snapshots in a region, then the ones
// anyone may restore (RestorableBy all): two paginated lists instead of a
// DescribeSnapshotAttribute call per snapshot.
func (c *collector) snapshots(ctx context.Context, region string, in func(*ec2.Options)) ([]attest.Resource, error) {
	list := func(input *ec2.DescribeSnapshotsInput) ([]ec2types.Snapshot, error) {
		var out []ec2types.Snapshot
		p := ec2.NewDescribeSnapshotsPaginator(c.s.ec2, input)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("%s", why("ec2:DescribeSnapshots", err))
			}
			out = append(out, page.Snapshots...)
		}
		return out, nil
	}
	own, err := list(&ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, MaxResults: aws.Int32(1000)})
	if err != nil {
		return nil, err
	}
	public, err := list(&ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{"all"}, MaxResults: aws.Int32(1000)})
	if err != nil {
		return nil, err
	}
	isPublic := map[string]bool{}
	for _, sn := range public {
		isPublic[aws.ToString(sn.SnapshotId)] = true
	}
	out := make([]attest.Resource, 0, len(own))
	for _, sn := range own {
		id := aws.ToString(sn.SnapshotId)
		arn := fmt.Sprintf("arn:aws:ec2:%s:%s:snapshot/%s", region, c.account, id)
		d := map[string]any{
			"id": id, "arn": arn, "region": region, "volume_id": aws.ToString(sn.VolumeId), "encrypted": aws.ToBool(sn.Encrypted),
			"public": isPublic[id], "description": aws.ToString(sn.Description),
		}
		if sn.StartTime != nil {
			d["started"] = sn.StartTime.UTC().Format("2006-01-02T15:04:05Z")
		}
		out = append(out, attest.Resource{Type: TypeSnapshot, Key: arn, Data: d})
	}
	return out, nil
}

// securityGroup turns a security group into a resource, naming each
// inbound rule that opens an administration or database port to the whole
// internet (0.0.0.0/0 or ::/0).
func securityGroup(account, region string, g ec2types.SecurityGroup) attest.Resource {
	id := aws.ToString(g.GroupId)
	arn := aws.ToString(g.SecurityGroupArn)
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, account, id)
	}
	open := []any{}
	for _, perm := range g.IpPermissions {
		var world []string
		for _, r := range perm.IpRanges {
			if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
				world = append(world, "0.0.0.0/0")
			}
		}
		for _, r := range perm.Ipv6Ranges {
			if aws.ToString(r.CidrIpv6) == "::/0" {
				world = append(world, "::/0")
			}
		}
		if len(world) == 0 {
			continue
		}
		proto := aws.ToString(perm.IpProtocol)
		if proto != "-1" && proto != "tcp" && proto != "6" {
			continue // the admin and database ports are TCP
		}
		from, to := aws.ToInt32(perm.FromPort), aws.ToInt32(perm.ToPort)
		for _, ap := range adminPorts {
			if proto == "-1" || (from <= ap.port && ap.port <= to) {
				rng := fmt.Sprintf("%d", ap.port)
				if proto == "-1" {
					rng = "all traffic"
				} else if from != to {
					rng = fmt.Sprintf("%d-%d", from, to)
				}
				open = append(open, fmt.Sprintf("%s (%d, rule %s) from %s", ap.name, ap.port, rng, strings.Join(world, " and ")))
			}
		}
	}
	return attest.Resource{Type: TypeSecurityGroup, Key: arn, Data: map[string]any{
		"id": id, "arn": arn, "name": aws.ToString(g.GroupName), "vpc_id": aws.ToString(g.VpcId), "region": region,
		"world_open_admin_ports": open,
	}}
}

package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/attest-hq/attest"
)

// RDS resource types.
const (
	TypeDBInstance = "aws.rds_instance"
	TypeDBCluster  = "aws.rds_cluster"
)

// databases reads every region's RDS DB instances and DB clusters, two
// paginated lists per region. An Aurora instance's encryption, backups and
// deletion protection are its cluster's: the instance carries the
// cluster's identifier (cluster_id) and the tests judge the cluster
// instead, never the instance-level values AWS shows for it.
func (c *collector) databases(ctx context.Context) {
	client := rds.NewFromConfig(c.s.cfg)
	if reason := c.eachRegion(ctx, func(region string) error { return c.databasesIn(ctx, client, region) }); reason != "" {
		c.fail(TypeDBInstance, reason)
		c.fail(TypeDBCluster, reason)
	}
}

func (c *collector) databasesIn(ctx context.Context, client *rds.Client, region string) error {
	in := func(o *rds.Options) { o.Region = region }
	var instances []rdstypes.DBInstance
	p := rds.NewDescribeDBInstancesPaginator(client, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return regionalError("rds:DescribeDBInstances", err)
		}
		instances = append(instances, page.DBInstances...)
	}
	var clusters []rdstypes.DBCluster
	pc := rds.NewDescribeDBClustersPaginator(client, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(100)})
	for pc.HasMorePages() {
		page, err := pc.NextPage(ctx, in)
		if err != nil {
			return regionalError("rds:DescribeDBClusters", err)
		}
		clusters = append(clusters, page.DBClusters...)
	}
	for _, d := range instances {
		c.add(dbInstance(c.account, region, d))
	}
	for _, d := range clusters {
		c.add(dbCluster(c.account, region, d))
	}
	return nil
}

func dbInstance(account, region string, d rdstypes.DBInstance) attest.Resource {
	id := aws.ToString(d.DBInstanceIdentifier)
	arn := aws.ToString(d.DBInstanceArn)
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, account, id)
	}
	data := map[string]any{
		"id": id, "arn": arn, "region": region, "engine": aws.ToString(d.Engine), "engine_version": aws.ToString(d.EngineVersion),
		"class": aws.ToString(d.DBInstanceClass), "status": aws.ToString(d.DBInstanceStatus),
		"cluster_id": aws.ToString(d.DBClusterIdentifier), "replica_of": aws.ToString(d.ReadReplicaSourceDBInstanceIdentifier),
		"storage_encrypted": aws.ToBool(d.StorageEncrypted), "kms_key_id": aws.ToString(d.KmsKeyId),
		"publicly_accessible": aws.ToBool(d.PubliclyAccessible), "backup_retention_days": int(aws.ToInt32(d.BackupRetentionPeriod)),
		"deletion_protection": aws.ToBool(d.DeletionProtection), "multi_az": aws.ToBool(d.MultiAZ), "tags": rdsTags(d.TagList),
	}
	if d.InstanceCreateTime != nil {
		data["created"] = d.InstanceCreateTime.UTC().Format("2006-01-02T15:04:05Z")
	}
	return attest.Resource{Type: TypeDBInstance, Key: arn, Data: data}
}

func dbCluster(account, region string, d rdstypes.DBCluster) attest.Resource {
	id := aws.ToString(d.DBClusterIdentifier)
	arn := aws.ToString(d.DBClusterArn)
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, account, id)
	}
	members := []any{}
	for _, m := range d.DBClusterMembers {
		members = append(members, aws.ToString(m.DBInstanceIdentifier))
	}
	data := map[string]any{
		"id": id, "arn": arn, "region": region, "engine": aws.ToString(d.Engine), "engine_version": aws.ToString(d.EngineVersion),
		"engine_mode": aws.ToString(d.EngineMode), "status": aws.ToString(d.Status),
		"storage_encrypted": aws.ToBool(d.StorageEncrypted), "kms_key_id": aws.ToString(d.KmsKeyId),
		"backup_retention_days": int(aws.ToInt32(d.BackupRetentionPeriod)), "deletion_protection": aws.ToBool(d.DeletionProtection),
		"multi_az": aws.ToBool(d.MultiAZ), "members": members, "tags": rdsTags(d.TagList),
	}
	if d.ClusterCreateTime != nil {
		data["created"] = d.ClusterCreateTime.UTC().Format("2006-01-02T15:04:05Z")
	}
	return attest.Resource{Type: TypeDBCluster, Key: arn, Data: data}
}

func rdsTags(tags []rdstypes.Tag) map[string]any {
	out := map[string]any{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

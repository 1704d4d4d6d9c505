package awstest

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// rdsNS is the namespace of RDS's query-protocol answers.
const rdsNS = "http://rds.amazonaws.com/doc/2014-10-31/"

// DBInstance is an RDS DB instance (Aurora's included, with their cluster).
type DBInstance struct {
	ID, Engine, Class     string
	Cluster               string // the DB cluster's identifier for an Aurora instance
	ReplicaOf             string // the source instance of a read replica
	Encrypted             bool
	Public                bool
	BackupRetention       int
	DeletionProtection    bool
	MultiAZ               bool
	Tags                  map[string]string
	EngineVersion, Status string // "16.4", "available" when empty
}

// DBCluster is an RDS DB cluster: Aurora, or a Multi-AZ DB cluster.
type DBCluster struct {
	ID, Engine         string
	Encrypted          bool
	BackupRetention    int
	DeletionProtection bool
	Members            []string // instance identifiers, the writer first
}

// defaultDatabases gives the default scenario's regions their databases:
// in us-east-1 a well-kept PostgreSQL instance, a public unencrypted MySQL
// instance without backups or deletion protection and its read replica,
// and an Aurora cluster whose settings live on the cluster (its instances
// show the instance-level defaults, which must not be judged); in
// eu-west-1 a MariaDB instance with three days of backups.
func defaultDatabases(sc *Scenario) {
	use1, euw1 := sc.Regions["us-east-1"], sc.Regions["eu-west-1"]
	use1.DBInstances = []DBInstance{
		{ID: "orders-db", Engine: "postgres", Class: "db.m6g.large", Encrypted: true, BackupRetention: 14, DeletionProtection: true, MultiAZ: true,
			Tags: map[string]string{"data-classification": "production"}},
		{ID: "legacy-crm", Engine: "mysql", Class: "db.t3.medium", Public: true, BackupRetention: 1, EngineVersion: "8.0.39"},
		{ID: "legacy-crm-replica", Engine: "mysql", Class: "db.t3.medium", ReplicaOf: "legacy-crm", Encrypted: true, EngineVersion: "8.0.39"},
		{ID: "ledger-1", Engine: "aurora-postgresql", Class: "db.r6g.large", Cluster: "ledger", Encrypted: true, BackupRetention: 1},
		{ID: "ledger-2", Engine: "aurora-postgresql", Class: "db.r6g.large", Cluster: "ledger", Encrypted: true, BackupRetention: 1},
	}
	use1.DBClusters = []DBCluster{
		{ID: "ledger", Engine: "aurora-postgresql", Encrypted: true, BackupRetention: 35, DeletionProtection: true, Members: []string{"ledger-1", "ledger-2"}},
	}
	euw1.DBInstances = []DBInstance{
		{ID: "analytics", Engine: "mariadb", Class: "db.r6g.xlarge", Encrypted: true, BackupRetention: 3, DeletionProtection: true, EngineVersion: "10.11.9"},
	}
}

func dbTime(id string) string { return "2025-0" + strconv.Itoa(1+len(id)%9) + "-15T09:30:00.000Z" }

// answerRDS answers RDS's query protocol in region: DescribeDBInstances and
// DescribeDBClusters, paged with Marker and MaxRecords as RDS does.
func (sc *Scenario) answerRDS(c *call, f url.Values, region string) {
	reg := sc.Regions[region]
	if reg == nil {
		reg = &Region{}
	}
	if reg.Fail != "" {
		c.fail(http.StatusForbidden, reg.Fail, "AWS was not able to validate the provided access credentials")
		return
	}
	maxRecords, _ := strconv.Atoi(f.Get("MaxRecords"))
	if f.Has("MaxRecords") && (maxRecords < 20 || maxRecords > 100) {
		c.fail(http.StatusBadRequest, "InvalidParameterValue", "Invalid value "+f.Get("MaxRecords")+" for MaxRecords. Must be between 20 and 100")
		return
	}
	// list writes one page of n items, as RDS does: <Set><Item>…</Set>
	// and the Marker of the next page.
	list := func(op, set string, n int, item func(i int, b *strings.Builder)) {
		from, to, next := page(n, sc.PageSize, f.Get("Marker"), maxRecords)
		var b strings.Builder
		b.WriteString("<" + set + ">")
		for i := from; i < to; i++ {
			item(i, &b)
		}
		b.WriteString("</" + set + ">")
		if next != "" {
			fmt.Fprintf(&b, "<Marker>%s</Marker>", next)
		}
		c.ok(op, b.String())
	}
	switch c.action {
	case "rds:DescribeDBInstances":
		list("DescribeDBInstances", "DBInstances", len(reg.DBInstances), func(i int, b *strings.Builder) { writeDBInstance(b, sc.account(), region, reg.DBInstances[i]) })
	case "rds:DescribeDBClusters":
		list("DescribeDBClusters", "DBClusters", len(reg.DBClusters), func(i int, b *strings.Builder) { writeDBCluster(b, sc.account(), region, reg.DBClusters[i]) })
	default:
		c.fail(http.StatusBadRequest, "InvalidAction", "The action "+f.Get("Action")+" is not valid for this web service.")
	}
}

func writeDBInstance(b *strings.Builder, account, region string, d DBInstance) {
	version, status := d.EngineVersion, d.Status
	if version == "" {
		version = "16.4"
	}
	if status == "" {
		status = "available"
	}
	port := map[string]int{"mysql": 3306, "mariadb": 3306}[d.Engine]
	if port == 0 {
		port = 5432
	}
	fmt.Fprintf(b, "<DBInstance><DBInstanceIdentifier>%s</DBInstanceIdentifier><DBInstanceClass>%s</DBInstanceClass><Engine>%s</Engine>"+
		"<DBInstanceStatus>%s</DBInstanceStatus><MasterUsername>admin</MasterUsername>"+
		"<Endpoint><Address>%s.c9akciq32example.%s.rds.amazonaws.com</Address><Port>%d</Port><HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId></Endpoint>"+
		"<AllocatedStorage>100</AllocatedStorage><InstanceCreateTime>%s</InstanceCreateTime><PreferredBackupWindow>03:00-03:30</PreferredBackupWindow>"+
		"<BackupRetentionPeriod>%d</BackupRetentionPeriod><AvailabilityZone>%sa</AvailabilityZone><MultiAZ>%t</MultiAZ><EngineVersion>%s</EngineVersion>"+
		"<AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade><PubliclyAccessible>%t</PubliclyAccessible><StorageType>gp3</StorageType>"+
		"<StorageEncrypted>%t</StorageEncrypted>",
		esc(d.ID), d.Class, d.Engine, status, esc(d.ID), region, port, dbTime(d.ID), d.BackupRetention, region, d.MultiAZ, version, d.Public, d.Encrypted)
	if d.Encrypted {
		fmt.Fprintf(b, "<KmsKeyId>arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyId>", region, account)
	}
	if d.Cluster != "" {
		fmt.Fprintf(b, "<DBClusterIdentifier>%s</DBClusterIdentifier>", esc(d.Cluster))
	}
	if d.ReplicaOf != "" {
		fmt.Fprintf(b, "<ReadReplicaSourceDBInstanceIdentifier>%s</ReadReplicaSourceDBInstanceIdentifier>", esc(d.ReplicaOf))
	}
	fmt.Fprintf(b, "<DbiResourceId>db-%s</DbiResourceId><DBInstanceArn>arn:aws:rds:%s:%s:db:%s</DBInstanceArn><DeletionProtection>%t</DeletionProtection><TagList>",
		strings.ToUpper(strings.ReplaceAll(d.ID, "-", "")), region, account, esc(d.ID), d.DeletionProtection)
	writeTags(b, d.Tags)
	b.WriteString("</TagList></DBInstance>")
}

func writeDBCluster(b *strings.Builder, account, region string, d DBCluster) {
	fmt.Fprintf(b, "<DBCluster><DBClusterIdentifier>%s</DBClusterIdentifier><DBClusterArn>arn:aws:rds:%s:%s:cluster:%s</DBClusterArn>"+
		"<Engine>%s</Engine><EngineVersion>16.4</EngineVersion><EngineMode>provisioned</EngineMode><Status>available</Status>"+
		"<Endpoint>%s.cluster-c9akciq32example.%s.rds.amazonaws.com</Endpoint><Port>5432</Port><MultiAZ>%t</MultiAZ>"+
		"<ClusterCreateTime>%s</ClusterCreateTime><BackupRetentionPeriod>%d</BackupRetentionPeriod><StorageEncrypted>%t</StorageEncrypted>",
		esc(d.ID), region, account, esc(d.ID), d.Engine, esc(d.ID), region, len(d.Members) > 1, dbTime(d.ID), d.BackupRetention, d.Encrypted)
	if d.Encrypted {
		fmt.Fprintf(b, "<KmsKeyId>arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyId>", region, account)
	}
	b.WriteString("<DBClusterMembers>")
	for i, m := range d.Members {
		fmt.Fprintf(b, "<DBClusterMember><DBInstanceIdentifier>%s</DBInstanceIdentifier><IsClusterWriter>%t</IsClusterWriter>"+
			"<DBClusterParameterGroupStatus>in-sync</DBClusterParameterGroupStatus><PromotionTier>1</PromotionTier></DBClusterMember>", esc(m), i == 0)
	}
	fmt.Fprintf(b, "</DBClusterMembers><DeletionProtection>%t</DeletionProtection><TagList></TagList></DBCluster>", d.DeletionProtection)
}

func writeTags(b *strings.Builder, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "<Tag><Key>%s</Key><Value>%s</Value></Tag>", esc(k), esc(tags[k]))
	}
}

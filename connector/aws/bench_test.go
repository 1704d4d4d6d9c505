package aws_test

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/aws/awstest"
)

// BenchmarkCollect collects an account of 5,000 resources across four
// regions from the local AWS server, reporting the API calls made per
// resource beside the time (go run ./bench/aws measures 50,000 against its
// floor).
func BenchmarkCollect(b *testing.B) {
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	srv := awstest.NewServer(awstest.LargeScenario(now, 5000, regions))
	defer srv.Close()
	req := attest.CollectRequest{Now: now, Secret: []byte("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		Settings: map[string]string{"endpoint_url": srv.URL, "regions": "us-east-1,us-west-2,eu-west-1,ap-southeast-2"}}
	var col attest.Collection
	for b.Loop() {
		var err error
		if col, err = connector().Collect(b.Context(), req); err != nil || len(col.Failed) > 0 {
			b.Fatalf("%v %v", err, col.Failed)
		}
	}
	b.ReportMetric(float64(col.Calls)/float64(len(col.Resources)), "calls/resource")
	b.ReportMetric(float64(len(col.Resources)), "resources")
}

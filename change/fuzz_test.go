package change_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

// FuzzParseDeployLog reads hostile deploy logs: a refused log is an
// attest.Invalid on "file" naming only lines inside it; a read one has
// deployments of an owner/name repository, a lower-case hexadecimal commit
// of 7 to 64 digits, a UTC time no later than an hour after now, and source
// "log".
func FuzzParseDeployLog(f *testing.F) {
	csvfiletest.Add(f,
		"repository,commit,deployed_at,environment,deployer\nacme/api,4f2a9c1,2026-11-02T09:30:00Z,production,ci-bot\nacme/web,ABCDEF0123456,2026-11-02 10:15,staging,\n",
		"Repository,Commit,Deployed At\nacme,zzz,yesterday\n", "repository,commit,deployed_at\n",
		"repository,commit,deployed_at\nacme/api,4f2a9c1,2999-01-01 00:00\n", "commit\nabc\n",
	)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var out []attest.Deployment
		var err error
		csvfiletest.Bounded(t, data, func() { out, err = change.ParseDeployLog(bytes.NewReader(data), now) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		if len(out) == 0 {
			t.Fatal("no deployments and no error")
		}
		for _, d := range out {
			owner, name, ok := strings.Cut(d.Repo, "/")
			if !ok || owner == "" || name == "" || strings.Contains(name, "/") || len(d.SHA) < 7 || len(d.SHA) > 64 ||
				strings.Trim(d.SHA, "0123456789abcdef") != "" || d.At.Location() != time.UTC || d.At.After(now.Add(time.Hour)) || d.Source != "log" {
				t.Fatalf("deployment %+v", d)
			}
		}
	})
}

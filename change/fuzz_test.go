package change

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

// FuzzParseDeployLog feeds the deploy log import hostile files: a log it
// accepts has deployments with a repository owner/name, a commit and a
// time no more than an hour past now.
func FuzzParseDeployLog(f *testing.F) {
	f.Add([]byte("repository,commit,deployed_at,environment,deployed_by\nacme/api,0123abc,2026-03-01T10:00:00Z,production,ci\n"))
	f.Add([]byte("repository,commit,deployed_at\nacme/api,zz,yesterday\n"))
	f.Add([]byte("repository,commit\n"))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		deps, err := ParseDeployLog(bytes.NewReader(data), now)
		if err != nil {
			if attest.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %#v", err)
			}
			return
		}
		for _, d := range deps {
			if !strings.Contains(d.Repo, "/") || d.SHA == "" || d.At.After(now.Add(time.Hour)) || d.Source != "log" {
				t.Fatalf("an accepted deployment that should not be: %+v", d)
			}
		}
	})
}

package change

import (
	"io"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
)

// Limits on an uploaded deploy log: it is read whole before anything is
// stored, so it is bounded.
const (
	MaxLogSize = 5 << 20 // bytes
	MaxLogRows = 50_000
)

// logColumns are a deploy log's columns; the first three are required.
var logColumns = []string{"repository", "commit", "deployed_at", "environment", "deployer"}

// deployTimeLayouts are the times a deploy log may give, in UTC unless the
// time says otherwise.
var deployTimeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"}

// ParseDeployLog reads a deploy log as CSV: a header naming the columns
// (repository, commit, deployed_at; optionally environment and deployer),
// then one deployment per line. The repository is as GitHub names it
// (owner/name), so deployments meet the pull requests the connector
// collects. A deployment may not be dated after now (give or take an
// hour of clock drift). Any bad line fails the whole file, naming the line and the
// column: nothing is stored from a file with an error.
func ParseDeployLog(r io.Reader, now time.Time) ([]attest.Deployment, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: logColumns, Required: logColumns[:3], MaxSize: MaxLogSize, MaxRows: MaxLogRows})
	if err != nil {
		return nil, err
	}
	var out []attest.Deployment
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		d := attest.Deployment{Repo: f.Get("repository"), SHA: strings.ToLower(f.Get("commit")), Environment: f.Get("environment"),
			Deployer: f.Get("deployer"), Source: "log"}
		err = checkDeployment(&d, f.Get("deployed_at"))
		if err == nil && d.At.After(now.Add(time.Hour)) {
			err = attest.Invalid("deployed_at", "is in the future (%s)", d.At.Format(time.RFC3339))
		}
		if err != nil {
			return nil, attest.Invalid("file", "line %d: %s", f.Line(), attest.ErrorMessage(err))
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, attest.Invalid("file", "has a header but no deployments")
	}
	return out, nil
}

// checkDeployment checks one deployment's fields and reads its time.
func checkDeployment(d *attest.Deployment, at string) error {
	owner, name, ok := strings.Cut(d.Repo, "/")
	switch {
	case d.Repo == "":
		return attest.Invalid("repository", "is required: the repository as owner/name")
	case !ok || owner == "" || name == "" || strings.Contains(name, "/") || len(d.Repo) > 200:
		return attest.Invalid("repository", "must be owner/name as GitHub names it (got %q)", d.Repo)
	case d.SHA == "":
		return attest.Invalid("commit", "is required: the commit that was deployed")
	case !isCommit(d.SHA):
		return attest.Invalid("commit", "must be a commit hash of 7 to 64 hexadecimal digits (got %q)", d.SHA)
	case len(d.Environment) > 100 || len(d.Deployer) > 200:
		return attest.Invalid("environment", "environment and deployer must be at most 100 and 200 characters")
	case at == "":
		return attest.Invalid("deployed_at", "is required: when the commit was deployed (RFC 3339, or YYYY-MM-DD HH:MM in UTC)")
	}
	for _, layout := range deployTimeLayouts {
		if t, err := time.Parse(layout, at); err == nil {
			d.At = t.UTC()
			return nil
		}
	}
	return attest.Invalid("deployed_at", "is not a time: want RFC 3339 (2026-11-02T09:30:00Z) or YYYY-MM-DD HH:MM in UTC (got %q)", at)
}

func isCommit(s string) bool {
	if len(s) < 7 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

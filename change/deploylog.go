package change

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/attest-hq/attest"
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
	lr := &io.LimitedReader{R: r, N: MaxLogSize + 1}
	cr := csv.NewReader(lr)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, attest.Invalid("file", "is empty: the first line must name the columns (%s)", strings.Join(logColumns, ", "))
	}
	if err != nil {
		return nil, attest.Invalid("file", "is not CSV: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		known := false
		for _, c := range logColumns {
			known = known || c == name
		}
		if !known {
			return nil, attest.Invalid("file", "line 1: unknown column %q; the columns are %s", h, strings.Join(logColumns, ", "))
		}
		if _, dup := col[name]; dup {
			return nil, attest.Invalid("file", "line 1: column %q appears twice", h)
		}
		col[name] = i
	}
	for _, c := range logColumns[:3] {
		if _, ok := col[c]; !ok {
			return nil, attest.Invalid("file", "line 1: the column %q is required", c)
		}
	}
	var out []attest.Deployment
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if lr.N <= 0 {
			return nil, attest.Invalid("file", "is larger than %d MiB", MaxLogSize>>20)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, attest.Invalid("file", "line %d: %v", pe.Line, pe.Err)
			}
			return nil, attest.Invalid("file", "%v", err)
		}
		line, _ := cr.FieldPos(0)
		if len(out) >= MaxLogRows {
			return nil, attest.Invalid("file", "has more than %d deployments; split it", MaxLogRows)
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		d := attest.Deployment{Repo: get("repository"), SHA: strings.ToLower(get("commit")), Environment: get("environment"),
			Deployer: get("deployer"), Source: "log"}
		err = checkDeployment(&d, get("deployed_at"))
		if err == nil && d.At.After(now.Add(time.Hour)) {
			err = attest.Invalid("deployed_at", "is in the future (%s)", d.At.Format(time.RFC3339))
		}
		if err != nil {
			return nil, attest.Invalid("file", "line %d: %s", line, attest.ErrorMessage(err))
		}
		out = append(out, d)
	}
	if lr.N <= 0 {
		return nil, attest.Invalid("file", "is larger than %d MiB", MaxLogSize>>20)
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

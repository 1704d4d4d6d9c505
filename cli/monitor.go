package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
)

// failingResults makes `attest monitor run` exit 1 when any result fails, so
// that CI can gate on it.
type failingResults struct{ n int }

func (f failingResults) Error() string { return fmt.Sprintf("%d result(s) failing", f.n) }

// resultLine is one result as `--json` prints it: one object per line.
type resultLine struct {
	Test         string              `json:"test"`
	TestVersion  string              `json:"test_version"`
	ResourceType string              `json:"resource_type"`
	Resource     string              `json:"resource"`
	Status       attest.ResultStatus `json:"status"`
	Message      string              `json:"message"`
	Observed     any                 `json:"observed"`
	Expected     string              `json:"expected"`
	Connection   string              `json:"connection,omitempty"`
	Result       int64               `json:"result,omitempty"`    // the result's ID, for `attest test replay`
	Exception    string              `json:"exception,omitempty"` // the exception exempting a failure
}

func runMonitorRun(e *env, args []string) error {
	f := newFlags("monitor run", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	name := f.fs.String("connection", "", "run one connection (default: every enabled connection)")
	asJSON := f.fs.Bool("json", false, "print one JSON object per result")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true, Secrets: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	p := cliPrincipal(org.ID)
	conns, err := s.Connections.List(e.ctx, p)
	if err != nil {
		return err
	}
	var run []attest.Connection
	for _, c := range conns {
		if (*name == "" && c.Enabled) || c.Name == *name {
			run = append(run, c)
		}
	}
	if *name != "" && len(run) == 0 {
		return attest.Invalid("connection", "no connection %q in %s", *name, org.Slug)
	}
	if len(run) == 0 {
		return fmt.Errorf("%s has no enabled connection; add one with attest connection add", org.Slug)
	}
	failing := 0
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, c := range run {
		rep, err := s.Monitor.RunNow(e.ctx, p, c.ID, nil)
		if err != nil {
			return fmt.Errorf("connection %s: %w", c.Name, err)
		}
		if !*asJSON {
			col := rep.Collection
			fmt.Fprintf(e.stderr, "%s: collected %d resources in %s with %d calls; %d results, %d changed\n",
				c.Name, col.Resources, col.Duration().Round(time.Millisecond), col.Calls, len(rep.Results), rep.Changes)
			for typ, why := range col.Failed {
				fmt.Fprintf(e.stderr, "%s: could not collect %s: %s\n", c.Name, typ, why)
			}
		}
		results, err := s.Monitor.Results(e.ctx, p, store.ResultFilter{ConnectionID: c.ID})
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Status == attest.ResultFail && !r.Excepted() {
				failing++
			}
			if err := printResult(e.stdout, tw, *asJSON, c.Name, r); err != nil {
				return err
			}
		}
	}
	if !*asJSON {
		tw.Flush()
	}
	if failing > 0 {
		return failingResults{failing}
	}
	return nil
}

func printResult(w io.Writer, tw *tabwriter.Writer, asJSON bool, conn string, r attest.TestResult) error {
	line := resultLine{Test: r.Test, TestVersion: r.TestVersion, ResourceType: r.Resource.Type, Resource: r.Resource.Key,
		Status: r.Status, Message: r.Message, Observed: r.Observed, Expected: r.Expected, Connection: conn, Result: r.ID}
	if r.Excepted() {
		line.Exception = r.Exception.UID
	}
	if asJSON {
		b, err := json.Marshal(line)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	status := strings.ToUpper(string(r.Status))
	if r.Excepted() {
		status = "EXCEPTED"
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t#%d\n", status, r.Test, r.Resource.Key, oneLine(r.Message), r.ID)
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func runTestReplay(e *env, args []string) error {
	f := newFlags("test replay", e)
	orgSlug := f.fs.String("org", "", "organization slug (with --result)")
	resultID := f.fs.String("result", "", "the result's ID (from attest monitor run, the API or the UI)")
	bundle := f.fs.String("bundle", "", "replay from an export bundle instead of the database: FILE.zip")
	pubkey := f.fs.String("pubkey", "", "with --bundle: the install's public key, to verify the bundle first")
	snapshot := f.fs.String("snapshot", "", "with --bundle: the collection (snapshot record) id, col_…")
	version := f.fs.String("test-version", "", "with --bundle: the test version, sha256:…")
	resource := f.fs.String("resource", "", "with --bundle: the resource as TYPE:KEY, e.g. github.repository:acme/api")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *bundle != "" {
		return replayFromBundle(e, *bundle, *pubkey, *snapshot, *version, *resource)
	}
	if *orgSlug == "" || *resultID == "" {
		return usagef("--org and --result are required (or --bundle with --pubkey, --snapshot, --test-version and --resource)")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(*resultID, "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("--result: want a result ID such as 42, got %q", *resultID)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	rp, err := s.Monitor.Replay(e.ctx, cliPrincipal(org.ID), id)
	if err != nil {
		return err
	}
	r := rp.Result
	fmt.Fprintf(e.stdout, "result #%d: %s on %s %s\n", r.ID, r.Test, r.Resource.Type, r.Resource.Key)
	fmt.Fprintf(e.stdout, "test version %s\nsnapshot %s (sha256 %s, collected %s)\n", r.TestVersion, rp.Collection.UID,
		rp.Collection.SnapshotSHA256, rp.Collection.StartedAt.Format(time.RFC3339))
	fmt.Fprintf(e.stdout, "stored:   %s  %s\nreplayed: %s  %s\n", r.Status, oneLine(r.Message), rp.Verdict.Status, oneLine(rp.Verdict.Message))
	fmt.Fprintf(e.stdout, "offline: attest test replay --bundle FILE.zip --pubkey KEY --snapshot %s --test-version %s --resource %s:%s\n",
		rp.Collection.UID, r.TestVersion, r.Resource.Type, r.Resource.Key)
	if !rp.Same {
		return fmt.Errorf("the replayed verdict differs from the stored one")
	}
	fmt.Fprintln(e.stdout, "same verdict")
	return nil
}

// replayFromBundle re-derives a verdict from an export bundle alone: it
// verifies the bundle with the public key, then evaluates the test version
// recorded in it on the resource in the snapshot file it carries.
func replayFromBundle(e *env, path, pubkey, snapshot, version, resource string) error {
	for flag, v := range map[string]string{"--snapshot": snapshot, "--test-version": version, "--resource": resource} {
		if v == "" {
			return usagef("%s is required with --bundle", flag)
		}
	}
	typ, key, ok := strings.Cut(resource, ":")
	if !ok || typ == "" || key == "" {
		return usagef("--resource: want TYPE:KEY, such as github.repository:acme/api (got %q)", resource)
	}
	if err := verifyBundle(e, path, pubkey); err != nil {
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return err
	}
	b, err := ledger.OpenBundle(file, info.Size())
	if err != nil {
		return err
	}
	rec, ok := b.Record(ledger.RecordTypeSnapshot, snapshot)
	if !ok {
		return attest.Invalid("snapshot", "the bundle has no snapshot %s", snapshot)
	}
	var snapRec struct {
		StartedAt string `json:"started_at"`
	}
	if err := json.Unmarshal(rec.Record, &snapRec); err != nil {
		return fmt.Errorf("snapshot %s: %w", snapshot, err)
	}
	at, err := time.Parse("2006-01-02T15:04:05.000000Z", snapRec.StartedAt)
	if err != nil {
		return fmt.Errorf("snapshot %s: started_at: %w", snapshot, err)
	}
	sha, _, _, err := rec.File()
	if err != nil {
		return err
	}
	rc, err := b.Open(sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	snap, err := monitor.ReadSnapshot(rc, sha)
	if err != nil {
		return err
	}
	vrec, ok := b.Record(ledger.RecordTypeTestVersion, version)
	if !ok {
		return attest.Invalid("test-version", "the bundle has no test version %s", version)
	}
	var tv struct {
		Definition engine.Definition `json:"definition"`
	}
	if err := json.Unmarshal(vrec.Record, &tv); err != nil {
		return fmt.Errorf("test version %s: %w", version, err)
	}
	v, err := monitor.ReplayVerdict(snap, tv.Definition, version, attest.ResourceRef{Type: typ, Key: key}, at)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s on %s %s, snapshot %s collected %s, test version %s\nverdict: %s  %s\n", tv.Definition.ID, typ, key,
		snapshot, at.Format(time.RFC3339), version, v.Status, oneLine(v.Message))
	return nil
}

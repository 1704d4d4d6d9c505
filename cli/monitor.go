package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
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
	orgSlug := f.fs.String("org", "", "organization slug")
	resultID := f.fs.String("result", "", "the result's ID (from attest monitor run, the API or the UI)")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" || *resultID == "" {
		return usagef("--org and --result are required")
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
	if !rp.Same {
		return fmt.Errorf("the replayed verdict differs from the stored one")
	}
	fmt.Fprintln(e.stdout, "same verdict")
	return nil
}

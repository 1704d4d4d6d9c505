package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/attest-hq/attest/policy/doc"
	"github.com/attest-hq/attest/policy/policyfile"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/policy"
)

// policyCmd is what every policy command that names one policy shares: the
// organization, the policy's key and the opened services.
type policyCmd struct {
	s   *app.Services
	org attest.Organization
	p   attest.Principal
}

// openPolicy parses the flags, requires --org and one KEY argument (when
// wantKey), and opens the organization.
func openPolicy(e *env, f *flags, orgSlug *string, args []string, wantKey bool) (policyCmd, string, error) {
	return openPolicyWith(e, f, orgSlug, args, wantKey, app.Needs{})
}

// openPolicyWith is openPolicy for a command that needs more than the
// database, such as the signing key to record to the ledger.
func openPolicyWith(e *env, f *flags, orgSlug *string, args []string, wantKey bool, needs app.Needs) (policyCmd, string, error) {
	rest, err := f.parse(args, e)
	if err != nil {
		return policyCmd{}, "", err
	}
	switch {
	case wantKey && len(rest) != 1:
		return policyCmd{}, "", usagef("want exactly one policy KEY argument, got %d", len(rest))
	case !wantKey && len(rest) > 0:
		return policyCmd{}, "", usagef("unexpected argument %q", rest[0])
	case *orgSlug == "":
		return policyCmd{}, "", usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, needs, *orgSlug)
	if err != nil {
		return policyCmd{}, "", err
	}
	key := ""
	if wantKey {
		key = rest[0]
	}
	return policyCmd{s: s, org: org, p: cliPrincipal(org.ID)}, key, nil
}

// asMember acts as the member with the given email: approvals are decided by
// named people, so the CLI names whose decision it records.
func (c policyCmd) asMember(ctx context.Context, email string) (attest.Principal, error) {
	u, err := c.s.DB.UserByEmail(ctx, attest.NormalizeEmail(email))
	if err != nil {
		return attest.Principal{}, usagef("--as: no user %s", email)
	}
	m, err := c.s.DB.Membership(ctx, c.org.ID, u.ID)
	if err != nil {
		return attest.Principal{}, usagef("--as: %s is not a member of %s", email, c.org.Slug)
	}
	return attest.Principal{UserID: u.ID, Label: u.Email, OrgID: c.org.ID, Role: m.Role, Via: attest.ViaCLI}, nil
}

func runPolicyList(e *env, args []string) error {
	f := newFlags("policy list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the policies as JSON, with the fields of GET /api/v1/orgs/{org}/policies")
	c, _, err := openPolicy(e, f, orgSlug, args, false)
	if err != nil {
		return err
	}
	defer c.s.Close()
	list, err := c.s.Policies.List(e.ctx, c.p)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, list)
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no policies; adopt a template with attest policy adopt --template ID (attest policy templates lists them)\n", c.org.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tTITLE\tNEWEST\tPUBLISHED\tREVIEW BY\tAUDIENCE")
	for _, p := range list {
		newest, published, review := "-", "-", "-"
		if p.Latest != nil {
			newest = p.Latest.Label + " " + policy.StateLabel(p.Latest.State)
		}
		if p.Published != nil {
			published, review = p.Published.Label, p.Published.ReviewBy
		}
		if p.Retired {
			published = "retired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Key, p.Title, newest, published, review, p.Audience)
	}
	return tw.Flush()
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runPolicyAdopt(e *env, args []string) error {
	f := newFlags("policy adopt", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	tpl := f.fs.String("template", "", "the template's ID (attest policy templates lists them)")
	key := f.fs.String("key", "", "the policy's key; the template's ID when left out")
	c, _, err := openPolicy(e, f, orgSlug, args, false)
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *tpl == "" {
		return usagef("--template is required")
	}
	p, err := c.s.Policies.Adopt(e.ctx, c.p, *tpl, *key)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "adopted %s as %s: draft %s; edit it, then attest policy submit --org %s %s --approver EMAIL\n",
		*tpl, p.Key, p.Latest.Label, c.org.Slug, p.Key)
	return nil
}

func runPolicyShow(e *env, args []string) error {
	f := newFlags("policy show", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the policy and its versions as JSON, as GET /api/v1/orgs/{org}/policies/{key}")
	c, key, err := openPolicy(e, f, orgSlug, args, true)
	if err != nil {
		return err
	}
	defer c.s.Close()
	p, versions, err := c.s.Policies.GetByKey(e.ctx, c.p, key)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"policy": p, "versions": versions})
	}
	fmt.Fprintf(e.stdout, "%s (%s)\naudience: %s; review every %d months; controls %s\n", p.Title, p.Key, p.Audience, p.ReviewMonths,
		strings.Join(p.Controls, ", "))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tSTATE\tMATERIAL\tAPPROVALS\tHASH\tNOTE")
	for _, v := range versions {
		hash := "-"
		if v.Hash != "" {
			hash = v.Hash[:12]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%t\t%d/%d\t%s\t%s\n", v.ID, v.Label, policy.StateLabel(v.State), v.Material, v.Approvals(), v.Quorum,
			hash, orNone(v.ChangeNote, "-"))
	}
	return tw.Flush()
}

func runPolicyDiff(e *env, args []string) error {
	f := newFlags("policy diff", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	from := f.fs.String("from", "", "the version to compare from, by label (1.0) or ID; default the published one")
	to := f.fs.String("to", "", "the version to compare to, by label or ID; default the newest")
	c, key, err := openPolicy(e, f, orgSlug, args, true)
	if err != nil {
		return err
	}
	defer c.s.Close()
	_, versions, err := c.s.Policies.GetByKey(e.ctx, c.p, key)
	if err != nil {
		return err
	}
	var ids [2]int64
	for i, sel := range []struct{ flag, value string }{{"--from", *from}, {"--to", *to}} {
		if sel.value == "" {
			continue
		}
		for _, v := range versions {
			if v.Label == sel.value || strconv.FormatInt(v.ID, 10) == sel.value {
				ids[i] = v.ID
			}
		}
		if ids[i] == 0 {
			return fmt.Errorf("%s: %s has no version %q", sel.flag, key, sel.value)
		}
	}
	d, err := c.s.Policies.Diff(e.ctx, c.p, key, ids[0], ids[1])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "--- %s %s (%s)\n+++ %s %s (%s)\n", key, d.From.Label, policy.StateLabel(d.From.State), key, d.To.Label, policy.StateLabel(d.To.State))
	for _, l := range d.Lines {
		fmt.Fprintf(e.stdout, "%c%s\n", l.Op, l.Text)
	}
	if !d.Complete {
		fmt.Fprintln(e.stderr, "the versions are too far apart to compare line by line: the whole text is shown as replaced")
	}
	fmt.Fprintf(e.stdout, "%d lines removed, %d added\n", d.Removed, d.Added)
	return nil
}

// newest returns the policy's newest version, which submit, approve and
// publish act on.
func (c policyCmd) newest(ctx context.Context, key string) (attest.Policy, attest.PolicyVersion, error) {
	p, _, err := c.s.Policies.GetByKey(ctx, c.p, key)
	if err != nil {
		return p, attest.PolicyVersion{}, err
	}
	if p.Latest == nil {
		return p, attest.PolicyVersion{}, fmt.Errorf("%s has no version", key)
	}
	return p, *p.Latest, nil
}

func runPolicySubmit(e *env, args []string) error {
	f := newFlags("policy submit", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	var approvers stringList
	f.fs.Var(&approvers, "approver", "a member who must approve, by email (repeat the flag for several)")
	quorum := f.fs.Int("quorum", 0, "how many approvers must approve; all of them when left out")
	c, key, err := openPolicy(e, f, orgSlug, args, true)
	if err != nil {
		return err
	}
	defer c.s.Close()
	if len(approvers) == 0 {
		return usagef("--approver is required")
	}
	_, v, err := c.newest(e.ctx, key)
	if err != nil {
		return err
	}
	var ids []int64
	for _, a := range approvers {
		m, err := c.asMember(e.ctx, a)
		if err != nil {
			return err
		}
		ids = append(ids, m.UserID)
	}
	if *quorum == 0 {
		*quorum = len(ids)
	}
	if v, err = c.s.Policies.Submit(e.ctx, c.p, v.ID, ids, *quorum); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "submitted %s %s (sha256 %s) to %d approvers, %d of whom must approve\n", key, v.Label, v.Hash, len(ids), v.Quorum)
	return nil
}

func runPolicyApprove(e *env, args []string) error {
	f := newFlags("policy approve", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	as := f.fs.String("as", "", "the approver's email: a member named on the version")
	reject := f.fs.Bool("reject", false, "reject the version instead, returning it to draft")
	comment := f.fs.String("comment", "", "why, for the record")
	evidenceUID := f.fs.String("evidence", "", "evidence the decision rests on, such as board minutes (an ev_… uid)")
	c, key, err := openPolicyWith(e, f, orgSlug, args, true, app.Needs{Evidence: true}) // a decision is a ledger record
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *as == "" {
		return usagef("--as is required: approvals are decided by named members")
	}
	who, err := c.asMember(e.ctx, *as)
	if err != nil {
		return err
	}
	_, v, err := c.newest(e.ctx, key)
	if err != nil {
		return err
	}
	d := policy.Decision{Decision: attest.DecisionApprove, Comment: *comment, EvidenceUID: *evidenceUID}
	if *reject {
		d.Decision = attest.DecisionReject
	}
	if v, err = c.s.Policies.Decide(e.ctx, who, v.ID, d); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s %s is %s (%d of %d approvals needed)\n", who.Label, key, v.Label, policy.StateLabel(v.State), v.Approvals(), v.Quorum)
	return nil
}

func runPolicyPublish(e *env, args []string) error {
	f := newFlags("policy publish", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	c, key, err := openPolicy(e, f, orgSlug, args, true)
	if err != nil {
		return err
	}
	defer c.s.Close()
	_, v, err := c.newest(e.ctx, key)
	if err != nil {
		return err
	}
	if v, err = c.s.Policies.Publish(e.ctx, c.p, v.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "published %s %s; review by %s\n", key, v.Label, v.ReviewBy)
	return nil
}

func runPolicyAcknowledgements(e *env, args []string) error {
	f := newFlags("policy acknowledgements", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the rows as JSON, as GET /api/v1/orgs/{org}/acknowledgements")
	overdue := f.fs.Bool("overdue", false, "only the people past their due date; exits 1 when there are any")
	format := f.fs.String("format", "", "csv or pdf: the report as a file to hand over (to --out, or CSV to standard output)")
	out := f.fs.String("out", "", "the file to write with --format")
	c, _, err := openPolicy(e, f, orgSlug, args, false)
	if err != nil {
		return err
	}
	defer c.s.Close()
	rows, err := c.s.Policies.Acknowledgements(e.ctx, c.p, 0)
	if err != nil {
		return err
	}
	var kept []attest.AckRow
	for _, r := range rows {
		if !*overdue || r.State == attest.AckOverdue {
			kept = append(kept, r)
		}
	}
	rows = kept
	switch {
	case *format == "csv":
		if err := writeOut(e, *out, func(w io.Writer) error { return doc.AckCSV(w, rows) }, fmt.Sprintf("%d rows", len(rows))); err != nil {
			return err
		}
	case *format == "pdf":
		if *out == "" {
			return usagef("--out is required for a PDF")
		}
		err := writeOut(e, *out, func(w io.Writer) error { return doc.AckPDF(w, c.org.Name, rows, c.s.DB.Now()) }, fmt.Sprintf("%d rows", len(rows)))
		if err != nil {
			return err
		}
	case *format != "":
		return usagef("--format must be csv or pdf (got %q)", *format)
	case *asJSON:
		if rows == nil {
			rows = []attest.AckRow{}
		}
		if err := printJSON(e, rows); err != nil {
			return err
		}
	default:
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "POLICY\tVERSION\tPERSON\tEMAIL\tSTATE\tDUE\tACCEPTED")
		for _, r := range rows {
			accepted := "-"
			if r.AcceptedAt != nil {
				accepted = r.AcceptedAt.Format("2006-01-02") + " (" + r.Accepted + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.PolicyKey, r.VersionLabel, r.PersonName, r.PersonEmail, r.State, r.Due, accepted)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if *overdue && len(rows) > 0 {
		return fmt.Errorf("%d acceptances are overdue", len(rows))
	}
	return nil
}

func runPolicyPrint(e *env, args []string) error {
	f := newFlags("policy print", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	format := f.fs.String("format", "pdf", "pdf, md (Markdown) or html")
	out := f.fs.String("out", "", "the file to write; Markdown and HTML go to standard output without it")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 1:
		return usagef("unexpected argument %q: name one policy KEY, or none for every published policy", rest[1])
	case *orgSlug == "":
		return usagef("--org is required")
	case *format != "pdf" && *format != "md" && *format != "html":
		return usagef("--format must be pdf, md or html (got %q)", *format)
	case *format == "pdf" && *out == "":
		return usagef("--out is required for a PDF")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	p := cliPrincipal(org.ID)
	var set doc.Set
	if len(rest) == 1 {
		set, err = s.Policies.Document(e.ctx, p, rest[0])
	} else {
		set, err = s.Policies.PublishedSet(e.ctx, p)
	}
	if err != nil {
		return err
	}
	return writeOut(e, *out, func(w io.Writer) error {
		switch *format {
		case "md":
			return doc.Markdown(w, set)
		case "html":
			return doc.HTML(w, set)
		}
		return doc.PDF(w, set)
	}, fmt.Sprintf("%d polic%s", len(set.Docs), map[bool]string{true: "y", false: "ies"}[len(set.Docs) == 1]))
}

// writeOut writes a generated file to path (beside it first, then renamed,
// so a failure leaves no half file), or to standard output when path is "".
func writeOut(e *env, path string, write func(io.Writer) error, what string) error {
	if path == "" {
		return write(e.stdout)
	}
	if err := writeAtomically(path, 0o644, write); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s: %s\n", path, what)
	return nil
}

func runPolicyExport(e *env, args []string) error {
	f := newFlags("policy export", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "the directory to write KEY.md files into (made if missing)")
	c, _, err := openPolicy(e, f, orgSlug, args, false)
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *out == "" {
		return usagef("--out is required")
	}
	files, err := c.s.Policies.ExportFiles(e.ctx, c.p)
	if err != nil {
		return err
	}
	if err := policyfile.WriteDir(*out, files); err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "wrote %d policies to %s\n", len(files), *out)
	return nil
}

func runPolicyImport(e *env, args []string) error {
	f := newFlags("policy import", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	check := f.fs.Bool("check", false, "check the files against the organization and say what an import would do, storing nothing (for CI)")
	c, dir, err := openPolicy(e, f, orgSlug, args, true)
	if err != nil {
		return err
	}
	defer c.s.Close()
	files, err := policyfile.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("nothing was imported:\n%w", err)
	}
	do, verb := c.s.Policies.ImportFiles, "imported"
	if *check {
		do, verb = c.s.Policies.CheckFiles, "checked (nothing stored)"
	}
	rep, err := do(e.ctx, c.p, files)
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	for _, o := range rep.Files {
		fmt.Fprintf(e.stdout, "%-40s %s %s\n", o.File, o.Outcome, o.Version)
	}
	fmt.Fprintf(e.stdout, "%s %d files: %d created, %d changed, %d new drafts, %d unchanged; drafts go through approval in Attest\n",
		verb, len(rep.Files), rep.Created, rep.Changed, rep.Drafts, rep.Unchanged)
	return nil
}

func runPolicyValues(e *env, args []string) error {
	f := newFlags("policy values", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	set := settingFlags{}
	f.fs.Var(set, "set", "set a placeholder value as KEY=VALUE (KEY= returns it to its default); repeat for each")
	c, _, err := openPolicy(e, f, orgSlug, args, false)
	if err != nil {
		return err
	}
	defer c.s.Close()
	if len(set) > 0 {
		if err := c.s.Policies.SetSettings(e.ctx, c.p, set); err != nil {
			return err
		}
	}
	values, err := c.s.Policies.Settings(e.ctx, c.p)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(tw, "%s\t%s\n", k, values[k])
	}
	return tw.Flush()
}

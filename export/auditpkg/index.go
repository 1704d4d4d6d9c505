package auditpkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/policy/doc"
)

// indexJSON is index.json: the audit, where each document is, and the index
// from criterion to control to request to evidence. Evidence is listed once,
// under "evidence", with its hashes and its path; the tree names it by ID.
type indexJSON struct {
	Format         string            `json:"format"`
	Audit          string            `json:"audit"`
	Org            string            `json:"org"`
	OrgName        string            `json:"org_name"`
	Framework      string            `json:"framework"`
	FrameworkTitle string            `json:"framework_title"`
	Type           string            `json:"type"`
	AsOf           string            `json:"as_of,omitempty"`
	From           string            `json:"from,omitempty"`
	To             string            `json:"to,omitempty"`
	GeneratedAt    string            `json:"generated_at"`
	PublicKey      string            `json:"public_key"`
	Ledger         indexLedger       `json:"ledger"`
	Documents      map[string]string `json:"documents"`
	Readiness      Readiness         `json:"readiness"`
	Criteria       []indexCriterion  `json:"criteria"`
	Requests       []Request         `json:"requests"`
	Evidence       []Evidence        `json:"evidence"`
	// Testing is testing.json's content, repeated so the index stands alone.
	Testing *Testing `json:"testing,omitempty"`
}

type indexLedger struct {
	Path    string `json:"path"`
	Through int64  `json:"through_entry"`
	Head    string `json:"head"`
}

type indexCriterion struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Ready    bool           `json:"ready"`
	Controls []indexControl `json:"controls"`
}

type indexControl struct {
	Control
	Requests []Request `json:"requests"`
}

// tree is the index's criteria with their controls and each control's
// requests, shared by index.json and index.html.
func tree(p Package) []indexCriterion {
	controls := map[string]Control{}
	for _, c := range p.Controls {
		controls[c.Ref] = c
	}
	requests := map[string][]Request{}
	for _, r := range p.Requests {
		requests[r.Control] = append(requests[r.Control], r)
	}
	out := make([]indexCriterion, 0, len(p.Criteria))
	for _, cr := range p.Criteria {
		ic := indexCriterion{ID: cr.ID, Title: cr.Title, Ready: cr.Ready, Controls: []indexControl{}}
		for _, ref := range cr.Controls {
			c, ok := controls[ref]
			if !ok {
				continue
			}
			if c.Evidence == nil {
				c.Evidence = []string{}
			}
			rs := requests[ref]
			if rs == nil {
				rs = []Request{}
			}
			ic.Controls = append(ic.Controls, indexControl{Control: c, Requests: rs})
		}
		out = append(out, ic)
	}
	return out
}

func writeIndex(w io.Writer, p Package) error {
	requests := p.Requests
	if requests == nil {
		requests = []Request{}
	}
	evidence := p.Evidence
	if evidence == nil {
		evidence = []Evidence{}
	}
	docs := map[string]string{"page": PageFile, "summary": SummaryFile, "readiness": ReadinessFile, "component_definition": ComponentFile, "assessment_results": ResultsFile}
	if p.Testing != nil {
		docs["testing"] = TestingFile
	}
	return writeJSON(w, indexJSON{
		Format: Format, Audit: p.Label(), Org: p.Org, OrgName: p.OrgName, Framework: p.Framework, FrameworkTitle: p.FrameworkTitle,
		Type: p.Type, AsOf: p.AsOf, From: p.From, To: p.To, GeneratedAt: ledger.FormatTime(p.Generated), PublicKey: p.PublicKey,
		Ledger:    indexLedger{Path: LedgerFile, Through: p.LedgerThrough, Head: p.LedgerHead},
		Documents: docs, Readiness: p.Readiness, Criteria: tree(p), Requests: requests, Evidence: evidence, Testing: p.Testing,
	})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// page is index.html's data.
type page struct {
	Package
	Label    string
	Period   string
	Criteria []pageCriterion
	Files    int
}

type pageCriterion struct {
	ID, Title string
	Ready     bool
	Controls  []pageControl
}

type pageControl struct {
	Control
	Requests []pageRequest
	Evidence []Evidence
}

type pageRequest struct {
	Request
	Evidence []Evidence
}

// pageTemplate is index.html. html/template escapes every value, so titles,
// names and notes written by people cannot add markup; links go only to the
// package's own files.
var pageTemplate = template.Must(template.New("index").Funcs(template.FuncMap{"size": ledger.FormatSize}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.OrgName}}: {{.FrameworkTitle}} audit package {{.Label}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
code{font-size:12px;word-break:break-all}.table-scroll{overflow-x:auto}.muted{color:#666}
</style></head><body>
<h1>{{.FrameworkTitle}} audit package</h1>
<p><strong>{{.OrgName}}</strong> ({{.Org}}) · audit {{.Label}} · {{if eq .Type "type1"}}Type 1{{else}}Type 2{{end}}, {{.Period}} · generated {{.Generated.UTC.Format "2006-01-02 15:04 UTC"}}</p>
<p>Readiness {{.Readiness.When}}: {{.Readiness.Percent}}% ({{.Readiness.Ready}} of {{.Readiness.Total}} criteria ready). {{len .Evidence}} evidence items, {{.Files}} files.
Documents: <a href="summary.pdf">summary (PDF)</a>, <a href="index.json">index (JSON)</a>, <a href="readiness.json">readiness</a>,
<a href="oscal/component-definition.json">OSCAL component definition</a>, <a href="oscal/assessment-results.json">OSCAL assessment results</a>,
<a href="ledger/bundle.zip">ledger segment</a> (entries 1 to {{.LedgerThrough}}; verify with <code>attest verify PACKAGE.zip --pubkey KEY</code>).</p>
{{range .Criteria}}
<h2 id="{{.ID}}">{{.ID}} {{.Title}} <span class="muted">{{if .Ready}}ready{{else}}not ready{{end}}</span></h2>
{{if not .Controls}}<p class="muted">No control in scope is mapped to this criterion.</p>{{end}}
{{range .Controls}}
<h3>{{.Ref}} {{.Name}} <span class="muted">{{.Frequency}}, {{.State}}</span></h3>
{{range .Requests}}<p>Request <strong>{{.ID}}</strong> {{.Title}}{{if .Status}} ({{.Status}}){{end}}: {{len .Evidence}} evidence items</p>{{end}}
{{if .Evidence}}<div class="table-scroll"><table>
<thead><tr><th>Evidence</th><th>Collected</th><th>Size</th><th>SHA-256</th></tr></thead><tbody>
{{range .Evidence}}<tr><td><a href="{{.Path}}">{{.Title}}</a><br><span class="muted">{{.ID}}{{if .Filename}} · {{.Filename}}{{end}}</span></td><td>{{.CollectedAt.UTC.Format "2006-01-02"}}</td><td>{{size .Size}}</td><td><code>{{.SHA256}}</code></td></tr>
{{end}}</tbody></table></div>{{else}}<p class="muted">No evidence in the period.</p>{{end}}
{{end}}{{end}}
{{with .Testing}}
<h2 id="testing">Testing</h2>
<p>Also in <a href="testing.json">testing.json</a>: each population's retrieval record with its rows, reconciliation and census, and each sample's workpaper (re-derive with <code>attest audit sample --verify</code>).</p>
<h3>Results</h3>
<div class="table-scroll"><table><thead><tr><th>Control</th><th>Result</th><th>Deviations</th><th>Root cause</th></tr></thead><tbody>
{{range .Results}}<tr><td>{{.Ref}} {{.Name}}</td><td>{{.Result}}</td><td>{{range .Deviations}}<code>{{.Item}}</code>: {{.Reason}}{{with .RootCause}} <em>Root cause of this item: {{.}}</em>{{end}}<br>{{end}}</td><td>{{.RootCause}}</td></tr>
{{end}}</tbody></table></div>
<h3>Populations</h3>
{{if .Populations}}<div class="table-scroll"><table><thead><tr><th>Population</th><th>Window</th><th>Items</th><th>Census</th><th>Hash</th></tr></thead><tbody>
{{range .Populations}}<tr><td>{{.Kind}}<br><span class="muted">{{.UID}}</span></td><td>{{.From}} to {{.To}}</td><td>{{.Count}}</td><td>{{.Tally.Passed}} pass, {{.Tally.Deviations}} deviation(s), {{.Tally.NotTestable}} not testable, {{.Tally.Mismatches}} mismatch(es)</td><td><code>{{.Hash}}</code></td></tr>
{{end}}</tbody></table></div>{{else}}<p class="muted">No population taken.</p>{{end}}
<h3>Samples</h3>
{{if .Samples}}<div class="table-scroll"><table><thead><tr><th>Control</th><th>Population</th><th>Size</th><th>Seed</th><th>Selection</th></tr></thead><tbody>
{{range .Samples}}<tr><td>{{.Workpaper.ControlID}}</td><td><code>{{.Workpaper.PopulationHash}}</code></td><td>{{.Size}}</td><td><code>{{.Seed}}</code></td><td>{{range .Workpaper.Selection}}<code>{{.}}</code> {{end}}</td></tr>
{{end}}</tbody></table></div>{{else}}<p class="muted">No sample drawn.</p>{{end}}
{{end}}
</body></html>
`))

func writePage(w io.Writer, p Package) error {
	byID := map[string]Evidence{}
	for _, ev := range p.Evidence {
		byID[ev.ID] = ev
	}
	items := func(ids []string) []Evidence {
		var out []Evidence
		for _, id := range ids {
			if ev, ok := byID[id]; ok {
				out = append(out, ev)
			}
		}
		return out
	}
	files := map[string]bool{}
	for _, ev := range p.Evidence {
		files[ev.SHA256] = true
	}
	pg := page{Package: p, Label: p.Label(), Period: p.Period(), Files: len(files)}
	for _, cr := range tree(p) {
		pc := pageCriterion{ID: cr.ID, Title: cr.Title, Ready: cr.Ready}
		for _, c := range cr.Controls {
			ctl := pageControl{Control: c.Control, Evidence: items(c.Evidence)}
			for _, r := range c.Requests {
				ctl.Requests = append(ctl.Requests, pageRequest{Request: r, Evidence: items(r.Evidence)})
			}
			pc.Controls = append(pc.Controls, ctl)
		}
		pg.Criteria = append(pg.Criteria, pc)
	}
	return pageTemplate.Execute(w, pg)
}

// writeSummary writes summary.pdf: the audit, readiness, and per criterion
// its state and how many controls and evidence items back it.
func writeSummary(w io.Writer, p Package) error {
	var md strings.Builder
	typ := "Type 2"
	if p.Type == Type1 {
		typ = "Type 1"
	}
	fmt.Fprintf(&md, "# %s audit package\n\n", cell(p.FrameworkTitle))
	fmt.Fprintf(&md, "- Audit: %s\n- Report: %s, %s\n- Readiness %s: %d%% (%d of %d criteria ready)\n- Evidence items in the period: %d\n- Ledger segment: entries 1 to %d, head `%s`\n\n",
		cell(p.Label()), typ, p.Period(), p.Readiness.When(), p.Readiness.Percent, p.Readiness.Ready, p.Readiness.Total, len(p.Evidence), p.LedgerThrough, p.LedgerHead)
	md.WriteString("Verify the package offline with the install's public key: `attest verify PACKAGE.zip --pubkey KEY`.\n\n")
	md.WriteString("## Criteria\n\n| Criterion | State | Controls | Evidence items |\n|---|---|---|---|\n")
	for _, cr := range tree(p) {
		state, n := "not ready", 0
		if cr.Ready {
			state = "ready"
		}
		for _, c := range cr.Controls {
			n += len(c.Evidence)
		}
		fmt.Fprintf(&md, "| %s %s | %s | %d | %d |\n", cell(cr.ID), cell(cr.Title), state, len(cr.Controls), n)
	}
	var buf bytes.Buffer
	note := "Generated on " + p.Generated.UTC().Format("2 January 2006") + " from the organization's records; index.html lists every item."
	if err := doc.NotedPDF(&buf, p.OrgName, p.FrameworkTitle+" audit package", note, md.String(), p.Generated); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// cell keeps text from breaking a Markdown table or adding markup.
func cell(s string) string {
	r := strings.NewReplacer("|", "/", "\n", " ", "\r", " ", "*", "", "_", " ", "`", "'", "<", "(", ">", ")", "[", "(", "]", ")")
	return r.Replace(s)
}

func readme(p Package) string {
	return fmt.Sprintf(`Audit package %s
Organization: %s (%s)
Framework: %s
Period: %s
Format: %s

index.html       the evidence for people: criterion, control, request, evidence
index.json       the same for programs, with every file's SHA-256, size and path
summary.pdf      a summary
readiness.json   the programme's readiness on the report's day as recorded
                 that day, or, when nothing was, as the package was generated
oscal/           OSCAL 1.2.1 component definition and assessment results
blobs/sha256/    every evidence file of the period, named by its SHA-256
ledger/bundle.zip  the ledger from entry 1 to %d with its signed checkpoints,
                 an Attest bundle (attest-bundle-v4: the records
                 outside this audit withheld, their entries still chained and signed)

To verify, with the install's public key (from its Settings page or
"attest key show", never from this package):

  attest verify PACKAGE.zip --pubkey KEY

That checks the ledger segment (every entry, record, file and signature) and
that each evidence item of index.json is recorded in it with the same hashes
and that its file re-hashes to them. The documents (HTML, PDF, JSON, OSCAL) are
derived from those records when the package was generated; the OSCAL documents
are checked against NIST's schemas.
`, p.Label(), p.OrgName, p.Org, p.FrameworkTitle, p.Period(), Format, p.LedgerThrough)
}

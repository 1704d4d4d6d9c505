package doc

import (
	"bytes"
	"html/template"
	"io"

	"github.com/attest-hq/attest/policy/templates"
)

// htmlDoc is a document with its text rendered to sanitized HTML.
type htmlDoc struct {
	Document
	HTML template.HTML
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{"day": day, "short": shortHash, "dash": orDash,
	"kind": kind, "approval": Approval}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Org}} policies</title>
<style>
body{font:15px/1.6 system-ui,sans-serif;color:#1b1f24;max-width:48rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d8dee4;padding:.2rem .5rem;text-align:left;vertical-align:top}
.facts th{font-weight:normal;color:#57606a}code{font-size:13px}section.policy{page-break-before:always;margin-top:3rem}
nav li{margin:.2rem 0}.muted{color:#57606a}
</style></head><body>
<header><h1>{{.Org}}: policies</h1><p class="muted">Exported by Attest on {{.Generated.UTC.Format "2006-01-02 15:04 UTC"}}.</p>
{{if gt (len .Docs) 1}}<nav><h2>Contents</h2><ol>{{range .Docs}}<li><a href="#{{.Policy.Key}}">{{.Policy.Title}}</a> {{.Version.Label}}</li>{{end}}</ol></nav>{{end}}</header>
{{range .Docs}}<section class="policy" id="{{.Policy.Key}}">
<table class="facts"><tr><th>Policy</th><td>{{.Policy.Title}} ({{.Policy.Key}})</td></tr>
<tr><th>Version</th><td>{{.Version.Label}}, {{.Status}}</td></tr><tr><th>Owner</th><td>{{dash .Policy.OwnerName}}</td></tr>
<tr><th>Must accept</th><td>{{.Policy.Audience.String}}</td></tr><tr><th>Review by</th><td>{{dash .Version.ReviewBy}}</td></tr>
<tr><th>SHA-256</th><td><code>{{dash .Version.Hash}}</code></td></tr></table>
<article>{{.HTML}}</article>
<h2>Version history</h2>
<table><thead><tr><th>Version</th><th>State</th><th>Change</th><th>Author</th><th>Approved</th><th>Published</th><th>SHA-256</th></tr></thead><tbody>
{{range .History}}<tr><td>{{.Label}}</td><td>{{.State}}</td><td>{{kind .}}{{with .ChangeNote}}: {{.}}{{end}}</td><td>{{dash .AuthorName}}</td><td>{{day .ApprovedAt}}</td><td>{{day .PublishedAt}}</td><td><code>{{short .Hash}}</code></td></tr>{{end}}
</tbody></table>
<h2>Approval of version {{.Version.Label}}</h2>
{{if .Version.Approvers}}<p>{{.Version.Quorum}} of {{len .Version.Approvers}} named approvers had to approve.</p>
<ul>{{range .Version.Approvers}}<li>{{.Name}}: {{approval .}}</li>{{end}}</ul>{{else}}<p>No approvers were named.</p>{{end}}
</section>{{end}}
</body></html>
`))

// HTML writes the set as one standalone page: no script, no remote
// resources, the policies' text sanitized as on screen.
func HTML(w io.Writer, s Set) error {
	docs := make([]htmlDoc, len(s.Docs))
	for i, d := range s.Docs {
		h, err := templates.HTML(d.Text())
		if err != nil {
			return err
		}
		docs[i] = htmlDoc{d, template.HTML(h)}
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, struct {
		Set
		Docs []htmlDoc
	}{s, docs}); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

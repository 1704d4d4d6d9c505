package ledger

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// index.html is the bundle for people: criterion → control → evidence item,
// each item linked to its file inside the archive, readable offline in any
// browser. It is written with html/template, so titles, names and notes are
// escaped wherever they land; it holds no script and loads nothing, and its
// Content-Security-Policy forbids both in case a browser is ever tricked. Like
// README.txt it is not verified: attest verify checks index.json, the ledger,
// the files and the readable copies, and the page says so.

// pageRows is how many evidence rows index.html lists in full. A control is
// listed in full once, under its first criterion, so the page grows with
// evidence × controls, not × criteria; past pageRows a control says how many of
// its items it leaves to index.json and its folder. Every field shown is cut
// to a few hundred characters, so the page stays far below MaxPageSize.
var pageRows = 20_000 // a variable so that tests can lower it

type pageData struct {
	Org, Generated, Format                                 string
	Withheld                                               int
	Entries, Evidence, Records, Files, Copies, Checkpoints int
	Criteria                                               []pageCriterion
	Unmapped                                               []pageUse // controls mapped to no criterion
	Unlinked                                               *pageControl
	Omitted                                                int // rows left off the page
}

type pageCriterion struct {
	ID, Title, Anchor string
	Controls          []pageUse
}

// pageUse is a control where a section lists it: in full the first time,
// after that as a reference to where it is in full.
type pageUse struct {
	*pageControl
	First bool
}

type pageControl struct {
	Ref, Name, Frequency, Anchor string
	Criteria                     []string
	FirstUnder                   string // the criterion it is listed in full under, "" when none
	Items                        []pageItem
	Total                        int // evidence items, listed or not
	Omitted                      int
	Folder                       string
	Copies                       bool // whether any item listed has its copy in Folder
	placed                       bool
	items                        []int // indexes into the evidence, newest first
}

type pageItem struct {
	ID, Title, Kind, Href, Path, Filename, Size string
	Collected, AddedBy, Source, Period, Notes   string
	Status, StatusClass, SHA256, Supersedes     string
}

func writePage(w io.Writer, b Bundle, evidence []BundleEvidence, copyPaths []map[string]string, files, copies int) error {
	d := pageData{Org: b.Org, Generated: displayTime(b.GeneratedAt), Format: b.format(), Withheld: len(b.Withheld), Entries: len(b.Entries),
		Evidence: len(evidence), Records: len(b.Records), Files: files, Copies: copies, Checkpoints: len(b.Checkpoints)}

	// Controls: those given, in their order, then any other ref the evidence names.
	controls := map[string]*pageControl{}
	expires := map[string]map[string]time.Time{}
	var order []*pageControl
	addControl := func(c BundleControl) *pageControl {
		pc := &pageControl{Ref: c.Ref, Name: clip(c.Name, 300), Frequency: c.Frequency, Folder: copyFolder(c.Ref)}
		controls[c.Ref], expires[c.Ref] = pc, c.Expires
		order = append(order, pc)
		for _, id := range c.Criteria {
			if !slices.Contains(pc.Criteria, id) {
				pc.Criteria = append(pc.Criteria, id)
			}
		}
		return pc
	}
	for _, c := range b.Controls {
		if controls[c.Ref] == nil {
			addControl(c)
		}
	}
	var unknown []string
	supersededBy := map[string]string{}
	unlinked := &pageControl{Folder: unlinkedDir}
	for i := len(evidence) - 1; i >= 0; i-- {
		ev := &evidence[i]
		if ev.Supersedes != "" && supersededBy[ev.Supersedes] == "" {
			supersededBy[ev.Supersedes] = ev.ID
		}
		if len(ev.Controls) == 0 {
			unlinked.items = append(unlinked.items, i)
		}
		for _, ref := range ev.Controls {
			pc := controls[ref]
			if pc == nil {
				pc = addControl(BundleControl{Ref: ref})
				unknown = append(unknown, ref)
			}
			if n := len(pc.items); n == 0 || pc.items[n-1] != i { // a ref listed twice
				pc.items = append(pc.items, i)
			}
		}
	}
	// Refs no control describes were added newest item first; list them by ref instead.
	slices.SortFunc(order[len(order)-len(unknown):], func(a, b *pageControl) int { return strings.Compare(a.Ref, b.Ref) })

	// Criteria: those given, in their order, then any other a control names.
	titles := map[string]string{}
	var criteria []string
	for _, c := range b.Criteria {
		if _, ok := titles[c.ID]; !ok {
			titles[c.ID] = clip(c.Title, 300)
			criteria = append(criteria, c.ID)
		}
	}
	var more []string
	for _, pc := range order {
		for _, id := range pc.Criteria {
			if _, ok := titles[id]; !ok && !slices.Contains(more, id) {
				more = append(more, id)
			}
		}
	}
	slices.Sort(more)
	criteria = append(criteria, more...)

	rows := 0
	place := func(pc *pageControl, under string) {
		pc.placed, pc.FirstUnder, pc.Total = true, under, len(pc.items)
		for _, i := range pc.items {
			if rows == pageRows {
				pc.Omitted++
				continue
			}
			rows++
			it := item(b, &evidence[i], pc, expires[pc.Ref], copyPaths[i], supersededBy)
			pc.Copies = pc.Copies || strings.HasPrefix(it.Path, pc.Folder)
			pc.Items = append(pc.Items, it)
		}
		d.Omitted += pc.Omitted
	}
	for n, id := range criteria {
		pcr := pageCriterion{ID: id, Title: titles[id], Anchor: fmt.Sprintf("criterion-%d", n+1)}
		for _, pc := range order {
			if !slices.Contains(pc.Criteria, id) {
				continue
			}
			use := pageUse{pageControl: pc, First: !pc.placed}
			if use.First {
				place(pc, id)
			}
			pcr.Controls = append(pcr.Controls, use)
		}
		d.Criteria = append(d.Criteria, pcr)
	}
	for _, pc := range order {
		if !pc.placed {
			place(pc, "")
			d.Unmapped = append(d.Unmapped, pageUse{pageControl: pc, First: true})
		}
	}
	for n, pc := range order {
		pc.Anchor = fmt.Sprintf("control-%d", n+1)
	}
	if len(unlinked.items) > 0 {
		place(unlinked, "")
		d.Unlinked = unlinked
	}
	return pageTemplate.Execute(w, d)
}

// item is one evidence row under control pc (pc.Ref "" for unlinked items).
func item(b Bundle, ev *BundleEvidence, pc *pageControl, expires map[string]time.Time, paths map[string]string, supersededBy map[string]string) pageItem {
	it := pageItem{ID: clip(ev.ID, 100), Title: clip(ev.Title, 300), Kind: clip(ev.Kind, 40), Filename: clip(ev.Filename, 255),
		Size: sizeLabel(ev.Size), Collected: displayTime(ev.CollectedAt), AddedBy: clip(ev.AddedBy, 200), Source: clip(ev.Source, 200),
		Notes: clip(ev.Notes, 300), SHA256: ev.SHA256, Supersedes: clip(ev.Supersedes, 100)}
	if it.Source == it.AddedBy {
		it.Source = ""
	}
	if ev.PeriodStart != nil && ev.PeriodEnd != nil {
		it.Period = ev.PeriodStart.UTC().Format(time.DateOnly) + " to " + ev.PeriodEnd.UTC().Format(time.DateOnly)
	}
	switch until, ok := expires[ev.ID]; {
	case supersededBy[ev.ID] != "":
		it.Status, it.StatusClass = "Superseded by "+clip(supersededBy[ev.ID], 100), "superseded"
	case !ok:
	case b.GeneratedAt.Before(until):
		it.Status, it.StatusClass = "Current until "+until.UTC().Format(time.DateOnly), "current"
	default:
		it.Status, it.StatusClass = "Stale since "+until.UTC().Format(time.DateOnly), "stale"
	}
	// The copy in this control's folder, else any copy, else the file itself.
	it.Path = paths[pc.Folder]
	if it.Path == "" && len(paths) > 0 {
		it.Path = paths[slices.Min(slices.Collect(maps.Keys(paths)))]
	}
	if it.Path == "" {
		it.Path = blobName(ev.SHA256)
	}
	segs := strings.Split(it.Path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	it.Href = strings.Join(segs, "/")
	return it
}

// clip cuts s to at most n characters, marking the cut. Control and
// invisible format characters show as U+FFFD, so that a right-to-left override
// cannot make "a\u202Efdp.exe" read as "aexe.pdf"; line breaks become spaces.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func displayTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func sizeLabel(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f, u = f/1024, u+1
	}
	if u == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}

var pageTemplate = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"join": strings.Join,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evidence bundle: {{.Org}}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; border-top: 2px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
.note { background: #f6f8fa; border-left: 4px solid #8c959f; padding: .6rem .9rem; }
.muted { color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #d0d7de; overflow-wrap: anywhere; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: #57606a; }
code, .hash { font: .8rem/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.current { color: #1a7f37; } .stale { color: #bc4c00; } .superseded { color: #57606a; }
.ref { font-weight: 600; }
nav ul { columns: 2 18rem; padding-left: 1.2rem; }
a { color: #0550ae; }
@media print { a { color: inherit; } h2 { break-before: auto; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Evidence bundle: {{.Org}}</h1>
<p class="muted">Generated {{.Generated}} · format {{.Format}} · {{.Evidence}} evidence {{plural .Evidence "item" "items"}}, {{.Records}} other {{plural .Records "record" "records"}}, {{.Files}} {{plural .Files "file" "files"}}, {{.Entries}} ledger {{plural .Entries "entry" "entries"}}{{if .Withheld}} ({{.Withheld}} withheld: their records are not in this bundle){{end}}, {{.Checkpoints}} signed {{plural .Checkpoints "checkpoint" "checkpoints"}}</p>
<p class="note">This page is a reading aid. It is not itself verified: what the organization's ledger vouches for is
index.json, ledger.jsonl, checkpoints.json and the files under blobs/, and <code>attest verify</code> also checks
that every readable copy under controls/ and unlinked/ is byte for byte the file of the evidence item it is filed
under. Verify the bundle with the organization's public key, obtained from the organization, before relying on it;
README.txt explains how, with or without Attest.</p>
<p>Evidence is organised by criterion, then by control. A control is listed in full under the first criterion it
meets; under the others it links back there. Each item links to its file inside this archive: open the page from
the extracted folder. {{if .Copies}}The files are also filed by control, with their own names, in the folder
controls/.{{end}}{{if .Omitted}} <strong>{{.Omitted}} evidence {{plural .Omitted "row is" "rows are"}} not listed
on this page, to keep it readable; every item is in index.json.</strong>{{end}}</p>
{{if .Criteria}}<nav><h2>Criteria</h2><ul>
{{range .Criteria}}<li><a href="#{{.Anchor}}">{{.ID}}</a> {{.Title}}</li>
{{end}}</ul></nav>{{end}}
{{range .Criteria}}
<h2 id="{{.Anchor}}">{{.ID}}{{if .Title}}: {{.Title}}{{end}}</h2>
{{range .Controls}}{{if .First}}{{template "control" .}}{{else}}
<p><span class="ref">{{.Ref}}</span>{{if .Name}} {{.Name}}{{end}}: {{.Total}} evidence {{plural .Total "item" "items"}},
listed under <a href="#{{.Anchor}}">{{.FirstUnder}}</a>.</p>{{end}}{{end}}
{{end}}
{{if .Unmapped}}<h2 id="unmapped">Controls not mapped to a criterion</h2>
{{range .Unmapped}}{{template "control" .}}{{end}}{{end}}
{{with .Unlinked}}<h2 id="unlinked">Evidence not linked to a control</h2>
{{template "items" .}}{{end}}
</body>
</html>
{{define "control"}}
<h3 id="{{.Anchor}}"><span class="ref">{{.Ref}}</span>{{if .Name}} {{.Name}}{{end}}</h3>
<p class="muted">{{if .Frequency}}Frequency: {{.Frequency}}. {{end}}{{if .Criteria}}Meets {{join .Criteria ", "}}.{{end}}{{if .Copies}} Files: <code>{{.Folder}}</code>{{end}}</p>
{{template "items" .}}{{end}}
{{define "items"}}{{if .Items}}
<table>
<thead><tr><th>Evidence</th><th>Collected</th><th>Freshness</th><th>File</th></tr></thead>
<tbody>
{{range .Items}}<tr>
<td><a href="{{.Href}}">{{.Title}}</a><br><span class="muted">{{.Kind}} · <code>{{.ID}}</code>{{if .Supersedes}} · corrects <code>{{.Supersedes}}</code>{{end}}</span>{{if .Notes}}<br>{{.Notes}}{{end}}</td>
<td>{{.Collected}}{{if .AddedBy}}<br>by {{.AddedBy}}{{end}}{{if .Source}}<br><span class="muted">source: {{.Source}}</span>{{end}}{{if .Period}}<br><span class="muted">covers {{.Period}}</span>{{end}}</td>
<td>{{if .Status}}<span class="{{.StatusClass}}">{{.Status}}</span>{{else}}<span class="muted">not known</span>{{end}}</td>
<td><code>{{.Path}}</code>{{if .Filename}}<br>{{.Filename}}{{end}}<br>{{.Size}}<br><span class="hash">sha256 {{.SHA256}}</span></td>
</tr>
{{end}}</tbody>
</table>{{else if not .Omitted}}<p class="muted">No evidence in this bundle.</p>{{end}}
{{if .Omitted}}<p><strong>{{.Omitted}} more {{plural .Omitted "item is" "items are"}} not listed here: see index.json and <code>{{.Folder}}</code>.</strong></p>{{end}}{{end}}
`

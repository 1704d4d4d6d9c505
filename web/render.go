package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
)

//go:embed all:templates static
var assets embed.FS

// pages are the parsed page templates. They are embedded and their functions
// are pure, so one parse serves every server in the process: tests start
// hundreds of servers, and parsing is most of what starting one costs.
var pages = sync.OnceValues(parsePages)

// parsePages parses each page template together with the layout and partials.
func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"day": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02")
		},
		"roles": func() []attest.Role { return attest.Roles },
		// dict passes several values to a partial template: pairs of a
		// name and a value.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: %d arguments, want pairs", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: argument %d is not a name", i)
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"pct": func(score float64) int { return readiness.Percent(score) },
		// points words a readiness gain (0..1 of the score) in percentage
		// points, one decimal: "+1.6 points".
		"points": func(gain float64) string { return strconv.FormatFloat(gain*100, 'f', 1, 64) },
		"stateLabel": func(s string) string {
			if l, ok := StateLabels[s]; ok {
				return l
			}
			return s
		},
		"statusLabel": attest.StatusLabel,
		"removal":     attest.RemovalLabel,
		"linked": func(e attest.Evidence, controlID int64) bool {
			for _, c := range e.Controls {
				if c.ID == controlID {
					return true
				}
			}
			return false
		},
		// short writes text with every long hash in it (a SHA-256, a ledger
		// record hash, a test version) cut to its first hex characters, the
		// full value one click away. See ShortHashes.
		"short": ShortHashes,
		"words": func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "_", " "), "-", " ") },
		"join":  strings.Join,
		// chosen reports whether id is among the comma-separated IDs a
		// multiple select sent, to keep its choices on a refused form.
		"chosen": func(list string, id int64) bool {
			return slices.Contains(strings.Split(list, ","), strconv.FormatInt(id, 10))
		},
		// count writes a number with its noun: "1 criterion", "2 criteria".
		"count": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"overdue": func(t attest.Task, today string) bool { return t.OverdueOn(today) },
		"eq":      func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
		// field packs the arguments of the "field" partial: one labelled input
		// with its hint and its validation message.
		"selectField": func(f *Form, name, label string, options []string) map[string]any {
			return map[string]any{"Form": f, "Name": name, "Label": label, "Options": options}
		},
		"list":       func(items ...string) []string { return items },
		"checkLabel": attest.CheckLabel,
		"add":        func(a, b int) int { return a + b },
		"mul":        func(a, b int) int { return a * b },
		"field": func(f *Form, name, label, typ, auto, hint string) map[string]any {
			return map[string]any{"Form": f, "Name": name, "Label": label, "Type": typ, "Auto": auto, "Hint": hint}
		},
	}
	shared, err := fs.Glob(assets, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	parts, err := readPartials(shared)
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		needed, err := parts.of(f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		t, err := template.New("layout").Funcs(funcs).ParseFS(assets, append(needed, f)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var (
	templateUse = regexp.MustCompile(`{{-?\s*(?:template|block)\s+"([^"]+)"`)
	templateDef = regexp.MustCompile(`{{-?\s*(?:define|block)\s+"([^"]+)"`)
)

// partials knows which template names each shared file (templates/_*.html)
// defines and uses, read once for all the pages.
type partials struct {
	files   []string            // in their glob order
	defines map[string]string   // template name → shared file
	uses    map[string][]string // shared file → the names it uses
}

func readPartials(shared []string) (partials, error) {
	p := partials{files: shared, defines: map[string]string{}, uses: map[string][]string{}}
	for _, f := range shared {
		b, err := fs.ReadFile(assets, f)
		if err != nil {
			return partials{}, err
		}
		for _, m := range templateDef.FindAllSubmatch(b, -1) {
			p.defines[string(m[1])] = f
		}
		for _, m := range templateUse.FindAllSubmatch(b, -1) {
			p.uses[f] = append(p.uses[f], string(m[1]))
		}
	}
	return p, nil
}

// of returns the shared files that page's template uses, directly or
// through another shared file, and always the one defining the layout.
// Each page is a template set of its own, parsed with its own copy of the
// shared files it holds: with all of them, 70 pages held 17 MB of parse
// trees, most of them the fields of forms the page does not have. A name no
// shared file defines leaves the choice to the page itself, which must
// define it, or the parse or first execution fails as it would with every
// shared file.
func (p partials) of(page string) ([]string, error) {
	b, err := fs.ReadFile(assets, page)
	if err != nil {
		return nil, err
	}
	wanted := []string{"layout"}
	for _, m := range templateUse.FindAllSubmatch(b, -1) {
		wanted = append(wanted, string(m[1]))
	}
	in := map[string]bool{}
	for len(wanted) > 0 {
		name := wanted[len(wanted)-1]
		wanted = wanted[:len(wanted)-1]
		if f, ok := p.defines[name]; ok && !in[f] {
			in[f] = true
			wanted = append(wanted, p.uses[f]...)
		}
	}
	var out []string
	for _, f := range p.files { // in their order, as before
		if in[f] {
			out = append(out, f)
		}
	}
	return out, nil
}

// longHash finds what ShortHashes shortens: a run of at least 32 lowercase
// hex characters (MD5 length and up, so SHA-256 digests, ledger hashes and
// test versions), with a "sha256:"-style prefix kept beside it. Shorter IDs
// such as ev_… and col_… (20 hex characters) stay whole: cutting them would
// save little and cost a click.
var longHash = regexp.MustCompile(`\b([a-z0-9]+:)?([0-9a-f]{32,})\b`)

// hashShown is how many hex characters of a long hash a page shows.
const hashShown = 12

// ShortHashes escapes text for HTML and shows each long hash in it by its
// first hashShown hex characters in a <code>. The full value sits in the
// same <details> element: one click (or tap, or Enter) opens it, without
// script, and the stylesheet makes one click select all of it for copying.
// The title attribute shows it on hover too. A text without a long hash is
// just escaped, so the function serves both a bare value and a sentence that
// carries one (activity summaries).
func ShortHashes(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range longHash.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		full := text[m[0]:m[1]]
		prefix := ""
		if m[2] >= 0 {
			prefix = text[m[2]:m[3]]
		}
		shown := prefix + text[m[4]:m[4]+hashShown]
		e := template.HTMLEscapeString
		fmt.Fprintf(&b, `<details class="hash"><summary title="%s"><code>%s</code>…<span class="sr-only"> (show the full value)</span></summary><code class="hash-full">%s</code></details>`,
			e(full), e(shown), e(full))
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// navItem is one entry of the main navigation.
type navItem struct {
	Label, Href string
	Active      bool
}

// page is what every template receives.
type page struct {
	Title       string
	C           *Ctx
	Data        any
	Nav         []navItem
	Memberships []attest.Membership
	Form        *Form
}

// Area is a section of the product in the navigation.
type Area struct {
	Slug, Label string
}

// Registers are the navigation entries after People and Policies: the
// registers and the audit, for members who may read the programme.
var Registers = []Area{
	{Slug: "risks", Label: "Risks"},
	{Slug: "vendors", Label: "Vendors"},
	{Slug: "incidents", Label: "Incidents"},
	{Slug: "changes", Label: "Changes"},
	{Slug: "access-reviews", Label: "Access reviews"},
	{Slug: "audits", Label: "Audits"},
}

func (s *Server) nav(r *http.Request, c *Ctx) []navItem {
	if c.Org == nil {
		return nil
	}
	base := "/o/" + c.Org.Slug
	if c.P.Guest() {
		// An auditor of an audit sees its pages and nothing else.
		return []navItem{{Label: "Audits", Href: base + "/audits", Active: true}}
	}
	items := []navItem{{Label: "Dashboard", Href: base}}
	if c.Can(attest.ActRead) {
		items = append(items, navItem{Label: "Controls", Href: base + "/controls"}, navItem{Label: "Criteria", Href: base + "/criteria"},
			navItem{Label: "Scope", Href: base + "/scope"}, navItem{Label: "Evidence", Href: base + "/evidence"},
			navItem{Label: "Monitoring", Href: base + "/monitoring"}, navItem{Label: "Connections", Href: base + "/connections"})
	}
	items = append(items, navItem{Label: "Tasks", Href: base + "/tasks"}, navItem{Label: "My policies", Href: base + "/my/policies"},
		navItem{Label: "My training", Href: base + "/my/training"})
	if c.Can(attest.ActRead) {
		items = append(items, navItem{Label: "People", Href: base + "/people"}, navItem{Label: "Policies", Href: base + "/policies"})
		for _, a := range Registers {
			items = append(items, navItem{Label: a.Label, Href: base + "/" + a.Slug})
		}
	}
	if !c.Can(attest.ActRead) && c.Can(attest.ActWork) {
		// Reviewers decide the accounts assigned to them.
		items = append(items, navItem{Label: "Access reviews", Href: base + "/access-reviews"})
	}
	if c.Can(attest.ActAdmin) {
		items = append(items, navItem{Label: "Activity", Href: base + "/activity"}, navItem{Label: "Settings", Href: base + "/settings"})
	}
	items = append(items, navItem{Label: "Notifications", Href: base + "/notifications"}, navItem{Label: "API tokens", Href: base + "/tokens"})
	for i := range items {
		h := items[i].Href
		items[i].Active = r.URL.Path == h || (h != base && strings.HasPrefix(r.URL.Path, h+"/"))
	}
	return items
}

// Render writes the page template name with data. The body is rendered to a
// buffer first so a template error becomes a clean 500 rather than half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, c *Ctx, status int, name string, data any) {
	s.RenderForm(w, r, c, status, name, data, nil)
}

// RenderForm writes a page with a form: its values and validation messages.
func (s *Server) RenderForm(w http.ResponseWriter, r *http.Request, c *Ctx, status int, name string, data any, f *Form) {
	t, ok := s.pages[name]
	if !ok {
		s.cfg.Log.Error("missing template", "name", name)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	p := page{C: c, Data: data, Nav: s.nav(r, c), Form: f}
	if c.User != nil {
		// A page without the switcher it should show is an error, not a
		// page: it could be kept and served as if whole. The error page
		// itself goes without it.
		ms, err := s.Memberships(r.Context(), c)
		if err != nil && name != "error" {
			s.fail(w, r, c, err)
			return
		}
		p.Memberships = ms
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.cfg.Log.Error("render", "template", name, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Form carries submitted values and validation messages back to a template,
// so each message can sit beside its field.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // a message that belongs to no single field
}

// NewForm reads the named fields of a posted form.
func NewForm(r *http.Request, fields ...string) *Form {
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = r.PostFormValue(k)
	}
	return f
}

// Fail records err on the form: beside its field when it names one.
func (f *Form) Fail(err error) {
	msg := attest.ErrorMessage(err)
	if field := attest.ErrorField(err); field != "" {
		if e, ok := err.(*attest.Error); ok {
			msg = e.Message
		}
		f.Errors[field] = msg
		return
	}
	f.Error = msg
}

// Sentence words an error for a message away from its field (a flash after a
// redirect): "Title is required", not "title: is required".
func Sentence(err error) string {
	field := attest.ErrorField(err)
	e, ok := err.(*attest.Error)
	if field == "" || !ok {
		return attest.ErrorMessage(err)
	}
	name := strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(name[:1]) + name[1:] + " " + e.Message
}

// UserError reports whether err is a user's mistake (to show on the form) rather
// than a fault (to answer with an error page).
func UserError(err error) bool {
	switch attest.ErrorCode(err) {
	case attest.EINVALID, attest.ECONFLICT, attest.ETHROTTLED:
		return true
	}
	return false
}

// Flash is a one-time message shown on the next page.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

const flashCookie = "attest_flash"

// SetFlash sets a message ("ok" or "error") for the next page the browser shows.
func (s *Server) SetFlash(w http.ResponseWriter, kind, msg string) {
	b, _ := json.Marshal(Flash{Kind: kind, Message: msg})
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *Flash {
	ck, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	var f Flash
	if json.Unmarshal(b, &f) != nil || f.Message == "" {
		return nil
	}
	return &f
}

// Redirect answers a successful form post (post/redirect/get), with okMsg as
// the next page's flash message unless it is empty.
func (s *Server) Redirect(w http.ResponseWriter, r *http.Request, to, okMsg string) error {
	if okMsg != "" {
		s.SetFlash(w, "ok", okMsg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// SafeNext accepts only local paths as a destination after a form (signing in,
// a task form on another page), so a form cannot send people to another site.
// A local path has one leading slash, then neither a slash nor a backslash
// (which browsers read as "//host"), and no control character anywhere:
// browsers drop tabs and newlines, so "/\t/host" becomes "//host". Each check
// applies to the raw value and to every percent-decoding of it, since some
// layer between here and the browser may decode it once more.
func SafeNext(next string) string {
	s := next
	for i := 0; i < 4; i++ {
		if !localPath(s) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			if i == 0 {
				return "/" // not valid percent-encoding to begin with
			}
			break // a literal % left by an earlier decoding: nothing more to decode
		}
		if d == s {
			break
		}
		s = d
	}
	return next
}

// localPath is one stage of SafeNext's rule.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// StateLabels name the derived states of controls (package readiness).
var StateLabels = map[string]string{
	readiness.StateReady: "Ready", readiness.StateImplementedNoEvidence: "Implemented, no evidence", readiness.StateInProgress: "In progress",
	readiness.StateNotStarted: "Not started", readiness.StateNotApplicable: "Not applicable",
}

// QueryIDs reads optional positive IDs from the query string, one per name
// (0 when absent); a value that is not one is an error naming its parameter.
func QueryIDs(r *http.Request, names ...string) ([]int64, error) {
	ids := make([]int64, len(names))
	for i, name := range names {
		s := r.URL.Query().Get(name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, attest.Invalid(name, "must be an ID (got %q)", s)
		}
		ids[i] = n
	}
	return ids, nil
}

package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/attest-hq/attest/catalog"
)

// The parts of an OSCAL catalog the importer reads. The schema has been
// checked before these are decoded, so their shape is known.
type oscalDocument struct {
	Catalog oscalCatalog `json:"catalog"`
}

type oscalCatalog struct {
	Metadata struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"metadata"`
	Params   []oscalParam   `json:"params"`
	Controls []oscalControl `json:"controls"`
	Groups   []oscalGroup   `json:"groups"`
}

type oscalGroup struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Params   []oscalParam   `json:"params"`
	Groups   []oscalGroup   `json:"groups"`
	Controls []oscalControl `json:"controls"`
}

type oscalControl struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Params   []oscalParam   `json:"params"`
	Props    []oscalProp    `json:"props"`
	Links    []oscalLink    `json:"links"`
	Parts    []oscalPart    `json:"parts"`
	Controls []oscalControl `json:"controls"`
}

type oscalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

type oscalPart struct {
	Name  string      `json:"name"`
	Title string      `json:"title"`
	Props []oscalProp `json:"props"`
	Prose string      `json:"prose"`
	Parts []oscalPart `json:"parts"`
}

type oscalParam struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Select *struct {
		HowMany string   `json:"how-many"`
		Choice  []string `json:"choice"`
	} `json:"select"`
}

type oscalProp struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	NS    string `json:"ns"`
	Class string `json:"class"`
}

const oscalNS = "http://csrc.nist.gov/ns/oscal"

// label returns the control's label prop ("AC-1"), preferring one without a
// class (NIST also gives a "zero-padded" one, "AC-01"), or "".
func label(props []oscalProp) string {
	found := ""
	for _, p := range props {
		if p.Name != "label" || (p.NS != "" && p.NS != oscalNS) {
			continue
		}
		v := strings.TrimSpace(p.Value)
		if p.Class == "" {
			return v
		}
		if found == "" {
			found = v
		}
	}
	return found
}

// withdrawn reports whether a control's status prop says it was withdrawn.
func withdrawn(props []oscalProp) bool {
	for _, p := range props {
		if p.Name == "status" && (p.NS == "" || p.NS == oscalNS) && strings.EqualFold(strings.TrimSpace(p.Value), "withdrawn") {
			return true
		}
	}
	return false
}

// movedTo returns the requirement IDs a withdrawn control's
// incorporated-into and moved-to links point at ("#ac-2" → "AC-2"), in
// order, once each. Links to other documents are left out.
func movedTo(links []oscalLink, ids map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range links {
		if l.Rel != "incorporated-into" && l.Rel != "moved-to" {
			continue
		}
		frag, ok := strings.CutPrefix(strings.TrimSpace(l.Href), "#")
		id, known := ids[frag]
		if !ok || !known || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// oscalItem is a group or control met while walking the catalog.
type oscalItem struct {
	group   *oscalGroup
	control *oscalControl
	ptr     string
	parent  int // index into items, -1 at the top
	depth   int
	id      string // the requirement ID, once chosen
}

func (it *oscalItem) rawID() string {
	if it.group != nil {
		return it.group.ID
	}
	return it.control.ID
}

func (it *oscalItem) title() string {
	if it.group != nil {
		return it.group.Title
	}
	return it.control.Title
}

// name names the item in problems: "id (pointer)" or the pointer.
func (it *oscalItem) name() string {
	if id := it.rawID(); id != "" {
		return id + " (" + it.ptr + ")"
	}
	return it.ptr
}

type oscalReader struct {
	items  []oscalItem
	params map[string]*oscalParam
}

func (r *oscalReader) addParams(ps []oscalParam) {
	for i := range ps {
		if _, ok := r.params[ps[i].ID]; !ok {
			r.params[ps[i].ID] = &ps[i]
		}
	}
}

func (r *oscalReader) walkGroups(gs []oscalGroup, base string, parent, depth int) {
	for i := range gs {
		g := &gs[i]
		ptr := base + "/groups/" + strconv.Itoa(i)
		r.items = append(r.items, oscalItem{group: g, ptr: ptr, parent: parent, depth: depth})
		me := len(r.items) - 1
		r.addParams(g.Params)
		r.walkGroups(g.Groups, ptr, me, depth+1)
		r.walkControls(g.Controls, ptr, me, depth+1)
	}
}

func (r *oscalReader) walkControls(cs []oscalControl, base string, parent, depth int) {
	for i := range cs {
		c := &cs[i]
		ptr := base + "/controls/" + strconv.Itoa(i)
		r.items = append(r.items, oscalItem{control: c, ptr: ptr, parent: parent, depth: depth})
		me := len(r.items) - 1
		r.addParams(c.Params)
		r.walkControls(c.Controls, ptr, me, depth+1)
	}
}

func parseOSCAL(filename string, data []byte) (*catalog.Framework, *Error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fail(filename, OSCAL, "", "", "not valid JSON: %v", err)
	}
	sch, err := oscalCatalogSchema()
	if err != nil {
		return nil, fail(filename, OSCAL, "", "", "internal error: %v", err)
	}
	var ps problems
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, fail(filename, OSCAL, "", "", "schema validation: %v", err)
		}
		schemaProblems(ve, inst, &ps)
		return nil, ps.err(filename, OSCAL)
	}
	var doc oscalDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fail(filename, OSCAL, "", "", "not a readable OSCAL catalog: %v", err)
	}
	cat := &doc.Catalog

	fw := &catalog.Framework{
		ID:      slug(cat.Metadata.Title),
		Name:    strings.TrimSpace(cat.Metadata.Title),
		Title:   strings.TrimSpace(cat.Metadata.Title),
		Version: strings.TrimSpace(cat.Metadata.Version),
	}
	if fw.ID == "" {
		ps.add("/catalog/metadata", "title", "has no letter or digit to make the framework's id from")
	}

	r := &oscalReader{params: map[string]*oscalParam{}}
	r.addParams(cat.Params)
	r.walkGroups(cat.Groups, "/catalog", -1, 1)
	r.walkControls(cat.Controls, "/catalog", -1, 1)
	if len(r.items) == 0 {
		ps.add("/catalog", "", "the catalog has no groups or controls")
	}

	// Semantic checks the schema cannot make: ids unique across groups and
	// controls, titles not blank.
	explicit := map[string]int{}
	for i := range r.items {
		it := &r.items[i]
		if strings.TrimSpace(it.title()) == "" {
			ps.add(it.name(), "title", "is blank")
		}
		id := it.rawID()
		if id == "" {
			continue
		}
		if p := checkID(id); p != "" {
			ps.add(it.name(), "id", "%s", p)
		}
		if j, dup := explicit[id]; dup {
			ps.add(it.name(), "id", "duplicate of %s", r.items[j].ptr)
			continue
		}
		explicit[id] = i
	}
	if !ps.empty() {
		return nil, ps.err(filename, OSCAL)
	}

	assignOSCALIDs(r.items, explicit)

	stored := 0                                  // bytes of text so far, against the import's budget
	ids := make(map[string]string, len(r.items)) // OSCAL id → requirement ID
	for i := range r.items {
		if id := r.items[i].rawID(); id != "" {
			ids[id] = r.items[i].id
		}
	}

	for i := range r.items {
		it := &r.items[i]
		req := catalog.Requirement{
			ID:    it.id,
			Title: strings.TrimSpace(it.title()),
			Depth: it.depth,
		}
		if it.parent >= 0 {
			req.Parent = r.items[it.parent].id
		}
		if it.control != nil && withdrawn(it.control.Props) {
			// Kept so that references to it resolve, with where it went;
			// never assessed.
			req.Withdrawn = true
			req.MovedTo = movedTo(it.control.Links, ids)
		} else if it.control != nil {
			req.Assessable = true
			budget := min(maxRequirementText, textBudget(len(data))-stored)
			text, over := r.explain(it.control, budget)
			if over != nil {
				return nil, overflow(filename, it, over)
			}
			req.Explanation = text
		}
		stored += len(req.ID) + len(req.Title) + len(req.Explanation)
		fw.Requirements = append(fw.Requirements, req)
	}
	if e := checkText(filename, OSCAL, fw, len(data)); e != nil {
		return nil, e
	}
	if e := validate(filename, OSCAL, fw); e != nil {
		return nil, e
	}
	return fw, nil
}

// overflow reports a control whose text passed its budget, naming the
// parameter whose insertion passed it.
func overflow(filename string, it *oscalItem, over *tooLong) *Error {
	what := "its statement and guidance"
	if over.param != "" {
		what = "inserting parameter " + over.param
	}
	return fail(filename, OSCAL, it.name(), "parts", "%s makes the control's text longer than %d bytes, the most one requirement (or what is left of the import's allowance) may hold", what, over.limit)
}

// assignOSCALIDs chooses each requirement's ID. A control is known by its
// label prop ("AC-1") when it has one that is well-formed, carried by no
// other control and not the id of another group or control; otherwise by its
// id ("ac-1"). A group is known by its id, or by a slug of its title when it
// has none (made unique with -2, -3, …).
func assignOSCALIDs(items []oscalItem, explicit map[string]int) {
	labels := map[string]int{}
	for i := range items {
		if c := items[i].control; c != nil {
			if l := label(c.Props); l != "" {
				labels[l]++
			}
		}
	}
	taken := map[string]bool{}
	for id := range explicit {
		taken[id] = true
	}
	for i := range items {
		it := &items[i]
		if it.control == nil {
			continue
		}
		it.id = it.control.ID
		l := label(it.control.Props)
		if l == "" || labels[l] != 1 || checkID(l) != "" {
			continue
		}
		if j, ok := explicit[l]; ok && j != i {
			continue
		}
		it.id = l
		taken[l] = true
	}
	for i := range items {
		it := &items[i]
		if it.group == nil {
			continue
		}
		if it.group.ID != "" {
			it.id = it.group.ID
			continue
		}
		base := slug(it.group.Title)
		if base == "" {
			base = "group"
		}
		it.id = uniqueID(base, taken)
	}
}

var insertParam = regexp.MustCompile(`\{\{\s*insert:\s*param\s*,\s*([^\s}]+)\s*\}\}`)

// tooLong stops the rendering of a control's text once it passes its
// budget; param names the parameter whose insertion passed it (if any).
type tooLong struct {
	limit int
	param string
}

// expander renders one control's text within a budget of bytes, so that
// parameters inserting parameters cannot multiply it: rendering stops as soon
// as the text passes the budget, before it is built.
type expander struct {
	r      *oscalReader
	budget int
	used   int
	param  string // the outermost parameter being inserted
	over   *tooLong
}

func (x *expander) spend(n int) bool {
	x.used += n
	if x.used > x.budget && x.over == nil {
		x.over = &tooLong{limit: x.budget, param: x.param}
	}
	return x.over == nil
}

// explain renders a control's statement (with its sub-parts, keeping their
// labels, one per line and indented by level) and then its guidance as a
// second paragraph, within budget bytes.
func (r *oscalReader) explain(c *oscalControl, budget int) (string, *tooLong) {
	x := &expander{r: r, budget: budget}
	var paras []string
	for _, name := range []string{"statement", "guidance"} {
		for i := range c.Parts {
			if c.Parts[i].Name != name {
				continue
			}
			var lines []string
			x.partLines(&c.Parts[i], 0, &lines)
			if x.over != nil {
				return "", x.over
			}
			if t := strings.TrimSpace(strings.Join(lines, "\n")); t != "" {
				paras = append(paras, t)
			}
		}
	}
	return strings.Join(paras, "\n\n"), nil
}

func (x *expander) partLines(p *oscalPart, level int, lines *[]string) {
	if x.over != nil {
		return
	}
	var sb strings.Builder
	x.substitute(&sb, p.Prose, 0)
	text := strings.TrimSpace(sb.String())
	if text == "" {
		text = strings.TrimSpace(p.Title)
	}
	l := label(p.Props)
	if l != "" {
		text = strings.TrimSpace(l + " " + text)
	}
	if text != "" {
		// Labelled items go one per line; unlabelled sub-parts are
		// paragraphs of their own.
		if l == "" && level > 0 && len(*lines) > 0 {
			*lines = append(*lines, "")
		}
		indent := ""
		if level > 1 {
			indent = strings.Repeat("  ", level-1)
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) != "" {
				line = indent + line
				x.spend(len(indent))
			}
			*lines = append(*lines, line)
		}
	}
	for i := range p.Parts {
		x.partLines(&p.Parts[i], level+1, lines)
	}
}

// substitute writes s to sb with {{ insert: param, id }} replaced by the
// parameter's label in brackets ("[a duration]"), its choices
// ("[Selection (one or more): a; b]") when it has no label, or "[id]" when it
// has neither or is not defined. It stops once the budget is spent.
func (x *expander) substitute(sb *strings.Builder, s string, depth int) {
	write := func(t string) bool {
		if !x.spend(len(t)) {
			return false
		}
		sb.WriteString(t)
		return true
	}
	if !strings.Contains(s, "{{") {
		write(s)
		return
	}
	last := 0
	for _, m := range insertParam.FindAllStringSubmatchIndex(s, -1) {
		if !write(s[last:m[0]]) {
			return
		}
		last = m[1]
		id := s[m[2]:m[3]]
		if depth == 0 {
			x.param = id
		}
		p := x.r.params[id]
		switch {
		case p == nil || depth > 3:
			write("[" + id + "]")
		case strings.TrimSpace(p.Label) != "":
			write("[" + strings.TrimSpace(p.Label) + "]")
		case p.Select != nil && len(p.Select.Choice) > 0:
			how := "Selection"
			if p.Select.HowMany == "one-or-more" {
				how += " (one or more)"
			}
			write("[" + how + ": ")
			for i, ch := range p.Select.Choice {
				if i > 0 {
					write("; ")
				}
				var c strings.Builder
				x.substitute(&c, ch, depth+1)
				if x.over != nil {
					return
				}
				// The choice was counted as it was written; what
				// trimming removes is not stored.
				t := strings.TrimSpace(c.String())
				x.used -= c.Len() - len(t)
				sb.WriteString(t)
			}
			write("]")
		default:
			write("[" + id + "]")
		}
		if x.over != nil {
			return
		}
	}
	write(s[last:])
}

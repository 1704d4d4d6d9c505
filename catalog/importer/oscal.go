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
	Parts    []oscalPart    `json:"parts"`
	Controls []oscalControl `json:"controls"`
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
		if it.control != nil {
			req.Assessable = true
			req.Explanation = r.explain(it.control)
		}
		fw.Requirements = append(fw.Requirements, req)
	}
	if e := validate(filename, OSCAL, fw); e != nil {
		return nil, e
	}
	return fw, nil
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

// explain renders a control's statement (with its sub-parts, keeping their
// labels, one per line and indented by level) and then its guidance as a
// second paragraph.
func (r *oscalReader) explain(c *oscalControl) string {
	var paras []string
	for _, name := range []string{"statement", "guidance"} {
		for i := range c.Parts {
			if c.Parts[i].Name != name {
				continue
			}
			var lines []string
			r.partLines(&c.Parts[i], 0, &lines)
			if t := strings.TrimSpace(strings.Join(lines, "\n")); t != "" {
				paras = append(paras, t)
			}
		}
	}
	return strings.Join(paras, "\n\n")
}

func (r *oscalReader) partLines(p *oscalPart, level int, lines *[]string) {
	text := strings.TrimSpace(r.substitute(p.Prose, 0))
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
			}
			*lines = append(*lines, line)
		}
	}
	for i := range p.Parts {
		r.partLines(&p.Parts[i], level+1, lines)
	}
}

// substitute replaces {{ insert: param, id }} with the parameter's label in
// brackets ("[a duration]"), its choices ("[Selection (one or more): a; b]")
// when it has no label, or "[id]" when it has neither or is not defined.
func (r *oscalReader) substitute(s string, depth int) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return insertParam.ReplaceAllStringFunc(s, func(m string) string {
		id := insertParam.FindStringSubmatch(m)[1]
		p := r.params[id]
		switch {
		case p == nil || depth > 3:
		case strings.TrimSpace(p.Label) != "":
			return "[" + strings.TrimSpace(p.Label) + "]"
		case p.Select != nil && len(p.Select.Choice) > 0:
			choices := make([]string, len(p.Select.Choice))
			for i, ch := range p.Select.Choice {
				choices[i] = strings.TrimSpace(r.substitute(ch, depth+1))
			}
			how := "Selection"
			if p.Select.HowMany == "one-or-more" {
				how += " (one or more)"
			}
			return "[" + how + ": " + strings.Join(choices, "; ") + "]"
		}
		return "[" + id + "]"
	})
}

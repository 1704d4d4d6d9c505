package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest/catalog"
)

// A CISO Assistant library is read as a YAML node tree rather than decoded
// into structs, so that a wrongly typed field becomes a problem naming its
// node instead of one opaque decoding error, and so that scalars keep their
// text: `ref_id: 1.10` is "1.10", not the float 1.1.

// resolve follows YAML aliases (bounded: an anchor cannot itself be an alias).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// ymap is a YAML mapping's fields by key; dups lists keys given twice.
type ymap struct {
	fields map[string]*yaml.Node
	dups   []string
}

func asMap(n *yaml.Node) (ymap, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return ymap{}, false
	}
	m := ymap{fields: make(map[string]*yaml.Node, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if _, seen := m.fields[k.Value]; seen {
			m.dups = append(m.dups, k.Value)
			continue
		}
		m.fields[k.Value] = resolve(n.Content[i+1])
	}
	return m, true
}

func (m ymap) get(key string) *yaml.Node {
	n := m.fields[key]
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	return n
}

func (m ymap) has(key string) bool { return m.get(key) != nil }

// str returns the text of a scalar field; ok is false when the field is
// present but not a scalar. An absent or null field is "", true.
func (m ymap) str(key string) (s string, present, ok bool) {
	n := m.get(key)
	if n == nil {
		return "", false, true
	}
	if n.Kind != yaml.ScalarNode {
		return "", true, false
	}
	return n.Value, true, true
}

// cisoNode is one requirement node as read from the file.
type cisoNode struct {
	pos        int // 1-based position in requirement_nodes
	urn        string
	key        string // urn, lower-cased: CISO Assistant compares URNs case-insensitively
	refID      string // trimmed; "" when absent
	hasRefID   bool   // ref_id present (and well-formed)
	name       string // trimmed
	desc       string
	annotation string
	parentURN  string
	parentKey  string
	depth      int
	hasDepth   bool
	assessable bool

	parent  int // index of the parent in nodes, -1 for none or unresolved
	inCycle bool
	level   int // depth derived from the parent chain; 0 when unknown
	id      string
}

// label names the node in problems: "ref_id (urn)", or whichever of the two
// it has, or its position.
func (n *cisoNode) label() string {
	switch {
	case n.hasRefID && n.urn != "":
		return n.refID + " (" + n.urn + ")"
	case n.hasRefID:
		return n.refID + " (at position " + strconv.Itoa(n.pos) + ")"
	case n.urn != "":
		return n.urn
	}
	return "at position " + strconv.Itoa(n.pos)
}

// short names the node briefly, for cycles.
func (n *cisoNode) short() string {
	if n.hasRefID {
		return n.refID
	}
	if n.urn != "" {
		return n.urn
	}
	return "#" + strconv.Itoa(n.pos)
}

const notRecognised = "unrecognised document: expected a CISO Assistant framework library (YAML with objects.framework) or an OSCAL catalog (JSON with a top-level \"catalog\" object)"

func parseCISO(filename string, data []byte) (*catalog.Framework, Format, *Error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, "", fail(filename, "", "", "", "file holds no document")
		}
		return nil, "", fail(filename, "", "", "", "not valid YAML or JSON: %v", err)
	}
	if len(doc.Content) == 0 {
		return nil, "", fail(filename, "", "", "", "file holds no document")
	}
	root, ok := asMap(doc.Content[0])
	if !ok {
		return nil, "", fail(filename, "", "", "", "%s", notRecognised)
	}
	if root.has("catalog") && !root.has("objects") {
		return nil, "", fail(filename, "", "", "", "this looks like an OSCAL catalog in YAML; only OSCAL catalogs in JSON are accepted")
	}
	if !root.has("objects") && !root.has("urn") {
		return nil, "", fail(filename, "", "", "", "%s", notRecognised)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, CISOAssistant, fail(filename, CISOAssistant, "", "", "file holds more than one YAML document; a library is one document")
	} else if !errors.Is(err, io.EOF) {
		return nil, CISOAssistant, fail(filename, CISOAssistant, "", "", "not valid YAML: %v", err)
	}

	if line := mergeKey(doc.Content[0], map[*yaml.Node]bool{}); line > 0 {
		return nil, CISOAssistant, fail(filename, CISOAssistant, "", "<<", "line %d: YAML merge keys are not supported; write the fields out in full", line)
	}

	var ps problems
	for _, k := range root.dups {
		ps.add("", k, "key appears more than once at the top level")
	}
	objects, ok := asMap(root.get("objects"))
	if !ok {
		if root.has("objects") {
			ps.add("", "objects", "must be a mapping")
		} else {
			ps.add("", "objects.framework", "missing: the library holds no framework")
		}
		return nil, CISOAssistant, ps.err(filename, CISOAssistant)
	}
	fwNode := objects.get("framework")
	if fwNode == nil {
		if objects.has("requirement_mapping_sets") || objects.has("requirement_mapping_set") {
			return nil, CISOAssistant, fail(filename, CISOAssistant, "", "objects", "this is a mapping library, not a framework")
		}
		return nil, CISOAssistant, fail(filename, CISOAssistant, "", "objects.framework", "missing: the library holds no framework")
	}
	// objects.requirement_mapping_sets beside a framework is ignored: mapping
	// libraries are out of scope.
	fwMap, ok := asMap(fwNode)
	if !ok {
		return nil, CISOAssistant, fail(filename, CISOAssistant, "", "objects.framework", "must be a mapping")
	}
	for _, k := range fwMap.dups {
		ps.add("", "objects.framework."+k, "key appears more than once")
	}

	fw := &catalog.Framework{}
	topStr := func(m ymap, prefix, key string) string {
		s, _, ok := m.str(key)
		if !ok {
			ps.add("", prefix+key, "must be a string")
		}
		return strings.TrimSpace(s)
	}
	libName := topStr(root, "", "name")
	libRef := topStr(root, "", "ref_id")
	fw.Version = topStr(root, "", "version")
	fwName := topStr(fwMap, "objects.framework.", "name")
	fwRef := topStr(fwMap, "objects.framework.", "ref_id")
	fwURN := topStr(fwMap, "objects.framework.", "urn")
	fw.ID = slug(fwRef)
	if fw.ID == "" {
		fw.ID = slug(libRef)
	}
	if fw.ID == "" {
		fw.ID = slug(lastSegment(fwURN))
	}
	if fw.ID == "" {
		ps.add("", "objects.framework.ref_id", "missing or without any letter or digit: the framework needs an identifier")
	}
	fw.Name = fwName
	if fw.Name == "" {
		fw.Name = libName
	}
	if fw.Name == "" {
		ps.add("", "objects.framework.name", "missing: the framework needs a name")
	}
	fw.Title = libName
	if fw.Title == "" {
		fw.Title = fw.Name
	}

	rn := fwMap.get("requirement_nodes")
	if rn != nil && rn.Kind != yaml.SequenceNode {
		ps.add("", "objects.framework.requirement_nodes", "must be a list")
		return nil, CISOAssistant, ps.err(filename, CISOAssistant)
	}
	if rn == nil || len(rn.Content) == 0 {
		ps.add("", "objects.framework.requirement_nodes", "the framework has no requirement nodes")
		return nil, CISOAssistant, ps.err(filename, CISOAssistant)
	}

	nodes := readNodes(rn.Content, &ps)
	linkNodes(nodes, &ps)
	assignIDs(nodes)

	if !ps.empty() {
		return nil, CISOAssistant, ps.err(filename, CISOAssistant)
	}
	// Aliases let a small file name one long string many times; the text
	// is counted before it is copied into each requirement, so that a
	// refusal comes before the memory is spent.
	budget, stored := textBudget(len(data)), 0
	for i := range nodes {
		n := &nodes[i]
		size := len(n.id) + len(n.name) + len(n.refID) + len(n.desc) + len(n.annotation)
		if size > maxRequirementText {
			return nil, CISOAssistant, fail(filename, CISOAssistant, n.label(), "", "its text is %d bytes; one requirement may hold at most %d", size, maxRequirementText)
		}
		if stored += size; stored > budget {
			return nil, CISOAssistant, fail(filename, CISOAssistant, n.label(), "", "the text stored up to this node is %d bytes, more than the %d bytes allowed for a file of %d bytes (at most %d× its size, and never more than %d): do its fields repeat a YAML alias?", stored, budget, len(data), maxTextRatio, maxImportText)
		}
		r := catalog.Requirement{
			ID:          n.id,
			Title:       n.name,
			Explanation: n.desc,
			Depth:       n.level,
			Assessable:  n.assessable,
		}
		if r.Title == "" {
			r.Title = n.refID
		}
		if r.Title == "" {
			// CISO Assistant requires only a URN; many of its own
			// libraries give some nodes neither name nor ref_id.
			r.Title, r.TitleDerived = derivedTitle(n.desc, n.urn, n.id), true
		}
		if n.annotation != "" {
			if r.Explanation != "" {
				r.Explanation += "\n\n"
			}
			r.Explanation += n.annotation
		}
		if n.parent >= 0 {
			r.Parent = nodes[n.parent].id
		}
		fw.Requirements = append(fw.Requirements, r)
	}
	if e := checkText(filename, CISOAssistant, fw, len(data)); e != nil {
		return nil, CISOAssistant, e
	}
	if e := validate(filename, CISOAssistant, fw); e != nil {
		return nil, CISOAssistant, e
	}
	return fw, CISOAssistant, nil
}

// readNodes reads each requirement node's fields, reporting those that are
// missing, malformed or of the wrong type.
func readNodes(items []*yaml.Node, ps *problems) []cisoNode {
	nodes := make([]cisoNode, 0, len(items))
	for i, item := range items {
		n := cisoNode{pos: i + 1, parent: -1}
		m, ok := asMap(item)
		if !ok {
			ps.addAt(n.pos, n.label(), "", "must be a mapping")
			nodes = append(nodes, n)
			continue
		}
		// Read the identifying fields first so that problems name the node.
		urn, _, urnOK := m.str("urn")
		n.urn = strings.TrimSpace(urn)
		n.key = strings.ToLower(n.urn)
		ref, refPresent, refOK := m.str("ref_id")
		ref = strings.TrimSpace(ref)
		refProblem := ""
		switch {
		case !refOK:
			refProblem = "must be a string"
		case refPresent:
			refProblem = checkID(ref)
		}
		if refPresent && refProblem == "" {
			n.refID, n.hasRefID = ref, true
		}
		label := n.label()

		for _, k := range m.dups {
			ps.addAt(n.pos, label, k, "key appears more than once")
		}
		if !urnOK {
			ps.addAt(n.pos, label, "urn", "must be a string")
		} else if n.urn == "" {
			ps.addAt(n.pos, label, "urn", "missing")
		} else if p := checkURN(n.urn); p != "" {
			ps.addAt(n.pos, label, "urn", "%s", p)
		}
		if refProblem != "" {
			ps.addAt(n.pos, label, "ref_id", "%s", refProblem)
		}
		text := func(key string) string {
			s, _, ok := m.str(key)
			if !ok {
				ps.addAt(n.pos, label, key, "must be a string")
			}
			return strings.TrimSpace(s)
		}
		n.name = text("name")
		n.desc = text("description")
		n.annotation = text("annotation")
		n.parentURN = text("parent_urn")
		n.parentKey = strings.ToLower(n.parentURN)
		if a := m.get("assessable"); a != nil {
			var b bool
			if a.Kind != yaml.ScalarNode || a.Decode(&b) != nil {
				ps.addAt(n.pos, label, "assessable", "must be true or false")
			}
			n.assessable = b
		}
		if d := m.get("depth"); d != nil {
			var v int
			if d.Kind != yaml.ScalarNode || d.Decode(&v) != nil {
				ps.addAt(n.pos, label, "depth", "must be a whole number")
			} else if v < 1 {
				ps.addAt(n.pos, label, "depth", "is %d; depths start at 1", v)
			} else {
				n.depth, n.hasDepth = v, true
			}
		}
		nodes = append(nodes, n)
	}
	return nodes
}

// checkURN reports why a URN is unacceptable, or "".
func checkURN(urn string) string {
	if len(urn) > 1000 {
		return "is longer than 1000 characters"
	}
	for _, r := range urn {
		if r < 0x20 || r == 0x7f {
			return fmt.Sprintf("contains a control character: %q", urn)
		}
	}
	return ""
}

// linkNodes checks URN and ref_id uniqueness, resolves parents, finds parent
// cycles and checks depths.
func linkNodes(nodes []cisoNode, ps *problems) {
	byURN := map[string]int{}
	byRef := map[string]int{}
	for i := range nodes {
		n := &nodes[i]
		if n.key != "" {
			if j, dup := byURN[n.key]; dup {
				ps.addAt(n.pos, n.label(), "urn", "duplicate of node at position %d", nodes[j].pos)
			} else {
				byURN[n.key] = i
			}
		}
		if n.hasRefID {
			if j, dup := byRef[n.refID]; dup {
				ps.addAt(n.pos, n.label(), "ref_id", "duplicate of node at position %d", nodes[j].pos)
			} else {
				byRef[n.refID] = i
			}
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if n.parentKey == "" {
			continue
		}
		j, ok := byURN[n.parentKey]
		if !ok {
			ps.addAt(n.pos, n.label(), "parent_urn", "no node has URN %s", n.parentURN)
			continue
		}
		n.parent = j
	}

	// Parent cycles: follow each chain; a node met twice on the same walk
	// closes a cycle. Each cycle is reported once, on its first node.
	const (
		unvisited = iota
		onPath
		done
	)
	state := make([]int, len(nodes))
	for start := range nodes {
		if state[start] != unvisited {
			continue
		}
		var path []int
		at := start
		for at >= 0 && state[at] == unvisited {
			state[at] = onPath
			path = append(path, at)
			at = nodes[at].parent
		}
		if at >= 0 && state[at] == onPath {
			k := 0
			for path[k] != at {
				k++
			}
			cycle := path[k:]
			first := cycle[0]
			for _, c := range cycle {
				nodes[c].inCycle = true
				if nodes[c].pos < nodes[first].pos {
					first = c
				}
			}
			var names []string
			c := first
			for range cycle {
				names = append(names, nodes[c].short())
				c = nodes[c].parent
			}
			names = append(names, nodes[first].short())
			ps.addAt(nodes[first].pos, nodes[first].label(), "parent_urn", "parent cycle: %s", strings.Join(names, " → "))
		}
		for _, p := range path {
			state[p] = done
		}
	}

	// Levels from the parent chain (unknown, 0, under a dangling parent or a
	// cycle), then the declared depths against them.
	known := make([]bool, len(nodes))
	for start := range nodes {
		var path []int
		at := start
		for !known[at] {
			n := &nodes[at]
			if n.inCycle || (n.parentKey != "" && n.parent < 0) {
				known[at] = true // level stays 0
				break
			}
			if n.parentKey == "" {
				n.level, known[at] = 1, true
				break
			}
			path = append(path, at)
			at = n.parent
		}
		for k := len(path) - 1; k >= 0; k-- {
			i := path[k]
			if l := nodes[nodes[i].parent].level; l > 0 {
				nodes[i].level = l + 1
			}
			known[i] = true
		}
	}
	for i := range nodes {
		n := &nodes[i]
		l := n.level
		if l == 0 || !n.hasDepth || n.depth == l {
			continue
		}
		if n.parent < 0 {
			ps.addAt(n.pos, n.label(), "depth", "is %d, but a node without parent_urn is at depth 1", n.depth)
		} else {
			p := &nodes[n.parent]
			ps.addAt(n.pos, n.label(), "depth", "is %d, but its parent %s is at depth %d, so it should be %d", n.depth, p.short(), l-1, l)
		}
	}
}

// assignIDs gives each node its requirement ID: its ref_id, or else a stable
// ID made from the last segment of its URN (made unique with -2, -3, … if it
// would collide with another node's ID).
func assignIDs(nodes []cisoNode) {
	taken := map[string]bool{}
	for i := range nodes {
		if nodes[i].hasRefID {
			nodes[i].id = nodes[i].refID
			taken[nodes[i].refID] = true
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if n.hasRefID {
			continue
		}
		base := lastSegment(n.urn)
		if checkID(base) != "" {
			base = "node-" + strconv.Itoa(n.pos)
		}
		n.id = uniqueID(base, taken)
	}
}

// lastSegment is what follows the last colon of a URN.
func lastSegment(urn string) string {
	return strings.TrimSpace(urn[strings.LastIndex(urn, ":")+1:])
}

// mergeKey returns the line of the first YAML merge key (<<) in the tree, or
// 0. Merge keys are refused rather than ignored, so that no field a library
// meant to set goes missing silently. Each node is visited once, so aliases
// cannot make the walk long.
func mergeKey(n *yaml.Node, seen map[*yaml.Node]bool) int {
	if n == nil || seen[n] {
		return 0
	}
	seen[n] = true
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				return k.Line
			}
		}
	}
	if n.Kind == yaml.AliasNode {
		return mergeKey(n.Alias, seen)
	}
	for _, c := range n.Content {
		if line := mergeKey(c, seen); line > 0 {
			return line
		}
	}
	return 0
}

// maxDerivedTitle is the longest title derived from a description, in
// characters.
const maxDerivedTitle = 80

// derivedTitle makes a title for a node that has neither name nor ref_id:
// the first sentence of the first line of its description, cut at a word
// to maxDerivedTitle characters; without a description the last segment of
// its URN; failing that its requirement ID.
func derivedTitle(desc, urn, id string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(desc), "\n")
	line = strings.TrimSpace(line)
	if i := strings.Index(line, ". "); i > 0 {
		line = line[:i+1]
	}
	if r := []rune(line); len(r) > maxDerivedTitle {
		cut := string(r[:maxDerivedTitle])
		if i := strings.LastIndex(cut, " "); i > maxDerivedTitle/2 {
			cut = cut[:i]
		}
		line = strings.TrimRight(cut, " ,;:") + "…"
	}
	if line != "" {
		return line
	}
	if seg := lastSegment(urn); seg != "" {
		return seg
	}
	return id
}

// Package importer turns a framework published by someone else into a
// catalog.Framework that Attest can hold beside SOC 2.
//
// Two formats are read, told apart by content rather than by file name:
//
//   - a CISO Assistant framework library: YAML whose top level holds
//     objects.framework with a flat list of requirement_nodes;
//   - an OSCAL catalog: JSON whose top level holds a "catalog" object. It is
//     validated against NIST's OSCAL catalog JSON schema (embedded, v1.2.1)
//     before it is read.
//
// Imports are all-or-nothing: Parse either returns a framework that passes
// catalog.ValidateFramework, or an *Error listing every defect it found, each
// naming the node and field concerned. It never returns a partial framework.
//
// How a CISO Assistant library maps: each requirement node becomes a
// requirement whose ID is its ref_id (trimmed) or, without one, the last
// segment of its URN (suffixed -2, -3, … if another node already has that
// ID); whose title is its name, or its ref_id without a name, or without
// either a title derived from its description's first sentence (or its URN's
// last segment) and marked TitleDerived; whose
// explanation is its description, then its annotation as a second
// paragraph; and whose parent is the node named by parent_urn. URNs compare
// case-insensitively, as CISO Assistant lower-cases them. The framework's ID
// is a slug of the framework's ref_id, its name the framework's name, its
// title the library's name and its version the library's version.
//
// How an OSCAL catalog maps: groups (at any depth) become requirements that
// are not assessable, with the group's id (or a slug of its title) as ID;
// controls and their enhancements become assessable requirements. A control's
// ID is its label prop ("AC-1", preferring a label without a class over
// NIST's "zero-padded" one) when that label is well-formed, unique among the
// catalog's labels and not another group's or control's id; otherwise its id
// ("ac-1"). Its explanation is the statement part's prose with each labelled
// sub-part on a line of its own behind its label, indented by level
// (unlabelled sub-parts become paragraphs), then the guidance part likewise
// as a second paragraph; {{ insert: param, id }} becomes "[label]",
// "[Selection (one or more): a; b]" for a parameter that offers choices, or
// "[id]". A control whose status prop is "withdrawn" is kept, not
// assessable and marked Withdrawn, with MovedTo naming the requirements its
// incorporated-into and moved-to links point at. The framework's ID is a slug of metadata.title, its name and title
// metadata.title, its version metadata.version.
//
// Imports carry no categories or series.
package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/attest-hq/attest/catalog"
)

// Format names a supported import format.
type Format string

// The supported formats.
const (
	CISOAssistant Format = "ciso-assistant"
	OSCAL         Format = "oscal"
)

// MaxInputSize is the largest document Parse accepts.
const MaxInputSize = 32 << 20

// maxProblems caps how many problems one import reports; past it the last
// problem says how many more were left out. A variable so that tests can
// lower it.
var maxProblems = 200

// Bounds on the text an import may store. Both formats can make more text
// than they hold (OSCAL by inserting parameters, YAML by aliases), so the
// stored text is bounded by itself and not only by the input's size.
// Variables so that tests can lower them.
var (
	// maxRequirementText is the most text one requirement may carry
	// (title and explanation, in bytes).
	maxRequirementText = 1 << 20
	// maxImportText is the most text one import may store, whatever the
	// input's size.
	maxImportText = 64 << 20
	// maxTextRatio bounds the stored text relative to the input: at most
	// this many times the input's size (plus textSlack, for small files).
	maxTextRatio = 4
	textSlack    = 64 << 10
)

// textBudget is how much text an import of an input of n bytes may store.
func textBudget(n int) int {
	return min(maxImportText, maxTextRatio*n+textSlack)
}

// maxSchemaProblems caps the problems taken from OSCAL schema validation.
const maxSchemaProblems = 50

// maxIDLen is the longest identifier (ref_id, label) accepted.
const maxIDLen = 100

// Problem is one defect of an imported document.
type Problem struct {
	// Node names the node at fault: for CISO Assistant its ref_id and/or URN
	// (or its position in requirement_nodes), for OSCAL its id and/or JSON
	// pointer. Empty for a defect of the document as a whole.
	Node string `json:"node,omitempty"`
	// Field is the field at fault (ref_id, parent_urn, title, …), if any.
	Field string `json:"field,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// String renders the problem as "node N: field: message".
func (p Problem) String() string {
	var sb strings.Builder
	if p.Node != "" {
		sb.WriteString("node ")
		sb.WriteString(p.Node)
		sb.WriteString(": ")
	}
	if p.Field != "" {
		sb.WriteString(p.Field)
		sb.WriteString(": ")
	}
	sb.WriteString(p.Message)
	return sb.String()
}

// Error is returned by Parse when a document cannot be imported. It lists
// every problem found.
type Error struct {
	Filename string
	Format   Format // empty when the format could not be recognised
	Problems []Problem
	// Count is how many problems were found. It can exceed len(Problems),
	// whose last entry then says how many more were not listed.
	Count int
}

// Total is how many problems were found, listed or not.
func (e *Error) Total() int {
	return max(e.Count, len(e.Problems))
}

func (e *Error) Error() string {
	var sb strings.Builder
	sb.WriteString("import")
	if e.Filename != "" {
		fmt.Fprintf(&sb, " %s", e.Filename)
	}
	if e.Format != "" {
		fmt.Fprintf(&sb, " (%s)", e.Format)
	}
	switch len(e.Problems) {
	case 0:
		sb.WriteString(": failed")
	case 1:
		sb.WriteString(": ")
		sb.WriteString(e.Problems[0].String())
	default:
		fmt.Fprintf(&sb, ": %d problems:", e.Total())
		for _, p := range e.Problems {
			sb.WriteString("\n  ")
			sb.WriteString(p.String())
		}
	}
	return sb.String()
}

// problems collects defects, capped at maxProblems.
// Each problem has a sort key (a node's position in the file, 0 for the
// document as a whole) so that the list reads in file order.
type problems struct {
	list    []Problem
	keys    []int
	dropped int
}

func (ps *problems) add(node, field, format string, args ...any) {
	ps.addAt(0, node, field, format, args...)
}

func (ps *problems) addAt(key int, node, field, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		ps.dropped++
		return
	}
	ps.list = append(ps.list, Problem{Node: node, Field: field, Message: fmt.Sprintf(format, args...)})
	ps.keys = append(ps.keys, key)
}

func (ps *problems) empty() bool { return len(ps.list) == 0 }

func (ps *problems) err(filename string, f Format) *Error {
	idx := make([]int, len(ps.list))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps.keys[idx[a]] < ps.keys[idx[b]] })
	list := make([]Problem, 0, len(idx)+1)
	for _, i := range idx {
		list = append(list, ps.list[i])
	}
	if ps.dropped > 0 {
		list = append(list, Problem{Message: fmt.Sprintf("%d more problems not listed", ps.dropped)})
	}
	return &Error{Filename: filename, Format: f, Problems: list, Count: len(ps.list) + ps.dropped}
}

func fail(filename string, f Format, node, field, format string, args ...any) *Error {
	var ps problems
	ps.add(node, field, format, args...)
	return ps.err(filename, f)
}

// Parse reads a framework from data, recognising its format from its content.
// filename is used in messages only. On any defect it returns a nil framework
// and an *Error listing every problem found.
func Parse(filename string, data []byte) (fw *catalog.Framework, f Format, err error) {
	defer func() {
		// Parsing is meant never to panic (FuzzParse checks it); this is the
		// last line of defence for a server that imports untrusted files.
		if r := recover(); r != nil {
			fw = nil
			err = fail(filename, f, "", "", "internal error while importing: %v", r)
		}
	}()
	fw, f, e := parse(filename, data)
	if e != nil {
		return nil, f, e
	}
	return fw, f, nil
}

func parse(filename string, data []byte) (*catalog.Framework, Format, *Error) {
	if len(data) > MaxInputSize {
		return nil, "", fail(filename, "", "", "", "file is %d bytes; the largest accepted is %d bytes (%d MiB)", len(data), MaxInputSize, MaxInputSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte-order mark
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", fail(filename, "", "", "", "file is empty")
	}
	if !utf8.Valid(data) {
		at := invalidUTF8(data)
		return nil, "", fail(filename, "", "", "", "file is not valid UTF-8 text: byte offset %d (line %d) starts an invalid sequence", at, bytes.Count(data[:at], []byte("\n"))+1)
	}
	if trimmed := bytes.TrimLeftFunc(data, unicode.IsSpace); trimmed[0] == '{' {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &top); err != nil {
			return nil, "", fail(filename, "", "", "", "not a valid JSON document: %v", err)
		}
		if raw, ok := top["catalog"]; ok {
			if r := bytes.TrimSpace(raw); len(r) == 0 || r[0] != '{' {
				return nil, OSCAL, fail(filename, OSCAL, "/catalog", "", "must be an object")
			}
			fw, e := parseOSCAL(filename, trimmed)
			return fw, OSCAL, e
		}
		if _, ok := top["objects"]; !ok {
			for _, model := range []string{"profile", "component-definition", "system-security-plan", "assessment-plan", "assessment-results", "plan-of-action-and-milestones", "mapping-collection"} {
				if _, ok := top[model]; ok {
					return nil, "", fail(filename, "", "", "", "this is an OSCAL %s, not an OSCAL catalog", model)
				}
			}
			return nil, "", fail(filename, "", "", "", "unrecognised JSON document: expected an OSCAL catalog (a top-level \"catalog\" object)")
		}
		// JSON is YAML: a CISO Assistant library written as JSON is read below.
	}
	fw, f, e := parseCISO(filename, data)
	return fw, f, e
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in
// data, or len(data).
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// checkText refuses a framework whose stored text exceeds the budget for an
// input of n bytes, naming the requirement at which the total passed it.
func checkText(filename string, f Format, fw *catalog.Framework, n int) *Error {
	budget := textBudget(n)
	total := 0
	for _, r := range fw.Requirements {
		size := len(r.ID) + len(r.Title) + len(r.Explanation)
		if size > maxRequirementText {
			return fail(filename, f, r.ID, "", "its text is %d bytes; one requirement may hold at most %d", size, maxRequirementText)
		}
		total += size
		if total > budget {
			return fail(filename, f, r.ID, "", "the text stored up to this requirement is %d bytes, more than the %d bytes allowed for a file of %d bytes (at most %d× its size, and never more than %d)", total, budget, n, maxTextRatio, maxImportText)
		}
	}
	return nil
}

// checkID reports why s is not an acceptable identifier, or "".
func checkID(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is empty"
	case utf8.RuneCountInString(s) > maxIDLen:
		return fmt.Sprintf("is %d characters long; at most %d are allowed", utf8.RuneCountInString(s), maxIDLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Sprintf("contains a control character: %q", s)
	}
	return ""
}

// slug lower-cases s and keeps [a-z0-9], turning every other run into one
// hyphen, trimmed at both ends and cut to 64 characters.
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			dash = false
			sb.WriteRune(r)
			if sb.Len() >= 64 {
				break
			}
			continue
		}
		dash = true
	}
	return sb.String()
}

// uniqueID returns base, or base-2, base-3, … whichever is not yet taken, and
// marks it taken.
func uniqueID(base string, taken map[string]bool) string {
	id := base
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	taken[id] = true
	return id
}

// validate is the final check: what Parse returns must pass the catalog's own
// validation. A failure here is a bug of the importer, reported as a problem
// rather than by returning a framework the rest of Attest would reject.
func validate(filename string, f Format, fw *catalog.Framework) *Error {
	if err := catalog.ValidateFramework(fw); err != nil {
		return fail(filename, f, "", "", "the imported framework is inconsistent: %v", err)
	}
	return nil
}

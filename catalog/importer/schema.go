package importer

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// NIST's OSCAL catalog JSON schema, v1.2.1 (draft-07); see schema/README.md.
//
//go:embed schema/oscal_catalog_schema.json
var catalogSchemaJSON []byte

const catalogSchemaURL = "http://csrc.nist.gov/ns/oscal/1.2.1/oscal-catalog-schema.json"

var (
	schemaOnce     sync.Once
	catalogSchema  *jsonschema.Schema
	schemaErr      error
	messagePrinter = message.NewPrinter(language.English)
)

// oscalCatalogSchema compiles the embedded schema once. Its patterns use
// Unicode classes such as \p{L}, which Go's regexp (the library's default
// engine) supports.
func oscalCatalogSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(catalogSchemaJSON))
		if err != nil {
			schemaErr = fmt.Errorf("embedded OSCAL schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(catalogSchemaURL, doc); err != nil {
			schemaErr = fmt.Errorf("embedded OSCAL schema: %w", err)
			return
		}
		catalogSchema, schemaErr = c.Compile(catalogSchemaURL)
	})
	return catalogSchema, schemaErr
}

// schemaProblems turns a validation error tree into problems: its leaf causes,
// each at the JSON pointer of the value at fault. Where the schema offers
// alternatives (anyOf, oneOf) and none fits, only the alternative that came
// closest is reported: OSCAL groups and parameters are written as anyOf
// branches that differ in which properties they allow, and listing why every
// branch failed would bury the point. The list is deduplicated and capped at
// maxSchemaProblems.
func schemaProblems(ve *jsonschema.ValidationError, inst any, ps *problems) {
	lc := leafCollector{memo: map[*jsonschema.ValidationError][]*jsonschema.ValidationError{}}
	seen := map[Problem]bool{}
	var out []Problem
	for _, l := range lc.leaves(ve, 0) {
		p := leafProblem(l, inst)
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	for i, p := range out {
		if i == maxSchemaProblems {
			ps.add("", "", "%d more schema violations not listed", len(out)-maxSchemaProblems)
			break
		}
		ps.add(p.Node, p.Field, "%s", p.Message)
	}
}

// maxErrorDepth bounds the recursion over the error tree; JSON nesting is
// itself bounded (encoding/json stops at 10,000 levels).
const maxErrorDepth = 100000

// leafCollector flattens validation errors, remembering each subtree's
// leaves so that nested alternatives are weighed in linear time.
type leafCollector struct {
	memo map[*jsonschema.ValidationError][]*jsonschema.ValidationError
}

func (lc *leafCollector) leaves(ve *jsonschema.ValidationError, depth int) []*jsonschema.ValidationError {
	if got, ok := lc.memo[ve]; ok {
		return got
	}
	var out []*jsonschema.ValidationError
	switch ve.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		if len(ve.Causes) > 0 && depth <= maxErrorDepth {
			out = lc.closestBranch(ve, depth)
			break
		}
		out = []*jsonschema.ValidationError{ve}
	default:
		if len(ve.Causes) == 0 || depth > maxErrorDepth {
			out = []*jsonschema.ValidationError{ve}
			break
		}
		for _, c := range ve.Causes {
			out = append(out, lc.leaves(c, depth+1)...)
		}
	}
	lc.memo[ve] = out
	return out
}

// closestBranch returns the leaves of the failed alternative (of an anyOf or
// oneOf) that fits best: first the one with the fewest violations on the
// value itself (a branch that rejects the value's very properties is the
// wrong branch; one whose complaints are deeper down matched its shape), then
// the one with the fewest violations overall, then the first.
func (lc *leafCollector) closestBranch(ve *jsonschema.ValidationError, depth int) []*jsonschema.ValidationError {
	at := len(ve.InstanceLocation)
	var best []*jsonschema.ValidationError
	bestShallow := -1
	for _, c := range ve.Causes {
		leaves := lc.leaves(c, depth+1)
		shallow := 0
		for _, l := range leaves {
			if len(l.InstanceLocation) <= at {
				shallow++
			}
		}
		if bestShallow < 0 || shallow < bestShallow || (shallow == bestShallow && len(leaves) < len(best)) {
			best, bestShallow = leaves, shallow
		}
	}
	return best
}

// leafProblem describes one violation. The node is the JSON pointer of the
// object concerned (with its id when it has one); the field is the property
// at fault.
func leafProblem(ve *jsonschema.ValidationError, inst any) Problem {
	loc := ve.InstanceLocation
	var p Problem
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		p.Field = strings.Join(k.Missing, ", ")
		p.Message = "missing (required by the OSCAL catalog schema)"
	case *kind.AdditionalProperties:
		p.Field = strings.Join(k.Properties, ", ")
		p.Message = "not allowed here by the OSCAL catalog schema"
	case *kind.Pattern:
		if hint, ok := patternHints[k.Want]; ok {
			p.Message = fmt.Sprintf("%q is not %s", k.Got, hint)
		} else {
			p.Message = k.LocalizedString(messagePrinter)
		}
		if n := len(loc); n > 0 && !isIndex(loc[n-1]) {
			p.Field = loc[n-1]
			loc = loc[:n-1]
		}
	default:
		p.Message = k.LocalizedString(messagePrinter)
		if n := len(loc); n > 0 && !isIndex(loc[n-1]) {
			p.Field = loc[n-1]
			loc = loc[:n-1]
		}
	}
	p.Node = nodeName(loc, inst)
	return p
}

// patternHints says in words what the schema's commonest patterns want.
var patternHints = map[string]string{
	`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`: "a valid OSCAL token (a letter or _ first, then letters, digits, '.', '-' or '_')",
	"^[^\n]+$":                         "a single non-empty line",
	`^\S(.*\S)?$`:                      "a non-empty string without leading or trailing whitespace",
	`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$`: "a version 4 or 5 UUID",
}

func isIndex(tok string) bool {
	_, err := strconv.Atoi(tok)
	return err == nil
}

// nodeName renders a JSON pointer, prefixed by the id of the object it
// points at when that object has one.
func nodeName(loc []string, inst any) string {
	ptr := jsonPointer(loc)
	if ptr == "" {
		ptr = "/"
	}
	v := inst
	for _, tok := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return ptr
			}
			v = x[i]
		default:
			return ptr
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if id, ok := obj["id"].(string); ok && id != "" && len(loc) > 0 {
			return fmt.Sprintf("%s (%s)", id, ptr)
		}
	}
	return ptr
}

// jsonPointer renders tokens as an RFC 6901 JSON pointer.
func jsonPointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		sb.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return sb.String()
}

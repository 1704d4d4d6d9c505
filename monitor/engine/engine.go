// Package engine evaluates automated tests, written as data, on collected
// resources. A test is a YAML definition with CEL expressions: which
// resources it applies to, and when one passes. The package is pure: no
// storage, no clock, no network, so a verdict can be re-derived anywhere from
// a snapshot and a test version (see docs/writing-tests.md).
package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
)

// Definition is one test as written. Files hold `tests: [ … ]`.
type Definition struct {
	ID           string         `yaml:"id" json:"id"`
	Title        string         `yaml:"title" json:"title"`
	Description  string         `yaml:"description" json:"description"`
	ResourceType string         `yaml:"resource_type" json:"resource_type"`
	Applies      string         `yaml:"applies" json:"applies,omitempty"` // CEL bool; empty: every resource of the type
	Pass         string         `yaml:"pass" json:"pass"`                 // CEL bool
	Field        string         `yaml:"field" json:"field"`               // dotted path shown as the observed value
	Expected     string         `yaml:"expected" json:"expected"`         // the expected value, in words
	Severity     string         `yaml:"severity" json:"severity"`
	Remediation  string         `yaml:"remediation" json:"remediation"`
	Controls     []string       `yaml:"controls" json:"controls"` // library control IDs the test supports
	Reads        []string       `yaml:"reads" json:"reads"`       // top-level fields of the resource it reads
	Params       map[string]any `yaml:"params" json:"params,omitempty"`
}

// Severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low"}

// Options shape compilation.
type Options struct {
	// ResourceTypes are the types a test may judge; empty admits any.
	ResourceTypes []string
	// MaxCost bounds one evaluation, in CEL cost units; 0 takes DefaultMaxCost.
	MaxCost uint64
}

// DefaultMaxCost bounds each evaluation: generous for a test that walks a
// resource's lists, small enough that a runaway expression (a comprehension
// inside a comprehension over a large list) stops in microseconds.
const DefaultMaxCost = 1_000_000

// maxExpression bounds the length of an expression's source.
const maxExpression = 4096

// Test is a compiled definition with its version.
type Test struct {
	Definition
	// Version is "sha256:" and the hex SHA-256 of the definition's canonical
	// JSON: any change to the test makes a new version.
	Version string

	applies *expr // nil: every resource
	pass    *expr
	field   []string
	params  map[string]any
}

// Env is what an evaluation sees besides the resource.
type Env struct {
	// Now is the time of the collection, so that a replay judges deadlines
	// as the original evaluation did.
	Now time.Time
	// Params override the definition's defaults (an organization's settings).
	Params map[string]any
	// Workers is how many goroutines EvaluateCollection judges with; 0: one
	// per CPU (GOMAXPROCS). Programs are safe for concurrent use; each
	// goroutine has its own activation.
	Workers int
}

// Verdict is a test's verdict on one resource.
type Verdict struct {
	Status   attest.ResultStatus `json:"status"`
	Message  string              `json:"message"`
	Observed any                 `json:"observed,omitempty"`
	Expected string              `json:"expected,omitempty"`
}

// Result is a verdict with what it is about.
type Result struct {
	Test        string             `json:"test"`
	TestVersion string             `json:"test_version"`
	Resource    attest.ResourceRef `json:"resource"`
	Verdict
}

var (
	envOnce sync.Once
	baseEnv *cel.Env
	envErr  error
)

// env is the CEL environment every test compiles in: the resource as a map,
// the collection's time, and the parameters.
func env() (*cel.Env, error) {
	envOnce.Do(func() {
		baseEnv, envErr = cel.NewEnv(
			cel.Variable("resource", cel.MapType(cel.StringType, cel.DynType)),
			cel.Variable("now", cel.TimestampType),
			cel.Variable("params", cel.MapType(cel.StringType, cel.DynType)),
			cel.CrossTypeNumericComparisons(true),
			cel.OptionalTypes(),
			ext.Strings(),
			ext.Lists(),
			ext.Sets(),
			cel.ParserExpressionSizeLimit(maxExpression),
			cel.ParserRecursionLimit(64),
		)
	})
	return baseEnv, envErr
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// fileSchema is a test file.
type fileSchema struct {
	Tests []Definition `yaml:"tests"`
}

// Parse reads the definitions of a test file. Unknown keys are refused, so a
// misspelt key is not silently ignored; errors name the file and line.
func Parse(data []byte, filename string) ([]Definition, error) {
	if len(data) > 1<<20 {
		return nil, attest.Invalid("tests", "%s is larger than 1 MiB", filename)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileSchema
	if err := dec.Decode(&f); err != nil {
		return nil, attest.Invalid("tests", "%s: %s", filename, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(f.Tests) == 0 {
		return nil, attest.Invalid("tests", "%s defines no tests (want a list under \"tests:\")", filename)
	}
	return f.Tests, nil
}

// Compile checks a definition and compiles its expressions. Errors are
// EINVALID and name the test and the field at fault.
func Compile(d Definition, opt Options) (*Test, error) {
	bad := func(field, format string, args ...any) error {
		name := d.ID
		if name == "" {
			name = "(no id)"
		}
		return attest.Invalid(field, "test %s: %s", name, fmt.Sprintf(format, args...))
	}
	d.Title, d.ResourceType, d.Field = strings.TrimSpace(d.Title), strings.TrimSpace(d.ResourceType), strings.TrimSpace(d.Field)
	switch {
	case !idPattern.MatchString(d.ID):
		return nil, bad("id", "must be lowercase words joined by dots, such as github.branch_protected (got %q)", d.ID)
	case d.Title == "" || len(d.Title) > 200:
		return nil, bad("title", "is required, at most 200 characters")
	case d.ResourceType == "":
		return nil, bad("resource_type", "is required")
	case len(opt.ResourceTypes) > 0 && !slices.Contains(opt.ResourceTypes, d.ResourceType):
		return nil, bad("resource_type", "unknown resource type %q; the installed connectors collect %s", d.ResourceType, strings.Join(opt.ResourceTypes, ", "))
	case !slices.Contains(Severities, d.Severity):
		return nil, bad("severity", "must be one of %s (got %q)", strings.Join(Severities, ", "), d.Severity)
	case strings.TrimSpace(d.Pass) == "":
		return nil, bad("pass", "is required: a CEL expression that is true when the resource passes")
	case len(d.Reads) == 0:
		return nil, bad("reads", "must list the resource fields the test reads, so that a field the source hides makes the result unverifiable")
	case slices.ContainsFunc(d.Reads, func(r string) bool { return r == "" || strings.Contains(r, ".") }):
		return nil, bad("reads", "lists top-level fields only, such as branch (got %s)", strings.Join(d.Reads, ", "))
	case d.Field == "":
		return nil, bad("field", "is required: the field whose value a failure shows")
	case !slices.Contains(d.Reads, strings.Split(d.Field, ".")[0]):
		return nil, bad("field", "%s is not under a field listed in reads", d.Field)
	case strings.TrimSpace(d.Expected) == "":
		return nil, bad("expected", "is required: the expected value, in words, for failure messages")
	case strings.TrimSpace(d.Remediation) == "":
		return nil, bad("remediation", "is required: what to do when the test fails")
	}
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("engine: CEL environment: %w", err)
	}
	maxCost := opt.MaxCost
	if maxCost == 0 {
		maxCost = DefaultMaxCost
	}
	t := &Test{Definition: d, field: strings.Split(d.Field, "."), params: normalize(d.Params).(map[string]any)}
	if t.params == nil {
		t.params = map[string]any{}
	}
	t.Params = t.params
	if t.pass, err = program(e, d.Pass, maxCost); err != nil {
		return nil, bad("pass", "%v", err)
	}
	if strings.TrimSpace(d.Applies) != "" {
		if t.applies, err = program(e, d.Applies, maxCost); err != nil {
			return nil, bad("applies", "%v", err)
		}
	}
	hash, _, err := ledger.HashRecord(t.Definition)
	if err != nil {
		return nil, bad("params", "%v", err)
	}
	t.Version = "sha256:" + hash
	return t, nil
}

// expr is a compiled expression. Its static cost estimate is within the
// limit whenever every list, map and string of the resource holds at most
// assumedSize items, so for such a resource (nearly all) the fast program
// runs without tracking cost; a larger one runs the limited program, which
// stops at the limit. Tracking cost would otherwise take a third of the time.
type expr struct {
	fast, limited cel.Program
}

func (x *expr) eval(act *activation) (bool, error) {
	p := x.limited
	if act.small {
		p = x.fast
	}
	out, _, err := p.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("the expression gave %v, not a bool (true or false)", out.Value())
	}
	return b, nil
}

// program compiles one boolean expression whose cost is bounded.
func program(e *cel.Env, src string, maxCost uint64) (*expr, error) {
	if len(src) > maxExpression {
		return nil, fmt.Errorf("is longer than %d characters", maxExpression)
	}
	ast, iss := e.Compile(src)
	if iss.Err() != nil {
		return nil, errors.New(strings.ReplaceAll(iss.Err().Error(), "\n", " "))
	}
	if out := ast.OutputType(); !out.IsExactType(cel.BoolType) && !out.IsExactType(cel.DynType) {
		return nil, fmt.Errorf("must be true or false, but it gives %s", out)
	}
	// Bounded cost, checked before the test is saved: the estimate assumes
	// every list, map and string of the resource holds up to assumedSize
	// items.
	est, err := e.EstimateCost(ast, boundedSizes{})
	if err != nil {
		return nil, fmt.Errorf("estimating its cost: %v", err)
	}
	if est.Max > maxCost {
		return nil, fmt.Errorf("too costly: its cost could reach %d (limit %d) when resource lists hold %d items; avoid a scan inside a scan", est.Max, maxCost, assumedSize)
	}
	x := &expr{}
	if x.fast, err = e.Program(ast, cel.EvalOptions(cel.OptOptimize)); err != nil {
		return nil, err
	}
	if x.limited, err = e.Program(ast, cel.CostLimit(maxCost), cel.EvalOptions(cel.OptOptimize)); err != nil {
		return nil, err
	}
	return x, nil
}

// withinSize reports whether every list, map and string in v holds at most
// assumedSize items, so the static cost estimate holds for it.
func withinSize(v any, depth int) bool {
	if depth > 32 {
		return false
	}
	switch t := v.(type) {
	case string:
		return len(t) <= assumedSize
	case []any:
		if len(t) > assumedSize {
			return false
		}
		for _, x := range t {
			if !withinSize(x, depth+1) {
				return false
			}
		}
	case []string:
		if len(t) > assumedSize {
			return false
		}
		for _, x := range t {
			if len(x) > assumedSize {
				return false
			}
		}
	case map[string]any:
		if len(t) > assumedSize {
			return false
		}
		for _, x := range t {
			if !withinSize(x, depth+1) {
				return false
			}
		}
	}
	return true
}

// assumedSize is the size the static cost estimate gives every list, map and
// string whose size it cannot see.
const assumedSize = 1000

// boundedSizes is the static estimate's assumption about sizes.
type boundedSizes struct{}

func (boundedSizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if n.ComputedSize() != nil {
		return nil
	}
	return &cost.SizeEstimate{Min: 0, Max: assumedSize}
}

func (boundedSizes) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}

// normalize turns the numbers YAML and JSON give (int, float64 with no
// fraction) into int64, so that a definition compiles to the same values
// whether it was read from YAML or from its stored JSON.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return map[string]any(nil)
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = normalize(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normalize(x)
		}
		return out
	case int:
		return int64(t)
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int64(t)
		}
	}
	return v
}

// LoadFS compiles every *.yaml file in fsys, sorted by test ID; two tests
// with one ID are refused.
func LoadFS(fsys fs.FS, opt Options) ([]*Test, error) {
	var tests []*Test
	seen := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".yaml" {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		defs, err := Parse(data, name)
		if err != nil {
			return err
		}
		for _, def := range defs {
			t, err := Compile(def, opt)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if other, dup := seen[t.ID]; dup {
				return attest.Invalid("id", "%s: test %s is also defined in %s", name, t.ID, other)
			}
			seen[t.ID] = name
			tests = append(tests, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].ID < tests[j].ID })
	return tests, nil
}

// activation resolves the three variables without building a map per
// evaluation.
type activation struct {
	small    bool // the resource is within the static cost estimate's sizes
	resource map[string]any
	now      ref.Val
	params   map[string]any
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "resource":
		return a.resource, true
	case "now":
		return a.now, true
	case "params":
		return a.params, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Evaluate judges one resource. A field the source would not expose makes the
// result unverifiable (with the reason), never a failure; a resource the test
// does not apply to is not applicable; an expression that cannot be evaluated
// is an error.
func (t *Test) Evaluate(r attest.Resource, env Env) Verdict {
	return t.evaluate(r, t.activation(r, env))
}

func (t *Test) activation(r attest.Resource, env Env) *activation {
	params := t.params
	if len(env.Params) > 0 {
		params = make(map[string]any, len(t.params)+len(env.Params))
		for k, v := range t.params {
			params[k] = v
		}
		for k, v := range normalize(env.Params).(map[string]any) {
			params[k] = v
		}
	}
	data := r.Data
	if data == nil {
		data = map[string]any{}
	}
	return &activation{resource: data, small: withinSize(data, 0), now: types.Timestamp{Time: env.Now.UTC()}, params: params}
}

func (t *Test) evaluate(r attest.Resource, act *activation) Verdict {
	hidden := func() (string, string) {
		for _, f := range t.Reads {
			if reason := r.Unavailable[f]; reason != "" {
				return f, reason
			}
		}
		// A nested field the source hides (such as branch.applies_to_admins)
		// makes the test that shows it unverifiable.
		for f, reason := range r.Unavailable {
			if strings.Contains(f, ".") && (t.Field == f || strings.HasPrefix(t.Field, f+".")) {
				return f, reason
			}
		}
		return "", ""
	}
	if t.applies != nil {
		ok, err := t.applies.eval(act)
		if err != nil {
			if f, reason := hidden(); f != "" {
				return t.unverifiable(r, f, reason)
			}
			return Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s: cannot tell whether %s applies: %v", r.Key, t.ID, err)}
		}
		if !ok {
			return Verdict{Status: attest.ResultNotApplicable, Message: fmt.Sprintf("%s: %s does not apply", r.Key, t.Title)}
		}
	}
	if f, reason := hidden(); f != "" {
		return t.unverifiable(r, f, reason)
	}
	observed, found := lookup(act.resource, t.field)
	ok, err := t.pass.eval(act)
	if err != nil {
		return Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s: %s could not be evaluated: %v", r.Key, t.ID, err), Expected: t.Expected}
	}
	shown := "absent"
	if found {
		shown = show(observed)
	}
	if ok {
		return Verdict{Status: attest.ResultPass, Message: r.Key + ": " + t.Field + " is " + shown, Observed: observed, Expected: t.Expected}
	}
	return Verdict{Status: attest.ResultFail, Message: r.Key + ": " + t.Field + " is " + shown + ", expected " + t.Expected,
		Observed: observed, Expected: t.Expected}
}

func (t *Test) unverifiable(r attest.Resource, field, reason string) Verdict {
	return Verdict{Status: attest.ResultUnverifiable, Message: fmt.Sprintf("%s: %s cannot be verified: %s", r.Key, field, reason), Expected: t.Expected}
}

// lookup follows a dotted path through maps.
func lookup(data map[string]any, path []string) (any, bool) {
	var cur any = data
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// show writes an observed value for a message.
func show(v any) string {
	switch t := v.(type) {
	case bool:
		if t {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case nil:
		return "null"
	case string:
		if t == "" {
			return `""`
		}
		return t
	case []any:
		if len(t) == 0 {
			return "empty"
		}
		parts := make([]string, 0, min(len(t), 5))
		for i, x := range t {
			if i == 5 {
				parts = append(parts, fmt.Sprintf("… (%d in all)", len(t)))
				break
			}
			parts = append(parts, show(x))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return show(out)
	case map[string]any:
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Sprintf("an object of %d fields", len(t))
		}
		if len(b) > 200 {
			return string(b[:200]) + "…"
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// EvaluateCollection runs every test on every resource of its type. A type
// the collection could not see gives each of its tests one error result,
// keyed "*", naming why. Results are sorted by test, then resource key.
func EvaluateCollection(tests []*Test, c attest.Collection, env Env) []Result {
	byType := map[string][]attest.Resource{}
	for _, r := range c.Resources {
		byType[r.Type] = append(byType[r.Type], r)
	}
	small := map[string][]bool{} // per type, per resource: within the cost estimate's sizes
	for typ, rs := range byType {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Key < rs[j].Key })
		s := make([]bool, len(rs))
		for i, r := range rs {
			s[i] = withinSize(r.Data, 0)
		}
		small[typ] = s
	}
	ordered := slices.Clone(tests)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].ID < ordered[j].ID })
	now := types.Timestamp{Time: env.Now.UTC()}

	// Every result has its place in out before any is judged, so the order
	// is the same however many goroutines fill it: the work is cut into
	// chunks of one test over a run of resources.
	type chunk struct {
		t      *Test
		lo, hi int // resources of the test's type
		at     int // index in out of the first
	}
	const chunkSize = 1024
	var chunks []chunk
	n := 0
	for _, t := range ordered {
		if c.Failed[t.ResourceType] != "" {
			n++
		}
		rs := len(byType[t.ResourceType])
		for lo := 0; lo < rs; lo += chunkSize {
			chunks = append(chunks, chunk{t: t, lo: lo, hi: min(lo+chunkSize, rs), at: n + lo})
		}
		n += rs
	}
	out := make([]Result, n)
	i := 0
	for _, t := range ordered {
		if reason := c.Failed[t.ResourceType]; reason != "" {
			out[i] = Result{Test: t.ID, TestVersion: t.Version, Resource: attest.ResourceRef{Type: t.ResourceType, Key: "*"},
				Verdict: Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s could not be collected: %s", t.ResourceType, reason)}}
			i++
		}
		i += len(byType[t.ResourceType])
	}
	judge := func(ch chunk) {
		t := ch.t
		act := t.activation(attest.Resource{}, env)
		act.now = now
		rs, sm := byType[t.ResourceType], small[t.ResourceType]
		for i := ch.lo; i < ch.hi; i++ {
			r := rs[i]
			act.resource = r.Data
			if act.resource == nil {
				act.resource = map[string]any{}
			}
			act.small = sm[i]
			out[ch.at+i-ch.lo] = Result{Test: t.ID, TestVersion: t.Version, Resource: r.Ref(), Verdict: t.evaluate(r, act)}
		}
	}
	workers := env.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(chunks))
	if workers <= 1 {
		for _, ch := range chunks {
			judge(ch)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(chunks) {
					return
				}
				judge(chunks[k])
			}
		}()
	}
	wg.Wait()
	return out
}

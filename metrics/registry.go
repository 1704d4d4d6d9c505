// Package metrics counts what an Attest process does and writes it in the
// Prometheus text exposition format (version 0.0.4), with the standard
// library alone.
//
// There is no global registry: the composition root (app) makes one Metrics
// per process with New and hands its methods to what it counts (the web
// handler, the job queue, the monitoring service, the ledger). A Registry is
// the small general part: counters, gauges and histograms with fixed label
// names, written in the order they were registered.
package metrics

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds metric families and writes them out.
type Registry struct {
	mu       sync.Mutex
	families []family
	names    map[string]bool
}

// family is one metric name with its HELP and TYPE lines and its series.
type family interface {
	write(w *bufio.Writer)
}

func (r *Registry) add(name string, f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ValidName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name)) // a programming error, caught by tests
	}
	if r.names[name] {
		panic(fmt.Sprintf("metrics: %s registered twice", name))
	}
	if r.names == nil {
		r.names = map[string]bool{}
	}
	r.names[name] = true
	r.families = append(r.families, f)
}

// reader is a family whose series are read at each scrape: read returns
// them as a family to write.
type reader interface {
	read(ctx context.Context) (family, error)
}

// Write writes every family in the text exposition format. The families
// read at scrape time (GaugeRead) are all read first, before anything is
// written, so that whatever a read counts (its failure) shows in this very
// exposition. A family whose read fails is left out, HELP and TYPE too, and
// the rest is written in full; the error returned names each one left out,
// joined with w's own error if any.
func (r *Registry) Write(ctx context.Context, w io.Writer) error {
	r.mu.Lock()
	fams := slices.Clone(r.families)
	r.mu.Unlock()
	var errs []error
	for i, f := range fams {
		rd, ok := f.(reader)
		if !ok {
			continue
		}
		read, err := rd.read(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		fams[i] = read // nil when the read failed
	}
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		if f != nil {
			f.write(bw)
		}
	}
	return errors.Join(append(errs, bw.Flush())...)
}

// vec keeps one value of type T per combination of label values. Label
// values are whatever the caller passes, so callers pass only values from a
// fixed set (a route pattern, a job kind), never a path or an ID.
type vec[T any] struct {
	name, help, typ string
	labels          []string
	mu              sync.RWMutex
	series          map[string]*entry[T]
	fresh           func() *T
}

type entry[T any] struct {
	values []string
	v      *T
}

func newVec[T any](name, help, typ string, labels []string, fresh func() *T) *vec[T] {
	checkLabels(name, labels)
	return &vec[T]{name: name, help: help, typ: typ, labels: labels, series: map[string]*entry[T]{}, fresh: fresh}
}

// checkLabels refuses label names the format does not allow, or reserves
// (le is the histograms' bucket bound).
func checkLabels(name string, labels []string) {
	for _, l := range labels {
		if !ValidName(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic(fmt.Sprintf("metrics: invalid label name %q of %s", l, name))
		}
	}
}

// get returns the value for the label values, creating it at zero.
func (v *vec[T]) get(values []string) *T {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", v.name, len(v.labels), len(values)))
	}
	key := strings.Join(values, "\xff")
	v.mu.RLock()
	e := v.series[key]
	v.mu.RUnlock()
	if e != nil {
		return e.v
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if e = v.series[key]; e == nil {
		e = &entry[T]{values: slices.Clone(values), v: v.fresh()}
		v.series[key] = e
	}
	return e.v
}

// sorted returns the series ordered by their label values, so that the
// output is stable from one scrape to the next.
func (v *vec[T]) sorted() []*entry[T] {
	v.mu.RLock()
	out := make([]*entry[T], 0, len(v.series))
	for _, e := range v.series {
		out = append(out, e)
	}
	v.mu.RUnlock()
	slices.SortFunc(out, func(a, b *entry[T]) int { return slices.Compare(a.values, b.values) })
	return out
}

func (v *vec[T]) header(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", v.name, escapeHelp(v.help), v.name, v.typ)
}

// Counter is a count that only goes up, per combination of label values.
type Counter struct{ v *vec[atomic.Uint64] }

// Counter registers a counter. Its name should end in _total.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	c := &Counter{newVec(name, help, "counter", labels, func() *atomic.Uint64 { return new(atomic.Uint64) })}
	r.add(name, c)
	return c
}

// Inc adds one to the series of the label values.
func (c *Counter) Inc(values ...string) { c.v.get(values).Add(1) }

// Value is the series' current count, for tests.
func (c *Counter) Value(values ...string) uint64 { return c.v.get(values).Load() }

func (c *Counter) write(w *bufio.Writer) {
	c.v.header(w)
	for _, e := range c.v.sorted() {
		sample(w, c.v.name, c.v.labels, e.values, "", "", float64(e.v.Load()))
	}
}

// Gauge is a value that goes up and down, per combination of label values.
type Gauge struct{ v *vec[atomic.Uint64] } // float64 bits

// Gauge registers a gauge.
func (r *Registry) Gauge(name, help string, labels ...string) *Gauge {
	g := &Gauge{newVec(name, help, "gauge", labels, func() *atomic.Uint64 { return new(atomic.Uint64) })}
	r.add(name, g)
	return g
}

// Set sets the series of the label values to x.
func (g *Gauge) Set(x float64, values ...string) { g.v.get(values).Store(math.Float64bits(x)) }

func (g *Gauge) write(w *bufio.Writer) {
	g.v.header(w)
	for _, e := range g.v.sorted() {
		sample(w, g.v.name, g.v.labels, e.values, "", "", math.Float64frombits(e.v.Load()))
	}
}

// gaugeFunc is a gauge without labels whose value is read at each scrape.
type gaugeFunc struct {
	name, help string
	labels     []string
	values     []string
	f          func() float64
}

// GaugeFunc registers a gauge read from f at each scrape, with constant
// labels given as name, value pairs.
func (r *Registry) GaugeFunc(name, help string, f func() float64, labelPairs ...string) {
	g := &gaugeFunc{name: name, help: help, f: f}
	for i := 0; i+1 < len(labelPairs); i += 2 {
		g.labels, g.values = append(g.labels, labelPairs[i]), append(g.values, labelPairs[i+1])
	}
	r.add(name, g)
}

func (g *gaugeFunc) write(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", g.name, escapeHelp(g.help), g.name)
	sample(w, g.name, g.labels, g.values, "", "", g.f())
}

// Sample is one series of a family read at scrape time: its label values,
// in the order of the family's label names, and its value.
type Sample struct {
	Values []string
	Value  float64
}

// gaugeRead is a gauge whose series are all read at each scrape: a figure
// that lives elsewhere (rows in the database), which a timer copying it
// into a Gauge would show late, and show from a process that may have
// stopped copying.
type gaugeRead struct {
	name, help string
	kind       string // gauge; counter for CounterRead's
	labels     []string
	f          func(ctx context.Context) ([]Sample, error)
}

// GaugeRead registers a gauge whose series f returns at each scrape, with
// the given label names. When f fails, the family is left out of that
// scrape (see Write). f gets the scrape's context; it should be quick, since
// a scrape waits for it.
func (r *Registry) GaugeRead(name, help string, f func(ctx context.Context) ([]Sample, error), labels ...string) {
	checkLabels(name, labels)
	r.add(name, &gaugeRead{name: name, help: help, kind: "gauge", labels: slices.Clone(labels), f: f})
}

// CounterRead is GaugeRead for counts kept elsewhere (by the web server, say)
// that only grow while the process runs: exposed as a counter.
func (r *Registry) CounterRead(name, help string, f func(ctx context.Context) ([]Sample, error), labels ...string) {
	checkLabels(name, labels)
	r.add(name, &gaugeRead{name: name, help: help, kind: "counter", labels: slices.Clone(labels), f: f})
}

func (g *gaugeRead) read(ctx context.Context) (family, error) {
	samples, err := g.f(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", g.name, err)
	}
	for _, s := range samples {
		if len(s.Values) != len(g.labels) {
			return nil, fmt.Errorf("%s takes %d label values, got %d", g.name, len(g.labels), len(s.Values))
		}
	}
	// Ordered by label values, so the output is stable from one scrape to
	// the next; a series named twice would make the exposition invalid.
	samples = slices.Clone(samples)
	slices.SortFunc(samples, func(a, b Sample) int { return slices.Compare(a.Values, b.Values) })
	for i := 1; i < len(samples); i++ {
		if slices.Equal(samples[i-1].Values, samples[i].Values) {
			return nil, fmt.Errorf("%s: the series %q is read twice", g.name, samples[i].Values)
		}
	}
	return readGauges{g, samples}, nil
}

// readGauges is what one scrape read of a gaugeRead.
type readGauges struct {
	g       *gaugeRead
	samples []Sample
}

func (s readGauges) write(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", s.g.name, escapeHelp(s.g.help), s.g.name, s.g.kind)
	for _, smp := range s.samples {
		sample(w, s.g.name, s.g.labels, smp.Values, "", "", smp.Value)
	}
}

// write is never called: Write writes what read returned.
func (g *gaugeRead) write(*bufio.Writer) {}

// Histogram counts observations into cumulative buckets, per combination of
// label values.
type Histogram struct {
	v       *vec[histogram]
	buckets []float64
}

type histogram struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// Histogram registers a histogram with the given upper bounds, in
// increasing order (+Inf is implied).
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *Histogram {
	if !slices.IsSorted(buckets) || len(buckets) == 0 || math.IsInf(buckets[len(buckets)-1], 1) {
		panic(fmt.Sprintf("metrics: the buckets of %s must be finite and increasing", name))
	}
	n := len(buckets) + 1
	h := &Histogram{newVec(name, help, "histogram", labels, func() *histogram { return &histogram{counts: make([]uint64, n)} }),
		slices.Clone(buckets)}
	r.add(name, h)
	return h
}

// Observe records x in the series of the label values.
func (h *Histogram) Observe(x float64, values ...string) {
	s := h.v.get(values)
	i, _ := slices.BinarySearch(h.buckets, x) // the first bound ≥ x: le is inclusive
	s.mu.Lock()
	s.counts[i]++
	s.sum += x
	s.count++
	s.mu.Unlock()
}

func (h *Histogram) write(w *bufio.Writer) {
	h.v.header(w)
	for _, e := range h.v.sorted() {
		s := e.v
		s.mu.Lock()
		counts, sum, count := slices.Clone(s.counts), s.sum, s.count
		s.mu.Unlock()
		var cum uint64
		for i, c := range counts {
			cum += c
			le := "+Inf"
			if i < len(h.buckets) {
				le = formatFloat(h.buckets[i])
			}
			sample(w, h.v.name+"_bucket", h.v.labels, e.values, "le", le, float64(cum))
		}
		sample(w, h.v.name+"_sum", h.v.labels, e.values, "", "", sum)
		sample(w, h.v.name+"_count", h.v.labels, e.values, "", "", float64(count))
	}
}

// sample writes one line: name{labels} value, with an extra label (le)
// when extraName is not empty.
func sample(w *bufio.Writer, name string, labels, values []string, extraName, extraValue string, x float64) {
	w.WriteString(name)
	if len(labels) > 0 || extraName != "" {
		w.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(l)
			w.WriteString(`="`)
			w.WriteString(escapeLabel(values[i]))
			w.WriteByte('"')
		}
		if extraName != "" {
			if len(labels) > 0 {
				w.WriteByte(',')
			}
			w.WriteString(extraName)
			w.WriteString(`="`)
			w.WriteString(extraValue)
			w.WriteByte('"')
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(x))
	w.WriteByte('\n')
}

func formatFloat(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case math.IsNaN(x):
		return "NaN"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// The format escapes backslashes and line feeds in HELP text, and double
// quotes as well in label values.
var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// ValidName reports whether s is a metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]*
// (colons are for recording rules, but allowed).
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Package metricstest reads the Prometheus text exposition format (version
// 0.0.4) strictly, for tests: every family has one HELP and one TYPE line
// before its samples and appears once, every sample belongs to the family
// above it, and a histogram's buckets are cumulative and end in +Inf equal
// to its count.
package metricstest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest/metrics"
)

// Sample is one line of values.
type Sample struct {
	Name   string // with a histogram's _bucket, _sum or _count suffix
	Labels map[string]string
	Value  float64
}

// Family is one metric: its HELP and TYPE and its samples in order.
type Family struct {
	Name, Help, Type string
	Samples          []Sample
}

// Scrape is a parsed exposition, by family name.
type Scrape map[string]*Family

var types = []string{"counter", "gauge", "histogram", "summary", "untyped"}

// Parse reads an exposition, refusing anything the format does not allow
// or that this package's rules (above) forbid.
func Parse(text string) (Scrape, error) {
	s := Scrape{}
	var cur *Family
	closed := map[string]bool{} // families whose block has ended
	start := func(name string, n int) (*Family, error) {
		if cur != nil && cur.Name == name {
			return cur, nil
		}
		if cur != nil {
			closed[cur.Name] = true
		}
		if closed[name] || s[name] != nil {
			return nil, fmt.Errorf("line %d: family %s appears twice", n, name)
		}
		cur = &Family{Name: name}
		s[name] = cur
		return cur, nil
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("the exposition does not end with a line feed")
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE "):
			kind, rest := line[2:6], line[7:]
			name, arg, ok := strings.Cut(rest, " ")
			if !metrics.ValidName(name) || !ok {
				return nil, fmt.Errorf("line %d: malformed %s line %q", n, kind, line)
			}
			f, err := start(name, n)
			if err != nil {
				return nil, err
			}
			if len(f.Samples) > 0 {
				return nil, fmt.Errorf("line %d: %s of %s after its samples", n, kind, name)
			}
			if kind == "HELP" {
				if f.Help != "" {
					return nil, fmt.Errorf("line %d: second HELP for %s", n, name)
				}
				h, err := unescape(arg, false)
				if err != nil || h == "" {
					return nil, fmt.Errorf("line %d: HELP of %s: empty or badly escaped", n, name)
				}
				f.Help = h
			} else {
				if f.Type != "" {
					return nil, fmt.Errorf("line %d: second TYPE for %s", n, name)
				}
				if !slices.Contains(types, arg) {
					return nil, fmt.Errorf("line %d: unknown type %q for %s", n, arg, name)
				}
				f.Type = arg
			}
		case strings.HasPrefix(line, "#"):
			continue // a comment
		default:
			smp, err := parseSample(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if cur == nil || !belongs(cur, smp.Name) {
				return nil, fmt.Errorf("line %d: sample %s outside its family's block", n, smp.Name)
			}
			if cur.Help == "" || cur.Type == "" {
				return nil, fmt.Errorf("line %d: %s has samples without HELP and TYPE before them", n, cur.Name)
			}
			cur.Samples = append(cur.Samples, smp)
		}
	}
	for _, f := range s {
		if f.Help == "" || f.Type == "" {
			return nil, fmt.Errorf("%s lacks its HELP or TYPE line", f.Name)
		}
		if f.Type == "histogram" {
			if err := checkHistogram(f); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

func belongs(f *Family, sample string) bool {
	if sample == f.Name {
		return f.Type != "histogram"
	}
	if f.Type == "histogram" {
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if sample == f.Name+suf {
				return true
			}
		}
	}
	return false
}

// parseSample reads name{l="v",…} value [timestamp].
func parseSample(line string) (Sample, error) {
	smp := Sample{Labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return smp, fmt.Errorf("no value in %q", line)
	}
	smp.Name, line = line[:i], line[i:]
	if !metrics.ValidName(smp.Name) {
		return smp, fmt.Errorf("invalid metric name %q", smp.Name)
	}
	if strings.HasPrefix(line, "{") {
		line = line[1:]
		for !strings.HasPrefix(line, "}") {
			name, rest, ok := strings.Cut(line, "=")
			if !ok || !metrics.ValidName(name) || strings.Contains(name, ":") || !strings.HasPrefix(rest, `"`) {
				return smp, fmt.Errorf("malformed label in %s", smp.Name)
			}
			end := closingQuote(rest[1:])
			if end < 0 {
				return smp, fmt.Errorf("unterminated label value in %s", smp.Name)
			}
			v, err := unescape(rest[1:1+end], true)
			if err != nil {
				return smp, fmt.Errorf("label %s of %s: %w", name, smp.Name, err)
			}
			if _, dup := smp.Labels[name]; dup {
				return smp, fmt.Errorf("label %s twice in %s", name, smp.Name)
			}
			smp.Labels[name] = v
			line = rest[2+end:]
			if strings.HasPrefix(line, ",") {
				line = line[1:]
			} else if !strings.HasPrefix(line, "}") {
				return smp, fmt.Errorf("malformed labels in %s", smp.Name)
			}
		}
		line = line[1:]
	}
	fields := strings.Fields(line)
	if len(fields) < 1 || len(fields) > 2 || !strings.HasPrefix(line, " ") {
		return smp, fmt.Errorf("want a value (and a timestamp) after %s, got %q", smp.Name, line)
	}
	v, err := parseFloat(fields[0])
	if err != nil {
		return smp, fmt.Errorf("value of %s: %w", smp.Name, err)
	}
	if len(fields) == 2 {
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			return smp, fmt.Errorf("timestamp of %s: %w", smp.Name, err)
		}
	}
	smp.Value = v
	return smp, nil
}

// closingQuote is the index of the first unescaped double quote in s.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unescape undoes the format's escapes: \\ and \n, and \" in label values.
func unescape(s string, label bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' || (label && c == '"') {
			return "", fmt.Errorf("unescaped %q", c)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("a lone backslash")
		}
		i++
		switch {
		case s[i] == '\\':
			b.WriteByte('\\')
		case s[i] == 'n':
			b.WriteByte('\n')
		case s[i] == '"' && label:
			b.WriteByte('"')
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

func parseFloat(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

// checkHistogram checks every series of a histogram: increasing bounds,
// cumulative counts, a +Inf bucket equal to _count, and a _sum.
func checkHistogram(f *Family) error {
	type series struct {
		les      []float64
		counts   []float64
		sum      bool
		count    float64
		hasCount bool
	}
	all := map[string]*series{}
	for _, smp := range f.Samples {
		key := labelKey(smp.Labels, "le")
		s := all[key]
		if s == nil {
			s = &series{}
			all[key] = s
		}
		switch smp.Name {
		case f.Name + "_bucket":
			le, ok := smp.Labels["le"]
			if !ok {
				return fmt.Errorf("%s: a bucket without le", f.Name)
			}
			x, err := parseFloat(le)
			if err != nil {
				return fmt.Errorf("%s: le %q: %w", f.Name, le, err)
			}
			if n := len(s.les); n > 0 && (x <= s.les[n-1] || smp.Value < s.counts[n-1]) {
				return fmt.Errorf("%s{%s}: bucket le=%s out of order or not cumulative", f.Name, key, le)
			}
			s.les, s.counts = append(s.les, x), append(s.counts, smp.Value)
		case f.Name + "_sum":
			s.sum = true
		case f.Name + "_count":
			s.count, s.hasCount = smp.Value, true
		}
	}
	for key, s := range all {
		n := len(s.les)
		if n == 0 || !math.IsInf(s.les[n-1], 1) || !s.sum || !s.hasCount || s.counts[n-1] != s.count {
			return fmt.Errorf("%s{%s}: want buckets ending in +Inf equal to _count, and a _sum", f.Name, key)
		}
	}
	return nil
}

func labelKey(labels map[string]string, except string) string {
	var parts []string
	for k, v := range labels {
		if k != except {
			parts = append(parts, k+"="+strconv.Quote(v))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// Value is the sample of the exact name and label set (given as name, value
// pairs), and whether there is one.
func (s Scrape) Value(name string, labelPairs ...string) (float64, bool) {
	want := map[string]string{}
	for i := 0; i+1 < len(labelPairs); i += 2 {
		want[labelPairs[i]] = labelPairs[i+1]
	}
	for _, f := range s {
		for _, smp := range f.Samples {
			if smp.Name == name && labelKey(smp.Labels, "") == labelKey(want, "") {
				return smp.Value, true
			}
		}
	}
	return 0, false
}

// Get is Value with a series not yet made read as zero, as Prometheus reads
// a counter that has not started.
func (s Scrape) Get(name string, labelPairs ...string) float64 {
	v, _ := s.Value(name, labelPairs...)
	return v
}

// Sum adds the samples of name whose labels include the given pairs.
func (s Scrape) Sum(name string, labelPairs ...string) float64 {
	var total float64
	for _, f := range s {
		for _, smp := range f.Samples {
			if smp.Name != name {
				continue
			}
			match := true
			for i := 0; i+1 < len(labelPairs); i += 2 {
				if smp.Labels[labelPairs[i]] != labelPairs[i+1] {
					match = false
				}
			}
			if match {
				total += smp.Value
			}
		}
	}
	return total
}

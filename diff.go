package attest

import "strings"

// DiffOp says what a line of a diff does: kept, removed or added.
type DiffOp byte

// Diff operations.
const (
	DiffSame DiffOp = ' '
	DiffDel  DiffOp = '-'
	DiffAdd  DiffOp = '+'
)

// MarshalJSON names the operation: "same", "removed" or "added".
func (op DiffOp) MarshalJSON() ([]byte, error) {
	switch op {
	case DiffDel:
		return []byte(`"removed"`), nil
	case DiffAdd:
		return []byte(`"added"`), nil
	}
	return []byte(`"same"`), nil
}

// DiffLine is one line of a line-by-line diff.
type DiffLine struct {
	Op   DiffOp `json:"op"`
	Text string `json:"text"`
}

// maxDiffEdits bounds the work (and memory, which grows with its square) of
// a diff: two texts further apart than this many inserted and removed lines
// are shown as one replaced by the other.
const maxDiffEdits = 1000

// DiffLines compares two texts line by line (Myers' algorithm: a shortest
// edit script). complete is false when the texts were too far apart to
// compare closely and the middle is shown as removed, then added.
func DiffLines(old, new string) (lines []DiffLine, complete bool) {
	a, b := splitLines(old), splitLines(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for _, l := range a[:pre] {
		lines = append(lines, DiffLine{DiffSame, l})
	}
	mid, complete := shortestEdit(a[pre:len(a)-suf], b[pre:len(b)-suf])
	lines = append(lines, mid...)
	for _, l := range a[len(a)-suf:] {
		lines = append(lines, DiffLine{DiffSame, l})
	}
	return lines, complete
}

// DiffChanged counts the removed and added lines of a diff.
func DiffChanged(lines []DiffLine) (removed, added int) {
	for _, l := range lines {
		switch l.Op {
		case DiffDel:
			removed++
		case DiffAdd:
			added++
		}
	}
	return removed, added
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
}

// shortestEdit is Myers' O(ND) diff. trace[d] keeps the furthest x reached
// on each diagonal k in -d-1..d+1 before step d, which is all the walk back
// needs; keeping only that range makes memory grow with d² rather than with
// d times the texts' length.
func shortestEdit(a, b []string) ([]DiffLine, bool) {
	n, m := len(a), len(b)
	if n+m == 0 {
		return nil, true
	}
	max := n + m
	off := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int
	for d := 0; d <= max; d++ {
		if d > maxDiffEdits {
			return replaced(a, b), false
		}
		snap := make([]int, 2*d+3)
		for k := -d - 1; k <= d+1; k++ {
			snap[k+d+1] = v[off+k]
		}
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return walkBack(trace, a, b), true
			}
		}
	}
	return replaced(a, b), false // not reached: d = n+m always ends
}

// walkBack follows the trace from the end to the start, collecting the edit
// script in reverse.
func walkBack(trace [][]int, a, b []string) []DiffLine {
	x, y := len(a), len(b)
	var rev []DiffLine
	for d := len(trace) - 1; d >= 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		prev := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prev = k + 1
		}
		px := at(prev)
		py := px - prev
		for x > px && y > py {
			rev = append(rev, DiffLine{DiffSame, a[x-1]})
			x, y = x-1, y-1
		}
		if d == 0 {
			break
		}
		if x == px {
			rev = append(rev, DiffLine{DiffAdd, b[y-1]})
			y--
		} else {
			rev = append(rev, DiffLine{DiffDel, a[x-1]})
			x--
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

func replaced(a, b []string) []DiffLine {
	out := make([]DiffLine, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, DiffLine{DiffDel, l})
	}
	for _, l := range b {
		out = append(out, DiffLine{DiffAdd, l})
	}
	return out
}

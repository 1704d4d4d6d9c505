package attest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

// apply rebuilds both texts from a diff: the old from kept and removed
// lines, the new from kept and added ones.
func apply(lines []attest.DiffLine) (old, new []string) {
	for _, l := range lines {
		if l.Op != attest.DiffAdd {
			old = append(old, l.Text)
		}
		if l.Op != attest.DiffDel {
			new = append(new, l.Text)
		}
	}
	return old, new
}

func render(lines []attest.DiffLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteByte(byte(l.Op))
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDiffLines(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"same", "a\nb\n", "a\nb\n", " a\n b\n"},
		{"empty to text", "", "a\nb", "+a\n+b\n"},
		{"text to empty", "a\nb", "", "-a\n-b\n"},
		{"one changed", "a\nb\nc", "a\nB\nc", " a\n-b\n+B\n c\n"},
		{"inserted in the middle", "a\nc", "a\nb\nc", " a\n+b\n c\n"},
		{"removed at the start", "x\na\nb", "a\nb", "-x\n a\n b\n"},
		{"crlf is a line ending", "a\r\nb\r\n", "a\nb\n", " a\n b\n"},
		// The classic example: a shortest script has five edits.
		{"abcabba to cbabac", "a\nb\nc\na\nb\nb\na", "c\nb\na\nb\na\nc", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, complete := attest.DiffLines(tc.old, tc.new)
			if !complete {
				t.Fatal("a small diff is complete")
			}
			if tc.want != "" && render(lines) != tc.want {
				t.Fatalf("diff:\n%s\nwant:\n%s", render(lines), tc.want)
			}
			old, new := apply(lines)
			if strings.Join(old, "\n") != strings.Join(strings.Split(strings.TrimSuffix(strings.ReplaceAll(tc.old, "\r\n", "\n"), "\n"), "\n"), "\n") && tc.old != "" {
				t.Fatalf("old side %q does not rebuild %q", old, tc.old)
			}
			if tc.new != "" && strings.Join(new, "\n") != strings.TrimSuffix(strings.ReplaceAll(tc.new, "\r\n", "\n"), "\n") {
				t.Fatalf("new side %q does not rebuild %q", new, tc.new)
			}
			if tc.name == "abcabba to cbabac" {
				if del, add := attest.DiffChanged(lines); del+add != 5 {
					t.Fatalf("%d edits, want the shortest script of 5:\n%s", del+add, render(lines))
				}
			}
		})
	}
}

// Texts too far apart are shown as one replaced by the other, and say so,
// instead of taking time and memory that grow with the square of the edits.
func TestDiffLinesTooFarApart(t *testing.T) {
	var a, b strings.Builder
	for i := range 1200 {
		fmt.Fprintf(&a, "old %d\n", i)
		fmt.Fprintf(&b, "new %d\n", i)
	}
	lines, complete := attest.DiffLines("same\n"+a.String(), "same\n"+b.String())
	if complete {
		t.Fatal("2400 edits exceed the bound: the diff must say it is coarse")
	}
	if del, add := attest.DiffChanged(lines); del != 1200 || add != 1200 || lines[0] != (attest.DiffLine{Op: attest.DiffSame, Text: "same"}) {
		t.Fatalf("coarse diff: %d removed, %d added, first %+v", del, add, lines[0])
	}
	// Far apart in one place only: still exact.
	lines, complete = attest.DiffLines(a.String(), strings.Replace(a.String(), "old 600\n", "changed\n", 1))
	if !complete {
		t.Fatal("one changed line is a complete diff")
	}
	if del, add := attest.DiffChanged(lines); del != 1 || add != 1 {
		t.Fatalf("one changed line: %d removed, %d added", del, add)
	}
}

// On random texts the script is always a shortest one: its edits equal those
// of a longest common subsequence computed the slow way.
func TestDiffLinesIsShortest(t *testing.T) {
	seed := uint64(7)
	rnd := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	text := func() string {
		var b strings.Builder
		for range rnd(12) {
			b.WriteString(string(rune('a'+rnd(4))) + "\n")
		}
		return b.String()
	}
	for range 500 {
		o, n := text(), text()
		lines, _ := attest.DiffLines(o, n)
		a, b := strings.Fields(o), strings.Fields(n)
		lcs := make([][]int, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		del, add := attest.DiffChanged(lines)
		if want := len(a) + len(b) - 2*lcs[0][0]; del+add != want {
			t.Fatalf("%q → %q: %d edits, shortest is %d:\n%s", o, n, del+add, want, render(lines))
		}
		if ro, rn := apply(lines); strings.Join(ro, "") != strings.Join(a, "") || strings.Join(rn, "") != strings.Join(b, "") {
			t.Fatalf("%q → %q does not rebuild both sides:\n%s", o, n, render(lines))
		}
	}
}

package aws

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeptDocumentsAreBounded: the documents kept for all identities stay
// within maxKeptBytes; one identity's larger than that are not kept, and
// keeping another's pushes out others rather than growing.
func TestKeptDocumentsAreBounded(t *testing.T) {
	var v policyVersions
	docs := func(n, size int) map[policyVersion]string {
		m := map[policyVersion]string{}
		for i := range n {
			m[policyVersion{arn: fmt.Sprint("arn-", i), id: "ID", version: "v1"}] = strings.Repeat("x", size)
		}
		return m
	}
	v.keep("a", docs(10, 1000))
	if len(v.of("a")) != 10 {
		t.Fatal("a collection's documents were not kept")
	}
	v.keep("huge", docs(3, maxKeptBytes/2))
	if v.of("huge") != nil || len(v.of("a")) != 10 {
		t.Fatalf("documents larger than the bound: kept %d, and a's %d", len(v.of("huge")), len(v.of("a")))
	}
	for i := range 40 {
		v.keep(fmt.Sprint("id-", i), docs(4, maxKeptBytes/100))
		if v.total > maxKeptBytes {
			t.Fatalf("after %d identities, %d bytes kept, over %d", i+1, v.total, maxKeptBytes)
		}
	}
	if len(v.of("id-39")) != 4 {
		t.Error("the last collection's documents were not kept")
	}
	sum := 0
	for _, k := range v.last {
		sum += k.size
	}
	if sum != v.total {
		t.Errorf("total %d, the kept documents' sizes add up to %d", v.total, sum)
	}
	v.keep("id-39", nil)
	if v.of("id-39") != nil {
		t.Error("a collection with no documents left the last one's kept")
	}
	v.keep("", docs(1, 10))
	if v.of("") != nil {
		t.Error("an empty identity had documents")
	}
}

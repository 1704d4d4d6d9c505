package aws

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeptDocumentsAreBounded: the documents kept for all identities stay
// within maxKeptBytes and their accounting exact through replacements;
// one identity's larger than maxKeptPerIdentity are not kept, and keeping
// another's pushes out only as many others as it must.
func TestKeptDocumentsAreBounded(t *testing.T) {
	var v policyVersions
	docs := func(n, size int) map[policyVersion]string {
		m := map[policyVersion]string{}
		for i := range n {
			m[policyVersion{arn: fmt.Sprint("arn-", i), id: "ID", version: "v1"}] = strings.Repeat("x", size)
		}
		return m
	}
	check := func(step string) {
		t.Helper()
		sum := 0
		for _, k := range v.last {
			sum += k.size
		}
		if sum != v.total || v.total > maxKeptBytes {
			t.Fatalf("%s: total %d, the kept documents' sizes add up to %d (bound %d)", step, v.total, sum, maxKeptBytes)
		}
	}
	v.keep("a", docs(10, 1000))
	check("a kept")
	if len(v.of("a")) != 10 {
		t.Fatal("a collection's documents were not kept")
	}
	v.keep("a", docs(5, 1000)) // a's next collection replaces its first
	check("a replaced")
	if len(v.of("a")) != 5 {
		t.Fatal("a's next collection did not replace its documents")
	}
	v.keep("huge", docs(3, maxKeptPerIdentity/2))
	check("huge refused")
	if v.of("huge") != nil || len(v.of("a")) != 5 {
		t.Fatalf("documents over one identity's bound: kept %d, and a's %d", len(v.of("huge")), len(v.of("a")))
	}
	for i := range 10 {
		v.keep(fmt.Sprint("id-", i), docs(4, maxKeptBytes/20))
		check(fmt.Sprint("identity ", i))
	}
	// Each identity holds a little over a fifth of the bound: the four
	// kept last fit, and what was kept longest ago (a's, then the first
	// six) made room for them.
	for i := range 10 {
		if kept := v.of(fmt.Sprint("id-", i)) != nil; kept != (i >= 6) {
			t.Errorf("identity %d kept: %v", i, kept)
		}
	}
	if v.of("a") != nil || len(v.last) != 4 {
		t.Errorf("%d identities kept, a's among them: %v", len(v.last), v.of("a") != nil)
	}
	v.keep("id-9", nil)
	check("id-9 emptied")
	if v.of("id-9") != nil {
		t.Error("a collection with no documents left the last one's kept")
	}
	v.keep("", docs(1, 10))
	if v.of("") != nil {
		t.Error("an empty identity had documents")
	}
}

// TestKeptIdentityNamesEveryField: two connections share kept documents
// only when endpoint, profile, access key, role, external ID, caller and
// user ID all agree.
func TestKeptIdentityNamesEveryField(t *testing.T) {
	base := settings{endpoint: "https://e", profile: "p", keyID: "AKIA1", roleARN: "arn:role", externalID: "x"}
	id := keptIdentity(base, "arn:caller", "U1")
	if id == "" || keptIdentity(base, "arn:caller", "U1") != id {
		t.Fatal("the same connection is not the same identity")
	}
	for name, change := range map[string]func(*settings, *string, *string){
		"endpoint":    func(s *settings, _, _ *string) { s.endpoint = "https://other" },
		"profile":     func(s *settings, _, _ *string) { s.profile = "q" },
		"access key":  func(s *settings, _, _ *string) { s.keyID = "AKIA2" },
		"role":        func(s *settings, _, _ *string) { s.roleARN = "arn:other-role" },
		"external ID": func(s *settings, _, _ *string) { s.externalID = "y" },
		"caller":      func(_ *settings, a, _ *string) { *a = "arn:other" },
		"user ID":     func(_ *settings, _, u *string) { *u = "U2" },
		"fields run together": func(s *settings, _, _ *string) {
			s.endpoint, s.profile = "https://ep", "" // "https://e"+"p" must not pass for it
		},
	} {
		s, arn, user := base, "arn:caller", "U1"
		change(&s, &arn, &user)
		if keptIdentity(s, arn, user) == id {
			t.Errorf("a different %s is the same identity", name)
		}
	}
	if keptIdentity(base, "", "U1") != "" {
		t.Error("no caller ARN still named an identity")
	}
}

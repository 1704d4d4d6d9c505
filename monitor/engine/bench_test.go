package engine_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
)

// benchCollection is n repositories and members, alternately failing and
// passing, in the shapes of goodRepo and goodMember, and n/5 resources of
// every other connector's types.
func benchCollection(b testing.TB, n int) attest.Collection {
	var c attest.Collection
	c.Resources = append(c.Resources, resourceOf(b, "github.organization", goodOrg()))
	for i := 0; i < n; i++ {
		if i%5 == 0 {
			m := goodMember()
			m["two_factor_enabled"] = i%10 == 0
			r := resourceOf(b, "github.member", m)
			r.Key = fmt.Sprintf("acme/m%d", i)
			c.Resources = append(c.Resources, r)
			continue
		}
		repo := goodRepo()
		if i%2 == 0 {
			set(repo, "branch.protected", false)
			set(repo, "secret_scanning", "disabled")
		}
		r := resourceOf(b, "github.repository", repo)
		r.Key = fmt.Sprintf("acme/r%d", i)
		c.Resources = append(c.Resources, r)
	}
	// Every other connector's types (added by its test file to goods), one
	// resource in five slots each, so that its tests judge as many.
	for _, typ := range slices.Sorted(maps.Keys(goods)) {
		if strings.HasPrefix(typ, "github.") {
			continue
		}
		for i := 0; i < n; i += 5 {
			r := resourceOf(b, typ, goods[typ]())
			r.Key = fmt.Sprintf("%s#%d", r.Key, i)
			c.Resources = append(c.Resources, r)
		}
	}
	return c
}

func BenchmarkEvaluateCollection(b *testing.B) {
	tests := builtIn(b)
	var list []*engine.Test
	for _, t := range tests {
		list = append(list, t)
	}
	c := benchCollection(b, 10_000)
	checks := 0
	b.ResetTimer()
	for b.Loop() {
		checks = len(engine.EvaluateCollection(list, c, engine.Env{Now: now}))
	}
	b.ReportMetric(float64(checks)*float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

func BenchmarkEvaluateOne(b *testing.B) {
	tt := builtIn(b)["github.vulnerabilities_overdue"]
	r := resourceOf(b, "github.repository", goodRepo())
	for b.Loop() {
		if v := tt.Evaluate(r, engine.Env{Now: now}); v.Status != attest.ResultPass {
			b.Fatal(v)
		}
	}
}

// Command monitor measures how fast the test engine judges resources, as a
// ratio to a bare CEL loop over the same data in the same run.
//
//	go run ./bench/monitor                       # 100,000 resources, 3 rounds
//	go run ./bench/monitor --resources 10000     # a quick run
//
// It builds a synthetic GitHub organization (one organization, a fifth of the
// resources members, the rest repositories with branch protection, alerts
// and merged pull requests of varied shapes, some archived, some with
// protection hidden by the plan), loads every built-in test, and then, each
// round:
//
//   - the floor: for every test and every resource of its type, evaluates
//     the test's applies and pass expressions with cel-go directly (the same
//     expressions, compiled in the same environment, no cost limit, no
//     unavailable check, no verdicts or messages);
//   - the engine: engine.EvaluateCollection over the same collection, which
//     is what a monitoring run does.
//
// It prints resource-checks per second (one check is one test on one
// resource) for each, and the ratio. The target is the engine at 0.5× the
// floor or better.
//
// Then, unless -cycle=false, it times full monitoring cycles of the same
// organization through the production path (monitor.Service.Run in an
// app.App on a fresh database: snapshot stored and committed to the ledger,
// every test evaluated, every verdict recorded): the first run, which
// records every verdict as new, and steady runs, which find the verdicts
// unchanged, and one run after a tenth of the repositories changed. The
// connector hands over the synthetic organization in memory, so what is
// timed is Attest's work, not a provider's API. The target is a steady
// cycle within 10 s on 2 cores; the floor printed beside it is the
// evaluation alone, from the rounds above.
//
//	go run ./bench/monitor -database-url postgres://…   # the cycle on PostgreSQL
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

func main() {
	n := flag.Int("resources", 100_000, "number of resources in the synthetic organization")
	rounds := flag.Int("rounds", 3, "timed rounds; the best and the median are reported")
	cycle := flag.Bool("cycle", true, "also time full monitoring cycles (collection, evaluation, recording) on a database")
	dbURL := flag.String("database-url", "", "database for the cycles; empty: SQLite in a temporary folder")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the cycles to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/monitor:", err)
			os.Exit(2)
		}
		defer f.Close()
		cpuProfile = f
	}
	if *n < 10 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench/monitor: --resources must be at least 10 and --rounds at least 1")
		os.Exit(2)
	}
	eval, err := run(*n, *rounds)
	if err == nil && *cycle {
		err = cycles(*n, *dbURL, eval)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/monitor:", err)
		os.Exit(1)
	}
}

// run times the engine against the bare loop and returns the engine's best
// evaluation time.
// cpuProfile, when set, receives a CPU profile of the cycles.
var cpuProfile *os.File

func run(n, rounds int) (time.Duration, error) {
	tests, err := engine.LoadFS(catalog.TestFiles, engine.Options{})
	if err != nil {
		return 0, err
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := synthetic(n, now)
	bare, err := compileBare(tests)
	if err != nil {
		return 0, err
	}
	checks := 0
	byType := map[string][]attest.Resource{}
	for _, r := range c.Resources {
		byType[r.Type] = append(byType[r.Type], r)
	}
	for _, t := range tests {
		checks += len(byType[t.ResourceType])
	}
	fmt.Printf("bench/monitor: %d resources (%d repositories, %d members), %d tests, %d resource-checks per round; GOMAXPROCS %d, %s\n",
		len(c.Resources), len(byType["github.repository"]), len(byType["github.member"]), len(tests), checks, runtime.GOMAXPROCS(0), runtime.Version())

	var floorTimes, engineTimes []time.Duration
	var sink int
	for i := 0; i < rounds; i++ {
		runtime.GC()
		start := time.Now()
		sink += bareLoop(bare, byType, now)
		floorTimes = append(floorTimes, time.Since(start))
		runtime.GC()
		start = time.Now()
		res := engine.EvaluateCollection(tests, c, engine.Env{Now: now, Workers: 1})
		engineTimes = append(engineTimes, time.Since(start))
		if len(res) != checks {
			return 0, fmt.Errorf("the engine gave %d results, want %d", len(res), checks)
		}
		sink += len(res)
		fmt.Printf("round %d: bare CEL %v, engine %v\n", i+1, floorTimes[i].Round(time.Millisecond), engineTimes[i].Round(time.Millisecond))
	}
	_ = sink
	rate := func(d time.Duration) float64 { return float64(checks) / d.Seconds() }
	fb, fm := best(floorTimes), median(floorTimes)
	eb, em := best(engineTimes), median(engineTimes)
	fmt.Printf("bare CEL loop: best %.0f checks/s, median %.0f checks/s\n", rate(fb), rate(fm))
	fmt.Printf("engine:        best %.0f checks/s, median %.0f checks/s (full evaluation of %d resources: best %v)\n", rate(eb), rate(em), len(c.Resources), eb.Round(time.Millisecond))
	ratio := rate(eb) / rate(fb)
	verdict := "met"
	if ratio < 0.5 {
		verdict = "MISSED"
	}
	fmt.Printf("engine / bare (best rounds): %.2f× — target 0.50× or better: %s\n", ratio, verdict)
	return eb, nil
}

func best(ds []time.Duration) time.Duration { return slices.Min(ds) }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// bareTest is a test's expressions compiled with cel-go alone.
type bareTest struct {
	typ           string
	applies, pass cel.Program
	params        map[string]any
}

// compileBare compiles the tests' expressions in an environment declaring
// the same variables and the same days() function as the engine's.
func compileBare(tests []*engine.Test) ([]bareTest, error) {
	days := func(n float64) ref.Val { return types.Duration{Duration: time.Duration(n * float64(24*time.Hour))} }
	env, err := cel.NewEnv(
		cel.Variable("resource", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("now", cel.TimestampType),
		cel.Variable("params", cel.MapType(cel.StringType, cel.DynType)),
		cel.Function("days",
			cel.Overload("days_int", []*cel.Type{cel.IntType}, cel.DurationType,
				cel.UnaryBinding(func(v ref.Val) ref.Val { return days(float64(v.(types.Int))) })),
			cel.Overload("days_double", []*cel.Type{cel.DoubleType}, cel.DurationType,
				cel.UnaryBinding(func(v ref.Val) ref.Val { return days(float64(v.(types.Double))) })),
		),
	)
	if err != nil {
		return nil, err
	}
	prog := func(src string) (cel.Program, error) {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			return nil, iss.Err()
		}
		return env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	}
	var out []bareTest
	for _, t := range tests {
		b := bareTest{typ: t.ResourceType, params: map[string]any{}}
		for k, v := range t.Params {
			if i, ok := v.(int); ok {
				v = int64(i)
			}
			b.params[k] = v
		}
		if t.Applies != "" {
			if b.applies, err = prog(t.Applies); err != nil {
				return nil, fmt.Errorf("%s: %w", t.ID, err)
			}
		}
		if b.pass, err = prog(t.Pass); err != nil {
			return nil, fmt.Errorf("%s: %w", t.ID, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// bareLoop evaluates every test on every resource of its type and counts the
// true outcomes (so the work cannot be optimized away). Errors count as
// neither; a hidden field is not consulted.
func bareLoop(tests []bareTest, byType map[string][]attest.Resource, now time.Time) int {
	passed := 0
	for _, t := range tests {
		for _, r := range byType[t.typ] {
			vars := map[string]any{"resource": r.Data, "now": now, "params": t.params}
			if t.applies != nil {
				v, _, err := t.applies.Eval(vars)
				if err != nil || v != types.True {
					continue
				}
			}
			if v, _, err := t.pass.Eval(vars); err == nil && v == types.True {
				passed++
			}
		}
	}
	return passed
}

// synthetic builds an organization of n resources: one organization, n/5
// members and the rest repositories. Shapes follow docs/connectors/github.md,
// with numbers as float64 as in a snapshot read from JSON.
func synthetic(n int, now time.Time) attest.Collection {
	rng := rand.New(rand.NewPCG(1, 2))
	var c attest.Collection
	members := n / 5
	repos := n - members - 1
	owners := []any{"owner0", "owner1", "owner2"}
	c.Resources = append(c.Resources, attest.Resource{Type: "github.organization", Key: "acme", Data: map[string]any{
		"login": "acme", "name": "Acme", "plan": "enterprise", "two_factor_requirement_enabled": true,
		"members_can_create_public_repositories": false, "default_repository_permission": "read",
		"owners": owners, "members": float64(members), "members_without_2fa": []any{"m17"}, "outside_collaborators": []any{"contractor"},
	}})
	for i := 0; i < members; i++ {
		login := fmt.Sprintf("m%d", i)
		role := "member"
		if i < 3 {
			role = "admin"
		}
		c.Resources = append(c.Resources, attest.Resource{Type: "github.member", Key: "acme/" + login,
			Data: map[string]any{"login": login, "role": role, "two_factor_enabled": rng.IntN(50) != 0}})
	}
	enabled := func(p int) string {
		if rng.IntN(100) < p {
			return "enabled"
		}
		return "disabled"
	}
	severities := []string{"critical", "high", "medium", "low"}
	for i := 0; i < repos; i++ {
		name := fmt.Sprintf("repo%d", i)
		protected := rng.IntN(10) < 8
		branch := map[string]any{"name": "main", "protected": protected, "sources": []any{}, "required_approvals": float64(0),
			"dismiss_stale_reviews": false, "require_code_owner_reviews": false, "applies_to_admins": false,
			"force_push_blocked": false, "deletion_blocked": false, "required_status_checks": []any{}}
		if protected {
			branch["sources"] = []any{[]string{"classic", "repository_ruleset", "organization_ruleset"}[rng.IntN(3)]}
			branch["required_approvals"] = float64(rng.IntN(3))
			branch["dismiss_stale_reviews"] = rng.IntN(2) == 0
			branch["require_code_owner_reviews"] = rng.IntN(3) == 0
			branch["applies_to_admins"] = rng.IntN(2) == 0
			branch["force_push_blocked"] = rng.IntN(10) != 0
			branch["deletion_blocked"] = rng.IntN(10) != 0
			branch["required_status_checks"] = []any{"ci/build", "ci/test"}[:rng.IntN(3)]
		}
		var alerts []any
		for a := rng.IntN(6); a > 0; a-- {
			alerts = append(alerts, map[string]any{"number": float64(a), "severity": severities[rng.IntN(4)],
				"created_at": now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour).Format(time.RFC3339)})
		}
		var pulls []any
		for p := rng.IntN(11); p > 0; p-- {
			independent := rng.IntN(20) != 0
			approvers := []any{}
			if independent {
				approvers = append(approvers, "reviewer")
			}
			pulls = append(pulls, map[string]any{"number": float64(p), "author": "dev", "approvers": approvers,
				"merged_at": now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour).Format(time.RFC3339), "independent_approval": independent})
		}
		data := map[string]any{
			"name": name, "full_name": "acme/" + name, "visibility": "private", "default_branch": "main",
			"private": true, "archived": rng.IntN(20) == 0, "fork": rng.IntN(30) == 0,
			"pushed_at":                       now.Add(-time.Duration(rng.IntN(1000)) * time.Hour).Format(time.RFC3339),
			"secret_scanning":                 enabled(80),
			"secret_scanning_push_protection": enabled(60),
			"dependabot_security_updates":     enabled(70),
			"dependabot_alerts_enabled":       rng.IntN(10) != 0,
			"branch":                          branch,
			"dependabot_open_alerts":          append([]any{}, alerts...),
			"secret_scanning_open_alerts":     float64(rng.IntN(2) * rng.IntN(3)),
			"merged_pulls":                    append([]any{}, pulls...),
		}
		r := attest.Resource{Type: "github.repository", Key: "acme/" + name, Data: data}
		if rng.IntN(25) == 0 { // a private repository on a plan without protection
			delete(data, "branch")
			r.Unavailable = map[string]string{"branch": "the plan does not offer branch protection for private repositories"}
		}
		c.Resources = append(c.Resources, r)
	}
	return c
}

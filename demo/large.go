package demo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

// Size is how large the large demo organization is.
type Size struct {
	People         int // the workforce
	Repositories   int // GitHub repositories (the GitHub organization has as many members as People)
	CloudResources int // AWS resources
	Evidence       int // evidence items, spread over the years
	Policies       int // policies, approved and published
	Years          int // monitoring history: GitHub collected monthly, AWS yearly
}

// Large is the size `attest serve --demo-size large` builds: a large
// company's install, for benchmarks, load tests and trying Attest at scale.
var Large = Size{People: 2000, Repositories: 500, CloudResources: 100_000, Evidence: 50_000, Policies: 40, Years: 3}

// LargeSlug is the large demo organization's short name.
const LargeSlug = "large"

// LargeSystems are the large organization's GitHub organization and AWS
// account as the install reaches them (app serves them inside the process,
// from the test servers' large scenarios).
type LargeSystems struct {
	GitHub, AWS IdentityConnection
	// Log, when set, is told as each part is done, with how long it took.
	Log *slog.Logger
	// At shows the system of a connector type ("github", "aws") as it stood
	// at t, before a collection of the history at t; the history runs from
	// Years ago to now.
	At func(connector string, t time.Time)
}

// SeedLarge builds the large demo organization beside the demo one (Seed
// first: its users are the large organization's members, with the same
// roles and printed logins). It goes through the same services as real data:
// the programme and policy services, the real GitHub and AWS connectors over
// the years of history (each collection judged and recorded by the
// monitoring service at its own date), and the evidence service, in batches
// as a bulk import adds them. Each part is skipped once it is there, so a
// later start is quick; a start interrupted part-way carries on where it
// stopped.
func SeedLarge(ctx context.Context, db *store.DB, opts Options, size Size, sys LargeSystems) error {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	now := opts.Now().UTC()
	from := now.AddDate(-size.Years, 0, 0)
	log := sys.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	last := time.Now()
	done := func(part string) {
		log.Info("large demo: "+part+" ready", "took", time.Since(last).Round(time.Millisecond).String())
		last = time.Now()
	}
	var org attest.Organization
	users := map[attest.Role]attest.User{}
	err := db.Update(ctx, func(tx *store.Queries) error {
		var err error
		org, err = tx.OrgBySlug(ctx, LargeSlug)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			org = attest.Organization{Slug: LargeSlug, Name: "Contoso Scale (large demo)"}
			err = tx.CreateOrg(ctx, &org)
		}
		if err != nil {
			return err
		}
		for _, p := range people {
			u, err := tx.UserByEmail(ctx, p.email)
			if err != nil {
				return fmt.Errorf("the demo user %s (seed the demo first): %w", p.email, err)
			}
			if _, err := tx.Membership(ctx, org.ID, u.ID); attest.ErrorCode(err) == attest.ENOTFOUND {
				err = tx.AddMember(ctx, org.ID, u.ID, p.role)
				if err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			users[p.role] = u
		}
		env := &Env{Tx: tx, Org: org, Users: users, Actor: attest.Actor{Label: "demo", Via: attest.ViaSystem}, Catalog: opts.Catalog, Now: opts.Now}
		if err := largeProgramme(ctx, env); err != nil {
			return fmt.Errorf("programme: %w", err)
		}
		return largeWorkforce(ctx, env, size, from)
	})
	if err != nil {
		return fmt.Errorf("the large demo organization: %w", err)
	}
	done("organization, programme and workforce")
	if err := largePolicies(ctx, db, opts, org, users, size, now); err != nil {
		return fmt.Errorf("the large demo's policies: %w", err)
	}
	done("policies")
	if err := largeHistory(ctx, db, opts, org, users, size, sys, from, now); err != nil {
		return fmt.Errorf("the large demo's monitoring history: %w", err)
	}
	done("monitoring history")
	if err := largeEvidence(ctx, db, opts, org, users, size, from, now); err != nil {
		return fmt.Errorf("the large demo's evidence: %w", err)
	}
	done("evidence")
	// Its pages are read at once: plan their queries on what was loaded.
	if err := db.Analyze(ctx); err != nil {
		return fmt.Errorf("the large demo's statistics: %w", err)
	}
	done("planner statistics")
	return nil
}

// largeProgramme scopes SOC 2 with every category, adopts the library and
// implements most controls, once.
func largeProgramme(ctx context.Context, env *Env) error {
	if len(env.Catalog.Controls) == 0 {
		return nil
	}
	existing, err := env.Tx.ControlRefs(ctx, env.Org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	p := attest.SystemPrincipal(env.Org.ID, env.Actor.Label, env.Actor.Via)
	svc := programme.NewServices(programme.InTx(env.Tx), env.Catalog)
	if _, err := svc.Scope.Save(ctx, p, attest.Scope{Categories: []string{"availability", "confidentiality", "processing-integrity"},
		SystemName:     "Contoso Scale",
		SystemSummary:  "A payments and invoicing platform used by several thousand businesses.",
		Services:       "Web application, public API and mobile apps; 24×7 support.",
		Infrastructure: "Services on AWS in four regions; 500 repositories on GitHub Enterprise; single sign-on for the workforce.",
		Locations:      "Offices in Seattle, Dublin, Berlin and Singapore; production in AWS.",
	}); err != nil {
		return err
	}
	added, err := svc.Controls.Adopt(ctx, p)
	if err != nil {
		return err
	}
	owners := []int64{env.Users[attest.RoleAdmin].ID, env.Users[attest.RoleManager].ID}
	for _, c := range added {
		status := attest.StatusImplemented
		switch pick(c.Ref+"large") % 10 {
		case 0:
			status = attest.StatusInProgress
		case 1:
			status = attest.StatusNotStarted
		}
		owner := owners[pick(c.Ref+"w")%2]
		if _, err := svc.Controls.Update(ctx, p, c.ID, programme.ControlChange{Status: &status, OwnerID: &owner}); err != nil {
			return err
		}
	}
	return nil
}

var (
	firstNames  = []string{"Aiko", "Ben", "Chloé", "Dmitri", "Esther", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kaia", "Luca", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe"}
	lastNames   = []string{"Abbott", "Banerjee", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hughes", "Ivanova", "Jensen", "Kowalski", "Lee", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Walsh", "Xu", "Young"}
	departments = []string{"Engineering", "Engineering", "Engineering", "Product", "Sales", "Customer Success", "Finance", "People", "Security", "Operations"}
)

// largeWorkforce records size.People people, once: most employees, some
// contractors and interns, joiners over the years, a twelfth of them gone,
// each with a manager among the first hundred.
func largeWorkforce(ctx context.Context, env *Env, size Size, from time.Time) error {
	existing, err := env.Tx.People(ctx, env.Org.ID, store.PeopleFilter{})
	if err != nil || len(existing) > 0 {
		return err
	}
	span := env.Now().UTC().Sub(from)
	ids := make([]int64, 0, size.People)
	for i := range size.People {
		h := pick(fmt.Sprint("person", i))
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		p := attest.Person{OrgID: env.Org.ID, Name: first + " " + last, Email: fmt.Sprintf("person%04d@contoso.example", i),
			Title: "Staff", Department: departments[h%uint32(len(departments))], EmploymentType: attest.EmploymentEmployee, Source: attest.SourceManual}
		switch h % 25 {
		case 0:
			p.EmploymentType = attest.EmploymentContractor
		case 1:
			p.EmploymentType = attest.EmploymentIntern
		}
		started := from.Add(-time.Duration(h%900) * 24 * time.Hour)
		if h%3 == 0 { // a third joined during the history
			started = from.Add(time.Duration(float64(span) * float64(h%1000) / 1000))
		}
		p.StartDate = started.Format(attest.DateLayout)
		if h%12 == 5 {
			p.EndDate = started.Add(time.Duration(30+h%500) * 24 * time.Hour).Format(attest.DateLayout)
			if p.EndDate >= env.Now().UTC().Format(attest.DateLayout) {
				p.EndDate = ""
			}
		}
		if i >= 100 && len(ids) >= 100 {
			p.ManagerID = ids[h%100]
		}
		if err := env.Tx.CreatePerson(ctx, &p); err != nil {
			return fmt.Errorf("person %d: %w", i, err)
		}
		ids = append(ids, p.ID)
	}
	return nil
}

// largePolicies adopts every shipped template, then regional variants of
// them until there are size.Policies, and approves and publishes each, once.
// Each is published on its own day of the past year, so reviews come due
// through the next one.
func largePolicies(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User, size Size, now time.Time) error {
	if opts.Policies == nil || len(opts.Policies.Templates) == 0 {
		return nil
	}
	existing, err := db.Policies(ctx, org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	as := func(role attest.Role) attest.Principal {
		return attest.Principal{UserID: users[role].ID, Label: users[role].Email, OrgID: org.ID, Role: role, Via: attest.ViaSystem}
	}
	manager, admin := as(attest.RoleManager), as(attest.RoleAdmin)
	s := *opts.Policies
	var clock time.Time
	s.DB = db.WithClock(func() time.Time { return clock })
	regions := []string{"", "-emea", "-apac", "-americas"}
	for i := range size.Policies {
		t := opts.Policies.Templates[i%len(opts.Policies.Templates)]
		region := regions[(i/len(opts.Policies.Templates))%len(regions)]
		key := t.ID + region
		if i >= len(opts.Policies.Templates)*len(regions) {
			key = fmt.Sprintf("%s-%d", t.ID, i)
		}
		clock = now.AddDate(0, 0, -1-int(pick(key)%330))
		pol, err := s.Adopt(ctx, manager, t.ID, key)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		v := pol.Latest
		if v == nil {
			return fmt.Errorf("%s: no draft", key)
		}
		if _, err := s.Submit(ctx, manager, v.ID, []int64{admin.UserID}, 1); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if _, err := s.Decide(ctx, admin, v.ID, policy.Decision{Decision: attest.DecisionApprove, Comment: "Approved for all regions."}); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if _, err := s.Publish(ctx, manager, v.ID); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

// largeHistory connects the GitHub organization and the AWS account and
// collects them over the years, oldest first: GitHub every month, AWS every
// year, each collection judged and recorded by the monitoring service at its
// own date, with the systems as they stood then. A connection with
// collections already is left alone.
func largeHistory(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User, size Size, sys LargeSystems, from, now time.Time) error {
	if opts.Connections == nil || opts.Monitor == nil || sys.At == nil {
		return nil
	}
	admin := attest.Principal{UserID: users[attest.RoleAdmin].ID, Label: users[attest.RoleAdmin].Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaSystem}
	type run struct {
		at     time.Time
		conn   int64
		system string
	}
	var runs []run
	for _, ic := range []struct {
		c      IdentityConnection
		months int
	}{{sys.GitHub, 1}, {sys.AWS, 12}} {
		if ic.c.Type == "" || (ic.c.Type == "aws" && size.CloudResources == 0) || (ic.c.Type == "github" && size.Repositories == 0) {
			continue
		}
		conn, err := opts.Connections.ByName(ctx, admin, ic.c.Name)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			conn, err = opts.Connections.Add(ctx, admin, connection.Input{Type: ic.c.Type, Name: ic.c.Name, Settings: ic.c.Settings, Secret: ic.c.Secret})
		}
		if err != nil {
			return fmt.Errorf("the %s connection: %w", ic.c.Name, err)
		}
		done, err := db.Collections(ctx, org.ID, conn.ID, 1)
		if err != nil {
			return err
		}
		if len(done) > 0 {
			continue
		}
		for m := size.Years * 12; m >= 0; m -= ic.months {
			runs = append(runs, run{at: now.AddDate(0, -m, 0), conn: conn.ID, system: ic.c.Type})
		}
	}
	if len(runs) == 0 {
		return nil
	}
	// Oldest first, so each connection's verdicts change in the order they did.
	slices.SortStableFunc(runs, func(a, b run) int { return a.at.Compare(b.at) })
	var clock time.Time
	hist := &monitor.Service{DB: opts.Monitor.DB, Blobs: opts.Monitor.Blobs, Ledger: opts.Monitor.Ledger, Connections: opts.Monitor.Connections,
		Connectors: opts.Monitor.Connectors, Builtin: opts.Monitor.Builtin, ResourceTypes: opts.Monitor.ResourceTypes,
		Now: func() time.Time { return clock }, Log: opts.Monitor.Log}
	defer func() {
		for _, r := range runs {
			sys.At(r.system, now)
		}
	}()
	for _, r := range runs {
		clock = r.at
		sys.At(r.system, r.at)
		rep, err := hist.Run(ctx, org.ID, r.conn, nil)
		if err != nil {
			return fmt.Errorf("the collection of %s: %w", r.at.Format(attest.DateLayout), err)
		}
		if rep.Collection.Error != "" {
			return fmt.Errorf("the collection of %s failed: %s", r.at.Format(attest.DateLayout), rep.Collection.Error)
		}
	}
	return nil
}

// largeBatch is how many evidence items largeEvidence adds per call, as a
// bulk import would.
const largeBatch = 500

// largeEvidence adds size.Evidence items through the evidence service, in
// batches of largeBatch (evidence.Service.AddAll: one transaction and one
// signed checkpoint per batch, one ledger entry and activity row per item),
// as a bulk import adds them: each implemented control gets its share,
// collected at even steps over the years (exports, links and attestations in
// turn). Four batches are under way at once, so that one streams its files
// while another commits. Items already there count towards the total: a
// batch commits whole or not at all, so an interrupted build holds whole
// batches and the next start adds as many more as are missing (batches
// commit out of order, so which items those are may differ from an
// uninterrupted build's; the count and the spread over the years hold).
func largeEvidence(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User, size Size, from, now time.Time) error {
	if opts.Evidence == nil || size.Evidence == 0 {
		return nil
	}
	have, err := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{})
	if err != nil || have >= size.Evidence {
		return err
	}
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{Status: attest.StatusImplemented})
	if err != nil || len(controls) == 0 {
		return err
	}
	manager := users[attest.RoleManager]
	actor := attest.Actor{UserID: manager.ID, Label: manager.Email, Via: attest.ViaSystem}
	span := now.Sub(from)
	steps := (size.Evidence + len(controls) - 1) / len(controls)
	item := func(i int) evidence.Upload {
		c := controls[i%len(controls)]
		// The control's items march from the start of the history to now.
		step := i / len(controls)
		collected := from.Add(time.Duration(float64(span) * float64(step+1) / float64(steps)))
		n := evidence.New{Org: org, Actor: actor, Source: "demo", CollectedAt: collected, ControlIDs: []int64{c.ID},
			Title: fmt.Sprintf("%s evidence, %s", c.Ref, collected.Format("January 2006"))}
		var content string
		switch i % 3 {
		case 0:
			n.Kind, n.Filename = attest.KindFile, fmt.Sprintf("%s-%s.csv", strings.ToLower(c.Ref), collected.Format("2006-01-02"))
			content = fmt.Sprintf("control,checked_at,result,item\n%s,%s,pass,%d\n", c.Ref, collected.Format("2006-01-02"), i)
		case 1:
			n.Kind, n.URL = attest.KindLink, fmt.Sprintf("https://wiki.contoso.example/compliance/%s/%d", strings.ToLower(c.Ref), i)
		default:
			n.Kind = attest.KindAttestation
			content = fmt.Sprintf("I confirm that %s operated as described in %s (item %d).", c.Ref, collected.Format("January 2006"), i)
		}
		return evidence.Upload{New: n, Content: strings.NewReader(content)}
	}
	work := make(chan int) // the first item of each batch
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range work {
				batch := make([]evidence.Upload, 0, largeBatch)
				for i := start; i < min(start+largeBatch, size.Evidence); i++ {
					batch = append(batch, item(i))
				}
				if _, err := opts.Evidence.AddAll(ctx, batch); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("evidence items %d to %d: %w", start, start+len(batch)-1, err)
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := have; i < size.Evidence; i += largeBatch {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if first == nil {
		first = parent.Err()
	}
	return first
}

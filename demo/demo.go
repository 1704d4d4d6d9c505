// Package demo fills an install with a living example organization for
// `attest serve --demo`. Each capability adds its demo data as one more step in
// steps(); every step must be idempotent, because the demo re-seeds on each start.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/vendors"
)

// OrgSlug is the demo organization's short name.
const OrgSlug = "demo"

// Options configure seeding.
type Options struct {
	PasswordParams auth.Params
	Catalog        *catalog.Catalog  // the built-in catalog; nil seeds no SOC 2 programme
	Evidence       *evidence.Service // nil seeds no evidence
	Now            func() time.Time
	// Connections and Monitor seed the demo GitHub connection, its results
	// and an exception; nil seeds no monitoring.
	Connections *connection.Service
	Monitor     *monitor.Service
	// Policies seeds the policies and their history; nil seeds none.
	Policies *policy.Service
	// Risks seeds the risk register and its approved assessment; nil seeds
	// none.
	Risks *risk.Service
	// Incidents seeds incidents and response exercises; nil seeds none.
	Incidents Incidents
	// BankChanges banks the changes register as evidence (the changes
	// service, which this package cannot import); nil banks nothing.
	BankChanges func(ctx context.Context, p attest.Principal) error
	// Secrets seals the demo's authenticator secret and identity provider
	// secret; nil seeds neither.
	Secrets attest.SecretBox
	// Identity are the connections to add and collect once: the identity
	// providers and the AWS account (app makes them reachable); none
	// without Connections and Monitor.
	Identity []IdentityConnection
	// Vendors seeds the vendor register, its reviews and checklists (with
	// Evidence for the reports); nil seeds none.
	Vendors *vendors.Service
	// Training seeds training completions and background checks; nil seeds
	// none.
	Training *training.Service
	// AccessReviews seeds a completed access review (with Evidence for its
	// report) and one in progress; nil seeds none.
	AccessReviews *accessreview.Service
	// Checklists seeds onboarding and offboarding templates and closes some
	// steps; nil seeds none.
	Checklists *programme.Checklists
	// Populations takes the demo audit's populations and a sample; nil
	// takes none.
	Populations *population.Service
	// Audits seeds the demo audit's request list; nil seeds none.
	Audits *programme.Audits
}

// IdentityConnection is one of the demo's identity provider connections.
type IdentityConnection struct {
	Type, Name string
	Settings   map[string]string
	Secret     []byte
}

// Login is a demo account's credentials, printed for the newcomer.
type Login struct {
	Role     attest.Role
	Label    string // for a login without a role: "firm", the audit firm's auditor of one audit
	Email    string
	Password string
}

// Env is what each seeding step works with.
type Env struct {
	Tx      *store.Queries
	Org     attest.Organization
	Users   map[attest.Role]attest.User
	Actor   attest.Actor
	Catalog *catalog.Catalog
	Now     func() time.Time
}

// step adds one capability's demo data.
type step struct {
	name string
	run  func(ctx context.Context, env *Env) error
}

// steps lists the seeding steps in order. Later capabilities append theirs.
func steps() []step {
	return []step{
		{"welcome activity", seedWelcome},
		{"SOC 2 programme", seedProgramme},
		{"ISO 27001 beside SOC 2", seedISO27001},
		{"workforce", seedPeople},
		{"audits", seedAudits},
	}
}

var people = []struct {
	role        attest.Role
	email, name string
}{
	{attest.RoleAdmin, "admin@demo.attest.test", "Ada Admin"},
	{attest.RoleManager, "manager@demo.attest.test", "Max Manager"},
	{attest.RoleEmployee, "employee@demo.attest.test", "Emma Employee"},
	{attest.RoleAuditor, "auditor@demo.attest.test", "Aldo Auditor"},
}

// Seed creates the demo organization and one user per role if they do not
// exist, gives each demo user a fresh random password (so the printed logins
// always work, and a demo left running never has a known password), and runs
// every step. It all commits at once or not at all.
func Seed(ctx context.Context, db *store.DB, opts Options) ([]Login, error) {
	var logins []Login
	var org attest.Organization
	users := map[attest.Role]attest.User{}
	err := db.Update(ctx, func(tx *store.Queries) error {
		env := &Env{Tx: tx, Users: map[attest.Role]attest.User{}, Actor: attest.Actor{Label: "demo", Via: attest.ViaSystem},
			Catalog: opts.Catalog, Now: opts.Now}
		if env.Catalog == nil {
			env.Catalog = &catalog.Catalog{}
		}
		if env.Now == nil {
			env.Now = time.Now
		}
		var err error
		org, err = tx.OrgBySlug(ctx, OrgSlug)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			org = attest.Organization{Slug: OrgSlug, Name: "Northwind Cloud (demo)"}
			err = tx.CreateOrg(ctx, &org)
		}
		if err != nil {
			return err
		}
		env.Org = org
		for _, p := range people {
			password := auth.NewSecret("")[:16]
			hash, err := auth.HashPassword(password, opts.PasswordParams)
			if err != nil {
				return err
			}
			u, err := tx.UserByEmail(ctx, p.email)
			switch attest.ErrorCode(err) {
			case attest.ENOTFOUND:
				u = attest.User{Email: p.email, Name: p.name, PasswordHash: hash}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
			case "":
				if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
					return err
				}
			default:
				return err
			}
			if _, err := tx.Membership(ctx, org.ID, u.ID); attest.ErrorCode(err) == attest.ENOTFOUND {
				if err := tx.AddMember(ctx, org.ID, u.ID, p.role); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			env.Users[p.role] = u
			users[p.role] = u
			logins = append(logins, Login{Role: p.role, Email: p.email, Password: password})
		}
		for _, s := range steps() {
			if err := s.run(ctx, env); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
		}
		guest, err := auditGuest(ctx, tx, org, opts.PasswordParams)
		if err != nil {
			return fmt.Errorf("audit firm's auditor: %w", err)
		}
		if guest.Email != "" {
			logins = append(logins, guest)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Evidence goes through the evidence service, which has its own
	// transaction per item (blob, record, ledger entry, checkpoint).
	if err := seedEvidence(ctx, db, opts.Evidence, org, attest.Actor{Label: "demo", Via: attest.ViaSystem}); err != nil {
		return nil, fmt.Errorf("demo evidence: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := seedMonitoring(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo monitoring: %w", err)
	}
	if err := seedChanges(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo changes: %w", err)
	}
	if err := seedPolicies(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo policies: %w", err)
	}
	if err := seedRisks(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo risks: %w", err)
	}
	if err := seedSignIn(ctx, db, opts, org); err != nil {
		return nil, fmt.Errorf("demo sign-in: %w", err)
	}
	if err := seedNotifications(ctx, db, org, users); err != nil {
		return nil, fmt.Errorf("demo notifications: %w", err)
	}
	if err := seedIdentity(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo identity providers: %w", err)
	}
	if err := seedRoster(ctx, db, org); err != nil {
		return nil, fmt.Errorf("demo roster: %w", err)
	}
	if err := seedVendors(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo vendors: %w", err)
	}
	if err := seedIncidents(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo incidents: %w", err)
	}
	if err := seedTraining(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo training: %w", err)
	}
	if err := seedAccessReviews(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo access reviews: %w", err)
	}
	if err := seedChecklists(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo checklists: %w", err)
	}
	if err := seedPopulations(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo populations: %w", err)
	}
	if err := seedRequests(ctx, db, opts, org, users); err != nil {
		return nil, fmt.Errorf("demo requests: %w", err)
	}
	return logins, nil
}

// seedWelcome leaves a first entry in the activity log, once.
func seedWelcome(ctx context.Context, env *Env) error {
	existing, err := env.Tx.Activity(ctx, env.Org.ID, attest.ActivityFilter{Action: "demo.seeded", Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	return env.Tx.Log(ctx, env.Actor.Record(env.Org.ID, "demo.seeded", "organization", env.Org.Slug, "Created the demo organization with one user per role"))
}

// PrintLogins tells the newcomer where to go and how to sign in.
func PrintLogins(w io.Writer, baseURL string, logins []Login) {
	fmt.Fprintf(w, "\nDemo organization ready at %s/o/%s\nSign in at %s/login with any of these (passwords are new on every start):\n\n", baseURL, OrgSlug, baseURL)
	for _, l := range logins {
		label := string(l.Role)
		if l.Label != "" {
			label = l.Label
		}
		fmt.Fprintf(w, "    %-9s %-28s %s\n", label, l.Email, l.Password)
	}
	fmt.Fprintln(w)
}

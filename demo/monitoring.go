package demo

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
)

// GitHubHost is where the demo organization's GitHub answers: the server
// answers it inside the process (app's demo transport), from githubtest's
// scenario, so the demo needs no network and no GitHub account.
const GitHubHost = "demo-github.attest.invalid"

// GitHubToken is the demo GitHub's token.
const GitHubToken = "ghp_demo_northwind"

// demoConnection is the demo organization's GitHub connection.
const demoConnection = "github"

// seedMonitoring connects the demo organization to its GitHub, collects and
// tests it once, and leaves one approved exception, so the monitoring pages
// start with results: passing and failing repositories, a private repository
// whose protection the free plan hides (unverifiable), and the exception. It
// runs through the services, once: a later start finds them and collects on
// schedule.
func seedMonitoring(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.Connections == nil || opts.Monitor == nil {
		return nil
	}
	admin := attest.Principal{UserID: users[attest.RoleAdmin].ID, Label: users[attest.RoleAdmin].Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaSystem}
	manager := attest.Principal{UserID: users[attest.RoleManager].ID, Label: users[attest.RoleManager].Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem}
	conn, err := opts.Connections.ByName(ctx, admin, demoConnection)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		conn, err = opts.Connections.Add(ctx, admin, connection.Input{Type: "github", Name: demoConnection,
			// Half a year of pull requests, deployments and Dependabot
			// alerts: the demo audit's window, for its populations.
			Settings: map[string]string{"org": "northwind", "base_url": "https://" + GitHubHost + "/", "pull_request_days": "190"}, Secret: []byte(GitHubToken)})
	}
	if err != nil {
		return fmt.Errorf("the demo GitHub connection: %w", err)
	}
	runs, err := db.Collections(ctx, org.ID, conn.ID, 1)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		if _, err := opts.Monitor.Run(ctx, org.ID, conn.ID, nil); err != nil {
			return fmt.Errorf("collecting the demo GitHub: %w", err)
		}
	}
	excs, err := opts.Monitor.Exceptions(ctx, admin)
	if err != nil || len(excs) > 0 {
		return err
	}
	now := opts.Now()
	e, err := opts.Monitor.RequestException(ctx, manager, monitor.ExceptionRequest{Test: "github.branch_protected",
		Resource:  attest.ResourceRef{Type: "github.repository", Key: "northwind/docs"},
		Reason:    "The docs site is generated from the api repository by CI, which is the only writer; nobody pushes to it by hand.",
		ExpiresAt: now.AddDate(0, 3, 0)})
	if err != nil {
		return fmt.Errorf("the demo exception: %w", err)
	}
	_, err = opts.Monitor.ApproveException(ctx, admin, e.UID)
	return err
}

// seedIdentity connects the demo organization to its identity providers
// and collects each once, through the services; a later start finds them.
func seedIdentity(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.Connections == nil || opts.Monitor == nil {
		return nil
	}
	admin := attest.Principal{UserID: users[attest.RoleAdmin].ID, Label: users[attest.RoleAdmin].Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaSystem}
	for _, ic := range opts.Identity {
		conn, err := opts.Connections.ByName(ctx, admin, ic.Name)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			conn, err = opts.Connections.Add(ctx, admin, connection.Input{Type: ic.Type, Name: ic.Name, Settings: ic.Settings, Secret: ic.Secret})
		}
		if err != nil {
			return fmt.Errorf("the demo %s connection: %w", ic.Name, err)
		}
		runs, err := db.Collections(ctx, org.ID, conn.ID, 1)
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			if _, err := opts.Monitor.Run(ctx, org.ID, conn.ID, nil); err != nil {
				return fmt.Errorf("collecting the demo %s: %w", ic.Name, err)
			}
		}
	}
	return nil
}

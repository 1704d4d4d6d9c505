package demo

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// seedChanges banks the demo's changes register (its GitHub pull requests
// and deployments, collected by seedMonitoring) as evidence of the change
// controls, once: a newcomer sees the monthly bypass check on record, with
// its findings named.
func seedChanges(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.BankChanges == nil || opts.Monitor == nil {
		return nil
	}
	banked, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{Query: "Deployed changes", Kind: attest.KindSystem})
	if err != nil || len(banked) > 0 {
		return err
	}
	mgr := users[attest.RoleManager]
	return opts.BankChanges(ctx, attest.Principal{UserID: mgr.ID, Label: mgr.Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem})
}

package demo

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// The demo's sign-in: a security engineer who signs in with an authenticator
// app (so the settings page shows who has two-step verification), and an
// identity provider filled in but turned off (the demo has no provider to
// reach), so the single sign-on settings show what an organization enters.
const (
	securityEmail = "sam.security@demo.attest.test"
	demoIssuer    = "https://login.northwind.example"
)

// seedSignIn adds them, once. Without the install's secret key (Options.Secrets)
// it seeds nothing: neither secret could be sealed.
func seedSignIn(ctx context.Context, db *store.DB, opts Options, org attest.Organization) error {
	if opts.Secrets == nil {
		return nil
	}
	return db.Update(ctx, func(tx *store.Queries) error {
		u, err := tx.UserByEmail(ctx, securityEmail)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			// No password anyone knows: this account is shown, not used.
			u = attest.User{Email: securityEmail, Name: "Sam Security", PasswordHash: auth.NoPassword()}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if _, err := tx.Membership(ctx, org.ID, u.ID); attest.ErrorCode(err) == attest.ENOTFOUND {
			if err := tx.AddMember(ctx, org.ID, u.ID, attest.RoleManager); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if f, err := tx.FactorsOf(ctx, u.ID); err != nil {
			return err
		} else if !f.TOTP {
			k, err := auth.NewTOTPKey("Attest", u.Email)
			if err != nil {
				return err
			}
			sealed, err := opts.Secrets.Seal([]byte(k.Secret))
			if err != nil {
				return err
			}
			if err := tx.PutPendingTOTP(ctx, u.ID, sealed); err != nil {
				return err
			}
			if _, err := tx.UseTOTPStep(ctx, u.ID, auth.TOTPStep(opts.Now()), true); err != nil {
				return err
			}
			var hashes []string
			for _, c := range auth.NewRecoveryCodes(8) { // two of ten used
				hashes = append(hashes, auth.HashRecoveryCode(c))
			}
			if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
				return err
			}
			actor := attest.Actor{UserID: u.ID, Label: u.Email, Via: attest.ViaUI}
			if err := tx.Log(ctx, actor.Record(org.ID, "user.mfa_enrolled", "user", fmt.Sprint(u.ID),
				u.Email+" turned on two-step verification with an authenticator app; other sessions were signed out")); err != nil {
				return err
			}
		}
		if _, _, err := tx.SSOConfig(ctx, org.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			return err // already there, or a real error
		}
		sealed, err := opts.Secrets.Seal([]byte(auth.NewSecret("demo-")))
		if err != nil {
			return err
		}
		cfg := attest.SSOConfig{OrgID: org.ID, Issuer: demoIssuer, ClientID: "attest-northwind", Domains: []string{"demo.attest.test"},
			GroupsClaim: "groups", DefaultRole: attest.RoleEmployee,
			GroupRoles: map[string]attest.Role{"grc-team": attest.RoleManager, "it-admins": attest.RoleAdmin}}
		if err := attest.ValidateSSO(&cfg); err != nil {
			return err
		}
		if err := tx.SaveSSOConfig(ctx, cfg, sealed); err != nil {
			return err
		}
		return tx.Log(ctx, attest.Actor{Label: "demo", Via: attest.ViaSystem}.Record(org.ID, "sso.configured", "organization", "",
			"Set single sign-on through "+demoIssuer+" (client attest-northwind, domains demo.attest.test), off until the provider is reachable"))
	})
}

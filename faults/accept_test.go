package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// acceptor is an employee who accepts the published policy once, through
// the API, with a token of their own.
type acceptor struct {
	email, token string
	id           int64 // the acceptance's ID from the 201 answer; 0 when there was none
	err          error
}

// seedAcceptors publishes the acceptable use policy through the command line
// (adopted, submitted to a manager, approved, published) and records n
// employees, each in the workforce and with an API token. It returns them
// and the published version's ID.
func seedAcceptors(t *testing.T, ctx context.Context, bin string, flags []string, opts store.Options, slug, author string, n int) ([]*acceptor, int64) {
	t.Helper()
	db, org := openOrg(t, ctx, opts, slug)
	defer db.Close()
	storetest.MustMember(t, db, org, attest.RoleManager, "max@"+slug+".test")
	storetest.MustPerson(t, db, org, "Ada Admin", author)
	var out []*acceptor
	for i := range n {
		email := fmt.Sprintf("emp-%04d@%s.test", i, slug)
		u := storetest.MustMember(t, db, org, attest.RoleEmployee, email)
		storetest.MustPerson(t, db, org, fmt.Sprintf("Employee %d", i), email)
		secret := auth.NewSecret("atk_")
		tok := attest.APIToken{OrgID: org.ID, UserID: u.ID, Name: "crash test", Prefix: secret[:12]}
		if err := db.CreateToken(ctx, &tok, auth.HashSecret(secret)); err != nil {
			t.Fatal(err)
		}
		out = append(out, &acceptor{email: email, token: secret})
	}
	// Approving signs a ledger record: the install's key, as serve makes it.
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(opts.DataDir, ""), true); err != nil {
		t.Fatal(err)
	}
	attestCLI(t, bin, "", append([]string{"policy", "adopt", "--org", slug, "--template", "acceptable-use"}, flags...)...)
	attestCLI(t, bin, "", append([]string{"policy", "submit", "--org", slug, "--approver", "max@" + slug + ".test", "acceptable-use"}, flags...)...)
	attestCLI(t, bin, "", append([]string{"policy", "approve", "--org", slug, "--as", "max@" + slug + ".test", "acceptable-use"}, flags...)...)
	attestCLI(t, bin, "", append([]string{"policy", "publish", "--org", slug, "acceptable-use"}, flags...)...)
	pols, err := db.Policies(ctx, org.ID)
	if err != nil || len(pols) != 1 || pols[0].Published == nil {
		t.Fatalf("the published policy: %+v, %v", pols, err)
	}
	return out, pols[0].Published.ID
}

// accept has a.email accept the published version through the API.
func (c *apiClient) accept(ctx context.Context, a *acceptor, versionID int64) {
	body, _ := json.Marshal(map[string]int64{"version_id": versionID})
	var got struct {
		ID int64 `json:"id"`
	}
	if a.err = c.post(ctx, a.token, "/me/policies/acceptable-use/accept", "application/json", bytes.NewReader(body), &got); a.err != nil {
		return
	}
	if got.ID == 0 {
		a.err = fmt.Errorf("answer %+v", got)
		return
	}
	a.id = got.ID
}

// checkAcceptances requires every acknowledged acceptance to be recorded for
// its employee with its ledger record, and no acceptance beyond those sent.
func checkAcceptances(t *testing.T, ctx context.Context, opts store.Options, slug string, sent []*acceptor) {
	t.Helper()
	db, org := openOrg(t, ctx, opts, slug)
	defer db.Close()
	all, err := db.Acceptances(ctx, org.ID, store.AcceptanceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]attest.Acceptance{}
	for _, a := range all {
		byID[a.ID] = a
	}
	acked := 0
	for _, a := range sent {
		if a.id == 0 {
			continue
		}
		acked++
		got, ok := byID[a.id]
		if !ok {
			t.Errorf("acknowledged acceptance %d of %s is not recorded", a.id, a.email)
			continue
		}
		if got.UID == "" {
			t.Errorf("acceptance %d of %s has no ledger record uid: %+v", a.id, a.email, got)
			continue
		}
		if got.PersonEmail != a.email {
			t.Errorf("acceptance %d is recorded for %s, not %s", a.id, got.PersonEmail, a.email)
		}
		if _, err := db.LedgerRecord(ctx, org.ID, ledger.RecordTypePolicyAcceptance, got.UID); err != nil {
			t.Errorf("acceptance %d of %s: its ledger record: %v", a.id, a.email, err)
		}
	}
	if len(all) < acked || len(all) > len(sent) {
		t.Errorf("%d acceptances recorded for %d acknowledged of %d sent", len(all), acked, len(sent))
	}
	t.Logf("%s: %d acknowledged acceptances checked", slug, acked)
}

package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestConfigValidateNamesTheFlag(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		flag string
	}{
		{Config{BaseURL: "attest.example.com"}, "--base-url"},
		{Config{SessionIdle: -time.Second}, "--session-idle"},
		{Config{ShutdownTimeout: -time.Second}, "--shutdown-timeout"},
		{Config{MaxUpload: -1}, "--max-upload"},
		{Config{SessionIdle: 48 * time.Hour, SessionMax: 24 * time.Hour}, "--session-idle"},
	} {
		err := c.cfg.Validate()
		if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorField(err), c.flag) {
			t.Errorf("%+v: got %v (field %q), want an invalid %s", c.cfg, err, attest.ErrorField(err), c.flag)
		}
	}
	if err := (Config{BaseURL: "https://attest.example.com", SessionIdle: time.Hour}).Validate(); err != nil {
		t.Errorf("valid configuration refused: %v", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("the zero configuration takes defaults, but was refused: %v", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	got := Config{SessionIdle: time.Hour}.withDefaults()
	if got.SessionIdle != time.Hour {
		t.Errorf("a given setting was replaced: %s", got.SessionIdle)
	}
	if got.SessionMax != DefaultSessionMax || got.InvitationTTL != DefaultInvitationTTL || got.MaxUpload != DefaultMaxUpload ||
		got.ShutdownTimeout != DefaultShutdownTimeout || got.PasswordParams != auth.DefaultParams || got.Throttle != auth.DefaultThrottle {
		t.Errorf("defaults not applied: %+v", got)
	}
	if got.Now == nil || got.Log == nil || got.Out == nil {
		t.Error("clock, log or output left nil")
	}
	set := got.settings()
	if set.SessionIdle != time.Hour || set.MaxUpload != DefaultMaxUpload || set.InvitationTTL != DefaultInvitationTTL {
		t.Errorf("settings do not carry the configuration: %+v", set)
	}
}

// TestOpenWiresServices opens an install the way CLI commands do: without a
// signing key nothing that needs one opens, and the services share one
// database.
func TestOpenWiresServices(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := Config{DatabaseURL: jobstest.URL(t, store.SQLite), DataDir: dir, PasswordParams: auth.TestParams}
	if _, err := Open(ctx, cfg, Needs{Evidence: true}); err == nil || !strings.Contains(err.Error(), "no ledger signing key") {
		t.Fatalf("evidence without a key: %v", err)
	}
	s, err := Open(ctx, cfg, Needs{Evidence: true, CreateKey: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Key == nil || s.Blobs == nil || s.Catalog == nil || s.Evidence.Key == nil || len(s.Evidence.Heads) == 0 {
		t.Fatalf("evidence parts not opened: key %v blobs %v heads %d", s.Key != nil, s.Blobs != nil, len(s.Evidence.Heads))
	}
	if s.Evidence.Chain() != s.Ledger {
		t.Error("the evidence service appends through a chain of its own, not the install's one")
	}
	if s.Members.InvitationTTL != DefaultInvitationTTL || s.Users.SessionMax != DefaultSessionMax {
		t.Errorf("services did not get the configured defaults: ttl %s, max %s", s.Members.InvitationTTL, s.Users.SessionMax)
	}
	// A change through one service is seen by another: they share the database.
	org, err := s.Orgs.Create(ctx, attest.SystemPrincipal(0, "cli:test", attest.ViaCLI), attest.Organization{Slug: "acme", Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Users.Add(ctx, attest.SystemPrincipal(org.ID, "cli:test", attest.ViaCLI), accountMember("ada@acme.test")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DB.CountAdmins(ctx); err != nil || n != 1 {
		t.Fatalf("admins after adding one through the services: %d %v", n, err)
	}
	if _, err := Open(ctx, Config{BaseURL: "ftp://x"}, Needs{}); attest.ErrorField(err) != "--base-url (ATTEST_BASE_URL)" {
		t.Fatalf("invalid configuration opened: %v", err)
	}
}

func accountMember(email string) account.NewMember {
	return account.NewMember{Email: email, Role: attest.RoleAdmin, Password: storetest.Password}
}

func TestNewServicesTakesConfigDefaults(t *testing.T) {
	s := NewServices(nil, nil, nil, nil, Settings{SessionIdle: time.Hour})
	if s.Users.SessionIdle != time.Hour || s.Users.SessionMax != DefaultSessionMax || s.Members.InvitationTTL != DefaultInvitationTTL ||
		s.Evidence.MaxSize != DefaultMaxUpload || s.Users.Throttle != auth.DefaultThrottle || s.Users.MaxPasswordChecks != account.DefaultPasswordChecks {
		t.Fatalf("services without a whole configuration did not get its defaults: %+v %+v", s.Users, s.Members)
	}
}

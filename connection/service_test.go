package connection_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// probe is a small real connector: its Check answers from the credential it
// is given, so a test sees that the service opened the right one.
type probe struct{}

func (probe) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{Type: "probe", Title: "Probe", SecretLabel: "Probe token", Settings: []attest.SettingSpec{
		{Key: "org", Label: "Organization", Help: "the organization's login", Required: true},
		{Key: "base_url", Label: "API root", Help: "where the API answers", Default: "https://probe.example.test"},
	}, Permissions: []string{"members:read", "administration:read"}}
}

func (probe) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	switch string(req.Secret) {
	case "good-token":
		return attest.CheckResult{OK: true, Identity: "bot@" + req.Settings["org"], Message: "The token reads everything needed"}, nil
	case "limited-token":
		return attest.CheckResult{OK: true, Identity: "bot@" + req.Settings["org"], Missing: []string{"administration:read"}}, nil
	case "slow-token": // a provider that never answers
		<-ctx.Done()
		return attest.CheckResult{}, fmt.Errorf("GET /user: %w", ctx.Err())
	}
	return attest.CheckResult{}, errors.New("the API answered 401 Bad credentials")
}

func (probe) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return attest.Collection{}, nil
}

var now = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)

func newBox(t *testing.T, keys ...secret.Key) *secret.Box {
	t.Helper()
	if len(keys) == 0 {
		k, err := secret.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		keys = []secret.Key{k}
	}
	b, err := secret.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newService(t *testing.T, db *store.DB) *connection.Service {
	return &connection.Service{DB: db, Box: newBox(t), Registry: connector.New(probe{}), Now: func() time.Time { return now }}
}

type world struct {
	org                     attest.Organization
	manager, auditor, staff attest.Principal
}

func principal(t *testing.T, db *store.DB, org attest.Organization, role attest.Role) attest.Principal {
	u := storetest.MustMember(t, db, org, role, string(role)+"@"+org.Slug+".test")
	return attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: role, Via: attest.ViaUI}
}

func newWorld(t *testing.T, db *store.DB, slug string) world {
	org := storetest.MustOrg(t, db, slug)
	return world{org: org, manager: principal(t, db, org, attest.RoleManager), auditor: principal(t, db, org, attest.RoleAuditor),
		staff: principal(t, db, org, attest.RoleEmployee)}
}

func input(name, token string) connection.Input {
	return connection.Input{Type: "probe", Name: name, Settings: map[string]string{"org": "acme"}, Secret: []byte(token + "\n")}
}

func TestAddSealsTheCredential(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		w := newWorld(t, db, "a")
		c, err := s.Add(ctx, w.manager, input("gh", "good-token"))
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.OrgID != w.org.ID || c.Settings["org"] != "acme" || c.Settings["base_url"] != "https://probe.example.test" ||
			c.IntervalMinutes != connection.DefaultInterval || !c.Enabled || c.CreatedBy != w.manager.UserID {
			t.Fatalf("added %+v", c)
		}
		sealed, err := db.ConnectionSecret(ctx, w.org.ID, c.ID)
		if err != nil || bytes.Contains(sealed, []byte("good-token")) {
			t.Fatalf("stored credential %q, %v: must be sealed", sealed, err)
		}
		if plain, err := s.Box.Open(sealed); err != nil || string(plain) != "good-token" {
			t.Fatalf("the stored credential opens to %q, %v; want the token without its new line", plain, err)
		}
		conn, got, err := s.Open(ctx, w.org.ID, c.ID)
		if err != nil || string(got) != "good-token" || conn.Name != "gh" {
			t.Fatalf("Open = %+v, %q, %v", conn, got, err)
		}

		// Readers see the connection, never the credential.
		list, err := s.List(ctx, w.auditor)
		if err != nil || len(list) != 1 || list[0].ID != c.ID {
			t.Fatalf("List = %+v, %v", list, err)
		}
		js, _ := json.Marshal(list)
		if bytes.Contains(js, []byte("good-token")) {
			t.Errorf("the listing carries the credential: %s", js)
		}
		if g, err := s.Get(ctx, w.auditor, c.ID); err != nil || g.Name != "gh" {
			t.Errorf("Get = %+v, %v", g, err)
		}
		if g, err := s.ByName(ctx, w.auditor, " gh "); err != nil || g.ID != c.ID {
			t.Errorf("ByName = %+v, %v", g, err)
		}
		acts, err := db.Activity(ctx, w.org.ID, attest.ActivityFilter{Action: "connection."})
		if err != nil || len(acts) != 1 || acts[0].Action != "connection.added" || !strings.Contains(acts[0].Summary, "gh") ||
			strings.Contains(acts[0].Summary, "good-token") || acts[0].ActorID != w.manager.UserID {
			t.Fatalf("activity = %+v, %v", acts, err)
		}
	})
}

func TestAddValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		w := newWorld(t, db, "a")
		if _, err := s.Add(ctx, w.manager, input("gh", "good-token")); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			mod         func(*connection.Input)
			code, field string
		}{
			"unknown type":       {func(in *connection.Input) { in.Type = "gitlab" }, attest.EINVALID, "type"},
			"missing setting":    {func(in *connection.Input) { in.Settings = map[string]string{"org": " "} }, attest.EINVALID, "org"},
			"unknown setting":    {func(in *connection.Input) { in.Settings["token"] = "x" }, attest.EINVALID, "token"},
			"no secret":          {func(in *connection.Input) { in.Secret = []byte(" \n") }, attest.EINVALID, "secret"},
			"interval too short": {func(in *connection.Input) { in.IntervalMinutes = 1 }, attest.EINVALID, "interval_minutes"},
			"interval too long":  {func(in *connection.Input) { in.IntervalMinutes = connection.MaxInterval + 1 }, attest.EINVALID, "interval_minutes"},
			"empty name":         {func(in *connection.Input) { in.Name = "" }, attest.EINVALID, "name"},
			"name with a slash":  {func(in *connection.Input) { in.Name = "a/b" }, attest.EINVALID, "name"},
			"taken name":         {func(in *connection.Input) { in.Name = "gh" }, attest.ECONFLICT, "name"},
		} {
			in := input("other", "good-token")
			tc.mod(&in)
			_, err := s.Add(ctx, w.manager, in)
			if attest.ErrorCode(err) != tc.code || attest.ErrorField(err) != tc.field {
				t.Errorf("%s: %v; want %s on %s", name, err, tc.code, tc.field)
			}
		}
		if list, _ := s.List(ctx, w.manager); len(list) != 1 {
			t.Errorf("refused inputs were stored: %+v", list)
		}
		noKey := &connection.Service{DB: db, Registry: s.Registry}
		if _, err := noKey.Add(ctx, w.manager, input("nokey", "good-token")); err == nil || !strings.Contains(err.Error(), "ATTEST_SECRET_KEY") {
			t.Errorf("without a secret key: %v", err)
		}
	})
}

func TestRolesDecide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		w := newWorld(t, db, "a")
		c, err := s.Add(ctx, w.manager, input("gh", "good-token"))
		if err != nil {
			t.Fatal(err)
		}
		forbidden := func(what string, err error) {
			t.Helper()
			if attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Errorf("%s: %v, want EFORBIDDEN", what, err)
			}
		}
		_, err = s.Add(ctx, w.auditor, input("x", "good-token"))
		forbidden("auditor adds", err)
		_, err = s.Check(ctx, w.auditor, c.ID)
		forbidden("auditor checks", err)
		forbidden("auditor removes", s.Remove(ctx, w.auditor, c.ID))
		_, err = s.List(ctx, w.staff)
		forbidden("employee lists", err)
		_, err = s.Get(ctx, w.staff, c.ID)
		forbidden("employee reads", err)
		if _, err := s.Get(ctx, w.manager, c.ID); err != nil {
			t.Errorf("the connection after refused changes: %v", err)
		}
	})
}

func TestCheckStoresTheOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		w := newWorld(t, db, "a")
		good, _ := s.Add(ctx, w.manager, input("good", "good-token"))
		limited, _ := s.Add(ctx, w.manager, input("limited", "limited-token"))
		broken, _ := s.Add(ctx, w.manager, input("broken", "revoked-token"))

		res, err := s.Check(ctx, w.manager, good.ID)
		if err != nil || !res.OK || res.Identity != "bot@acme" {
			t.Fatalf("good: %+v, %v", res, err)
		}
		c, _ := s.Get(ctx, w.manager, good.ID)
		if !c.CheckOK || !c.CheckedAt.Equal(now) || !strings.Contains(c.CheckMessage, "Acts as bot@acme") {
			t.Errorf("good, stored: %+v", c)
		}

		res, err = s.Check(ctx, w.manager, limited.ID)
		if err != nil || res.OK || len(res.Missing) != 1 {
			t.Fatalf("limited: %+v, %v; a missing permission is not OK", res, err)
		}
		c, _ = s.Get(ctx, w.manager, limited.ID)
		if c.CheckOK || !strings.Contains(c.CheckMessage, "Missing: administration:read") {
			t.Errorf("limited, stored: %+v", c)
		}

		res, err = s.Check(ctx, w.manager, broken.ID)
		if err != nil || res.OK || !strings.Contains(res.Message, "401 Bad credentials") {
			t.Fatalf("broken: %+v, %v; the connector's error is the failed check's message", res, err)
		}
		c, _ = s.Get(ctx, w.manager, broken.ID)
		if c.CheckOK || !strings.Contains(c.CheckMessage, "401") || c.CheckedAt.IsZero() {
			t.Errorf("broken, stored: %+v", c)
		}
		slow, _ := s.Add(ctx, w.manager, input("slow", "slow-token"))
		s.CheckTimeout = 10 * time.Millisecond
		res, err = s.Check(ctx, w.manager, slow.ID)
		if err != nil || res.OK || !strings.Contains(res.Message, "did not answer within 10ms") {
			t.Fatalf("slow provider: %+v, %v", res, err)
		}
		acts, err := db.Activity(ctx, w.org.ID, attest.ActivityFilter{Action: "connection.checked"})
		if err != nil || len(acts) != 4 {
			t.Fatalf("check entries: %+v, %v", acts, err)
		}
		for _, a := range acts {
			if strings.Contains(a.Summary, "-token") {
				t.Errorf("an activity entry shows a credential: %q", a.Summary)
			}
		}
	})
}

func TestRemove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		w := newWorld(t, db, "a")
		c, _ := s.Add(ctx, w.manager, input("gh", "good-token"))
		if err := s.Remove(ctx, w.manager, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, w.manager, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("removed connection: %v", err)
		}
		if _, err := db.ConnectionSecret(ctx, w.org.ID, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("removed connection's credential: %v", err)
		}
		if err := s.Remove(ctx, w.manager, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("removing twice: %v", err)
		}
		acts, _ := db.Activity(ctx, w.org.ID, attest.ActivityFilter{Action: "connection.removed"})
		if len(acts) != 1 || !strings.Contains(acts[0].Summary, "gh") {
			t.Errorf("removal entry: %+v", acts)
		}
	})
}

func TestOrganizationsAreSeparate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		a, b := newWorld(t, db, "a"), newWorld(t, db, "b")
		ac, err := s.Add(ctx, a.manager, input("gh", "good-token"))
		if err != nil {
			t.Fatal(err)
		}
		if list, err := s.List(ctx, b.manager); err != nil || len(list) != 0 {
			t.Errorf("b lists %+v, %v", list, err)
		}
		if _, err := s.Get(ctx, b.manager, ac.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("b gets a's connection: %v", err)
		}
		if _, err := s.ByName(ctx, b.manager, "gh"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("b finds a's connection by name: %v", err)
		}
		if _, err := s.Check(ctx, b.manager, ac.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("b checks a's connection: %v", err)
		}
		if err := s.Remove(ctx, b.manager, ac.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("b removes a's connection: %v", err)
		}
		if _, _, err := s.Open(ctx, b.org.ID, ac.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("b opens a's credential: %v", err)
		}
		if c, err := s.Get(ctx, a.manager, ac.ID); err != nil || !c.CheckedAt.IsZero() {
			t.Errorf("a's connection after b's attempts: %+v, %v", c, err)
		}
		// b may use the same name for its own.
		if _, err := s.Add(ctx, b.manager, input("gh", "good-token")); err != nil {
			t.Errorf("b's own gh: %v", err)
		}
	})
}

func TestResealWithANewKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		k1, _ := secret.NewKey()
		k2, _ := secret.NewKey()
		s := newService(t, db)
		s.Box = newBox(t, k1)
		a, b := newWorld(t, db, "a"), newWorld(t, db, "b")
		ca, _ := s.Add(ctx, a.manager, input("gh", "good-token"))
		cb, _ := s.Add(ctx, b.manager, input("gh", "limited-token"))

		// Until re-sealed, only a box holding the old key opens them.
		rotated := newBox(t, k2, k1)
		s.Box = rotated
		if _, got, err := s.Open(ctx, a.org.ID, ca.ID); err != nil || string(got) != "good-token" {
			t.Fatalf("old credential with the rotated box: %q, %v", got, err)
		}
		r, err := s.Reseal(ctx, attest.Actor{Label: "cli:test", Via: attest.ViaCLI}, rotated)
		if err != nil || r.Total != 2 || r.Resealed != 2 {
			t.Fatalf("Reseal = %+v, %v", r, err)
		}
		s.Box = newBox(t, k2) // the old key is gone
		if _, got, err := s.Open(ctx, b.org.ID, cb.ID); err != nil || string(got) != "limited-token" {
			t.Fatalf("re-sealed credential with the new key only: %q, %v", got, err)
		}
		if r, err := s.Reseal(ctx, attest.Actor{Label: "cli:test", Via: attest.ViaCLI}, rotated); err != nil || r.Resealed != 0 || r.Total != 2 {
			t.Errorf("second Reseal = %+v, %v; want nothing to do", r, err)
		}
		for _, w := range []world{a, b} {
			acts, _ := db.Activity(ctx, w.org.ID, attest.ActivityFilter{Action: "connection.secrets_resealed"})
			if len(acts) != 1 || !strings.Contains(acts[0].Summary, "1 connection") {
				t.Errorf("%s: reseal entries %+v", w.org.Slug, acts)
			}
		}

		// A credential no key opens stops the rotation before anything changes.
		k3, _ := secret.NewKey()
		if _, err := s.Reseal(ctx, attest.Actor{Label: "cli:test"}, newBox(t, k3)); err == nil || !strings.Contains(err.Error(), "gh") {
			t.Fatalf("reseal without the key that sealed them: %v", err)
		}
		if _, got, err := s.Open(ctx, a.org.ID, ca.ID); err != nil || string(got) != "good-token" {
			t.Fatalf("after a failed reseal: %q, %v", got, err)
		}
		s.Box = newBox(t, k3)
		if _, _, err := s.Open(ctx, a.org.ID, ca.ID); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "secret key") {
			t.Errorf("Open with a key that did not seal it: %v", err)
		}
	})
}

func TestScheduleAcrossOrganizations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := newService(t, db)
		a, b := newWorld(t, db, "a"), newWorld(t, db, "b")
		ca, _ := s.Add(ctx, a.manager, input("gh", "good-token"))
		in := input("gh", "good-token")
		in.IntervalMinutes = 15
		cb, _ := s.Add(ctx, b.manager, in)
		if due, err := s.Due(ctx, now); err != nil || len(due) != 2 {
			t.Fatalf("never collected: %+v, %v", due, err)
		}
		for _, c := range []attest.Connection{ca, cb} {
			if err := s.MarkCollected(ctx, c.OrgID, c.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		due, err := s.Due(ctx, now.Add(20*time.Minute))
		if err != nil || len(due) != 1 || due[0].ID != cb.ID {
			t.Fatalf("20 minutes later: %+v, %v; want only the 15-minute connection", due, err)
		}
		if err := s.MarkCollected(ctx, b.org.ID, ca.ID, now); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("marking a's connection as b: %v", err)
		}
	})
}

func TestWebhookSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		k1, _ := secret.NewKey()
		k2, _ := secret.NewKey()
		s := newService(t, db)
		s.Box = newBox(t, k1)
		a, b := newWorld(t, db, "a"), newWorld(t, db, "b")
		c, err := s.Add(ctx, a.manager, input("gh", "good-token"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.OpenWebhook(ctx, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("a connection without a webhook secret accepted a webhook: %v", err)
		}
		if _, err := s.NewWebhookSecret(ctx, a.auditor, c.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an auditor made a webhook secret: %v", err)
		}
		if _, err := s.NewWebhookSecret(ctx, b.manager, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("another organization's manager made a's webhook secret: %v", err)
		}
		first, err := s.NewWebhookSecret(ctx, a.manager, c.ID)
		if err != nil || len(first) != 64 {
			t.Fatalf("NewWebhookSecret = %q, %v", first, err)
		}
		got, hook, err := s.OpenWebhook(ctx, c.ID)
		if err != nil || string(hook) != first || got.OrgID != a.org.ID {
			t.Fatalf("OpenWebhook = %+v %q, %v", got, hook, err)
		}
		second, _ := s.NewWebhookSecret(ctx, a.manager, c.ID)
		if _, hook, _ := s.OpenWebhook(ctx, c.ID); second == first || string(hook) != second {
			t.Errorf("a new secret did not replace the old one")
		}
		acts, _ := db.Activity(ctx, a.org.ID, attest.ActivityFilter{Action: "connection.webhook_secret"})
		if len(acts) != 2 || strings.Contains(acts[0].Summary, second) {
			t.Errorf("activity for webhook secrets: %+v", acts)
		}
		// Rotation re-seals webhook secrets with the credentials.
		rotated := newBox(t, k2, k1)
		r, err := s.Reseal(ctx, attest.Actor{Label: "cli:test", Via: attest.ViaCLI}, rotated)
		if err != nil || r.Total != 2 || r.Resealed != 2 {
			t.Fatalf("Reseal = %+v, %v; want the credential and the webhook secret", r, err)
		}
		s.Box = newBox(t, k2)
		if _, hook, err := s.OpenWebhook(ctx, c.ID); err != nil || string(hook) != second {
			t.Errorf("webhook secret after rotation: %q, %v", hook, err)
		}
	})
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestPushedChangeFlipsTheVerdict is monitoring end to end, through the
// production path: `attest serve` with its job worker, the GitHub connector
// against the local GitHub server, a signed webhook for a push, a job that
// collects only that repository, and the new verdict in the results.
func TestPushedChangeFlipsTheVerdict(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			gh := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
			defer gh.Close()
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, d), DataDir: t.TempDir(),
				PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			defer func() { cancel(); <-done }()
			s := a.Services
			org := storetest.MustOrg(t, s.DB, "acme")
			u := storetest.MustMember(t, s.DB, org, attest.RoleManager, "max@acme.test")
			p := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager}
			conn, err := s.Connections.Add(ctx, p, connection.Input{Type: "github", Name: "github",
				Settings: map[string]string{"org": "northwind", "base_url": gh.URL}, Secret: []byte("ghp_test")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Monitor.RunNow(ctx, p, conn.ID, nil); err != nil {
				t.Fatal(err)
			}
			verdict := func() attest.ResultStatus {
				list, err := s.Monitor.Results(ctx, p, store.ResultFilter{Test: "github.branch_protected", ResourceKey: "northwind/docs"})
				if err != nil || len(list) != 1 {
					t.Fatalf("results: %v, %v", list, err)
				}
				return list[0].Status
			}
			if v := verdict(); v != attest.ResultFail {
				t.Fatalf("before the change: %s", v)
			}
			hookSecret, err := s.Connections.NewWebhookSecret(ctx, p, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			hookURL := fmt.Sprintf("%s/hooks/github/%d", a.URL, conn.ID)

			// Strangers get nothing: a wrong secret, another type, another connection.
			for _, c := range []struct{ url, secret string }{{hookURL, "wrong"}, {fmt.Sprintf("%s/hooks/aws/%d", a.URL, conn.ID), hookSecret},
				{fmt.Sprintf("%s/hooks/github/%d", a.URL, conn.ID+100), hookSecret}} {
				res, err := githubtest.Deliver(nil, c.url, []byte(c.secret), "push", githubtest.PushPayload("northwind", "docs"))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("delivery to %s with secret %q: %d, want 404", c.url, c.secret, res.StatusCode)
				}
			}

			gh.Scenario.Update(func(sc *githubtest.Scenario) {
				sc.Repo("docs").Classic = &githubtest.Classic{Approvals: 1}
			})
			res, err := githubtest.Deliver(nil, hookURL, []byte(hookSecret), "push", githubtest.PushPayload("northwind", "docs"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var accepted struct{ Job int64 }
			if res.StatusCode != http.StatusAccepted || json.Unmarshal(body, &accepted) != nil || accepted.Job == 0 {
				t.Fatalf("signed push: %d %s", res.StatusCode, body)
			}
			waitDone(t, s.Jobs, accepted.Job)
			if v := verdict(); v != attest.ResultPass {
				t.Errorf("after the push: %s, want pass", v)
			}
			// The webhook's collection was partial: only the pushed repository.
			// (The scheduler may run a full collection meanwhile, so the
			// server's request log is not the measure here; the connector's
			// tests check Only against it.)
			cols, err := s.DB.Collections(ctx, org.ID, conn.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			partial := 0
			for _, c := range cols {
				if c.Partial {
					partial++
					if c.Resources != 1 {
						t.Errorf("the webhook's collection holds %d resources, want the pushed repository only", c.Resources)
					}
				}
			}
			if partial != 1 {
				t.Errorf("%d partial collections, want the webhook's one", partial)
			}
			// A ping is acknowledged and queues nothing.
			res, err = githubtest.Deliver(nil, hookURL, []byte(hookSecret), "ping", map[string]any{"zen": "Keep it logically awesome."})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNoContent {
				t.Errorf("ping: %d", res.StatusCode)
			}
		})
	}
}

// Command webhook measures how soon a change pushed to GitHub shows as a new
// verdict in Attest: it runs `attest serve` (with its job worker, on SQLite
// in a temporary folder) against the local GitHub server, sets up a webhook,
// and repeatedly changes a repository's protection, posts the signed push
// delivery, and polls the API until the verdict has flipped. Beside it, in the
// same run, it times the floor: the same one-repository collection run
// directly, without the webhook, the queue or the API.
//
//	go run ./bench/webhook [-rounds 20]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
)

func main() {
	rounds := flag.Int("rounds", 20, "changes pushed and timed")
	flag.Parse()
	if err := run(*rounds); err != nil {
		fmt.Fprintln(os.Stderr, "bench/webhook:", err)
		os.Exit(1)
	}
}

func run(rounds int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "attest-bench-webhook-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	gh := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
	defer gh.Close()
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: dir, PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	s := a.Services
	org := attest.Organization{Slug: "acme", Name: "Acme"}
	if err := s.DB.CreateOrg(ctx, &org); err != nil {
		return err
	}
	hash, _ := auth.HashPassword("correct horse battery staple", auth.TestParams)
	u := attest.User{Email: "max@acme.test", Name: "Max", PasswordHash: hash}
	if err := s.DB.CreateUser(ctx, &u); err != nil {
		return err
	}
	if err := s.DB.AddMember(ctx, org.ID, u.ID, attest.RoleManager); err != nil {
		return err
	}
	token := auth.NewSecret("atk_")
	if err := s.DB.CreateToken(ctx, &attest.APIToken{OrgID: org.ID, UserID: u.ID, Name: "bench", Prefix: token[:12]}, auth.HashSecret(token)); err != nil {
		return err
	}
	p := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager}
	conn, err := s.Connections.Add(ctx, p, connection.Input{Type: "github", Name: "github",
		Settings: map[string]string{"org": "northwind", "base_url": gh.URL}, Secret: []byte("ghp_test")})
	if err != nil {
		return err
	}
	if _, err := s.Monitor.Run(ctx, org.ID, conn.ID, nil); err != nil {
		return err
	}
	secret, err := s.Connections.NewWebhookSecret(ctx, p, conn.ID)
	if err != nil {
		return err
	}
	hook := fmt.Sprintf("%s/hooks/github/%d", a.URL, conn.ID)
	results := fmt.Sprintf("%s/api/v1/orgs/acme/results?test=github.branch_protected&resource=northwind/docs", a.URL)
	only := []attest.ResourceRef{{Type: "github.repository", Key: "northwind/docs"}}

	var viaHook, direct []time.Duration
	protected := false
	for range rounds {
		protected = !protected
		gh.Scenario.Update(func(sc *githubtest.Scenario) {
			if protected {
				sc.Repo("docs").Classic = &githubtest.Classic{Approvals: 1}
			} else {
				sc.Repo("docs").Classic = nil
			}
		})
		want := map[bool]attest.ResultStatus{true: attest.ResultPass, false: attest.ResultFail}[protected]
		start := time.Now()
		res, err := githubtest.Deliver(nil, hook, []byte(secret), "push", githubtest.PushPayload("northwind", "docs"))
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			return fmt.Errorf("webhook answered %d", res.StatusCode)
		}
		for {
			got, err := verdict(results, token)
			if err != nil {
				return err
			}
			if got == want {
				break
			}
			if time.Since(start) > 30*time.Second {
				return fmt.Errorf("the verdict did not flip to %s within 30 s", want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		viaHook = append(viaHook, time.Since(start))

		// The floor: the same one-repository collection and test run, directly.
		start = time.Now()
		if _, err := s.Monitor.Run(ctx, org.ID, conn.ID, only); err != nil {
			return err
		}
		direct = append(direct, time.Since(start))
	}
	slices.Sort(viaHook)
	slices.Sort(direct)
	med := func(d []time.Duration) time.Duration { return d[len(d)/2] }
	fmt.Printf("bench/webhook: %d pushes, SQLite, job worker in-process\n", rounds)
	fmt.Printf("push → new verdict in the API: median %s, max %s\n", med(viaHook).Round(time.Millisecond), viaHook[len(viaHook)-1].Round(time.Millisecond))
	fmt.Printf("floor (the same collection run directly): median %s\n", med(direct).Round(time.Millisecond))
	fmt.Printf("webhook / floor (medians): %.1f×; target: every push shown within 5 s: %s\n",
		float64(med(viaHook))/float64(med(direct)), map[bool]string{true: "met", false: "MISSED"}[viaHook[len(viaHook)-1] <= 5*time.Second])
	return nil
}

// verdict reads the current status of the result through the API.
func verdict(url, token string) (attest.ResultStatus, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out struct {
		Results []attest.TestResult `json:"results"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out.Results) != 1 {
		return "", fmt.Errorf("results: %d %s", res.StatusCode, body)
	}
	return out.Results[0].Status, nil
}

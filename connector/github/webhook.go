package github

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
)

// Webhook verifies a GitHub delivery (X-Hub-Signature-256, an HMAC-SHA256 of
// the body with the webhook secret) and names the resources it changed: the
// repository for repository events, the organization (and its members) for
// organization events. Events Attest does not read name nothing.
func (c *Connector) Webhook(header map[string][]string, body, secret []byte) ([]attest.ResourceRef, error) {
	return ParseWebhook(http.Header(header), body, secret)
}

// ParseWebhook is Webhook as a function.
func ParseWebhook(header http.Header, body, secret []byte) ([]attest.ResourceRef, error) {
	if len(secret) == 0 {
		return nil, attest.Errorf(attest.EUNAUTHORIZED, "the connection has no webhook secret")
	}
	sig, ok := strings.CutPrefix(header.Get("X-Hub-Signature-256"), "sha256=")
	got, err := hex.DecodeString(sig)
	if !ok || err != nil {
		return nil, attest.Errorf(attest.EUNAUTHORIZED, "the delivery is not signed (X-Hub-Signature-256)")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, attest.Errorf(attest.EUNAUTHORIZED, "the delivery's signature does not match the webhook secret")
	}
	event := header.Get("X-GitHub-Event")
	var p struct {
		Action     string `json:"action"`
		Repository *struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		Organization *struct {
			Login string `json:"login"`
		} `json:"organization"`
		PullRequest *struct {
			Merged bool `json:"merged"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, attest.Invalid("body", "the delivery is not JSON: %v", err)
	}
	repo := func() []attest.ResourceRef {
		if p.Repository == nil || p.Repository.FullName == "" {
			return nil
		}
		return []attest.ResourceRef{{Type: TypeRepository, Key: p.Repository.FullName}}
	}
	org := func() []attest.ResourceRef {
		if p.Organization == nil || p.Organization.Login == "" {
			return nil
		}
		return []attest.ResourceRef{{Type: TypeOrganization, Key: p.Organization.Login}}
	}
	switch event {
	case "push", "branch_protection_rule", "branch_protection_configuration", "repository", "security_and_analysis",
		"dependabot_alert", "secret_scanning_alert", "repository_vulnerability_alert":
		return repo(), nil
	case "pull_request":
		if p.Action == "closed" && p.PullRequest != nil && p.PullRequest.Merged {
			return repo(), nil
		}
		return nil, nil
	case "repository_ruleset":
		// A repository's ruleset changes that repository; an organization
		// ruleset can change any of them, so everything is collected again.
		if r := repo(); r != nil {
			return r, nil
		}
		return append(org(), attest.ResourceRef{Type: TypeRepository, Key: "*"}), nil
	case "member", "membership", "organization", "team":
		return org(), nil
	}
	return nil, nil // ping and events Attest does not read
}

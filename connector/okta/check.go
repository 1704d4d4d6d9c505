package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/attest-hq/attest"
)

// Check verifies the credential and names each permission it lacks, by
// making one call of each kind a collection makes. With an API token: the
// token's own user (GET /api/v1/users/me), the user list, that user's
// factors and roles, the groups, and the password policies. With a service
// app, which is no user: an access token from the token endpoint, then the
// same calls about the first user listed. The result says which kind of
// credential is in use.
func (c *Connector) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	s, err := c.session(req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	var res attest.CheckResult
	var subject oktaUser
	if s.cred.apiToken != "" {
		if _, err := s.get(ctx, "/api/v1/users/me", &subject); err != nil {
			switch statusOf(err) {
			case http.StatusUnauthorized:
				res.Message = "Okta refused the API token (401 E0000011 invalid token): it is wrong, revoked, expired after 30 days unused, or its administrator was deactivated"
				return res, nil
			case http.StatusNotFound:
				res.Message = fmt.Sprintf("%s does not answer as an Okta org (404 on /api/v1/users/me): check the org URL", s.base)
				return res, nil
			}
			return res, coded(err)
		}
		res.Identity = subject.Profile.Login
		if res.Identity == "" {
			res.Identity = subject.ID
		}
	} else {
		res.Identity = "service app " + s.cred.clientID
		var first []oktaUser
		if _, err := s.get(ctx, "/api/v1/users?limit=1", &first); err != nil {
			var te *tokenError
			switch {
			case errors.As(err, &te):
				res.Message = te.msg
				if te.Code == "invalid_scope" {
					res.Missing = []string{"the scopes " + strings.Join(s.scopes, ", ") + " granted to the service app"}
				}
				return res, nil
			case statusOf(err) == http.StatusUnauthorized:
				res.Message = err.Error()
				return res, nil
			case statusOf(err) != http.StatusForbidden:
				return res, coded(err)
			}
		}
		if len(first) > 0 {
			subject = first[0]
		}
		s.authMu.Lock()
		if s.oauth.tokenType == "DPoP" {
			res.Identity += " (DPoP-bound token)"
		}
		s.authMu.Unlock()
	}
	missing := func(what string) {
		if !slices.Contains(res.Missing, what) {
			res.Missing = append(res.Missing, what)
		}
	}
	oauth := s.cred.apiToken == ""
	need := func(role, scope string) string {
		if oauth {
			return role + ", and the scope " + scope
		}
		return role
	}
	const readOnly = "Read-Only Administrator"
	const viewRoles = "view administrator role assignments (Super Administrator, or a custom role with okta.iam.read)"
	probes := []struct {
		path, what string
	}{
		{"/api/v1/users?limit=1", "read users (" + need(readOnly, "okta.users.read") + ")"},
		{"/api/v1/groups?limit=1", "read groups (" + need(readOnly, "okta.groups.read") + ")"},
		{"/api/v1/policies?type=PASSWORD", "read policies (" + need(readOnly, "okta.policies.read") + ")"},
	}
	if subject.ID != "" {
		probes = append(probes[:1], append([]struct{ path, what string }{
			{"/api/v1/users/" + url.PathEscape(subject.ID) + "/factors", "read users' authenticators (" + need(readOnly, "okta.users.read") + ")"},
			{"/api/v1/users/" + url.PathEscape(subject.ID) + "/roles", need(viewRoles, "okta.roles.read")},
		}, probes[1:]...)...)
	}
	for _, p := range probes {
		_, err := s.get(ctx, p.path, nil)
		switch statusOf(err) {
		case 0:
			if err != nil {
				return res, err
			}
		case http.StatusForbidden:
			what := p.what
			var e *apiError
			if errors.As(err, &e) && e.Scope != "" {
				what = "the scope " + e.Scope + " granted to the service app (" + p.what + ")"
			}
			missing(what)
		default:
			return res, coded(err)
		}
	}
	kind := s.cred.kind()
	res.OK = len(res.Missing) == 0
	if res.OK {
		res.Message = fmt.Sprintf("%s: signed in as %s; it reads everything Attest collects from %s", kind, res.Identity, s.base.Host)
	} else {
		res.Message = fmt.Sprintf("%s: signed in as %s; it lacks %d permission(s): tests that need them will be unverifiable", kind, res.Identity, len(res.Missing))
	}
	return res, nil
}

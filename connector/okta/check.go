package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/attest-hq/attest"
)

// Check verifies the API token and names each permission its administrator
// lacks, by making one call of each kind a collection makes: the token's own
// user (GET /api/v1/users/me), the user list, the token user's factors and
// roles, the groups, and the password policies.
func (c *Connector) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	s, err := c.session(req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	var res attest.CheckResult
	var me oktaUser
	if _, err := s.get(ctx, "/api/v1/users/me", &me); err != nil {
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
	res.Identity = me.Profile.Login
	if res.Identity == "" {
		res.Identity = me.ID
	}
	missing := func(what string) {
		if !slices.Contains(res.Missing, what) {
			res.Missing = append(res.Missing, what)
		}
	}
	probes := []struct {
		path, what string
	}{
		{"/api/v1/users?limit=1", "read users (Read-Only Administrator)"},
		{"/api/v1/users/" + url.PathEscape(me.ID) + "/factors", "read users' authenticators (Read-Only Administrator)"},
		{"/api/v1/users/" + url.PathEscape(me.ID) + "/roles", "view administrator role assignments (Super Administrator, or a custom role with okta.iam.read)"},
		{"/api/v1/groups?limit=1", "read groups (Read-Only Administrator)"},
		{"/api/v1/policies?type=PASSWORD", "read policies (Read-Only Administrator)"},
	}
	for _, p := range probes {
		_, err := s.get(ctx, p.path, nil)
		switch statusOf(err) {
		case 0:
			if err != nil {
				return res, err
			}
		case http.StatusForbidden:
			missing(p.what)
		default:
			return res, coded(err)
		}
	}
	res.OK = len(res.Missing) == 0
	if res.OK {
		res.Message = fmt.Sprintf("signed in as %s; the token reads everything Attest collects from %s", res.Identity, s.base.Host)
	} else {
		res.Message = fmt.Sprintf("signed in as %s; the token lacks %d permission(s): tests that need them will be unverifiable", res.Identity, len(res.Missing))
	}
	return res, nil
}

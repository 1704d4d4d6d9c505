package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
)

// Check signs in as the service account acting as the administrator, then
// reads one user, and names what is missing: domain-wide delegation (the
// token endpoint answers unauthorized_client), the scope or the Admin SDK
// API (users.list answers 403), the administrator's privilege to read users
// or their 2-Step Verification state.
func (c *Connector) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	s, err := c.session(ctx, req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	res := attest.CheckResult{Identity: fmt.Sprintf("%s acting as %s", s.sa.email, s.set.admin)}
	if s.static {
		// No exchange to make: the token's identity is whoever it was issued to.
		res.Identity = "a static access token (no token exchange) for " + s.set.admin
	}
	if err := s.signIn(); err != nil {
		var se *signInError
		if !errors.As(err, &se) {
			return res, err
		}
		res.Message = se.msg
		if se.missing != "" {
			res.Missing = []string{se.missing}
		}
		return res, nil
	}
	users, err := s.listUsers(ctx, 1, false)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			return res, err
		}
		switch {
		case ae.code == http.StatusForbidden && !ae.rateLimited():
			switch {
			case ae.reason == "insufficientPermissions":
				res.Missing = []string{"scope " + Scope}
			case ae.reason == "accessNotConfigured":
				res.Missing = []string{"Admin SDK API enabled in the Google Cloud project"}
			default:
				res.Missing = []string{"an administrator role for " + s.set.admin + " that may read users"}
			}
			res.Message = "signed in, but " + s.forbidden(ae) + " (" + ae.Error() + ")"
			return res, nil
		case ae.code == http.StatusUnauthorized, ae.code == http.StatusBadRequest, ae.code == http.StatusNotFound:
			res.Message = s.describe(ae).Error()
			return res, nil
		}
		return res, s.describe(err)
	}
	if len(users) > 0 {
		u := users[0]
		if u.IsEnrolledIn2Sv == nil || u.IsEnforcedIn2Sv == nil {
			res.Missing = append(res.Missing, "privilege of "+s.set.admin+" to see users' 2-Step Verification state (a super administrator sees it)")
		}
		if u.IsAdmin == nil {
			res.Missing = append(res.Missing, "privilege of "+s.set.admin+" to see who is a super administrator")
		}
	}
	res.OK = len(res.Missing) == 0
	if res.OK {
		res.Message = fmt.Sprintf("signed in as %s; it reads the users of %s with the read-only scope", res.Identity, s.set.customer)
	} else {
		res.Message = fmt.Sprintf("signed in as %s, but it lacks %d privilege(s): tests that need them will be unverifiable", res.Identity, len(res.Missing))
	}
	return res, nil
}

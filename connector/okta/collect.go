package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
)

// Reasons given for fields Okta does not show the token.
const (
	reasonRoles = "Okta shows administrator role assignments only to Super Administrators or to a custom admin role with " +
		"okta.iam.read; the token's administrator lacks it"
	reasonFactors  = "Okta refused to list this user's authenticators to the token's administrator (it needs at least Read-Only Administrator)"
	reasonPolicies = "Okta refused to show its policies to the token's administrator (it needs at least Read-Only Administrator)"
)

// Factor types that do not count as a second factor: a knowledge factor
// (a security question, the password) or a code sent to the mailbox, which
// is often reached through the same Okta sign-in.
var weakFactors = []string{"question", "email", "password"}

// Factor types that resist phishing: a FIDO2/WebAuthn authenticator and
// Okta FastPass (signed_nonce).
var phishingResistant = []string{"webauthn", "signed_nonce"}

// Statuses of an account that holds credentials and can sign in (after an
// unlock or a reset for the last three).
var activeStatuses = []string{"ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY"}

// Wire types: the fields the connector reads of Okta's objects.
type (
	oktaUser struct {
		ID        string  `json:"id"`
		Status    string  `json:"status"`
		Created   string  `json:"created"`
		LastLogin *string `json:"lastLogin"`
		Profile   struct {
			Login      string `json:"login"`
			Email      string `json:"email"`
			FirstName  string `json:"firstName"`
			LastName   string `json:"lastName"`
			Department string `json:"department"`
		} `json:"profile"`
	}
	oktaFactor struct {
		FactorType string `json:"factorType"`
		Status     string `json:"status"`
	}
	oktaRole struct {
		Type   string `json:"type"`
		Label  string `json:"label"`
		Status string `json:"status"`
	}
	oktaGroup struct {
		ID      string `json:"id"`
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
	}
	oktaPolicy struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Type     string `json:"type"`
		Status   string `json:"status"`
		Priority int    `json:"priority"`
		Settings struct {
			Password *struct {
				Complexity struct {
					MinLength    int `json:"minLength"`
					MinLowerCase int `json:"minLowerCase"`
					MinUpperCase int `json:"minUpperCase"`
					MinNumber    int `json:"minNumber"`
					MinSymbol    int `json:"minSymbol"`
				} `json:"complexity"`
				Age struct {
					MaxAgeDays   int `json:"maxAgeDays"`
					HistoryCount int `json:"historyCount"`
				} `json:"age"`
				Lockout struct {
					MaxAttempts int `json:"maxAttempts"`
				} `json:"lockout"`
			} `json:"password"`
		} `json:"settings"`
	}
	oktaRule struct {
		Name    string `json:"name"`
		Status  string `json:"status"`
		Actions struct {
			Signon *struct {
				Access        string `json:"access"`
				RequireFactor bool   `json:"requireFactor"`
			} `json:"signon"`
			AppSignOn *struct {
				Access             string `json:"access"`
				VerificationMethod *struct {
					FactorMode string `json:"factorMode"`
					Type       string `json:"type"`
				} `json:"verificationMethod"`
			} `json:"appSignOn"`
		} `json:"actions"`
	}
)

// Collect reads the org's users with their authenticators and administrator
// roles, and the org's password and sign-on policies. A token Okta refuses
// (401) is an error; a type that cannot be read at all is in Failed; a fact
// hidden from the token is in the resource's Unavailable.
func (c *Connector) Collect(ctx context.Context, req attest.CollectRequest) (attest.Collection, error) {
	s, err := c.session(req)
	if err != nil {
		return attest.Collection{}, err
	}
	now := req.Now
	if now.IsZero() {
		now = c.now()
	}
	col := &collector{s: s, now: now, failed: map[string]string{}}
	users, usersErr := col.users(ctx)
	if statusOf(usersErr) == http.StatusUnauthorized {
		return attest.Collection{Calls: int(s.calls.Load())}, coded(usersErr)
	}
	if usersErr != nil {
		col.failed[TypeUser] = usersErr.Error()
	}
	col.org(ctx, users, usersErr)
	out := attest.Collection{Resources: col.resources, Calls: int(s.calls.Load()), Warnings: col.warnings}
	if len(col.failed) > 0 {
		out.Failed = col.failed
	}
	sort.Slice(out.Resources, func(i, j int) bool {
		if out.Resources[i].Type != out.Resources[j].Type {
			return out.Resources[i].Type < out.Resources[j].Type
		}
		return out.Resources[i].Key < out.Resources[j].Key
	})
	return out, nil
}

type collector struct {
	s   *session
	now time.Time

	mu        sync.Mutex
	resources []attest.Resource
	failed    map[string]string
	warnings  []string
}

func (c *collector) warn(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
}

// user is what the connector learnt of one user.
type user struct {
	oktaUser
	factors      []string
	factorsErr   error
	roles        []string
	rolesErr     error
	data         map[string]any
	unavailable  map[string]string
	hasAdminRole bool
}

// users lists every user (Okta's plain list leaves out DEPROVISIONED users,
// so they are listed with a filter too), then reads each one's factors and
// roles, four users at a time, and adds a resource per user.
func (c *collector) users(ctx context.Context) ([]*user, error) {
	listed, err := list[oktaUser](ctx, c.s, fmt.Sprintf("/api/v1/users?limit=%d", pageSize))
	if err != nil {
		return nil, err
	}
	gone, err := list[oktaUser](ctx, c.s, fmt.Sprintf("/api/v1/users?limit=%d&filter=%s", pageSize, url.QueryEscape(`status eq "DEPROVISIONED"`)))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var users []*user
	for _, u := range append(listed, gone...) {
		if seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		users = append(users, &user{oktaUser: u})
	}
	groupRoles, groupErr := c.groupRoles(ctx)
	if statusOf(groupErr) == http.StatusTooManyRequests {
		return nil, groupErr
	}

	var (
		wg       sync.WaitGroup
		work     = make(chan *user)
		mu       sync.Mutex
		limited  error // a rate limit that will not lift soon
		rolesOff error // Okta refused roles once: do not ask again
	)
	for range min(4, max(1, len(users))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				mu.Lock()
				skip := limited != nil
				skipRoles := rolesOff
				mu.Unlock()
				if skip {
					continue
				}
				var factors []oktaFactor
				_, u.factorsErr = c.s.get(ctx, "/api/v1/users/"+url.PathEscape(u.ID)+"/factors", &factors)
				for _, f := range factors {
					if f.Status == "ACTIVE" {
						u.factors = append(u.factors, f.FactorType)
					}
				}
				if skipRoles != nil {
					u.rolesErr = skipRoles
				} else {
					var roles []oktaRole
					_, u.rolesErr = c.s.get(ctx, "/api/v1/users/"+url.PathEscape(u.ID)+"/roles", &roles)
					for _, r := range roles {
						if r.Status == "" || r.Status == "ACTIVE" {
							u.roles = append(u.roles, r.Type)
						}
					}
				}
				mu.Lock()
				for _, err := range []error{u.factorsErr, u.rolesErr} {
					if statusOf(err) == http.StatusTooManyRequests || statusOf(err) == http.StatusUnauthorized {
						limited = err
					}
				}
				if statusOf(u.rolesErr) == http.StatusForbidden && rolesOff == nil {
					rolesOff = u.rolesErr
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range users {
		work <- u
	}
	close(work)
	wg.Wait()
	if limited != nil {
		return nil, limited
	}
	if rolesOff != nil && groupErr == nil {
		groupErr = rolesOff
	}
	for _, u := range users {
		c.resource(u, groupRoles, groupErr)
	}
	return users, nil
}

// groupRoles reads the administrator roles assigned to groups and returns,
// for each member of such a group, the role types it grants.
func (c *collector) groupRoles(ctx context.Context) (map[string][]string, error) {
	groups, err := list[oktaGroup](ctx, c.s, fmt.Sprintf("/api/v1/groups?limit=%d", pageSize))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, g := range groups {
		var roles []oktaRole
		if _, err := c.s.get(ctx, "/api/v1/groups/"+url.PathEscape(g.ID)+"/roles", &roles); err != nil {
			return nil, err
		}
		var types []string
		for _, r := range roles {
			if r.Status == "" || r.Status == "ACTIVE" {
				types = append(types, r.Type)
			}
		}
		if len(types) == 0 {
			continue
		}
		members, err := list[oktaUser](ctx, c.s, fmt.Sprintf("/api/v1/groups/%s/users?limit=%d", url.PathEscape(g.ID), pageSize))
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			out[m.ID] = append(out[m.ID], types...)
		}
	}
	return out, nil
}

// resource builds an okta.user resource.
func (c *collector) resource(u *user, groupRoles map[string][]string, groupErr error) {
	data := map[string]any{
		"id": u.ID, "login": u.Profile.Login, "email": u.Profile.Email, "status": u.Status,
		"active": slices.Contains(activeStatuses, u.Status), "created": rfc3339(u.Created), "last_login": nil,
		"name":       strings.TrimSpace(u.Profile.FirstName + " " + u.Profile.LastName),
		"department": u.Profile.Department,
	}
	if u.LastLogin != nil && *u.LastLogin != "" {
		data["last_login"] = rfc3339(*u.LastLogin)
	}
	unavailable := map[string]string{}
	if u.factorsErr != nil {
		reason := refusal(u.factorsErr, reasonFactors)
		if statusOf(u.factorsErr) != http.StatusForbidden {
			reason = "the user's authenticators could not be read: " + u.factorsErr.Error()
		}
		for _, f := range []string{"factors", "mfa_enrolled", "phishing_resistant"} {
			unavailable[f] = reason
		}
	} else {
		factors := uniq(u.factors)
		data["factors"] = factors
		mfa, pr := false, false
		for _, f := range factors {
			mfa = mfa || !slices.Contains(weakFactors, f)
			pr = pr || slices.Contains(phishingResistant, f)
		}
		data["mfa_enrolled"] = mfa
		data["phishing_resistant"] = pr
	}
	rolesErr := u.rolesErr
	if rolesErr == nil {
		rolesErr = groupErr
	}
	if rolesErr != nil {
		reason := refusal(rolesErr, reasonRoles)
		if statusOf(rolesErr) != http.StatusForbidden {
			reason = "administrator roles could not be read: " + rolesErr.Error()
		}
		unavailable["admin_roles"] = reason
		unavailable["is_admin"] = reason
	} else {
		roles := uniq(append(slices.Clone(u.roles), groupRoles[u.ID]...))
		data["admin_roles"] = roles
		data["is_admin"] = len(roles) > 0
		u.hasAdminRole = len(roles) > 0
	}
	u.data, u.unavailable = data, unavailable
	key := u.Profile.Login
	if key == "" {
		key = u.ID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resources = append(c.resources, attest.Resource{Type: TypeUser, Key: key, Data: data, Unavailable: nilIfEmpty(unavailable)})
}

// org builds the okta.org resource: the administrators, the password
// policy and whether signing in requires a second factor.
func (c *collector) org(ctx context.Context, users []*user, usersErr error) {
	data := map[string]any{"org_url": c.s.base.String()}
	unavailable := map[string]string{}

	switch {
	case usersErr != nil:
		unavailable["admins"] = "the users could not be read: " + usersErr.Error()
	default:
		admins := []string{}
		hidden := ""
		for _, u := range users {
			if u.Status == "DEPROVISIONED" {
				continue // cannot sign in; its roles are of no use
			}
			if r, ok := u.unavailable["admin_roles"]; ok {
				hidden = r
				break
			}
			if u.hasAdminRole {
				admins = append(admins, u.Profile.Login)
			}
		}
		if hidden != "" {
			unavailable["admins"] = hidden
		} else {
			sort.Strings(admins)
			data["admins"] = admins
		}
	}

	if pp, reason, err := c.passwordPolicy(ctx); err != nil {
		c.failPolicies(err)
		unavailable["password_policy"] = reason
	} else if reason != "" {
		unavailable["password_policy"] = reason
	} else {
		data["password_policy"] = pp
	}

	if req, reason, err := c.mfaRequired(ctx); err != nil {
		c.failPolicies(err)
		unavailable["mfa_required_for_sign_on"] = reason
	} else if reason != "" {
		unavailable["mfa_required_for_sign_on"] = reason
	} else {
		data["mfa_required_for_sign_on"] = req
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.resources = append(c.resources, attest.Resource{Type: TypeOrg, Key: c.s.base.Host, Data: data, Unavailable: nilIfEmpty(unavailable)})
}

// failPolicies notes an error other than a refusal as a warning; a refusal
// is already the field's reason.
func (c *collector) failPolicies(err error) {
	if statusOf(err) != http.StatusForbidden {
		c.warn("%v", err)
	}
}

// policies lists the ACTIVE policies of a type, by priority (1 first).
func (c *collector) policies(ctx context.Context, typ string) ([]oktaPolicy, error) {
	all, err := list[oktaPolicy](ctx, c.s, "/api/v1/policies?type="+url.QueryEscape(typ))
	if err != nil {
		return nil, err
	}
	var out []oktaPolicy
	for _, p := range all {
		if p.Status == "ACTIVE" {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b oktaPolicy) int { return a.Priority - b.Priority })
	return out, nil
}

// refusal is the reason for a 403: the scope a service app's token lacks,
// when Okta names one, else what the administrator role lacks.
func refusal(err error, role string) string {
	var e *apiError
	if errors.As(err, &e) && e.Scope != "" {
		return "the service app's access token lacks the scope " + e.Scope + ": grant it on the app's Okta API Scopes tab"
	}
	return role
}

// reasonFor words why a policy fact is unavailable after err.
func reasonFor(err error) string {
	if statusOf(err) == http.StatusForbidden {
		return refusal(err, reasonPolicies)
	}
	return "Okta's policies could not be read: " + err.Error()
}

// passwordPolicy merges every ACTIVE password policy into the weakest
// setting of each: a policy for some group can only lower the org's floor,
// so each field holds for every user whichever policy applies to them.
func (c *collector) passwordPolicy(ctx context.Context) (map[string]any, string, error) {
	pols, err := c.policies(ctx, "PASSWORD")
	if err != nil {
		return nil, reasonFor(err), err
	}
	var names []string
	var pp map[string]any
	for _, p := range pols {
		pw := p.Settings.Password
		if pw == nil {
			continue
		}
		names = append(names, p.Name)
		cx, age, lock := pw.Complexity, pw.Age, pw.Lockout
		if pp == nil {
			pp = map[string]any{
				"min_length": cx.MinLength, "require_uppercase": cx.MinUpperCase > 0, "require_lowercase": cx.MinLowerCase > 0,
				"require_number": cx.MinNumber > 0, "require_symbol": cx.MinSymbol > 0, "max_age_days": age.MaxAgeDays,
				"history_count": age.HistoryCount, "lockout_attempts": lock.MaxAttempts,
			}
			continue
		}
		pp["min_length"] = min(pp["min_length"].(int), cx.MinLength)
		pp["require_uppercase"] = pp["require_uppercase"].(bool) && cx.MinUpperCase > 0
		pp["require_lowercase"] = pp["require_lowercase"].(bool) && cx.MinLowerCase > 0
		pp["require_number"] = pp["require_number"].(bool) && cx.MinNumber > 0
		pp["require_symbol"] = pp["require_symbol"].(bool) && cx.MinSymbol > 0
		pp["max_age_days"] = weakestLimit(pp["max_age_days"].(int), age.MaxAgeDays)
		pp["history_count"] = min(pp["history_count"].(int), age.HistoryCount)
		pp["lockout_attempts"] = weakestLimit(pp["lockout_attempts"].(int), lock.MaxAttempts)
	}
	if pp == nil {
		return nil, "Okta lists no active password policy with password settings for this org", nil
	}
	pp["policies"] = names
	return pp, "", nil
}

// weakestLimit is the weaker of two limits where 0 means none (never
// expires, never locks).
func weakestLimit(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return max(a, b)
}

// mfaRequired reads whether every way to sign in allowed by the org's
// policies requires a second factor. The global session policies
// (OKTA_SIGN_ON) decide on Classic Engine; on Identity Engine an
// authentication policy (ACCESS_POLICY) may require it when the session
// policy does not. When a rule cannot be judged, the fact is unavailable
// with the reason.
func (c *collector) mfaRequired(ctx context.Context) (bool, string, error) {
	pols, err := c.policies(ctx, "OKTA_SIGN_ON")
	if err != nil {
		return false, reasonFor(err), err
	}
	if len(pols) == 0 {
		return false, "Okta lists no active global session (sign-on) policy for this org", nil
	}
	sessionRequires := true
	for _, p := range pols {
		rules, err := c.rules(ctx, p.ID)
		if err != nil {
			return false, reasonFor(err), err
		}
		for _, r := range rules {
			if r.Actions.Signon != nil && r.Actions.Signon.Access == "ALLOW" && !r.Actions.Signon.RequireFactor {
				sessionRequires = false
			}
		}
	}
	if sessionRequires {
		return true, "", nil
	}
	access, err := c.policies(ctx, "ACCESS_POLICY")
	switch {
	case statusOf(err) == http.StatusBadRequest || statusOf(err) == http.StatusNotFound:
		// Classic Engine has no authentication policies: the session
		// policy alone decides, and it lets some sign-ins through with a
		// password alone.
		return false, "", nil
	case err != nil:
		return false, reasonFor(err), err
	case len(access) == 0:
		return false, "", nil
	}
	for _, p := range access {
		rules, err := c.rules(ctx, p.ID)
		if err != nil {
			return false, reasonFor(err), err
		}
		for _, r := range rules {
			a := r.Actions.AppSignOn
			if a == nil || a.Access != "ALLOW" {
				continue
			}
			if a.VerificationMethod == nil || a.VerificationMethod.FactorMode == "" {
				return false, fmt.Sprintf("rule %q of authentication policy %q uses a verification method that states no factor mode, so whether it requires a second factor cannot be read", r.Name, p.Name), nil
			}
			if a.VerificationMethod.FactorMode != "2FA" {
				return false, "", nil
			}
		}
	}
	return true, "", nil
}

// rules lists a policy's ACTIVE rules.
func (c *collector) rules(ctx context.Context, policyID string) ([]oktaRule, error) {
	all, err := list[oktaRule](ctx, c.s, "/api/v1/policies/"+url.PathEscape(policyID)+"/rules")
	if err != nil {
		return nil, err
	}
	var out []oktaRule
	for _, r := range all {
		if r.Status == "" || r.Status == "ACTIVE" {
			out = append(out, r)
		}
	}
	return out, nil
}

// rfc3339 normalizes Okta's timestamps ("2013-06-24T16:39:18.000Z") to RFC
// 3339 in UTC without fractions; a value it cannot read is kept as is.
func rfc3339(v string) string {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return v
	}
	return t.UTC().Format(time.RFC3339)
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	s = slices.Compact(s)
	if s == nil {
		return []string{}
	}
	return s
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

package oktatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Server is a running local Okta org; URL is what the connector's org_url
// setting takes.
type Server struct {
	*httptest.Server
	URL      string
	Scenario *Scenario
}

// NewServer starts a server for the scenario on a loopback port.
func NewServer(s *Scenario) *Server {
	srv := httptest.NewServer(Handler(s))
	return &Server{Server: srv, URL: srv.URL, Scenario: s}
}

// Handler serves the scenario as Okta's management API at /api/v1/.
func Handler(s *Scenario) http.Handler { return &api{s: s} }

type api struct {
	s *Scenario
	// The rate-limit window (under the scenario's lock).
	windowEnd time.Time
	used      int
	throttled int
}

// Throttled is how many requests the server answered 429 because the
// client went past the rate limit (not counting Scenario.Throttle).
func (s *Server) Throttled() int {
	a := s.Config.Handler.(*api)
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.throttled
}

// oktaTime formats a time as Okta does ("2013-06-24T16:39:18.000Z").
func oktaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ceilSecond rounds t up to a whole second: X-Rate-Limit-Reset is in
// seconds, and a client that waits until it must find the window reset.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// oktaError writes Okta's error object.
func oktaError(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	list := []any{}
	for _, c := range causes {
		list = append(list, map[string]string{"errorSummary": c})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code,
		"errorId": fmt.Sprintf("oae%016d", time.Now().UnixNano()%1e16), "errorCauses": list})
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	now := time.Now()
	if r.URL.Path == TokenPath {
		a.token(w, r)
		return
	}

	// The rate limit: RateLimit requests per window.
	limit := s.RateLimit
	if limit <= 0 {
		limit = 600
	}
	if !now.Before(a.windowEnd) {
		window := s.RateWindow
		if window <= 0 {
			window = time.Minute
		}
		a.windowEnd, a.used = ceilSecond(now.Add(window)), 0
	}
	w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	if s.Throttle > 0 {
		s.Throttle--
		wait := s.ThrottleFor
		if wait <= 0 {
			wait = time.Second
		}
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(ceilSecond(now.Add(wait)).Unix(), 10))
		oktaError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(a.windowEnd.Unix(), 10))
	if a.used >= limit {
		a.throttled++
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		oktaError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	a.used++
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(limit-a.used))

	ok, oauth, scopes, challenge := a.authenticate(w, r)
	if !ok {
		if challenge != "" {
			w.Header().Set("WWW-Authenticate", challenge)
		}
		oktaError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		return
	}
	if r.Method != http.MethodGet {
		oktaError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	if oauth {
		parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/v1"), "/"), "/")
		if len(parts) == 2 && parts[0] == "users" && parts[1] == "me" {
			// A service app is no user: "me" is nobody.
			oktaError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: me (User)")
			return
		}
		if need := scopeFor(parts); need != "" && !slices.Contains(scopes, need) {
			w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="http://`+r.Host+`/oauth2/v1/authorize", realm="IdP", scope="`+need+
				`", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="`+r.URL.Path+`"`)
			oktaError(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
			return
		}
	}
	status, body, link := a.route(r)
	if status >= 400 {
		oktaError(w, status, body["errorCode"].(string), body["errorSummary"].(string))
		return
	}
	if link != "" {
		w.Header().Set("Link", link)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body["value"])
}

func errAnswer(status int, code, summary string) (int, map[string]any, string) {
	return status, map[string]any{"errorCode": code, "errorSummary": summary}, ""
}

func notFound(what string) (int, map[string]any, string) {
	return errAnswer(http.StatusNotFound, "E0000007", "Not found: Resource not found: "+what)
}

func denied() (int, map[string]any, string) {
	return errAnswer(http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
}

// route answers one GET under the scenario's lock: a status, the body (in
// "value", or an error's code and summary) and a Link header.
func (a *api) route(r *http.Request) (int, map[string]any, string) {
	s := a.s
	base := "http://" + r.Host
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/v1"), "/"), "/")
	q := r.URL.Query()
	switch {
	case len(parts) == 1 && parts[0] == "users":
		filter := q.Get("filter")
		if filter != "" && !strings.HasPrefix(filter, "status eq ") {
			return errAnswer(http.StatusBadRequest, "E0000031", "Invalid search criteria.")
		}
		var out []map[string]any
		for _, u := range s.Users {
			switch {
			case filter == "" && u.Status == "DEPROVISIONED": // Okta's plain list leaves them out
				continue
			case filter != "" && filter != fmt.Sprintf("status eq %q", u.Status):
				continue
			}
			out = append(out, userJSON(base, u))
		}
		return a.page(r, base, out, 200)
	case len(parts) == 2 && parts[0] == "users":
		u := a.user(parts[1])
		if u == nil {
			return notFound(parts[1] + " (User)")
		}
		return 200, map[string]any{"value": userJSON(base, *u)}, ""
	case len(parts) == 3 && parts[0] == "users" && parts[2] == "factors":
		u := a.user(parts[1])
		if u == nil {
			return notFound(parts[1] + " (User)")
		}
		out := []map[string]any{}
		for i, f := range u.Factors {
			out = append(out, factorJSON(base, *u, i, f))
		}
		return 200, map[string]any{"value": out}, ""
	case len(parts) == 3 && parts[0] == "users" && parts[2] == "roles":
		if s.DenyRoles {
			return denied()
		}
		u := a.user(parts[1])
		if u == nil {
			return notFound(parts[1] + " (User)")
		}
		out := []map[string]any{}
		for _, role := range u.Roles {
			out = append(out, roleJSON(base, role, "USER", u.ID, "users"))
		}
		return 200, map[string]any{"value": out}, ""
	case len(parts) == 1 && parts[0] == "groups":
		var out []map[string]any
		for _, g := range s.Groups {
			out = append(out, groupJSON(base, g))
		}
		return a.page(r, base, out, 200)
	case len(parts) == 3 && parts[0] == "groups":
		var g *Group
		for i := range s.Groups {
			if s.Groups[i].ID == parts[1] {
				g = &s.Groups[i]
			}
		}
		if g == nil {
			return notFound(parts[1] + " (UserGroup)")
		}
		switch parts[2] {
		case "roles":
			if s.DenyRoles {
				return denied()
			}
			out := []map[string]any{}
			for _, role := range g.Roles {
				out = append(out, roleJSON(base, role, "GROUP", g.ID, "groups"))
			}
			return 200, map[string]any{"value": out}, ""
		case "users":
			var out []map[string]any
			for _, id := range g.Members {
				if u := a.user(id); u != nil {
					out = append(out, userJSON(base, *u))
				}
			}
			return a.page(r, base, out, 1000)
		}
	case len(parts) == 1 && parts[0] == "policies":
		if s.DenyPolicies {
			return denied()
		}
		typ := q.Get("type")
		var pols []Policy
		switch typ {
		case "PASSWORD", "OKTA_SIGN_ON", "MFA_ENROLL":
			for _, p := range s.Policies {
				if p.Type == typ {
					pols = append(pols, p)
				}
			}
		case "ACCESS_POLICY":
			if s.Classic {
				return errAnswer(http.StatusBadRequest, "E0000001", "Api validation failed: type")
			}
			pols = s.AccessPolicies
		default:
			return errAnswer(http.StatusBadRequest, "E0000001", "Api validation failed: type")
		}
		var out []map[string]any
		for _, p := range pols {
			out = append(out, policyJSON(base, p))
		}
		return a.page(r, base, out, 200)
	case len(parts) == 3 && parts[0] == "policies" && parts[2] == "rules":
		if s.DenyPolicies {
			return denied()
		}
		for _, p := range slices.Concat(s.Policies, s.AccessPolicies) {
			if p.ID != parts[1] {
				continue
			}
			out := []map[string]any{}
			for i, rule := range p.Rules {
				out = append(out, ruleJSON(p, i, rule))
			}
			return 200, map[string]any{"value": out}, ""
		}
		return notFound(parts[1] + " (Policy)")
	}
	return notFound(r.URL.Path)
}

// user finds a user by ID, login, or "me" (the token's administrator).
func (a *api) user(key string) *User {
	s := a.s
	if key == "me" {
		key = s.Me
	}
	for i := range s.Users {
		if s.Users[i].ID == key || strings.EqualFold(s.Users[i].Login, key) {
			return &s.Users[i]
		}
	}
	return nil
}

// page answers one page of a list with Okta's Link headers: limit (up to
// max, or the scenario's PageSize) and the after cursor, the ID of the last
// item of the previous page.
func (a *api) page(r *http.Request, base string, items []map[string]any, maxLimit int) (int, map[string]any, string) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > maxLimit {
		limit = maxLimit
	}
	if a.s.PageSize > 0 {
		limit = min(limit, a.s.PageSize)
	}
	start := 0
	if after := r.URL.Query().Get("after"); after != "" {
		start = len(items)
		for i, it := range items {
			if it["id"] == after {
				start = i + 1
				break
			}
		}
	}
	end := min(start+limit, len(items))
	link := func(after, rel string) string {
		q := r.URL.Query()
		q.Del("after")
		if after != "" {
			q.Set("after", after)
		}
		q.Set("limit", strconv.Itoa(limit))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return fmt.Sprintf(`<%s%s>; rel="%s"`, base, u.String(), rel)
	}
	links := []string{link(r.URL.Query().Get("after"), "self")}
	if end < len(items) {
		links = append(links, link(items[end-1]["id"].(string), "next"))
	}
	page := items[start:end]
	if page == nil {
		page = []map[string]any{}
	}
	return 200, map[string]any{"value": page}, strings.Join(links, ", ")
}

func userJSON(base string, u User) map[string]any {
	var lastLogin any
	if !u.LastLogin.IsZero() {
		lastLogin = oktaTime(u.LastLogin)
	}
	var activated any
	if u.Status != "STAGED" && u.Status != "PROVISIONED" {
		activated = oktaTime(u.Created.Add(time.Hour))
	}
	var department any
	if u.Department != "" {
		department = u.Department
	}
	return map[string]any{
		"id": u.ID, "status": u.Status, "created": oktaTime(u.Created), "activated": activated,
		"statusChanged": oktaTime(u.Created.Add(time.Hour)), "lastLogin": lastLogin, "lastUpdated": oktaTime(u.Created.Add(2 * time.Hour)),
		"passwordChanged": nil, "type": map[string]any{"id": "oty1defaultusertype1"},
		"profile": map[string]any{"firstName": u.First, "lastName": u.Last, "mobilePhone": nil, "secondEmail": nil,
			"login": u.Login, "email": u.Login, "department": department},
		"credentials": map[string]any{"password": map[string]any{}, "provider": map[string]any{"type": "OKTA", "name": "OKTA"}},
		"_links":      map[string]any{"self": map[string]any{"href": base + "/api/v1/users/" + u.ID}},
	}
}

func factorJSON(base string, u User, i int, f Factor) map[string]any {
	status := f.Status
	if status == "" {
		status = "ACTIVE"
	}
	provider, vendor := "OKTA", "OKTA"
	profile := map[string]any{}
	switch f.Type {
	case "webauthn":
		provider, vendor = "FIDO", "FIDO"
		profile = map[string]any{"credentialId": fmt.Sprintf("cred-%s-%d", u.ID, i), "authenticatorName": "Security Key by Yubico"}
	case "sms", "call":
		profile = map[string]any{"phoneNumber": "+1-555-415-1337"}
	case "email":
		profile = map[string]any{"email": u.Login}
	case "question":
		profile = map[string]any{"question": "disliked_food", "questionText": "What is the food you least liked as a child?"}
	case "token:software:totp":
		provider, vendor = "GOOGLE", "GOOGLE"
		profile = map[string]any{"credentialId": u.Login}
	case "push", "signed_nonce":
		profile = map[string]any{"credentialId": u.Login, "deviceType": "SmartPhone_IPhone", "name": "iPhone", "platform": "IOS", "version": "17.2"}
	}
	id := fmt.Sprintf("fac%s%d", u.ID[3:], i)
	return map[string]any{
		"id": id, "factorType": f.Type, "provider": provider, "vendorName": vendor, "status": status,
		"created": oktaTime(u.Created), "lastUpdated": oktaTime(u.Created), "profile": profile,
		"_links": map[string]any{"self": map[string]any{"href": base + "/api/v1/users/" + u.ID + "/factors/" + id}},
	}
}

var roleLabels = map[string]string{
	"SUPER_ADMIN": "Super Administrator", "ORG_ADMIN": "Organizational Administrator", "APP_ADMIN": "Application Administrator",
	"USER_ADMIN": "Group Administrator", "HELP_DESK_ADMIN": "Help Desk Administrator", "READ_ONLY_ADMIN": "Read-only Administrator",
	"MOBILE_ADMIN": "Mobile Administrator", "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
	"REPORT_ADMIN": "Report Administrator", "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
}

func roleJSON(base, role, assignment, assignee, kind string) map[string]any {
	label := roleLabels[role]
	if label == "" {
		label = role
	}
	return map[string]any{
		"id": "ra1" + strings.ToLower(strings.ReplaceAll(role, "_", "")) + assignee[3:], "label": label, "type": role, "status": "ACTIVE",
		"created": "2025-01-15T09:00:00.000Z", "lastUpdated": "2025-01-15T09:00:00.000Z", "assignmentType": assignment,
		"_links": map[string]any{"assignee": map[string]any{"href": base + "/api/v1/" + kind + "/" + assignee}},
	}
}

func groupJSON(base string, g Group) map[string]any {
	typ := "OKTA_GROUP"
	if g.Name == "Everyone" {
		typ = "BUILT_IN"
	}
	return map[string]any{
		"id": g.ID, "created": "2025-01-01T00:00:00.000Z", "lastUpdated": "2025-01-01T00:00:00.000Z",
		"lastMembershipUpdated": "2025-06-01T00:00:00.000Z", "objectClass": []string{"okta:user_group"}, "type": typ,
		"profile": map[string]any{"name": g.Name, "description": g.Name},
		"_links":  map[string]any{"users": map[string]any{"href": base + "/api/v1/groups/" + g.ID + "/users"}},
	}
}

func policyJSON(base string, p Policy) map[string]any {
	out := map[string]any{
		"id": p.ID, "status": p.Status, "name": p.Name, "description": p.Name, "priority": p.Priority, "system": p.Name == "Default Policy",
		"conditions": map[string]any{"people": map[string]any{"groups": map[string]any{"include": []string{"00g1everyone0000001"}}}},
		"created":    "2025-01-01T00:00:00.000Z", "lastUpdated": "2025-01-01T00:00:00.000Z", "type": p.Type,
		"_links": map[string]any{"self": map[string]any{"href": base + "/api/v1/policies/" + p.ID},
			"rules": map[string]any{"href": base + "/api/v1/policies/" + p.ID + "/rules"}},
	}
	if pw := p.Password; pw != nil {
		out["conditions"].(map[string]any)["authProvider"] = map[string]any{"provider": "OKTA"}
		out["settings"] = map[string]any{
			"password": map[string]any{
				"complexity": map[string]any{"minLength": pw.MinLength, "minLowerCase": pw.MinLower, "minUpperCase": pw.MinUpper,
					"minNumber": pw.MinNumber, "minSymbol": pw.MinSymbol, "excludeUsername": true,
					"dictionary": map[string]any{"common": map[string]any{"exclude": false}}, "excludeAttributes": []string{}},
				"age": map[string]any{"maxAgeDays": pw.MaxAgeDays, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": pw.HistoryCount},
				"lockout": map[string]any{"maxAttempts": pw.MaxAttempts, "autoUnlockMinutes": 0, "userLockoutNotificationChannels": []string{},
					"showLockoutFailures": false},
			},
			"recovery":   map[string]any{"factors": map[string]any{"okta_email": map[string]any{"status": "ACTIVE"}}},
			"delegation": map[string]any{"options": map[string]any{"skipUnlock": false}},
		}
	}
	return out
}

func ruleJSON(p Policy, i int, r Rule) map[string]any {
	status := r.Status
	if status == "" {
		status = "ACTIVE"
	}
	out := map[string]any{
		"id": fmt.Sprintf("0pr%s%d", p.ID[3:], i), "status": status, "name": r.Name, "priority": i + 1, "system": false,
		"created": "2025-01-01T00:00:00.000Z", "lastUpdated": "2025-01-01T00:00:00.000Z", "type": p.Type,
		"conditions": map[string]any{"people": map[string]any{"users": map[string]any{"exclude": []string{}}},
			"network": map[string]any{"connection": "ANYWHERE"}},
	}
	switch p.Type {
	case "OKTA_SIGN_ON":
		signon := map[string]any{"access": r.Access, "requireFactor": r.RequireFactor, "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
			"rememberDeviceByDefault": false,
			"session":                 map[string]any{"usePersistentCookie": false, "maxSessionIdleMinutes": 120, "maxSessionLifetimeMinutes": 0}}
		if r.RequireFactor {
			signon["factorPromptMode"] = "ALWAYS"
		}
		out["actions"] = map[string]any{"signon": signon}
	case "ACCESS_POLICY":
		vm := map[string]any{"type": "ASSURANCE", "reauthenticateIn": "PT2H", "constraints": []any{}}
		if r.FactorMode != "" {
			vm["factorMode"] = r.FactorMode
		}
		out["actions"] = map[string]any{"appSignOn": map[string]any{"access": r.Access, "verificationMethod": vm}}
	case "PASSWORD":
		out["actions"] = map[string]any{"passwordChange": map[string]any{"access": "ALLOW"},
			"selfServicePasswordReset": map[string]any{"access": "ALLOW"}, "selfServiceUnlock": map[string]any{"access": "DENY"}}
	}
	return out
}

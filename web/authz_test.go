package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

var ctx = context.Background()

func TestMain(m *testing.M) { webtest.Main(m) }

// The authorization contract is written out by hand, one area per file
// (contract_*_test.go). Every route the server registers must appear in exactly
// one area with the same access, so adding a route without deciding who may use
// it fails TestRouteTableMatchesContract; TestAuthorizationMatrix then sends it
// a real request as every kind of caller.

// contractArea is one area's part of the contract.
type contractArea struct {
	// access is each route's access, keyed "METHOD PATH" as registered.
	access map[string]web.Access
	// params gives values for the area's path parameters, keyed by the path
	// fragment they appear in ("/controls/{id}" → a control's ID), and query
	// strings keyed by route path ("?format=csv"). It may create records of
	// its own; fx holds the ones every area shares.
	params func(e *webtest.Env, who string, fx records) map[string]string
	// form holds the fields posted to the area's UI routes.
	form func(fx records) url.Values
	// body is the JSON body sent to each of the area's API routes, by key.
	body map[string]any
}

var contract []contractArea

// area adds an area to the contract.
func area(a contractArea) contractArea {
	contract = append(contract, a)
	return a
}

// areaOf finds the contract area that lists a route.
func areaOf(key string) (contractArea, bool) {
	for _, a := range contract {
		if _, ok := a.access[key]; ok {
			return a, true
		}
	}
	return contractArea{}, false
}

func routeKey(rt web.Route) string { return rt.Method + " " + rt.Path }

func TestRouteTableMatchesContract(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	want := map[string]web.Access{}
	for _, a := range contract {
		for k, acc := range a.access {
			if _, dup := want[k]; dup {
				t.Errorf("route %s is listed by two areas of the contract", k)
			}
			want[k] = acc
		}
	}
	seen := map[string]bool{}
	for _, rt := range e.Srv.Routes() {
		k := routeKey(rt)
		seen[k] = true
		acc, ok := want[k]
		if !ok {
			t.Errorf("route %s is not in the authorization contract (contract_*_test.go): decide who may use it", k)
			continue
		}
		if rt.Access != acc {
			t.Errorf("route %s has access %q, contract says %q", k, rt.Access, acc)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("contract lists %s, which the server does not register", k)
		}
	}
}

// guest is an auditor invited into alpha's audit, without a membership.
var callers = []string{"anonymous", "admin", "manager", "employee", "auditor", "outsider", "guest"}

// roleMay reports whether a member of alpha with role may use a route of
// the given access: an audit's pages are for members who read.
func roleMay(role attest.Role, access web.Access) bool {
	switch access {
	case web.Audit:
		return role.Can(attest.ActRead)
	case web.AuditWrite:
		return role.Can(attest.ActEdit)
	case web.AuditReview:
		return false // the invited auditors' alone
	}
	return role.Can(attest.Action(access))
}

// TestAuthorizationMatrix sends every route a real request as every role of
// organization alpha, as a member of another organization, and anonymously, and
// checks the outcome against the route's declared access.
func TestAuthorizationMatrix(t *testing.T) { authorizationMatrix(t, store.SQLite) }

// TestAuthorizationMatrixPostgres runs the matrix on PostgreSQL, whose
// queries, locks and errors differ from SQLite's.
func TestAuthorizationMatrixPostgres(t *testing.T) { authorizationMatrix(t, store.Postgres) }

func authorizationMatrix(t *testing.T, d store.Dialect) {
	shared := webtest.New(t, d)
	for _, rt := range shared.Srv.Routes() {
		a, ok := areaOf(routeKey(rt))
		if !ok {
			t.Errorf("route %s is not in the authorization contract", routeKey(rt))
			continue
		}
		// Each route is a group: its callers' worlds (and the world they
		// share) are closed when the group ends, so PostgreSQL never holds
		// more than a route's worth of databases.
		t.Run(routeKey(rt), func(t *testing.T) {
			// The callers a state-changing route must refuse share one world: a
			// refusal changes nothing, and one that does not refuse fails anyway.
			var refusedWorld *webtest.Env
			if rt.Method != "GET" && slices.ContainsFunc(callers, func(who string) bool { return mustRefuse(rt, who) }) {
				refusedWorld = webtest.New(t, d)
			}
			for _, who := range callers {
				if rt.Method != "GET" && d != store.SQLite && !mustRefuse(rt, who) && who != leastAllowed(rt) {
					// Which roles may is decided in Go, the same on both databases,
					// and SQLite's run checks every caller. On PostgreSQL a
					// state-changing route runs as its least privileged allowed
					// caller (the narrowest visibility: the queries most likely to
					// differ) and as everyone it must refuse.
					continue
				}
				t.Run(who, func(t *testing.T) {
					e := shared
					switch {
					case rt.Method == "GET":
					case mustRefuse(rt, who):
						e = refusedWorld
					default:
						// State-changing requests get a fresh world so earlier ones cannot
						// change the outcome (a removed member, a revoked token).
						e = webtest.New(t, d)
					}
					e.T = t
					res := callAs(e, a, rt, who)
					checkOutcome(t, rt, who, res)
				})
			}
		})
	}
}

// leastAllowed is the least privileged caller that rt allows.
func leastAllowed(rt web.Route) string {
	for _, who := range []string{"anonymous", "auditor", "employee", "manager", "admin"} {
		if !mustRefuse(rt, who) {
			return who
		}
	}
	return "admin"
}

// credentialCheck lists the public routes that check a credential, and
// answer 401 when it is wrong or missing.
var credentialCheck = map[string]bool{
	"POST /login":                        true,
	"POST /login/verify":                 true,
	"POST /login/verify/passkey/options": true, // no sign-in awaiting its second step
	"POST /login/verify/passkey":         true,
	"POST /login/passkey":                true,
	"GET /login/oidc/callback":           true,
}

// guestMay reports whether an invited auditor may use an audit's route of
// the given access.
func guestMay(access web.Access) bool {
	return access == web.Audit || access == web.AuditWrite || access == web.AuditReview
}

// mustRefuse reports whether checkOutcome expects rt to refuse who.
func mustRefuse(rt web.Route, who string) bool {
	switch {
	case rt.Access == web.Public:
		return false
	case who == "anonymous":
		return true
	case who == "guest" && rt.API:
		return true // API tokens belong to members
	case rt.Access == web.SignedIn:
		return false
	case who == "outsider":
		return true
	case who == "guest":
		return !guestMay(rt.Access)
	}
	return !roleMay(attest.Role(who), rt.Access)
}

func checkOutcome(t *testing.T, rt web.Route, who string, res webtest.Response) {
	t.Helper()
	loginWall := res.StatusCode == http.StatusUnauthorized || res.RedirectsTo("/login?next=")
	if res.StatusCode >= 500 {
		t.Fatalf("%s got %d: %.500s", who, res.StatusCode, res.Text)
	}
	allowed := !loginWall && res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound
	switch {
	case rt.Access == web.Public:
		// A wrong password, code or passkey, or a provider's sign-in that
		// does not verify, is a 401 by design.
		if loginWall && !credentialCheck[rt.Method+" "+rt.Path] {
			t.Fatalf("public route asked %s to sign in: %d %s", who, res.StatusCode, res.Header.Get("Location"))
		}
	case who == "anonymous":
		if !loginWall {
			t.Fatalf("anonymous request was not stopped: %d", res.StatusCode)
		}
	case who == "guest" && rt.API:
		// API tokens belong to members: a guest's, were one made, opens
		// nothing (401 where the token itself is refused, 404 in an organization).
		if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusNotFound {
			t.Fatalf("an auditor of an audit called the API and got %d, want 401 or 404", res.StatusCode)
		}
	case rt.Access == web.SignedIn:
		if !allowed {
			t.Fatalf("signed-in %s refused: %d %s", who, res.StatusCode, res.Text)
		}
	case who == "outsider":
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("member of another organization got %d, want 404 (nothing may leak)", res.StatusCode)
		}
	case who == "guest":
		switch {
		case guestMay(rt.Access):
			if !allowed {
				t.Fatalf("an auditor of the audit was refused its page: %d %.300s", res.StatusCode, res.Text)
			}
		case res.StatusCode != http.StatusForbidden:
			t.Fatalf("an auditor of an audit reached a page outside it: %d, want 403", res.StatusCode)
		}
	default:
		role := attest.Role(who)
		if roleMay(role, rt.Access) {
			if !allowed {
				t.Fatalf("%s may %s but got %d: %.300s", who, rt.Access, res.StatusCode, res.Text)
			}
		} else if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s may not %s but got %d", who, rt.Access, res.StatusCode)
		}
	}
}

// callAs makes a plausible request to rt as the caller, with real IDs for every
// path parameter, always aimed at organization alpha.
func callAs(e *webtest.Env, a contractArea, rt web.Route, who string) webtest.Response {
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	path = strings.ReplaceAll(path, "{org}", "alpha")

	// Tokens: the caller's own in alpha (the outsider's is in beta).
	tokenOwner, tokenOrg := who, e.Alpha
	if who == "outsider" {
		tokenOrg = e.Beta
	}
	if who == "anonymous" {
		tokenOwner = "admin"
	}
	secret, tok := e.Token(tokenOrg, tokenOwner)
	if who == "anonymous" {
		secret = ""
	}
	// Signed in first: a passkey below would make signing in take a second step.
	c := e.Anon()
	if who != "anonymous" && !rt.API {
		c = e.Login(who)
	}
	fx := newRecords(e, who)
	fx.token = tok.ID
	if strings.Contains(rt.Path, "/passkeys/{id}") {
		// A passkey of the caller's (the admin's for anonymous), to name or remove.
		key := store.Passkey{UserID: e.Users[tokenOwner].ID, CredentialID: "cred-" + auth.NewSecret(""), Name: "Laptop", Credential: "{}"}
		if err := e.DB.AddPasskey(ctx, &key); err != nil {
			e.T.Fatal(err)
		}
		fx.passkey = key.ID
	}

	query := ""
	if a.params != nil {
		for frag, v := range a.params(e, who, fx) {
			switch {
			case frag == rt.Path && strings.HasPrefix(v, "?"):
				query = v
			case strings.Contains(rt.Path, frag) && strings.Contains(frag, "{"):
				path = strings.ReplaceAll(path, frag[strings.LastIndex(frag, "{"):], v)
			}
		}
	}

	if rt.API {
		return e.API(rt.Method, strings.TrimPrefix(path, "/api/v1")+query, secret, a.body[routeKey(rt)])
	}
	if rt.Method == "GET" {
		return c.Get(path + query)
	}
	var form url.Values
	if a.form != nil {
		form = a.form(fx)
	}
	return c.Post(path+query, form)
}

// records are the records of alpha that requests of every area refer to.
type records struct {
	control, task, subservice, cuec, evidence, token, passkey int64
	framework                                                 string
}

// newRecords creates one record of each kind in alpha for a request by who.
// A task and the control are the caller's own, so that "own work" routes are
// reachable by an employee.
func newRecords(e *webtest.Env, who string) records {
	e.T.Helper()
	var r records
	ctl := attest.Control{OrgID: e.Alpha.ID, Name: "Test control", Family: "Test", Type: "preventive", Frequency: "annual",
		Status: attest.StatusNotStarted, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}}}
	refs, err := e.DB.ControlRefs(ctx, e.Alpha.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	ctl.Ref = fmt.Sprintf("T-%d", len(refs))
	owner := e.Users[who].ID
	if who == "anonymous" || who == "outsider" || who == "auditor" || who == "guest" { // auditors own no work
		owner = e.Users["employee"].ID
	}
	ctl.OwnerID = owner // the control is the caller's, as the task is
	if err := e.DB.CreateControl(ctx, &ctl); err != nil {
		e.T.Fatal(err)
	}
	task := attest.Task{OrgID: e.Alpha.ID, Title: "Task for " + who, OwnerID: owner, ControlID: ctl.ID}
	sub := attest.SubserviceOrg{OrgID: e.Alpha.ID, Name: "Cloud", Service: "Hosting", Method: "carve-out"}
	cu := attest.CUEC{OrgID: e.Alpha.ID, Description: "Customers manage their users"}
	for _, err := range []error{e.DB.CreateTask(ctx, &task), e.DB.AddSubservice(ctx, &sub), e.DB.AddCUEC(ctx, &cu)} {
		if err != nil {
			e.T.Fatal(err)
		}
	}
	ev, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: attest.Actor{Label: "test"}, Kind: attest.KindFile, Title: "Export",
		Filename: "export.csv", ControlIDs: []int64{ctl.ID}}, strings.NewReader("user,mfa\nada,true\n"))
	if err != nil {
		e.T.Fatal(err)
	}
	r.control, r.task, r.subservice, r.cuec, r.evidence = ctl.ID, task.ID, sub.ID, cu.ID, ev.ID
	if fws, _ := e.DB.ImportedFrameworks(ctx, e.Alpha.ID); len(fws) > 0 {
		r.framework = fws[0].Key
	} else {
		fw := &catalog.Framework{ID: "imported", Name: "Imported", Requirements: []catalog.Requirement{{ID: "R1", Title: "One", Assessable: true}}}
		meta := store.ImportedFramework{OrgID: e.Alpha.ID, Name: "Imported", Format: "oscal", Filename: "x.json", SHA256: "00"}
		if err := e.DB.SaveImportedFramework(ctx, &meta, fw); err != nil {
			e.T.Fatal(err)
		}
		r.framework = meta.Key
	}
	return r
}

// invitation creates a pending invitation to alpha and returns it with its secret.
func invitation(e *webtest.Env) (attest.Invitation, string) {
	secret := auth.NewSecret("")
	inv := attest.Invitation{OrgID: e.Alpha.ID, Email: "invitee@alpha.test", Role: attest.RoleEmployee, InvitedBy: e.Users["admin"].ID, ExpiresAt: e.Clock.Now().Add(time.Hour)}
	if err := e.DB.CreateInvitation(ctx, &inv, auth.HashSecret(secret)); err != nil {
		e.T.Fatal(err)
	}
	return inv, secret
}

func id(n int64) string { return fmt.Sprint(n) }

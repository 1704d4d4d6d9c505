package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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

// wantAccess is the authorization contract, written out by hand. Every route the
// server registers must appear here with the same access, so adding a route
// without deciding who may use it fails this test.
var wantAccess = map[string]web.Access{
	"GET /healthz":              web.Public,
	"GET /readyz":               web.Public,
	"GET /login":                web.Public,
	"POST /login":               web.Public,
	"POST /logout":              web.SignedIn,
	"GET /setup":                web.Public,
	"POST /setup":               web.Public,
	"GET /invitations/{token}":  web.Public,
	"POST /invitations/{token}": web.Public,
	"GET /{$}":                  web.SignedIn,
	"GET /account":              web.SignedIn,
	"POST /account/password":    web.SignedIn,

	"GET /o/{org}":                                web.Own,
	"GET /o/{org}/tokens":                         web.Own,
	"POST /o/{org}/tokens":                        web.Own,
	"POST /o/{org}/tokens/{id}/revoke":            web.Own,
	"GET /o/{org}/controls/new":                   web.Edit,
	"POST /o/{org}/controls":                      web.Edit,
	"POST /o/{org}/controls/adopt":                web.Edit,
	"GET /o/{org}/controls/export":                web.Read,
	"GET /o/{org}/controls/{id}":                  web.Read,
	"POST /o/{org}/controls/{id}":                 web.Edit,
	"POST /o/{org}/controls/{id}/mappings":        web.Edit,
	"POST /o/{org}/controls/{id}/mappings/remove": web.Edit,
	"POST /o/{org}/controls/{id}/retire":          web.Edit,
	"POST /o/{org}/controls/{id}/restore":         web.Edit,
	"GET /o/{org}/criteria":                       web.Read,
	"GET /o/{org}/criteria/matrix":                web.Read,
	"GET /o/{org}/criteria/{id}":                  web.Read,
	"GET /o/{org}/readiness/export":               web.Read,
	"GET /o/{org}/scope":                          web.Read,
	"POST /o/{org}/scope":                         web.Edit,
	"GET /o/{org}/scope/export":                   web.Read,
	"POST /o/{org}/scope/subservices":             web.Edit,
	"POST /o/{org}/scope/subservices/{id}/delete": web.Edit,
	"POST /o/{org}/scope/cuecs":                   web.Edit,
	"POST /o/{org}/scope/cuecs/{id}/delete":       web.Edit,
	"GET /o/{org}/tasks":                          web.Own,
	"POST /o/{org}/tasks":                         web.Edit,
	"GET /o/{org}/tasks/{id}":                     web.Own,
	"POST /o/{org}/tasks/{id}":                    web.Edit,
	"POST /o/{org}/tasks/{id}/status":             web.Work,
	"GET /o/{org}/frameworks":                     web.Read,
	"POST /o/{org}/frameworks":                    web.Edit,
	"GET /o/{org}/frameworks/{key}":               web.Read,
	"POST /o/{org}/frameworks/{key}/delete":       web.Edit,
	"GET /o/{org}/evidence":                       web.Read,
	"POST /o/{org}/evidence":                      web.Edit,
	"GET /o/{org}/evidence/export":                web.Read,
	"GET /o/{org}/evidence/{id}":                  web.Read,
	"GET /o/{org}/evidence/{id}/content":          web.Read,
	"POST /o/{org}/evidence/{id}/supersede":       web.Edit,
	"GET /o/{org}/coverage":                       web.Read,
	"GET /o/{org}/settings":                       web.Admin,
	"POST /o/{org}/settings":                      web.Admin,
	"POST /o/{org}/invitations":                   web.Admin,
	"POST /o/{org}/invitations/{id}/revoke":       web.Admin,
	"POST /o/{org}/members/{user}/role":           web.Admin,
	"POST /o/{org}/members/{user}/remove":         web.Admin,
	"GET /o/{org}/activity":                       web.Admin,
	"GET /o/{org}/activity/export":                web.Admin,
	"GET /o/{org}/controls":                       web.Read,
	"GET /o/{org}/policies":                       web.Read,
	"GET /o/{org}/monitoring":                     web.Read,
	"GET /o/{org}/people":                         web.Read,
	"GET /o/{org}/risks":                          web.Read,
	"GET /o/{org}/vendors":                        web.Read,
	"GET /o/{org}/audits":                         web.Read,

	"GET /api/v1/openapi.json":                     web.Public,
	"GET /api/v1/me":                               web.SignedIn,
	"GET /api/v1/orgs/{org}":                       web.Own,
	"GET /api/v1/orgs/{org}/members":               web.Admin,
	"POST /api/v1/orgs/{org}/invitations":          web.Admin,
	"GET /api/v1/orgs/{org}/activity":              web.Admin,
	"GET /api/v1/orgs/{org}/readiness":             web.Read,
	"GET /api/v1/orgs/{org}/controls":              web.Read,
	"GET /api/v1/orgs/{org}/controls/{id}":         web.Read,
	"PATCH /api/v1/orgs/{org}/controls/{id}":       web.Edit,
	"GET /api/v1/orgs/{org}/tasks":                 web.Own,
	"POST /api/v1/orgs/{org}/tasks":                web.Edit,
	"GET /api/v1/orgs/{org}/evidence":              web.Read,
	"POST /api/v1/orgs/{org}/evidence":             web.Edit,
	"GET /api/v1/orgs/{org}/evidence/{id}":         web.Read,
	"GET /api/v1/orgs/{org}/evidence/{id}/content": web.Read,
}

func routeKey(rt web.Route) string { return rt.Method + " " + rt.Path }

func TestRouteTableMatchesContract(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	seen := map[string]bool{}
	for _, rt := range e.Srv.Routes() {
		k := routeKey(rt)
		seen[k] = true
		want, ok := wantAccess[k]
		if !ok {
			t.Errorf("route %s is not in the authorization contract (wantAccess): decide who may use it", k)
			continue
		}
		if rt.Access != want {
			t.Errorf("route %s has access %q, contract says %q", k, rt.Access, want)
		}
	}
	for k := range wantAccess {
		if !seen[k] {
			t.Errorf("contract lists %s, which the server does not register", k)
		}
	}
}

var callers = []string{"anonymous", "admin", "manager", "employee", "auditor", "outsider"}

// TestAuthorizationMatrix sends every route a real request as every role of
// organization alpha, as a member of another organization, and anonymously, and
// checks the outcome against the route's declared access.
func TestAuthorizationMatrix(t *testing.T) {
	shared := webtest.New(t, store.SQLite)
	for _, rt := range shared.Srv.Routes() {
		for _, who := range callers {
			t.Run(routeKey(rt)+"/"+who, func(t *testing.T) {
				e := shared
				if rt.Method != "GET" {
					// State-changing requests get a fresh world so earlier ones cannot
					// change the outcome (a removed member, a revoked token).
					e = webtest.New(t, store.SQLite)
				}
				e.T = t
				res := callAs(e, rt, who)
				checkOutcome(t, rt, who, res)
			})
		}
	}
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
		if loginWall && !(rt.Path == "/login" && rt.Method == "POST") {
			t.Fatalf("public route asked %s to sign in: %d %s", who, res.StatusCode, res.Header.Get("Location"))
		}
	case who == "anonymous":
		if !loginWall {
			t.Fatalf("anonymous request was not stopped: %d", res.StatusCode)
		}
	case rt.Access == web.SignedIn:
		if !allowed {
			t.Fatalf("signed-in %s refused: %d %s", who, res.StatusCode, res.Text)
		}
	case who == "outsider":
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("member of another organization got %d, want 404 (nothing may leak)", res.StatusCode)
		}
	default:
		role := attest.Role(who)
		if role.Can(attest.Action(rt.Access)) {
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
func callAs(e *webtest.Env, rt web.Route, who string) webtest.Response {
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	path = strings.ReplaceAll(path, "{org}", "alpha")
	path = strings.ReplaceAll(path, "{user}", fmt.Sprint(e.Users["spare"].ID))

	inviteSecret := auth.NewSecret("")
	inv := attest.Invitation{OrgID: e.Alpha.ID, Email: "invitee@alpha.test", Role: attest.RoleEmployee, InvitedBy: e.Users["admin"].ID, ExpiresAt: e.Clock.Now().Add(time.Hour)}
	if err := e.DB.CreateInvitation(ctx, &inv, auth.HashSecret(inviteSecret)); err != nil {
		e.T.Fatal(err)
	}
	path = strings.ReplaceAll(path, "{token}", inviteSecret)

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
	// Every other {id} names a record of alpha; a task is the caller's own, so
	// that "own work" routes are reachable by an employee.
	fx := newRecords(e, who)
	for prefix, id := range map[string]int64{"/tokens/{id}": tok.ID, "/invitations/{id}": inv.ID, "/controls/{id}": fx.control,
		"/tasks/{id}": fx.task, "/subservices/{id}": fx.subservice, "/cuecs/{id}": fx.cuec, "/evidence/{id}": fx.evidence} {
		if strings.Contains(rt.Path, prefix) {
			path = strings.ReplaceAll(path, "{id}", fmt.Sprint(id))
		}
	}
	path = strings.ReplaceAll(path, "/criteria/{id}", "/criteria/CC6.1")
	path = strings.ReplaceAll(path, "{key}", fx.framework)

	query := map[string]string{
		"/o/{org}/activity/export": "?format=csv",
		"/o/{org}/controls/export": "?format=json",
		"/setup":                   "?token=" + e.SetupSecret(),
	}[rt.Path]

	if rt.API {
		var body any
		switch {
		case rt.Method == "POST" && strings.HasSuffix(rt.Path, "/tasks"):
			body = map[string]string{"title": "From the API"}
		case rt.Method == "POST":
			body = map[string]string{"email": "new@alpha.test", "role": "employee"}
		case rt.Method == "PATCH":
			body = map[string]string{"status": "in_progress"}
		}
		return e.API(rt.Method, strings.TrimPrefix(path, "/api/v1")+query, secret, body)
	}
	c := e.Anon()
	if who != "anonymous" {
		c = e.Login(who)
	}
	if rt.Method == "GET" {
		return c.Get(path + query)
	}
	return c.Post(path+query, url.Values{
		"email": {"new@alpha.test"}, "role": {"manager"}, "name": {"CI"}, "expires": {"30"},
		"org_name": {"Renamed"}, "password": {"a new long password"}, "current": {"wrong"},
		"title": {"A task"}, "status": {"done"}, "service": {"Hosting"}, "method": {"carve-out"}, "cuec": {"Customers manage users"},
		"requirement": {"CC6.1"}, "framework": {"soc2"}, "ref": {fmt.Sprintf("CUS-%d", fx.control)}, "type": {"preventive"}, "frequency": {"annual"},
	})
}

type records struct {
	control, task, subservice, cuec, evidence int64
	framework                                 string
}

// records creates one record of each kind in alpha for a request by who.
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
	if err := e.DB.CreateControl(ctx, &ctl); err != nil {
		e.T.Fatal(err)
	}
	owner := e.Users[who].ID
	if who == "anonymous" || who == "outsider" || who == "auditor" { // auditors own no work
		owner = e.Users["employee"].ID
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

var ctx = context.Background()

func TestMain(m *testing.M) { webtest.Main(m) }

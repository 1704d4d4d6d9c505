package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestInvitationsAndRoles: the admin invites a manager and an employee; each
// joins through their link in their own browser and sees only what their role
// allows; the admin's activity log records it all.
func TestInvitationsAndRoles(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	admin := b.person()
	setUp(t, s, admin)
	orgURL := s.Base + "/o/" + testOrg.Slug

	manager, employee := testManager, testEmployee

	invite := func(who person, role string) string {
		t.Helper()
		if st := admin.open(orgURL + "/settings"); st != http.StatusOK {
			t.Fatalf("admin GET settings: status %d", st)
		}
		admin.choose("#f-role", role)
		st := admin.submit(`form[action="/o/`+testOrg.Slug+`/invitations"] button[type="submit"]`, "email", who.Email)
		if st != http.StatusCreated {
			t.Fatalf("invite %s as %s: status %d; page:\n%s", who.Email, role, st, admin.body())
		}
		link := admin.text("#invite-link")
		if !strings.HasPrefix(link, s.Base+"/invitations/") {
			t.Fatalf("invitation link %q, want it under %s/invitations/", link, s.Base)
		}
		return link
	}
	managerLink := invite(manager, "manager")
	employeeLink := invite(employee, "employee")
	if managerLink == employeeLink {
		t.Fatalf("both invitations got the same link %s", managerLink)
	}
	pending := admin.text("main")
	for _, email := range []string{manager.Email, employee.Email} {
		if !strings.Contains(pending, email) {
			t.Errorf("the settings page does not list the pending invitation of %s", email)
		}
	}

	join := func(who person, link, roleLabel string) *tab {
		t.Helper()
		p := b.person()
		if st := p.open(link); st != http.StatusOK {
			t.Fatalf("%s opening their invitation: status %d; page:\n%s", who.Email, st, p.body())
		}
		if h1 := p.text("main h1"); h1 != "Join "+testOrg.Name {
			t.Errorf("invitation heading %q", h1)
		}
		if lead := p.text("main .lead"); !strings.Contains(lead, roleLabel) || !strings.Contains(lead, who.Email) {
			t.Errorf("invitation says %q, want the role %s and the address %s", lead, roleLabel, who.Email)
		}
		st := p.submit(`main form button[type="submit"]`, "name", who.Name, "password", who.Password)
		if st != http.StatusOK {
			t.Fatalf("%s accepting: status %d; page:\n%s", who.Email, st, p.body())
		}
		if loc := p.location(); loc != orgURL {
			t.Fatalf("%s after accepting is at %s, want %s; page:\n%s", who.Email, loc, orgURL, p.body())
		}
		if flash := p.text(".flash"); !strings.Contains(flash, "You joined "+testOrg.Name) {
			t.Errorf("%s after accepting sees flash %q", who.Email, flash)
		}
		if badge := p.text(".topbar .role-badge"); badge != roleLabel {
			t.Errorf("%s has role badge %q, want %q", who.Email, badge, roleLabel)
		}
		return p
	}
	mp := join(manager, managerLink, "Manager")
	ep := join(employee, employeeLink, "Employee")

	// A used link does not work again.
	if st := b.person().open(employeeLink); st != http.StatusNotFound {
		t.Errorf("reopening a used invitation: status %d, want 404", st)
	}

	forbidden := func(p *tab, who, path string) {
		t.Helper()
		if st := p.open(orgURL + path); st != http.StatusForbidden {
			t.Errorf("%s GET %s: status %d, want 403", who, path, st)
		}
		if h1 := p.text("main h1"); h1 != "Forbidden" {
			t.Errorf("%s GET %s: heading %q, want Forbidden", who, path, h1)
		}
	}

	// The employee sees their own work only.
	ep.open(orgURL)
	nav := ep.sidebar()
	for _, hidden := range []string{"Settings", "Activity", "Controls"} {
		if slices.Contains(nav, hidden) {
			t.Errorf("employee's sidebar %q has %q", nav, hidden)
		}
	}
	if !slices.Contains(nav, "Dashboard") || !slices.Contains(nav, "API tokens") {
		t.Errorf("employee's sidebar %q lacks Dashboard or API tokens", nav)
	}
	if body := ep.body(); !strings.Contains(body, "Your work") {
		t.Errorf("employee's dashboard does not show their own work:\n%s", body)
	}
	forbidden(ep, "employee", "/settings")
	forbidden(ep, "employee", "/activity")
	forbidden(ep, "employee", "/controls")

	// The manager sees the compliance areas but not the administration.
	mp.open(orgURL)
	nav = mp.sidebar()
	if !slices.Contains(nav, "Controls") {
		t.Errorf("manager's sidebar %q lacks Controls", nav)
	}
	for _, hidden := range []string{"Settings", "Activity"} {
		if slices.Contains(nav, hidden) {
			t.Errorf("manager's sidebar %q has %q", nav, hidden)
		}
	}
	if st := mp.open(orgURL + "/controls"); st != http.StatusOK {
		t.Errorf("manager GET /controls: status %d, want 200", st)
	}
	forbidden(mp, "manager", "/settings")

	// The admin sees both new members and the log of what happened.
	admin.open(orgURL + "/settings")
	for _, who := range []person{manager, employee} {
		if n := admin.count(`tr[data-email="` + who.Email + `"]`); n != 1 {
			t.Errorf("the members table has %d rows for %s, want 1", n, who.Email)
		}
	}
	if st := admin.open(orgURL + "/activity"); st != http.StatusOK {
		t.Fatalf("admin GET activity: status %d", st)
	}
	log := admin.text("table.activity")
	for _, want := range []string{"member.invited", "member.joined", "org.created",
		"Invited " + manager.Email + " as manager", "Invited " + employee.Email + " as employee",
		employee.Email + " accepted an invitation and joined as employee"} {
		if !strings.Contains(log, want) {
			t.Errorf("the activity log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "member.joined"); n != 2 {
		t.Errorf("the activity log has %d member.joined entries, want 2", n)
	}
}

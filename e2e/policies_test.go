package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/store"
	"github.com/chromedp/chromedp"
)

// TestPolicyInTheBrowser: a manager adopts a template, sees the live preview
// follow the text, saves and submits it to the admin; the admin approves; the
// manager publishes; the employee finds it on their dashboard, reads and
// accepts it, and the control the policy supports shows the acceptance; a
// material change, approved and published, sends it back to the employee.
func TestPolicyInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	st := mustStaffedOrg(t, s.App.DB)
	adoptLibrary(t, s, st.Org.ID)
	for _, u := range []attest.User{st.Admin, st.Manager, st.Employee} {
		p := attest.Person{OrgID: st.Org.ID, Name: u.Name, Email: u.Email, StartDate: "2025-01-06"}
		if err := s.App.DB.CreatePerson(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
	base := s.Base + "/o/" + testOrg.Slug
	page := base + "/policies/access-control"

	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(base + "/policies")
	mp.choose("#f-template", "access-control")
	if st := mp.submit(`#adopt button[type="submit"]`); st != 200 || !strings.HasPrefix(mp.location(), page) {
		t.Fatalf("adopt: %d at %s", st, mp.location())
	}
	if got := mp.body(); !strings.Contains(got, "Edit draft 1.0") {
		t.Fatalf("after adopting: %s", got)
	}

	// The live preview follows the text as it is typed, filled and sanitized.
	text := "# Access\n\n{{company_name}} grants access by role.\n\n<script>document.title='pwned'</script>\n"
	if err := chromedp.Do(mp.ctx, chromedp.SetValue(chromedp.CSS("#f-body"), text),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-body').dispatchEvent(new Event('input'))`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(mp.text("#preview"), "Acme Robotics grants access by role.") {
		if time.Now().After(deadline) {
			t.Fatalf("the live preview did not follow the text: %q", mp.text("#preview"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := mp.count("#preview script"); n != 0 {
		t.Fatalf("the preview holds %d scripts", n)
	}
	if title, _ := chromedp.Run(mp.ctx, chromedp.Evaluate[string](`document.title`)); title == "pwned" {
		t.Fatal("a script in the text ran")
	}
	mp.submit(`#editor button[value="save"]`, "body", "# Access\n\n{{company_name}} grants access by role.\n", "change_note", "Our words")
	if got := mp.body(); !strings.Contains(got, "Saved the draft 1.0") {
		t.Fatalf("after saving: %s", got)
	}
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="approvers"][value="%d"]`, st.Admin.ID)))); err != nil {
		t.Fatal(err)
	}
	mp.submit(`#submit button[type="submit"]`)
	if got := mp.body(); !strings.Contains(got, "Submitted Access Control Policy 1.0 for approval") {
		t.Fatalf("after submitting: %s", got)
	}

	ap := b.person()
	signIn(t, s, ap, testAdmin)
	ap.open(page)
	ap.submit(`#decide button[value="approve"]`, "comment", "Approved by the board on 2 December")
	if got := ap.body(); !strings.Contains(got, "quorum is reached") {
		t.Fatalf("after approving: %s", got)
	}
	mp.open(page)
	mp.submit(`#publish button[type="submit"]`)
	if got := mp.body(); !strings.Contains(got, "Published Access Control Policy 1.0") {
		t.Fatalf("after publishing: %s", got)
	}

	ep := b.person()
	signIn(t, s, ep, testEmployee)
	ep.open(base)
	if err := chromedp.Do(ep.ctx, chromedp.Click(chromedp.CSS(`#my-policies a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ep, `#accept button`)
	if got := ep.text("#policy-text"); !strings.Contains(got, "Acme Robotics grants access by role.") {
		t.Fatalf("the employee reads: %q", got)
	}
	ep.submit(`#accept button`)
	if got := ep.body(); !strings.Contains(got, "Accepted Access Control Policy 1.0") {
		t.Fatalf("after accepting: %s", got)
	}

	// The acceptance is the control's written evidence.
	pol, err := s.App.DB.PolicyByKey(t.Context(), st.Org.ID, "access-control")
	if err != nil {
		t.Fatal(err)
	}
	controls, err := s.App.DB.Controls(t.Context(), st.Org.ID, store.ControlFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(controls, func(c attest.Control) bool { return c.LibraryID != "" && slices.Contains(pol.Controls, c.LibraryID) })
	if i < 0 {
		t.Fatalf("no adopted control is among the policy's %v", pol.Controls)
	}
	mp.open(fmt.Sprintf("%s/controls/%d", base, controls[i].ID))
	if got := mp.text("#control-policies"); !strings.Contains(got, "1.0 published") || !strings.Contains(got, "accepted by 1 of 3") {
		t.Errorf("the control's policies: %q", got)
	}

	// A material change goes back to the employee.
	mp.open(page)
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(`#editor summary`)), chromedp.Click(chromedp.CSS(`input[name="material"]`))); err != nil {
		t.Fatal(err)
	}
	mp.submit(`#editor button[value="save"]`, "body", "# Access\n\n{{company_name}} grants access by role and need.\n", "change_note", "Need to know")
	if got := mp.body(); !strings.Contains(got, "Saved the draft 2.0") {
		t.Fatalf("a material change: %s", got)
	}
	mp.submit(`#submit button[type="submit"]`) // the approvers of 1.0 stay chosen
	ap.open(page)
	ap.submit(`#decide button[value="approve"]`)
	mp.open(page)
	mp.submit(`#publish button[type="submit"]`)
	ep.open(base + "/my/policies")
	if got := ep.text("#my-policies"); !strings.Contains(got, "2.0") || !strings.Contains(got, "to accept") {
		t.Errorf("the material change is not the employee's to accept again: %q", got)
	}
	mp.open(page + "/diff")
	if got := mp.text("#diff"); !strings.Contains(got, "- Acme Robotics grants access by role.") || !strings.Contains(got, "+ Acme Robotics grants access by role and need.") {
		t.Errorf("the diff: %q", got)
	}
}

// TestPoliciesInTheDemo: in the demo, readiness names the people past their
// due date on the control their policy supports; Emma, an employee and
// Jonas's manager, sees the material change waiting for her and that Jonas
// is overdue, and accepts the change.
func TestPoliciesInTheDemo(t *testing.T) {
	t.Parallel()
	s, people := startDemo(t)
	b := startBrowserWithin(t, 2*testTimeout)
	base := s.Base + "/o/" + demo.OrgSlug

	mp := b.person()
	signInTo(t, s, mp, people[attest.RoleManager], demo.OrgSlug)
	ac3 := firstLink(t, mp, base+"/controls?q=AC-3", `^/o/[^/]+/controls/\d+$`)
	mp.open(base + ac3)
	if got := mp.body(); !strings.Contains(got, "2 people have not accepted its policies by the due date") ||
		!strings.Contains(got, "Jonas Berg (Access Control Policy)") || !strings.Contains(got, "Priya Natarajan (Access Control Policy)") {
		t.Errorf("the control's readiness does not name the overdue people:\n%s", got)
	}

	ep := b.person()
	signInTo(t, s, ep, people[attest.RoleEmployee], demo.OrgSlug)
	ep.open(base)
	if got := ep.text("#my-policies"); !strings.Contains(got, "Acceptable Use Policy 2.0") {
		t.Fatalf("Emma's dashboard: %q", got)
	}
	ep.open(base + "/acknowledgements?state=overdue")
	if got := ep.text("#acknowledgements"); !strings.Contains(got, "Jonas Berg") || strings.Contains(got, "Priya") {
		t.Errorf("Emma sees her report Jonas overdue, and nobody else: %q", got)
	}
	ep.open(base + "/my/policies/acceptable-use")
	if got := ep.text("#accept"); !strings.Contains(got, "changes the policy materially") {
		t.Errorf("the material change is not explained: %q", got)
	}
	ep.submit(`#accept button`)
	if got := ep.body(); !strings.Contains(got, "Accepted Acceptable Use Policy 2.0") {
		t.Fatalf("after accepting: %s", got)
	}
	ep.open(base)
	if n := ep.count("#my-policies"); n != 0 {
		t.Errorf("the accepted policy is still on Emma's dashboard")
	}
}

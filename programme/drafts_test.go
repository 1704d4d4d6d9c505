package programme

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestDescribe(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	in := DescriptionInput{Org: "Acme", Now: now, Categories: cat.SOC2().Categories,
		Scope: attest.Scope{SystemName: "Northwind *API*", Categories: []string{"availability"}, Infrastructure: "AWS eu-west-1"},
		Controls: []attest.Control{{Ref: "AC-2", Family: "Access", Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1"}}},
			{Ref: "AC-1", Family: "Access", Status: attest.StatusInProgress, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1"}, {Framework: "iso27001", Requirement: "A.5.15"}}},
			{Ref: "OPS-1", Family: "Operations", Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC10.1"}, {Framework: "soc2", Requirement: "CC2.1"}}}},
		People:      []attest.Person{{Department: "Engineering", EmploymentType: "employee"}, {Department: "Engineering", EmploymentType: "contractor"}, {EmploymentType: "employee"}},
		Policies:    []attest.Policy{{Title: "Access Control", Published: &attest.PolicyVersion{Label: "1.2"}}, {Title: "Draft only"}},
		Incidents:   []attest.Incident{{Title: "Outage", Severity: "sev1", Status: "closed", DetectedAt: now.AddDate(0, -2, 0)}},
		Subservices: []attest.SubserviceOrg{{Name: "AWS", Service: "Hosting", Method: "carve-out", Controls: "Physical security"}}}
	got := Describe(in)
	for _, want := range []string{
		"# Acme: description of Northwind \\*API\\*", "## 2. Principal service commitments", "- Availability: keep the service available",
		"AWS eu-west-1", "3 people work for Acme (1 contractor, 2 employees)", "| Engineering | 2 |", "| No department recorded | 1 |",
		"- Access Control (version 1.2)", "| Access | 2 | 1 |", "Categories in scope: Security, Availability.",
		"| CC6.1 | AC-1, AC-2 |", "| Outage | SEV1 |", "| AWS | Hosting | carve-out | Physical security |", "_To complete: the data the system",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the draft lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Draft only") || strings.Contains(got, "A.5.15") || strings.Contains(got, "- Privacy:") {
		t.Errorf("the draft lists an unpublished policy, another framework's mapping or a category out of scope:\n%s", got)
	}
	if i, j := strings.Index(got, "| CC2.1 |"), strings.Index(got, "| CC10.1 |"); i < 0 || j < i {
		t.Errorf("criteria out of order (CC2.1 at %d, CC10.1 at %d)", i, j)
	}
}

func TestAssertion(t *testing.T) {
	for _, c := range []struct {
		in    AssertionInput
		field string
	}{
		{AssertionInput{Type: "type3"}, "type"},
		{AssertionInput{Type: Type1, AsOf: "2026-02-30"}, "as_of"},
		{AssertionInput{Type: Type2, From: "2026-01-01", To: "2026-02-15"}, "to"},
		{AssertionInput{Type: Type2, From: "2026-01-01", To: "2027-03-01"}, "to"},
		{AssertionInput{Type: Type2, From: "2026-05-01", To: "2026-01-01"}, "to"},
	} {
		if err := ValidateAssertion(&c.in); attest.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want an error on %s", c.in, err, c.field)
		}
	}
	in := AssertionInput{Org: "Acme", System: "Northwind", Type: Type2, From: "2026-01-01", To: "2026-06-30", Categories: []string{"Security"},
		CarvedOut: []string{"AWS"}, Now: time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)}
	if err := ValidateAssertion(&in); err != nil {
		t.Fatal(err)
	}
	two := Assert(in)
	for _, want := range []string{"for the period from 1 January 2026 to 30 June 2026", "relies on subservice organizations (AWS)",
		"3. The controls stated in the description operated effectively throughout the period from 1 January 2026 to 30 June 2026"} {
		if !strings.Contains(two, want) {
			t.Errorf("the Type 2 assertion lacks %q:\n%s", want, two)
		}
	}
	in.Type, in.AsOf = Type1, "2026-03-31"
	one := Assert(in)
	if !strings.Contains(one, "as of 31 March 2026") || strings.Contains(one, "operated effectively") {
		t.Errorf("the Type 1 assertion:\n%s", one)
	}
}

// The drafts read only the organization's own records.
func TestDraftsStayInTheirOrganization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat, err := catalog.Load()
		if err != nil {
			t.Fatal(err)
		}
		a, b := storetest.MustOrg(t, db, "alpha"), storetest.MustOrg(t, db, "beta")
		storetest.MustPerson(t, db, a, "Ada", "ada@alpha.test")
		for _, x := range []attest.Organization{a, b} {
			if err := db.SaveScope(t.Context(), &attest.Scope{OrgID: x.ID, SystemName: "System of " + x.Slug}); err != nil {
				t.Fatal(err)
			}
			if err := db.AddSubservice(t.Context(), &attest.SubserviceOrg{OrgID: x.ID, Name: "Vendor of " + x.Slug, Service: "s", Method: "carve-out"}); err != nil {
				t.Fatal(err)
			}
		}
		storetest.MustPerson(t, db, b, "Bob", "bob@beta.test")
		storetest.MustControl(t, db, b, "B-1", attest.StatusImplemented)
		d := Drafts{DB: db, Catalog: cat}
		p := attest.SystemPrincipal(a.ID, "test", attest.ViaSystem)
		got, err := d.Description(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "System of alpha") || !strings.Contains(got, "1 person works for Org alpha") || !strings.Contains(got, "Vendor of alpha") ||
			strings.Contains(got, "beta") || !strings.Contains(got, "No control adopted yet") {
			t.Errorf("alpha's description:\n%s", got)
		}
		as, err := d.Assertion(t.Context(), p, AssertionInput{Type: Type1, AsOf: "2026-03-31"})
		if err != nil || !strings.Contains(as, "Vendor of alpha") || strings.Contains(as, "beta") {
			t.Errorf("alpha's assertion: %v\n%s", err, as)
		}
		if _, err := d.Description(t.Context(), attest.Principal{UserID: 1, OrgID: a.ID, Role: attest.RoleEmployee}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee drafting the description: %v", err)
		}
	})
}

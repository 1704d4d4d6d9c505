package programme

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/policy/doc"
	"github.com/attest-hq/attest/store"
)

// Drafts writes the documents a SOC 2 report opens with, as drafts for the
// organization to edit: the system description (from the scope, the
// controls, the policies, the workforce, the connected systems and the
// significant incidents) and management's assertion.
type Drafts struct {
	DB      *store.DB
	Catalog *catalog.Catalog
	Now     func() time.Time
}

func (s Drafts) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// DescriptionInput is what the system description draft is written from.
type DescriptionInput struct {
	Org         string
	Scope       attest.Scope
	Categories  []catalog.Category // of SOC 2, in catalog order
	Subservices []attest.SubserviceOrg
	CUECs       []attest.CUEC
	Controls    []attest.Control // adopted, not retired
	Policies    []attest.Policy  // those with a published version are listed
	People      []attest.Person  // working on the day
	Systems     []attest.Connection
	Incidents   []attest.Incident // SEV1 and SEV2 of the last twelve months
	Now         time.Time
}

// Description reads what the draft needs and writes it.
func (s Drafts) Description(ctx context.Context, p attest.Principal) (string, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return "", err
	}
	in, err := s.descriptionInput(ctx, p.OrgID)
	if err != nil {
		return "", err
	}
	return Describe(in), nil
}

func (s Drafts) descriptionInput(ctx context.Context, orgID int64) (DescriptionInput, error) {
	q := &s.DB.Queries
	org, err := q.OrgByID(ctx, orgID)
	if err != nil {
		return DescriptionInput{}, err
	}
	in := DescriptionInput{Org: org.Name, Categories: s.Catalog.SOC2().Categories, Now: s.now()}
	if in.Scope, err = q.Scope(ctx, orgID); err != nil {
		return in, err
	}
	if in.Subservices, err = q.Subservices(ctx, orgID); err != nil {
		return in, err
	}
	if in.CUECs, err = q.CUECs(ctx, orgID); err != nil {
		return in, err
	}
	controls, err := q.Controls(ctx, orgID, store.ControlFilter{})
	if err != nil {
		return in, err
	}
	in.Controls = slices.DeleteFunc(controls, func(c attest.Control) bool { return c.Retired() })
	if in.Policies, err = q.Policies(ctx, orgID); err != nil {
		return in, err
	}
	people, err := q.People(ctx, orgID, store.PeopleFilter{})
	if err != nil {
		return in, err
	}
	today := attest.Today(in.Now)
	in.People = slices.DeleteFunc(people, func(p attest.Person) bool { return p.State(today) != attest.PersonActive })
	if in.Systems, err = q.Connections(ctx, orgID); err != nil {
		return in, err
	}
	incidents, err := q.Incidents(ctx, orgID, store.IncidentFilter{})
	if err != nil {
		return in, err
	}
	since := in.Now.AddDate(-1, 0, 0)
	for _, i := range incidents {
		if (i.Severity == "sev1" || i.Severity == "sev2") && i.DetectedAt.After(since) {
			in.Incidents = append(in.Incidents, i)
		}
	}
	return in, nil
}

// Describe writes the draft system description in Markdown, in the sections
// an auditor expects: the services, the commitments, the components of the
// system, the control environment, the criteria with their controls, the
// significant incidents, the subservice organizations and the complementary
// user entity controls. What Attest cannot know is marked to complete.
func Describe(in DescriptionInput) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	orTodo := func(s, todo string) string {
		if strings.TrimSpace(s) == "" {
			return "_To complete: " + todo + "_"
		}
		return md(s)
	}
	system := in.Scope.SystemName
	if strings.TrimSpace(system) == "" {
		system = in.Org + " system"
	}
	p("# %s: description of %s\n\n", md(in.Org), md(system))
	p("_Drafted with Attest on %s from the organization's scope, controls, policies, workforce, connected systems and incident register. Complete the marked parts and review every section before it is shared._\n\n",
		in.Now.UTC().Format("2 January 2006"))

	p("## 1. Services provided\n\n%s\n\n%s\n\n", orTodo(in.Scope.SystemSummary, "what the system is and who uses it."),
		orTodo(in.Scope.Services, "the services customers receive."))

	p("## 2. Principal service commitments and system requirements\n\n")
	p("_To complete: the commitments made to customers in contracts, service level agreements and published terms, and the requirements the system must meet to keep them._ Attest's scope suggests at least:\n\n")
	chosen := map[string]bool{}
	for _, c := range in.Scope.Categories {
		chosen[c] = true
	}
	var inScope []string
	for _, c := range in.Categories {
		if !c.Required && !chosen[c.ID] {
			continue
		}
		inScope = append(inScope, c.Name)
		switch c.ID {
		case "security":
			p("- Security: protect the system and customer data against unauthorized access, use and change.\n")
		case "availability":
			p("- Availability: keep the service available as committed (state the uptime and recovery commitments).\n")
		case "processing-integrity":
			p("- Processing integrity: process customer data completely, accurately and on time.\n")
		case "confidentiality":
			p("- Confidentiality: keep information designated confidential restricted to those entitled to it.\n")
		case "privacy":
			p("- Privacy: collect, use, keep, disclose and dispose of personal information as the privacy notice says.\n")
		}
	}
	p("\n## 3. Components of the system\n\n")
	p("### Infrastructure\n\n%s\n\n", orTodo(in.Scope.Infrastructure, "the hosting, networks and hardware the system runs on."))
	if in.Scope.Locations != "" {
		p("Locations: %s\n\n", md(in.Scope.Locations))
	}
	p("### Software\n\n")
	if len(in.Systems) == 0 {
		p("_To complete: the applications, databases and tools that make up the system._\n\n")
	} else {
		p("Systems connected to Attest and tested continuously:\n\n")
		for _, c := range in.Systems {
			p("- %s (%s)\n", md(c.Name), c.Type)
		}
		p("\n_To complete: other applications and databases of the system._\n\n")
	}
	p("### People\n\n")
	if len(in.People) == 0 {
		p("_To complete: the teams that build, run and support the system._\n\n")
	} else {
		depts := map[string]int{}
		kinds := map[string]int{}
		for _, x := range in.People {
			d := x.Department
			if d == "" {
				d = "No department recorded"
			}
			depts[d]++
			kinds[x.EmploymentType]++
		}
		who := fmt.Sprintf("%d people work", len(in.People))
		if len(in.People) == 1 {
			who = "1 person works"
		}
		p("%s for %s (%s).\n\n| Department | People |\n|---|---|\n", who, md(in.Org), counts(kinds))
		names := make([]string, 0, len(depts))
		for d := range depts {
			names = append(names, d)
		}
		sort.Strings(names)
		for _, d := range names {
			p("| %s | %d |\n", cell(d), depts[d])
		}
		p("\n")
	}
	p("### Data\n\n_To complete: the data the system receives, stores and produces (customer data, personal information, confidential information) and how it is classified._\n\n")
	p("### Procedures\n\n")
	var published []string
	for _, pol := range in.Policies {
		if pol.Published != nil && !pol.Retired {
			published = append(published, fmt.Sprintf("- %s (version %s)", md(pol.Title), pol.Published.Label))
		}
	}
	if len(published) == 0 {
		p("_To complete: the policies and procedures that govern the system._\n\n")
	} else {
		p("Published policies, approved and accepted through Attest:\n\n%s\n\n", strings.Join(published, "\n"))
	}

	p("## 4. Control environment, risk assessment, information and communication, monitoring and control activities\n\n")
	if len(in.Controls) == 0 {
		p("_No control adopted yet._\n\n")
	} else {
		families := map[string][2]int{}
		for _, c := range in.Controls {
			f := families[c.Family]
			f[0]++
			if c.Status == attest.StatusImplemented {
				f[1]++
			}
			families[c.Family] = f
		}
		names := make([]string, 0, len(families))
		for f := range families {
			names = append(names, f)
		}
		sort.Strings(names)
		p("%s operates %d controls, by family:\n\n| Family | Controls | Implemented |\n|---|---|---|\n", md(in.Org), len(in.Controls))
		for _, f := range names {
			p("| %s | %d | %d |\n", cell(orDefault(f, "Other")), families[f][0], families[f][1])
		}
		p("\n")
	}

	p("## 5. Trust services criteria and related controls\n\nCategories in scope: %s.\n\n", strings.Join(inScope, ", "))
	byCriterion := map[string][]string{}
	for _, c := range in.Controls {
		for _, m := range c.Mappings {
			if m.Framework == "soc2" && !slices.Contains(byCriterion[m.Requirement], c.Ref) {
				byCriterion[m.Requirement] = append(byCriterion[m.Requirement], c.Ref)
			}
		}
	}
	if len(byCriterion) == 0 {
		p("_No control is mapped to a criterion yet._\n\n")
	} else {
		ids := make([]string, 0, len(byCriterion))
		for id := range byCriterion {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return criterionLess(ids[i], ids[j]) })
		p("| Criterion | Controls |\n|---|---|\n")
		for _, id := range ids {
			refs := byCriterion[id]
			sort.Strings(refs)
			p("| %s | %s |\n", id, strings.Join(refs, ", "))
		}
		p("\n")
	}

	p("## 6. Significant system incidents\n\n")
	if len(in.Incidents) == 0 {
		p("No SEV1 or SEV2 incident is recorded in the last twelve months.\n\n")
	} else {
		p("| Incident | Severity | Detected | Status |\n|---|---|---|---|\n")
		for _, i := range in.Incidents {
			p("| %s | %s | %s | %s |\n", cell(i.Title), strings.ToUpper(i.Severity), i.DetectedAt.UTC().Format("2006-01-02"), i.Status)
		}
		p("\n_To complete: for each, what happened and which commitments it affected._\n\n")
	}

	p("## 7. Subservice organizations\n\n")
	if len(in.Subservices) == 0 {
		p("_None recorded._\n\n")
	} else {
		p("| Organization | Service | Method | Relied on for |\n|---|---|---|---|\n")
		for _, x := range in.Subservices {
			p("| %s | %s | %s | %s |\n", cell(x.Name), cell(x.Service), x.Method, cell(x.Controls))
		}
		p("\nUnder the carve-out method a subservice organization's controls stay outside this description and its own SOC report is relied upon; under the inclusive method they are part of it.\n\n")
	}
	p("## 8. Complementary user entity controls\n\n")
	if len(in.CUECs) == 0 {
		p("_None recorded._\n")
	} else {
		p("For the controls described here to work, customers are expected to:\n\n")
		for _, c := range in.CUECs {
			crit := ""
			if len(c.Criteria) > 0 {
				crit = " (" + strings.Join(c.Criteria, ", ") + ")"
			}
			p("- %s%s\n", md(c.Description), crit)
		}
	}
	return b.String()
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%d %s", m[k], plural(m[k], k)))
	}
	return strings.Join(out, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// criterionLess orders criterion IDs as the catalog does: CC1.1 before
// CC1.2 before CC10.1, then A, C, PI and P by prefix.
func criterionLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	for i := 0; i < len(na) && i < len(nb); i++ {
		if na[i] != nb[i] {
			return na[i] < nb[i]
		}
	}
	return len(na) < len(nb)
}

func splitID(id string) (string, []int) {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return id, nil
	}
	var nums []int
	for _, part := range strings.Split(id[i:], ".") {
		n := 0
		fmt.Sscanf(part, "%d", &n)
		nums = append(nums, n)
	}
	return id[:i], nums
}

// Report types of an assertion.
const (
	Type1 = "type1"
	Type2 = "type2"
)

// AssertionInput says which report the assertion is for.
type AssertionInput struct {
	Org        string
	System     string
	Type       string // Type1 or Type2
	AsOf       string // YYYY-MM-DD, for Type 1
	From, To   string // YYYY-MM-DD, for Type 2
	Categories []string
	// CarvedOut are the subservice organizations reported by the
	// carve-out method.
	CarvedOut []string
	Now       time.Time
}

// ValidateAssertion checks the report an assertion is for: Type 1 as of a
// day, Type 2 over a window of three to twelve months.
func ValidateAssertion(in *AssertionInput) error {
	switch in.Type {
	case Type1:
		if !validDay(in.AsOf) {
			return attest.Invalid("as_of", "want the day the Type 1 report is as of, YYYY-MM-DD (got %q)", in.AsOf)
		}
	case Type2:
		if err := attest.ValidateWindow(in.From, in.To); err != nil {
			return err
		}
		from, _ := time.Parse(attest.DateLayout, in.From)
		to, _ := time.Parse(attest.DateLayout, in.To)
		if to.Before(from.AddDate(0, 3, -1)) || to.After(from.AddDate(1, 0, 0)) {
			return attest.Invalid("to", "a Type 2 period runs three to twelve months (got %s to %s)", in.From, in.To)
		}
	default:
		return attest.Invalid("type", "want type1 or type2 (got %q)", in.Type)
	}
	return nil
}

func validDay(s string) bool {
	_, err := time.Parse(attest.DateLayout, s)
	return err == nil
}

// Assertion writes management's assertion as a draft, in Attest's words:
// what management prepared, and what it confirms about the description,
// the design of the controls and, for Type 2, their operation.
func (s Drafts) Assertion(ctx context.Context, p attest.Principal, in AssertionInput) (string, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return "", err
	}
	if err := ValidateAssertion(&in); err != nil {
		return "", err
	}
	d, err := s.descriptionInput(ctx, p.OrgID)
	if err != nil {
		return "", err
	}
	in.Org, in.System, in.Now = d.Org, d.Scope.SystemName, d.Now
	chosen := map[string]bool{}
	for _, c := range d.Scope.Categories {
		chosen[c] = true
	}
	for _, c := range d.Categories {
		if c.Required || chosen[c.ID] {
			in.Categories = append(in.Categories, c.Name)
		}
	}
	for _, x := range d.Subservices {
		if x.Method == "carve-out" {
			in.CarvedOut = append(in.CarvedOut, x.Name)
		}
	}
	return Assert(in), nil
}

// Assert writes the assertion for a validated input.
func Assert(in AssertionInput) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	system := in.System
	if strings.TrimSpace(system) == "" {
		system = in.Org + " system"
	}
	when := "as of " + longDay(in.AsOf)
	through := "as of " + longDay(in.AsOf)
	if in.Type == Type2 {
		when = fmt.Sprintf("for the period from %s to %s", longDay(in.From), longDay(in.To))
		through = fmt.Sprintf("throughout the period from %s to %s", longDay(in.From), longDay(in.To))
	}
	p("# Management's assertion\n\n")
	p("_Draft prepared with Attest on %s for %s's management to review, complete and sign. It follows the usual content of an assertion but is not legal or audit advice; your auditor may ask for their own wording._\n\n",
		in.Now.UTC().Format("2 January 2006"), md(in.Org))
	p("We, the management of %s, have prepared the accompanying description of %s %s (the description). We prepared it using the description criteria that apply to the examination, so that the people who use %s, and their auditors, can understand the system and the controls that support it.\n\n",
		md(in.Org), md(system), when, md(system))
	p("The categories of the trust services criteria covered are: %s.\n\n", strings.Join(in.Categories, ", "))
	if len(in.CarvedOut) > 0 {
		p("%s relies on subservice organizations (%s). The description covers what %s expects of them, but not their own controls, which are excluded from it and from our assertion.\n\n",
			md(in.Org), md(strings.Join(in.CarvedOut, ", ")), md(in.Org))
	}
	p("The description also states the controls we expect our customers to operate (complementary user entity controls); our controls achieve their aims only if customers operate theirs.\n\n")
	p("To the best of our knowledge and belief, we confirm that:\n\n")
	p("1. The description presents %s as it was designed and implemented %s, fairly and in line with the description criteria.\n", md(system), through)
	p("2. The controls stated in the description were suitably designed %s to give reasonable assurance that our service commitments and system requirements would be met under the trust services criteria in scope, had the controls operated as described and had subservice organizations and customers operated the controls we assume of them.\n", through)
	if in.Type == Type2 {
		p("3. The controls stated in the description operated effectively %s to give reasonable assurance that our service commitments and system requirements were met under the trust services criteria in scope, with subservice organizations and customers operating the controls we assume of them.\n", through)
	}
	p("\n_To complete: any exceptions, changes to the system during the period, or incidents that affected the commitments._\n\n")
	p("Signed for %s:\n\nName: ____________________  Title: ____________________  Date: __________\n", md(in.Org))
	return b.String()
}

func longDay(day string) string {
	t, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}

// PDF renders a draft (a description or an assertion) as a PDF.
func (s Drafts) PDF(org, title, markdown string) ([]byte, error) {
	var buf bytes.Buffer
	err := doc.MarkdownPDF(&buf, org, title, markdown, s.now())
	return buf.Bytes(), err
}

package roster

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
)

// Population names.
const (
	Joiners = "joiners"
	Leavers = "leavers"
	Movers  = "movers"
)

// CSVColumns are the columns of a populations CSV file.
var CSVColumns = []string{"population", "name", "email", "title", "department", "employment_type", "start_date", "end_date",
	"accounts", "active_accounts", "identity_provider", "findings", "reconciliation", "role_changes"}

// WriteCSV writes the members of one population (Joiners, Leavers or
// Movers), or of all three when which is "", one row each; a cell a spreadsheet would run as a
// formula is defused. Any other which is invalid on the field "population".
func WriteCSV(w io.Writer, pop attest.Populations, which string) error {
	groups := map[string][]attest.PopulationMember{Joiners: pop.Joiners, Leavers: pop.Leavers, Movers: pop.Movers}
	names := []string{Joiners, Leavers, Movers}
	if which != "" {
		if _, ok := groups[which]; !ok {
			return attest.Invalid("population", "want joiners, leavers or movers, got %q", which)
		}
		names = []string{which}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, name := range names {
		for _, m := range groups[name] {
			var accounts, findings, changes []string
			for _, a := range m.Accounts {
				accounts = append(accounts, a.System+":"+a.Login)
			}
			for _, f := range m.Findings {
				findings = append(findings, f.Message)
			}
			for _, c := range m.Changes {
				changes = append(changes, c.On+" "+c.Field+": "+orDash(c.From)+" → "+orDash(c.To))
			}
			p := m.Person
			cells := []string{name, p.Name, p.Email, p.Title, p.Department, p.EmploymentType, p.StartDate, p.EndDate,
				strings.Join(accounts, "; "), strconv.Itoa(m.ActiveAccounts), strconv.FormatBool(m.IdentityProvider),
				strings.Join(findings, "; "), m.Reconciliation, strings.Join(changes, "; ")}
			for i := range cells {
				cells[i] = attest.SafeCSV(cells[i])
			}
			if err := cw.Write(cells); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type acknowledgementsView struct {
	Rows     []attest.AckRow
	State    string // the filter: accepted, pending, overdue or "" for all
	Policies []string
	Policy   string
	Counts   map[string]int
	All      bool // the caller sees everyone, not only themselves and their reports
	Pager    web.Pager
}

// acknowledgementsPage is the acknowledgement report: who must accept which
// published policy and where they stand. Those who read the programme see
// everyone; a manager sees their reports, so they can chase who is overdue.
func (h *Handler) acknowledgementsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.Policies.AckRows(r.Context(), c.P, 0)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := acknowledgementsView{State: q.Get("state"), Policy: q.Get("policy"), Counts: map[string]int{}, All: c.Can(attest.ActRead)}
	// Counted in one pass and a page of the filtered rows kept in a second:
	// an organization of 2,000 people with 40 policies has up to 80,000 rows (a
	// 20 MB page when all were shown). The rows are walked where they are
	// kept, not copied: fifty copies at once took the server to gigabytes.
	// The counts and the exports cover all.
	seen := map[string]bool{}
	total := 0
	for row := range rows {
		if !seen[row.PolicyKey] {
			seen[row.PolicyKey] = true
			v.Policies = append(v.Policies, row.PolicyKey)
		}
		if v.Policy != "" && row.PolicyKey != v.Policy {
			continue
		}
		v.Counts[row.State]++
		if v.State == "" || row.State == v.State {
			total++
		}
	}
	v.Pager = web.PageOf(total, q, web.PageSize)
	n := 0
	for row := range rows {
		if (v.Policy != "" && row.PolicyKey != v.Policy) || (v.State != "" && row.State != v.State) {
			continue
		}
		if n >= v.Pager.Offset() && n < v.Pager.To {
			v.Rows = append(v.Rows, row)
		}
		if n++; n >= v.Pager.To {
			break
		}
	}
	h.Render(w, r, c, http.StatusOK, "acknowledgements", v)
	return nil
}

package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// trainingRoutes: security awareness training and background checks. Those
// who read the programme list them; editors record external completions and
// import checks.
func (h *Handler) trainingRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/training", web.Read, h.apiTraining),
		route("POST", "/orgs/{org}/training", web.Edit, h.apiRecordTraining),
		route("GET", "/orgs/{org}/background", web.Read, h.apiBackground),
		route("POST", "/orgs/{org}/background/import", web.Edit, h.apiImportBackground),
	}
}

// apiTraining lists where every working person stands with training,
// overdue first (attest.TrainingRow.Order), a page at a time (limit, cursor,
// next_cursor); ?overdue=true keeps the overdue.
func (h *Handler) apiTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.Training.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	overdue := r.URL.Query().Get("overdue") == "true"
	shown := func(yield func(attest.TrainingRow) bool) {
		for _, row := range rows {
			if (!overdue || row.Overdue()) && !yield(row) {
				return
			}
		}
	}
	return writeKeyPage(w, r.URL.Query(), nil, "training", shown, func(row attest.TrainingRow) pageKey {
		return pageKey{S: row.Order(), N: row.PersonID}
	})
}

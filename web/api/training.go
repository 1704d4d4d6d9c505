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
// overdue first; ?overdue=true keeps the overdue.
func (h *Handler) apiTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.Training.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := []attest.TrainingRow{}
	for _, row := range rows {
		if r.URL.Query().Get("overdue") != "true" || row.Overdue() {
			out = append(out, row)
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

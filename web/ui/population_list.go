package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/web"
)

type populationsView struct {
	Pop   attest.Populations
	Ready bool // the window was valid and the populations were read
}

// populationsPage shows the joiners and leavers of ?from=&to= (the last 90
// days when neither is given); ?download=joiners, leavers or movers downloads one
// population as CSV.
func (h *Handler) populationsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		now := h.Now().UTC()
		from, to = attest.Today(now.AddDate(0, 0, -90)), attest.Today(now)
	}
	f := &web.Form{Values: map[string]string{"from": from, "to": to}, Errors: map[string]string{}}
	pop, err := h.Roster.Populations(r.Context(), c.P, from, to)
	if web.UserError(err) {
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "populations", populationsView{}, f)
		return nil
	}
	if err != nil {
		return err
	}
	if which := q.Get("download"); which != "" {
		if which != roster.Joiners && which != roster.Leavers && which != roster.Movers {
			return attest.Invalid("download", "want joiners, leavers or movers, got %q", which)
		}
		h.attachment(w, c, which+"-"+from+"-"+to, "csv")
		return roster.WriteCSV(w, pop, which)
	}
	h.RenderForm(w, r, c, http.StatusOK, "populations", populationsView{Pop: pop, Ready: true}, f)
	return nil
}

package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/web"
)

// apiRisks lists the register: ?rating=low|medium|high|critical (of the
// residual score), ?treatment=, ?owner=<user ID>, ?overdue=1, ?status=
// (open by default; all for every risk).
func (h *Handler) apiRisks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f := risk.Filter{Band: q.Get("rating"), Treatment: q.Get("treatment"), Overdue: q.Get("overdue") != "", Status: q.Get("status")}
	f.OwnerID, _ = strconv.ParseInt(q.Get("owner"), 10, 64)
	reg, err := h.Risks.List(r.Context(), c.P, f)
	if err != nil {
		return err
	}
	for i := range reg.Risks {
		reg.Risks[i] = riskOut(reg.Risks[i])
	}
	web.WriteJSON(w, http.StatusOK, reg)
	return nil
}

package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// adoptRisk adds a library risk to the register, owned by the member chosen.
func (h *Handler) adoptRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "library", "owner")
	owner, _ := strconv.ParseInt(f.Values["owner"], 10, 64)
	x, err := h.Risks.Adopt(r.Context(), c.P, f.Values["library"], owner)
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		return h.Redirect(w, r, "/o/"+c.Org.Slug+"/risks#library", "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, riskPath(c, x.Ref), "Adopted "+x.Title+" as "+x.Ref+".")
}

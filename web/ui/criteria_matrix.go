package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// matrixPage is the coverage matrix of one framework: every requirement in
// scope with the controls that count toward it, coloured by state, and how
// many of them are implemented; uncovered ones are highlighted.
func (h *Handler) matrixPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, nav, err := h.assessRequested(r, c)
	if err != nil {
		return err
	}
	v := criteriaView{Nav: nav, Assessment: a, Filter: r.URL.Query().Get("filter")}
	v.Groups, v.Shown = group(a, "", v.Filter, false)
	h.Render(w, r, c, http.StatusOK, "matrix", v)
	return nil
}

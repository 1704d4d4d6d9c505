package ui

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// matrixPage is the coverage matrix: every criterion in scope with the
// controls that address it, coloured by state, uncovered ones first to see.
func (h *Handler) matrixPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	v := criteriaView{Assessment: a, Filter: r.URL.Query().Get("filter")}
	v.Groups, v.Shown = group(a, "", v.Filter, false)
	h.Render(w, r, c, http.StatusOK, "matrix", v)
	return nil
}

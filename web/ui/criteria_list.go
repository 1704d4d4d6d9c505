package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) criteriaPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, nav, err := h.assessRequested(r, c)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := criteriaView{Nav: nav, Assessment: a, Filter: q.Get("filter"), Category: q.Get("category"), ByScore: q.Get("sort") == "score"}
	v.Groups, v.Shown = group(a, v.Category, v.Filter, v.ByScore)
	h.Render(w, r, c, http.StatusOK, "criteria", v)
	return nil
}

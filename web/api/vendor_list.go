package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiVendors lists the vendor register with each vendor's next review;
// ?overdue=true keeps the vendors whose review is overdue.
func (h *Handler) apiVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	vs, err := h.Vendors.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	today := attest.Today(h.Now())
	out := []vendorJSON{}
	for _, v := range vs {
		j := toVendorJSON(v, today)
		if r.URL.Query().Get("overdue") == "true" && !j.ReviewOverdue {
			continue
		}
		out = append(out, j)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

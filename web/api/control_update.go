package api

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// apiUpdateControl changes a control's status, owner or justification; fields
// left out keep their values.
func (h *Handler) apiUpdateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := controlPathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Status        *string `json:"status"`
		OwnerID       *int64  `json:"owner_id"`
		Justification *string `json:"justification"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ch := programme.ControlChange{Status: in.Status, OwnerID: in.OwnerID, Justification: in.Justification}
	if _, err := h.Controls.Update(r.Context(), c.P, id, ch); err != nil {
		return err
	}
	return h.apiControl(w, r, c)
}

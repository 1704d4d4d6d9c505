package api

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiUpdateControl changes a control's status, owner or justification; fields
// left out keep their values.
func (h *Handler) apiUpdateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.LoadControl(r, c)
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
	ctl := before
	if in.Status != nil {
		ctl.Status = *in.Status
	}
	if in.OwnerID != nil {
		ctl.OwnerID = *in.OwnerID
	}
	if in.Justification != nil {
		ctl.Justification = *in.Justification
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateControl(ctx, &ctl); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("control.updated", "control", ctl.Ref, web.DescribeControlChange(before, ctl)))
	})
	if err != nil {
		return err
	}
	return h.apiControl(w, r, c)
}

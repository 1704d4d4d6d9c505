package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) createControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, ch, err := readControlForm(r)
	ctl := attest.Control{Ref: f.Values["ref"]}
	if err == nil {
		ctl.Name, ctl.Family, ctl.Description, ctl.Type, ctl.Frequency = *ch.Name, *ch.Family, *ch.Description, *ch.Type, *ch.Frequency
		ctl.Status, ctl.Justification, ctl.Evidence, ctl.OwnerID = *ch.Status, *ch.Justification, *ch.Evidence, *ch.OwnerID
		ctl, err = h.Controls.Create(r.Context(), c.P, ctl, r.PostForm["criteria"])
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNewControl(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" created.")
}

package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) addMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	m := attest.Mapping{Framework: r.PostFormValue("framework"), Requirement: strings.TrimSpace(r.PostFormValue("requirement")), Source: attest.SourceOrganization}
	if m.Framework == "" {
		m.Framework = programme.Framework
	}
	ctx := r.Context()
	err = h.frameworkRequirement(r, c, m.Framework, m.Requirement)
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.Map(ctx, c.Org.ID, ctl.ID, m); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.mapped", "control", ctl.Ref, fmt.Sprintf("Mapped %s to %s %s", ctl.Ref, m.Framework, m.Requirement)))
		})
	}
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" now maps to "+m.Requirement+".")
}

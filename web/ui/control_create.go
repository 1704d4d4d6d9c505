package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) createControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl := attest.Control{OrgID: c.Org.ID, Ref: r.PostFormValue("ref")}
	f, err := applyControlForm(r, &ctl)
	if ctl.Family == "" {
		ctl.Family = "Custom"
	}
	if _, ok := h.Catalog.Control(strings.TrimSpace(ctl.Ref)); ok && err == nil {
		// A library ID as a custom ref would block adopting that library control.
		err = attest.Invalid("ref", "%s is an ID of the control library; choose another, such as %s", ctl.Ref, nextCustomRef(map[string]bool{}))
	}
	fw := h.Catalog.SOC2()
	r.ParseForm()
	for _, req := range r.PostForm["criteria"] {
		if _, ok := fw.Requirement(req); !ok && err == nil {
			err = attest.Invalid("criteria", "%q is not a SOC 2 criterion", req)
		}
		ctl.Mappings = append(ctl.Mappings, attest.Mapping{Framework: fw.ID, Requirement: req, Source: attest.SourceOrganization})
	}
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.CreateControl(ctx, &ctl); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.created", "control", ctl.Ref, "Created custom control "+ctl.Ref+" "+ctl.Name))
		})
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

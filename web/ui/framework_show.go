package ui

import (
	"net/http"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type frameworkView struct {
	Meta         store.ImportedFramework
	Requirements []catalog.Requirement
}

func (h *Handler) frameworkPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	meta, fw, err := h.DB.ImportedFramework(r.Context(), c.Org.ID, r.PathValue("key"))
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "framework", frameworkView{Meta: meta, Requirements: fw.Requirements})
	return nil
}

package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// auditEvidence serves one evidence item of the audit's workspace; anything
// outside the audit is not found. An invited auditor's download is in the
// activity log (programme.Audits.Evidence).
func (h *Handler) auditEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	evID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "evidence not found")
	}
	ev, err := h.Audits.Evidence(r.Context(), c.P, id, evID)
	if err != nil {
		return err
	}
	return h.ServeEvidence(w, r, ev)
}

package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// submitPolicyVersion sends a draft to the chosen approvers, of whom a quorum
// must approve. A refusal (no approver, the author among them) comes back as
// a message on the policy's page.
func (h *Handler) submitPolicyVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, pol, err := h.versionOfPath(r, c)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var approvers []int64
	for _, s := range r.PostForm["approvers"] {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			approvers = append(approvers, n)
		}
	}
	quorum, _ := strconv.Atoi(r.PostFormValue("quorum"))
	v, err := h.Policies.Submit(r.Context(), c.P, id, approvers, quorum)
	if web.UserError(err) {
		h.SetFlash(w, "error", "Not submitted: "+web.Sentence(err))
		return h.Redirect(w, r, policyPath(c, pol.Key)+"#submit", "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, policyPath(c, pol.Key), "Submitted "+pol.Title+" "+v.Label+" for approval")
}

package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// decidePolicyVersion records a named approver's decision, with a comment
// and, optionally, evidence it rests on (the board minutes).
func (h *Handler) decidePolicyVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, pol, err := h.versionOfPath(r, c)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "decision", "comment", "evidence")
	v, err := h.Policies.Decide(r.Context(), c.P, id, policy.Decision{Decision: f.Values["decision"], Comment: f.Values["comment"],
		EvidenceUID: f.Values["evidence"]})
	back := backAfterDecision(c, pol.Key)
	if web.UserError(err) {
		h.SetFlash(w, "error", "Not recorded: "+web.Sentence(err))
		return h.Redirect(w, r, back, "")
	}
	if err != nil {
		return err
	}
	msg := "Rejected " + pol.Title + " " + v.Label + ": it is a draft again"
	if f.Values["decision"] == attest.DecisionApprove {
		msg = "Approved " + pol.Title + " " + v.Label
		if v.State == attest.VersionApproved {
			msg += ": the quorum is reached and the text is fixed"
		}
	}
	return h.Redirect(w, r, back, msg)
}

package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiPolicies lists the organization's policies, each with its newest and
// published versions (their text left out: GET a policy for it).
func (h *Handler) apiPolicies(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Policies.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := make([]attest.Policy, 0, len(list))
	for _, p := range list {
		out = append(out, withoutText(p))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"policies": out})
	return nil
}

// withoutText drops the versions' text from a policy, for lists.
func withoutText(p attest.Policy) attest.Policy {
	for _, v := range []**attest.PolicyVersion{&p.Latest, &p.Published} {
		if *v != nil {
			x := **v
			x.Body, x.Content = "", ""
			*v = &x
		}
	}
	return p
}

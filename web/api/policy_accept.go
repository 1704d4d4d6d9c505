package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAcceptPolicy records the caller's acceptance of a policy's published
// version. The body names the version accepted ({"version_id": N}), so that
// a text published after the caller read it is not accepted unseen.
func (h *Handler) apiAcceptPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		VersionID int64 `json:"version_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	mine, err := h.Policies.MyPolicies(r.Context(), c.P)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	for _, a := range mine {
		if a.Policy.Key != key {
			continue
		}
		if in.VersionID != a.Version.ID {
			return attest.Errorf(attest.ECONFLICT, "version_id %d is not the published version of %s (%d, %s)", in.VersionID, key, a.Version.ID, a.Version.Label)
		}
		acc, err := h.Policies.Accept(r.Context(), c.P, a.Version.ID, c.P.IP, r.UserAgent())
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, acc)
		return nil
	}
	return attest.Errorf(attest.ENOTFOUND, "no policy %q for you to accept", key)
}

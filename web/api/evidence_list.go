package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiEvidenceList(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f := store.EvidenceFilter{Kind: q.Get("kind"), Query: q.Get("q"), IncludeReplaced: q.Get("versions") == "all"}
	if v := q.Get("control_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return attest.Invalid("control_id", "must be a control's numeric ID (got %q)", v)
		}
		f.ControlID = id
	}
	items, err := h.DB.EvidenceList(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]evidenceJSON, 0, len(items))
	for _, e := range items {
		out = append(out, toEvidenceJSON(e))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"evidence": out})
	return nil
}

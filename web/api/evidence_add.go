package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAddEvidence takes the same streamed multipart form as the UI: fields
// (kind, title, control (repeatable, numeric IDs), period_start, period_end,
// notes, url, text) before the file part; ?supersedes=ID corrects evidence.
func (h *Handler) apiAddEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var supersedes int64
	if v := r.URL.Query().Get("supersedes"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return attest.Invalid("supersedes", "must be an evidence ID (got %q)", v)
		}
		supersedes = id
	}
	e, _, err := h.ReceiveEvidence(w, r, c, supersedes)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toEvidenceJSON(e))
	return nil
}

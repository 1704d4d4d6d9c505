package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiResults lists current results, filtered by test, status, resource key
// or connection.
func (h *Handler) apiResults(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f := store.ResultFilter{Test: q.Get("test"), Status: attest.ResultStatus(q.Get("status")), ResourceKey: q.Get("resource"),
		ResourceType: q.Get("resource_type")}
	if f.Status != "" && !f.Status.Valid() {
		return attest.Invalid("status", "must be one of pass, fail, not_applicable, error, unverifiable (got %q)", f.Status)
	}
	if v := q.Get("connection"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return attest.Invalid("connection", "must be a connection ID (got %q)", v)
		}
		f.ConnectionID = id
	}
	list, err := h.Monitor.Results(r.Context(), c.P, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"results": nonNil(list)})
	return nil
}

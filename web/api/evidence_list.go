package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// evidencePageSize is how many items a page of the evidence list holds unless
// the caller asks for another limit, up to evidencePageMax.
const evidencePageSize, evidencePageMax = 100, 1000

// apiEvidenceList answers one page of the evidence list; next_cursor, when
// present, asks for the page after it. Pages follow a cursor rather than an
// offset so that evidence added while a client walks the list neither repeats
// nor skips an item.
func (h *Handler) apiEvidenceList(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f := store.EvidenceFilter{Kind: q.Get("kind"), Query: q.Get("q"), IncludeReplaced: q.Get("versions") == "all", Limit: evidencePageSize}
	if v := q.Get("control_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return attest.Invalid("control_id", "must be a control's numeric ID (got %q)", v)
		}
		f.ControlID = id
	}
	var err error
	if f.Limit, err = pageLimit(q, evidencePageSize, evidencePageMax); err != nil {
		return err
	}
	if f.After, err = store.ParseEvidenceCursor(q.Get("cursor")); err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++ // one more than the page tells whether another page follows
	items, err := h.DB.EvidenceList(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	resp := map[string]any{}
	if len(items) > limit {
		items = items[:limit]
		resp["next_cursor"] = store.CursorAfter(items[limit-1]).String()
	}
	out := make([]evidenceJSON, 0, len(items))
	for _, e := range items {
		out = append(out, toEvidenceJSON(e))
	}
	resp["evidence"] = out
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}

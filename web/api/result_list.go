package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// resultPageSize is how many results a page holds unless the caller asks
// for another limit, up to resultPageMax: a large AWS account has hundreds
// of thousands.
const resultPageSize, resultPageMax = 1000, 5000

// apiResults lists current results, filtered by test, status, resource key
// or connection, a page at a time: next_cursor, when present, asks for the
// page after it.
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
	var err error
	if f.Limit, err = pageLimit(q, resultPageSize, resultPageMax); err != nil {
		return err
	}
	if f.After, err = store.ParseResultCursor(q.Get("cursor")); err != nil {
		return err
	}
	list, next, err := h.resultPage(r, c, f)
	if err != nil {
		return err
	}
	resp := map[string]any{"results": list}
	if next != "" {
		resp["next_cursor"] = next
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// pageLimit is a list's limit parameter: def when absent, else a whole
// number from 1 to most.
func pageLimit(q url.Values, def, most int) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > most {
		return 0, attest.Invalid("limit", "must be a whole number from 1 to %d (got %q)", most, v)
	}
	return n, nil
}

// resultPage reads f.Limit results and the cursor of the page after them
// ("" when they are the last).
func (h *Handler) resultPage(r *http.Request, c *web.Ctx, f store.ResultFilter) ([]attest.TestResult, string, error) {
	limit := f.Limit
	f.Limit++ // one more than the page tells whether another page follows
	list, err := h.Monitor.Results(r.Context(), c.P, f)
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit {
		list = list[:limit]
		return list, store.ResultCursorAfter(list[limit-1]).String(), nil
	}
	return nonNil(list), "", nil
}

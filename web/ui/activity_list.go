package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) activityPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f, err := web.ActivityFilter(q)
	if err != nil {
		return err
	}
	f.Limit = web.ActivityPageSize + 1
	entries, err := h.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	v := activityView{Entries: entries, Query: q}
	if len(entries) > web.ActivityPageSize {
		v.Entries = entries[:web.ActivityPageSize]
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("before", strconv.FormatInt(v.Entries[len(v.Entries)-1].ID, 10))
		v.Next = "?" + next.Encode()
	}
	exp := url.Values{}
	for k, vs := range q {
		if k != "before" {
			exp[k] = vs
		}
	}
	v.Export = exp.Encode()
	h.Render(w, r, c, http.StatusOK, "activity", v)
	return nil
}

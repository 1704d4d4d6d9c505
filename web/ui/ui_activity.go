package ui

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type activityView struct {
	Entries []attest.Activity
	Query   url.Values
	Next    string // link to the next (older) page
	Export  string // query string for the export links
}

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

// exportActivity streams the filtered log as CSV or JSON, whole, oldest last.
func (h *Handler) exportActivity(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f, err := web.ActivityFilter(q)
	if err != nil {
		return err
	}
	format := q.Get("format")
	if format != "csv" && format != "json" {
		return attest.Invalid("format", "must be csv or json (got %q)", format)
	}
	entries, err := h.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	h.attachment(w, c, "activity", format)
	if format == "json" {
		out := make([]web.ActivityJSON, 0, len(entries))
		for _, a := range entries {
			out = append(out, web.ToActivityJSON(a))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor_id", "actor", "ip", "via", "action", "record_type", "record_id", "summary"})
	for _, a := range entries {
		j := web.ToActivityJSON(a)
		cw.Write([]string{strconv.FormatInt(j.ID, 10), j.At, strconv.FormatInt(j.ActorID, 10), csvSafe(j.Actor), j.IP, j.Via,
			j.Action, j.RecordType, csvSafe(j.RecordID), csvSafe(j.Summary)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formula injection: a cell a user could influence
// must not start with a character that spreadsheets evaluate.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

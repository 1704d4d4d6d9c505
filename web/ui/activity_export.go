package ui

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

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

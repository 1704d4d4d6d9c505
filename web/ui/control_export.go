package ui

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// exportControls writes every control with its mappings and state.
func (h *Handler) exportControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" {
		return attest.Invalid("format", "must be csv or json (got %q)", format)
	}
	ctx := r.Context()
	controls, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return err
	}
	a, err := h.Readiness.Assess(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	states := map[int64]string{}
	for _, cr := range a.Controls {
		states[cr.ID] = cr.State
	}
	out := make([]web.ControlJSON, 0, len(controls))
	for _, ctl := range controls {
		st := states[ctl.ID]
		if ctl.Retired() {
			st = "retired"
		}
		out = append(out, web.ToControlJSON(ctl, st))
	}
	h.attachment(w, c, "controls", format)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"ref", "name", "family", "type", "frequency", "owner", "status", "state", "justification", "criteria", "library_id", "retired", "description", "expected_evidence"})
	for _, j := range out {
		cw.Write([]string{csvSafe(j.Ref), csvSafe(j.Name), csvSafe(j.Family), j.Type, j.Frequency, csvSafe(j.Owner), j.Status, j.State, csvSafe(j.Justification),
			strings.Join(j.Criteria, " "), j.LibraryID, strconv.FormatBool(j.Retired), csvSafe(j.Description), csvSafe(strings.Join(j.Evidence, "; "))})
	}
	cw.Flush()
	return cw.Error()
}

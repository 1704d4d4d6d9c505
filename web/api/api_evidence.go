package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type evidenceJSON struct {
	ID           int64    `json:"id"`
	UID          string   `json:"uid"`
	Kind         string   `json:"kind"`
	Title        string   `json:"title"`
	Source       string   `json:"source"`
	URL          string   `json:"url,omitempty"`
	Filename     string   `json:"filename,omitempty"`
	MediaType    string   `json:"media_type"`
	SHA256       string   `json:"sha256"`
	Size         int64    `json:"size"`
	CollectedAt  string   `json:"collected_at"`
	PeriodStart  string   `json:"period_start,omitempty"`
	PeriodEnd    string   `json:"period_end,omitempty"`
	AddedBy      string   `json:"added_by,omitempty"`
	Notes        string   `json:"notes,omitempty"`
	Controls     []string `json:"controls"`
	Supersedes   int64    `json:"supersedes,omitempty"`
	SupersededBy int64    `json:"superseded_by,omitempty"`
	LedgerSeq    int64    `json:"ledger_seq"`
	RecordHash   string   `json:"record_hash"`
}

func toEvidenceJSON(e attest.Evidence) evidenceJSON {
	j := evidenceJSON{ID: e.ID, UID: e.UID, Kind: e.Kind, Title: e.Title, Source: e.Source, URL: e.URL, Filename: e.Filename, MediaType: e.MediaType,
		SHA256: e.SHA256, Size: e.Size, CollectedAt: web.RFC3339(e.CollectedAt), AddedBy: e.AddedByName, Notes: e.Notes, Controls: []string{},
		Supersedes: e.Supersedes, SupersededBy: e.SupersededBy, LedgerSeq: e.LedgerSeq, RecordHash: e.RecordHash}
	if !e.PeriodStart.IsZero() {
		j.PeriodStart, j.PeriodEnd = web.RFC3339(e.PeriodStart), web.RFC3339(e.PeriodEnd)
	}
	for _, c := range e.Controls {
		j.Controls = append(j.Controls, c.Ref)
	}
	return j
}

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

func (h *Handler) apiEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	e, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toEvidenceJSON(e))
	return nil
}

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

package api

import (
	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// evidenceRoutes are the routes of this area, with the access each needs.
func (h *Handler) evidenceRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/evidence", web.Read, h.apiEvidenceList),
		route("POST", "/orgs/{org}/evidence", web.Work, h.apiAddEvidence), // employees for controls they own
		route("GET", "/orgs/{org}/evidence/{id}", web.Read, h.apiEvidence),
		route("GET", "/orgs/{org}/evidence/{id}/content", web.Read, h.EvidenceContent),
	}
}

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

package api

import (
	"net/http"

	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditPopulationRoutes: audit populations, recorded retrievals tested item by
// item. Readers (auditors included) list and read them; editors take them.
func (h *Handler) auditPopulationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/audit-populations", web.Read, h.apiAuditPopulations),
		route("POST", "/orgs/{org}/audit-populations", web.Edit, h.apiTakeAuditPopulation),
		route("GET", "/orgs/{org}/audit-populations/{id}", web.Read, h.apiAuditPopulation),
	}
}

// apiAuditPopulations lists the recorded retrievals, newest first, without their
// rows; ?kind= and ?audit= narrow the list.
func (h *Handler) apiAuditPopulations(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	list, err := h.Populations.List(r.Context(), c.P, store.PopulationFilter{Kind: q.Get("kind"), Audit: q.Get("audit")})
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Rows, list[i].Results = nonNil(list[i].Rows), nonNil(list[i].Results)
		list[i].Reconciliation.Findings = nonNil(list[i].Reconciliation.Findings)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"populations": nonNil(list)})
	return nil
}

// apiTakeAuditPopulation takes a population: the query runs now and its
// retrieval becomes a ledger record.
func (h *Handler) apiTakeAuditPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in population.Request
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Populations.Take(r.Context(), c.P, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"population": p})
	return nil
}

// apiAuditPopulation returns one recorded retrieval with its rows, reconciliation
// and results.
func (h *Handler) apiAuditPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "population")
	if err != nil {
		return err
	}
	p, err := h.Populations.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"population": p})
	return nil
}

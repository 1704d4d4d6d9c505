package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditPopulationRoutes: audit populations, recorded retrievals tested item
// by item, and the samples drawn from them. Readers list and read them;
// editors take them and draw samples. The organization-wide list stays.
func (h *Handler) auditPopulationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/audit-populations", web.Read, h.apiAuditPopulations),
		route("GET", "/orgs/{org}/audit-populations/{id}", web.Read, h.apiAuditPopulation),
		route("GET", "/orgs/{org}/audits/{audit}/populations", web.Read, h.apiPopulationsOfAudit),
		route("POST", "/orgs/{org}/audits/{audit}/populations", web.Edit, h.apiTakeAuditPopulation),
		route("GET", "/orgs/{org}/audits/{audit}/populations/{id}", web.Read, h.apiPopulationOfAudit),
		route("GET", "/orgs/{org}/audits/{audit}/samples", web.Read, h.apiAuditSamples),
		route("POST", "/orgs/{org}/audits/{audit}/populations/{id}/samples", web.Edit, h.apiDrawSample),
		route("GET", "/orgs/{org}/audits/{audit}/results", web.Read, h.apiAuditResults),
		route("PUT", "/orgs/{org}/audits/{audit}/results/{control}/root-cause", web.Edit, h.apiSetRootCause),
		route("PUT", "/orgs/{org}/audits/{audit}/results/{control}/items/root-cause", web.Edit, h.apiSetItemCause),
	}
}

func writePopulations(w http.ResponseWriter, list []attest.PopulationRetrieval) {
	for i := range list {
		list[i].Rows, list[i].Results = nonNil(list[i].Rows), nonNil(list[i].Results)
		list[i].Reconciliation.Findings = nonNil(list[i].Reconciliation.Findings)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"populations": nonNil(list)})
}

// apiAuditPopulations lists every recorded retrieval of the organization,
// newest first, without their rows; ?kind= and ?audit= (the audit's name)
// narrow the list.
func (h *Handler) apiAuditPopulations(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	list, err := h.Populations.List(r.Context(), c.P, store.PopulationFilter{Kind: q.Get("kind"), Audit: q.Get("audit")})
	if err != nil {
		return err
	}
	writePopulations(w, list)
	return nil
}

// apiPopulationsOfAudit lists an audit's recorded retrievals.
func (h *Handler) apiPopulationsOfAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	list, err := h.Populations.ListAudit(r.Context(), c.P, aid)
	if err != nil {
		return err
	}
	writePopulations(w, list)
	return nil
}

// apiTakeAuditPopulation takes a population of the audit: the query runs
// now and its retrieval becomes a ledger record.
func (h *Handler) apiTakeAuditPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	var in population.Request
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	in.AuditID = aid
	p, err := h.Populations.Take(r.Context(), c.P, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"population": p})
	return nil
}

// apiAuditPopulation returns one recorded retrieval with its rows,
// reconciliation and results.
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

// apiPopulationOfAudit returns one recorded retrieval of the audit.
func (h *Handler) apiPopulationOfAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := auditPopulationIDs(r)
	if err != nil {
		return err
	}
	p, err := h.Populations.GetAudit(r.Context(), c.P, aid, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"population": p})
	return nil
}

// apiAuditSamples lists the samples drawn from the audit's populations,
// each with its workpaper.
func (h *Handler) apiAuditSamples(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	list, err := h.Populations.Samples(r.Context(), c.P, aid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"samples": nonNil(list)})
	return nil
}

// apiDrawSample draws a sample of a population for a control of the audit.
func (h *Handler) apiDrawSample(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := auditPopulationIDs(r)
	if err != nil {
		return err
	}
	var in population.SampleRequest
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.Audits.Sample(r.Context(), c.P, aid, id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"sample": s})
	return nil
}

// auditPopulationIDs reads the audit's and the population's IDs of a path.
func auditPopulationIDs(r *http.Request) (int64, int64, error) {
	aid, err := pathAudit(r)
	if err != nil {
		return 0, 0, err
	}
	id, err := apiPathID(r, "population")
	return aid, id, err
}

// apiAuditResults returns the result of each control in the audit's scope,
// with the items that deviated.
func (h *Handler) apiAuditResults(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	res, err := h.Audits.Results(r.Context(), c.P, aid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}

// apiSetRootCause records the root cause of a control's deviation in the
// audit ({"root_cause": "..."}; empty clears it) and returns the control's
// result with it. A PUT: the text replaces whatever was recorded.
func (h *Handler) apiSetRootCause(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, ctl, err := pathResult(r)
	if err != nil {
		return err
	}
	var in struct {
		RootCause *string `json:"root_cause"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := rootCauseGiven(in.RootCause); err != nil {
		return err
	}
	res, err := h.Audits.RecordRootCause(r.Context(), c.P, aid, ctl, *in.RootCause)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"control": res})
	return nil
}

// apiSetItemCause records the root cause of one deviation item of a
// control ({"item": key, "root_cause": "..."}; the key is the deviation's
// in the results; empty text clears it) and returns the control's result
// with it. The item's key goes in the body: keys hold colons and slashes
// that a path would have to escape.
func (h *Handler) apiSetItemCause(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, ctl, err := pathResult(r)
	if err != nil {
		return err
	}
	var in struct {
		Item      string  `json:"item"`
		RootCause *string `json:"root_cause"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Item == "" {
		return attest.Invalid("item", "is required: the key of a deviation in the results")
	}
	if err := rootCauseGiven(in.RootCause); err != nil {
		return err
	}
	res, err := h.Audits.RecordItemCause(r.Context(), c.P, aid, ctl, in.Item, *in.RootCause)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"control": res})
	return nil
}

// pathResult returns the audit and control IDs of a control's result path.
func pathResult(r *http.Request) (auditID, controlID int64, err error) {
	if auditID, err = pathAudit(r); err != nil {
		return 0, 0, err
	}
	controlID, err = strconv.ParseInt(r.PathValue("control"), 10, 64)
	if err != nil {
		return 0, 0, attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return auditID, controlID, nil
}

// rootCauseGiven refuses a body without root_cause: absent is a mistake (a
// misspelt body), not a request to clear.
func rootCauseGiven(text *string) error {
	if text == nil {
		return attest.Invalid("root_cause", "is required; an empty string clears the one recorded")
	}
	return nil
}

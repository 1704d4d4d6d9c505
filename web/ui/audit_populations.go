package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditPopulationRoutes: the recorded audit populations. Readers (auditors
// included) list and read them; editors take them.
func (h *Handler) auditPopulationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/audit-populations", web.Read, h.auditPopulationsPage),
		route("POST", "/o/{org}/audit-populations", web.Edit, h.takeAuditPopulation),
		route("GET", "/o/{org}/audit-populations/{id}", web.Read, h.auditPopulationPage),
	}
}

type auditPopulationsView struct {
	List  []attest.PopulationRetrieval
	Kinds []attest.PopulationKind
	Keys  []string
}

func (h *Handler) renderAuditPopulations(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	list, err := h.Populations.List(r.Context(), c.P, store.PopulationFilter{})
	if err != nil {
		return err
	}
	v := auditPopulationsView{List: list, Kinds: attest.PopulationKinds}
	for _, k := range attest.PopulationKinds {
		v.Keys = append(v.Keys, k.Key)
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"kind": attest.PopulationLeavers}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "audit_populations", v, f)
	return nil
}

// auditPopulationsPage lists the recorded populations, newest first, with
// the form that takes one.
func (h *Handler) auditPopulationsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAuditPopulations(w, r, c, http.StatusOK, nil)
}

// takeAuditPopulation takes a population from the form and shows it.
func (h *Handler) takeAuditPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "kind", "from", "to", "audit")
	p, err := h.Populations.Take(r.Context(), c.P, population.Request{Kind: f.Values["kind"], From: f.Values["from"], To: f.Values["to"], Audit: f.Values["audit"]})
	if web.UserError(err) {
		failForm(f, err)
		if f.Error == "" {
			f.Error = web.Sentence(err)
		}
		return h.renderAuditPopulations(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/audit-populations/"+strconv.FormatInt(p.ID, 10), "Population taken and recorded in the ledger.")
}

// auditPopulationPage shows one recorded retrieval: its query, rows,
// census results and mismatches.
func (h *Handler) auditPopulationPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "population")
	if err != nil {
		return err
	}
	p, err := h.Populations.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "audit_population", p)
	return nil
}

package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditPopulationRoutes: the recorded populations of an audit, readable by
// its members and its invited auditors; editors take them and draw samples.
// The older organization-wide list stays for members, and sends a
// population that belongs to an audit to that audit's page.
func (h *Handler) auditPopulationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/audit-populations", web.Read, h.allPopulationsPage),
		route("GET", "/o/{org}/audit-populations/{id}", web.Read, h.legacyPopulationPage),
		route("GET", "/o/{org}/audits/{audit}/populations", web.Audit, h.auditPopulationsPage),
		route("POST", "/o/{org}/audits/{audit}/populations", web.Edit, h.takeAuditPopulation),
		route("GET", "/o/{org}/audits/{audit}/populations/{id}", web.Audit, h.auditPopulationPage),
		route("POST", "/o/{org}/audits/{audit}/populations/{id}/samples", web.Edit, h.drawSample),
		route("GET", "/o/{org}/audits/{audit}/populations/{id}/samples/{sample}", web.Audit, h.sampleWorkpaper),
	}
}

type auditPopulationsView struct {
	Audit *attest.Audit // nil on the organization-wide list
	List  []attest.PopulationRetrieval
	Keys  []string
}

// allPopulationsPage lists every recorded population of the organization,
// each linked to its audit.
func (h *Handler) allPopulationsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Populations.List(r.Context(), c.P, store.PopulationFilter{})
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, http.StatusOK, "audit_populations", auditPopulationsView{List: list}, web.NewForm(r))
	return nil
}

// legacyPopulationPage sends a population of an audit to its audit's page;
// one taken before audits were records is shown here.
func (h *Handler) legacyPopulationPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "population")
	if err != nil {
		return err
	}
	p, err := h.Populations.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	if p.AuditID != 0 {
		http.Redirect(w, r, populationPath(c, p.AuditID, p.ID), http.StatusSeeOther)
		return nil
	}
	h.Render(w, r, c, http.StatusOK, "audit_population", populationView{PopulationRetrieval: p})
	return nil
}

func populationPath(c *web.Ctx, auditID, id int64) string {
	return fmt.Sprintf("%s/populations/%d", auditPath(c, auditID), id)
}

func (h *Handler) renderAuditPopulations(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	v, err := h.auditViewer(w, r, c, id)
	if err != nil {
		return err
	}
	a, err := h.Audits.Get(r.Context(), v.P, id)
	if err != nil {
		return err
	}
	list, err := h.Populations.ListAudit(r.Context(), v.P, id)
	if err != nil {
		return err
	}
	view := auditPopulationsView{Audit: &a, List: list}
	for _, k := range attest.PopulationKinds {
		view.Keys = append(view.Keys, k.Key)
	}
	if f == nil {
		from, to := a.Window()
		f = &web.Form{Values: map[string]string{"kind": attest.PopulationLeavers, "from": from, "to": to}, Errors: map[string]string{}}
	}
	if err := h.Audits.Viewed(r.Context(), c.P, id, "the populations of "+a.Name); err != nil {
		return err
	}
	h.RenderForm(w, r, v, status, "audit_populations", view, f)
	return nil
}

// auditPopulationsPage lists an audit's recorded populations, newest first,
// with the form that takes one.
func (h *Handler) auditPopulationsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAuditPopulations(w, r, c, http.StatusOK, nil)
}

// takeAuditPopulation takes a population of the audit from the form and
// shows it.
func (h *Handler) takeAuditPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "kind", "from", "to")
	p, err := h.Populations.Take(r.Context(), c.P, population.Request{Kind: f.Values["kind"], From: f.Values["from"], To: f.Values["to"], AuditID: id})
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
	return h.Redirect(w, r, populationPath(c, id, p.ID), "Population taken and recorded in the ledger.")
}

// populationView is a population with its audit's samples of it, and the
// controls a sample may be drawn for.
type populationView struct {
	attest.PopulationRetrieval
	AuditName string
	Samples   []sampleRow
	Controls  []programme.WorkspaceControl
	Form      *web.Form
}

type sampleRow struct {
	attest.PopulationSample
	Ref string
}

func (h *Handler) renderPopulation(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	aid, id, err := auditPopulationIDs(r)
	if err != nil {
		return err
	}
	vc, err := h.auditViewer(w, r, c, aid)
	if err != nil {
		return err
	}
	p, err := h.Populations.GetAudit(r.Context(), vc.P, aid, id)
	if err != nil {
		return err
	}
	audit, scope, err := h.Audits.ScopeControls(r.Context(), vc.P, aid)
	if err != nil {
		return err
	}
	samples, err := h.Populations.Samples(r.Context(), vc.P, aid)
	if err != nil {
		return err
	}
	refs := map[int64]string{}
	for _, ctl := range scope {
		refs[ctl.ID] = ctl.Ref
	}
	v := populationView{PopulationRetrieval: p, AuditName: audit.Name, Form: f}
	if vc.P.Can(attest.ActEdit) && audit.Status != attest.AuditClosed {
		v.Controls = scope
	}
	for _, s := range samples {
		if s.PopulationID == p.ID {
			v.Samples = append(v.Samples, sampleRow{PopulationSample: s, Ref: refs[s.ControlID]})
		}
	}
	if v.Form == nil {
		v.Form = web.NewForm(r)
	}
	if err := h.Audits.Viewed(r.Context(), c.P, aid, "the population "+p.UID); err != nil {
		return err
	}
	h.Render(w, r, vc, status, "audit_population", v)
	return nil
}

// auditPopulationPage shows one recorded retrieval of the audit: its query,
// rows, census results, mismatches and samples.
func (h *Handler) auditPopulationPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderPopulation(w, r, c, http.StatusOK, nil)
}

// drawSample draws a sample of the population for a control of the audit.
func (h *Handler) drawSample(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := auditPopulationIDs(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "control", "frequency", "prior_deviation")
	ctl, _ := strconv.ParseInt(f.Values["control"], 10, 64)
	_, err = h.Audits.Sample(r.Context(), c.P, aid, id, population.SampleRequest{ControlID: ctl, Frequency: f.Values["frequency"],
		PriorDeviation: f.Values["prior_deviation"] != ""})
	if web.UserError(err) {
		failForm(f, err)
		if f.Error == "" {
			f.Error = web.Sentence(err)
		}
		return h.renderPopulation(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, populationPath(c, aid, id)+"#samples", "Sample drawn.")
}

// sampleWorkpaper downloads a sample's workpaper, the JSON that attest
// audit sample --verify re-derives.
func (h *Handler) sampleWorkpaper(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := auditPopulationIDs(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sample", "sample")
	if err != nil {
		return err
	}
	samples, err := h.Populations.Samples(r.Context(), c.P, aid)
	if err != nil {
		return err
	}
	for _, s := range samples {
		if s.ID == sid && s.PopulationID == id {
			if err := h.Audits.Viewed(r.Context(), c.P, aid, fmt.Sprintf("the workpaper of sample %d", s.ID)); err != nil {
				return err
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"workpaper-%d-%d.json\"", aid, s.ID))
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(s.Workpaper)
		}
	}
	return attest.Errorf(attest.ENOTFOUND, "sample not found")
}

// auditPopulationIDs reads the audit's and the population's IDs of a path.
func auditPopulationIDs(r *http.Request) (int64, int64, error) {
	aid, err := auditID(r)
	if err != nil {
		return 0, 0, err
	}
	id, err := pathID(r, "id", "population")
	return aid, id, err
}

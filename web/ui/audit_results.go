package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// auditResultRoutes: an audit's result per control, readable by its members
// and invited auditors; editors record the root cause of a deviation, the
// control's overall one or a deviation item's.
func (h *Handler) auditResultRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/audits/{audit}/results", web.Audit, h.auditResultsPage),
		route("POST", "/o/{org}/audits/{audit}/results", web.Edit, h.recordRootCause),
	}
}

type auditResultsView struct {
	programme.AuditResults
	Counts map[string]int
}

func (h *Handler) renderAuditResults(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	v, err := h.auditViewer(w, r, c, id)
	if err != nil {
		return err
	}
	res, err := h.Audits.Results(r.Context(), v.P, id)
	if err != nil {
		return err
	}
	view := auditResultsView{AuditResults: res, Counts: map[string]int{}}
	for _, ctl := range res.Controls {
		view.Counts[ctl.Result]++
	}
	if err := h.Audits.Viewed(r.Context(), c.P, id, "the results of "+res.Audit.Name); err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(r)
	}
	h.RenderForm(w, r, v, status, "audit_results", view, f)
	return nil
}

// auditResultsPage shows the result of each control in the audit's scope,
// with the items that deviated.
func (h *Handler) auditResultsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAuditResults(w, r, c, http.StatusOK, nil)
}

// recordRootCause records the root cause of a control's deviation, or of
// one of its deviation items when the form names the item's key.
func (h *Handler) recordRootCause(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "control", "item", "root_cause")
	ctl, _ := strconv.ParseInt(f.Values["control"], 10, 64)
	if item := f.Values["item"]; item != "" {
		_, err = h.Audits.RecordItemCause(r.Context(), c.P, id, ctl, item, f.Values["root_cause"])
	} else {
		_, err = h.Audits.RecordRootCause(r.Context(), c.P, id, ctl, f.Values["root_cause"])
	}
	if web.UserError(err) {
		failForm(f, err)
		if f.Error == "" {
			f.Error = web.Sentence(err)
		}
		return h.renderAuditResults(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, auditPath(c, id)+"/results#control-"+strconv.FormatInt(ctl, 10), "Root cause recorded.")
}

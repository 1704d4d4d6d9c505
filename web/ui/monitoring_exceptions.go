package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/web"
)

type exceptionsView struct {
	Exceptions []exceptionRow
}

type exceptionRow struct {
	attest.TestException
	State string
	Mine  bool // requested by the viewer, who may not approve it
}

// exceptionsPage lists every exception with its state, for auditors too;
// editors approve (unless they asked) and revoke.
func (h *Handler) exceptionsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Monitor.Exceptions(r.Context(), c.P)
	if err != nil {
		return err
	}
	now := h.Now()
	v := exceptionsView{}
	for _, e := range list {
		v.Exceptions = append(v.Exceptions, exceptionRow{TestException: e, State: e.State(now), Mine: c.User != nil && e.RequestedBy == c.User.ID})
	}
	h.Render(w, r, c, http.StatusOK, "monitoring_exceptions", v)
	return nil
}

// requestException asks for an exception from a test's page.
func (h *Handler) requestException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "test", "resource_type", "resource", "reason", "expires")
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(f.Values["expires"]))
	if err != nil {
		f.Errors["expires"] = "must be a date"
	}
	if len(f.Errors) == 0 {
		_, err = h.Monitor.RequestException(r.Context(), c.P, monitor.ExceptionRequest{Test: f.Values["test"],
			Resource: attest.ResourceRef{Type: f.Values["resource_type"], Key: f.Values["resource"]}, Reason: f.Values["reason"],
			ExpiresAt: day.AddDate(0, 0, 1)})
		if err == nil {
			return h.Redirect(w, r, "/o/"+c.Org.Slug+"/monitoring/exceptions", "Exception requested. An admin or manager other than you approves it.")
		}
		if !web.UserError(err) {
			return err
		}
		f.Fail(err)
	}
	r.SetPathValue("id", f.Values["test"])
	return h.renderTest(w, r, c, http.StatusUnprocessableEntity, f)
}

// approveException approves a waiting exception.
func (h *Handler) approveException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Monitor.ApproveException(r.Context(), c.P, r.PathValue("id")); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/monitoring/exceptions", "Exception approved: the result no longer counts as failing until it expires.")
}

// revokeException ends an exception early.
func (h *Handler) revokeException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Monitor.RevokeException(r.Context(), c.P, r.PathValue("id")); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/monitoring/exceptions", "Exception revoked: the result counts as failing again.")
}

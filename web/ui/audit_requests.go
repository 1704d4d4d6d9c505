package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/requestlist"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditRequestRoutes: an audit's request list (PBC). Its members and its
// invited auditors read it; editors generate the default list, assign and
// provide requests; the auditors and editors add requests, import a list
// and comment; only the auditors accept, flag or mark not applicable.
func (h *Handler) auditRequestRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/audits/{audit}/requests", web.Audit, h.auditRequestsPage),
		route("POST", "/o/{org}/audits/{audit}/requests", web.AuditWrite, h.addAuditRequest),
		route("POST", "/o/{org}/audits/{audit}/requests/generate", web.Edit, h.generateAuditRequests),
		route("POST", "/o/{org}/audits/{audit}/requests/import", web.AuditWrite, h.importAuditRequests),
		route("GET", "/o/{org}/audits/{audit}/requests/{request}", web.Audit, h.auditRequestPage),
		route("POST", "/o/{org}/audits/{audit}/requests/{request}/comment", web.AuditWrite, h.commentAuditRequest),
		route("POST", "/o/{org}/audits/{audit}/requests/{request}/submit", web.Edit, h.submitAuditRequest),
		route("POST", "/o/{org}/audits/{audit}/requests/{request}/assign", web.Edit, h.assignAuditRequest),
		route("POST", "/o/{org}/audits/{audit}/requests/{request}/review", web.AuditReview, h.reviewAuditRequest),
	}
}

type auditRequestsView struct {
	programme.RequestList
	Status   string // the filter
	Statuses []attest.RequestStatus
	Reviewer bool // the caller is an invited auditor of the audit
	Adder    bool // the caller may add and import requests
	MaxRows  int
}

func (h *Handler) renderAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	v, err := h.auditViewer(w, r, c, id)
	if err != nil {
		return err
	}
	filter := r.URL.Query().Get("status")
	list, err := h.Audits.Requests(r.Context(), v.P, id, store.RequestFilter{Status: attest.RequestStatus(filter)})
	if err != nil {
		return err
	}
	if err := h.Audits.Viewed(r.Context(), c.P, id, "the request list of "+list.Audit.Name); err != nil {
		return err
	}
	reviewer := v.P.MayReviewRequests(id)
	view := auditRequestsView{RequestList: list, Status: filter, Statuses: attest.RequestStatuses, Reviewer: reviewer,
		Adder: reviewer || v.Can(attest.ActEdit), MaxRows: requestlist.MaxRows}
	if f == nil {
		f = web.NewForm(r)
	}
	h.RenderForm(w, r, v, status, "audit_requests", view, f)
	return nil
}

// auditRequestsPage lists the audit's requests, filtered by status.
func (h *Handler) auditRequestsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAuditRequests(w, r, c, http.StatusOK, nil)
}

// formFailed renders a user error on the form it came from; other errors
// go up.
func formFailed(f *web.Form, err error, render func(*web.Form) error) error {
	if !web.UserError(err) {
		return err
	}
	failForm(f, err)
	if f.Error == "" {
		f.Error = web.Sentence(err)
	}
	return render(f)
}

// generateAuditRequests adds the default requests the list lacks.
func (h *Handler) generateAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	n, err := h.Audits.GenerateRequests(r.Context(), c.P, id)
	if err != nil {
		return formFailed(web.NewForm(r), err, func(f *web.Form) error { return h.renderAuditRequests(w, r, c, http.StatusUnprocessableEntity, f) })
	}
	return h.Redirect(w, r, auditPath(c, id)+"/requests", fmt.Sprintf("%d requests added from the controls in scope.", n))
}

// addAuditRequest adds one request by hand.
func (h *Handler) addAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "ref", "title", "details", "expected", "due")
	req, err := h.Audits.AddRequest(r.Context(), c.P, id, attest.AuditRequest{Ref: f.Values["ref"], Title: f.Values["title"],
		Details: f.Values["details"], Expected: f.Values["expected"], Due: f.Values["due"]})
	if err != nil {
		return formFailed(f, err, func(f *web.Form) error { return h.renderAuditRequests(w, r, c, http.StatusUnprocessableEntity, f) })
	}
	return h.Redirect(w, r, requestPath(c, id, req.ID), "Request "+req.Ref+" added.")
}

// importAuditRequests reads an audit firm's request list from an uploaded
// CSV file: every row, or none.
func (h *Handler) importAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, requestlist.MaxSize+64<<10)
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	file, _, err := r.FormFile("file")
	if err != nil {
		f.Errors["file"] = "Choose a CSV file to upload."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			f.Errors["file"] = fmt.Sprintf("The file is larger than %d MiB.", requestlist.MaxSize>>20)
		}
		return h.renderAuditRequests(w, r, c, http.StatusUnprocessableEntity, f)
	}
	defer file.Close()
	n, err := h.Audits.ImportRequests(r.Context(), c.P, id, file)
	if err != nil {
		return formFailed(f, err, func(f *web.Form) error { return h.renderAuditRequests(w, r, c, http.StatusUnprocessableEntity, f) })
	}
	return h.Redirect(w, r, auditPath(c, id)+"/requests", fmt.Sprintf("%d requests imported.", n))
}

func requestPath(c *web.Ctx, auditID, id int64) string {
	return auditPath(c, auditID) + "/requests/" + strconv.FormatInt(id, 10)
}

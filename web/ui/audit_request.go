package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type auditRequestView struct {
	programme.RequestDetail
	Reviewer bool                // the caller is an invited auditor of the audit
	Choices  []attest.Evidence   // evidence of the request's control, for a submission
	Owners   []attest.Membership // members who may own it, for an assignment
}

// requestChoices is how many of a control's newest evidence items the
// submission form offers; others are given by ID.
const requestChoices = 30

func (h *Handler) renderAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	reqID, err := pathID(r, "request", "request")
	if err != nil {
		return err
	}
	vc, err := h.auditViewer(w, r, c, id)
	if err != nil {
		return err
	}
	d, err := h.Audits.Request(r.Context(), vc.P, id, reqID)
	if err != nil {
		return err
	}
	if err := h.Audits.Viewed(r.Context(), c.P, id, "the request "+d.Request.Ref+" of "+d.Audit.Name); err != nil {
		return err
	}
	v := auditRequestView{RequestDetail: d, Reviewer: vc.P.MayReviewRequests(id)}
	if vc.Can(attest.ActEdit) && d.Audit.Status != attest.AuditClosed {
		if d.Request.ControlID != 0 {
			if v.Choices, err = h.DB.EvidenceList(r.Context(), c.P.OrgID, store.EvidenceFilter{ControlID: d.Request.ControlID, Limit: requestChoices}); err != nil {
				return err
			}
		}
		members, err := h.DB.Members(r.Context(), c.P.OrgID)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.Role.Can(attest.ActEdit) {
				v.Owners = append(v.Owners, m)
			}
		}
	}
	if f == nil {
		f = web.NewForm(r)
		f.Values["owner"], f.Values["due"] = strconv.FormatInt(d.Request.OwnerID, 10), d.Request.Due
	}
	h.RenderForm(w, r, vc, status, "audit_request", v, f)
	return nil
}

// auditRequestPage shows a request: what it asks, its history, the
// evidence provided, and the forms the caller may use.
func (h *Handler) auditRequestPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAuditRequest(w, r, c, http.StatusOK, nil)
}

// actOnRequest applies act to the request in the path and goes back to it.
func (h *Handler) actOnRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx, f *web.Form, act programme.RequestAct, done string) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	reqID, err := pathID(r, "request", "request")
	if err != nil {
		return err
	}
	if _, err := h.Audits.ActOnRequest(r.Context(), c.P, id, reqID, act); err != nil {
		return formFailed(f, err, func(f *web.Form) error { return h.renderAuditRequest(w, r, c, http.StatusUnprocessableEntity, f) })
	}
	return h.Redirect(w, r, requestPath(c, id, reqID), done)
}

// commentAuditRequest adds a comment to the request's thread.
func (h *Handler) commentAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "text")
	return h.actOnRequest(w, r, c, f, programme.RequestAct{Action: attest.RequestComment, Text: f.Values["text"]}, "Comment added.")
}

// submitAuditRequest provides the request: the evidence ticked or named by
// ID, and an answer.
func (h *Handler) submitAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "text", "evidence_ids")
	var ids []int64
	for _, s := range append(r.PostForm["evidence"], strings.FieldsFunc(f.Values["evidence_ids"], func(r rune) bool { return r == ',' || r == ' ' })...) {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			f.Errors["evidence_ids"] = "Give evidence IDs as numbers separated by commas (got " + strconv.Quote(s) + ")."
			return h.renderAuditRequest(w, r, c, http.StatusUnprocessableEntity, f)
		}
		ids = append(ids, id)
	}
	return h.actOnRequest(w, r, c, f, programme.RequestAct{Action: attest.RequestSubmit, Text: f.Values["text"], Evidence: ids}, "Request submitted to the auditors.")
}

// assignAuditRequest sets the request's owner and due day.
func (h *Handler) assignAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "owner", "due")
	var owner int64 // "": nobody
	if v := f.Values["owner"]; v != "" {
		var err error
		if owner, err = strconv.ParseInt(v, 10, 64); err != nil || owner < 0 {
			owner = -1
		}
	}
	if owner < 0 {
		f.Errors["owner"] = "Choose an owner."
		return h.renderAuditRequest(w, r, c, http.StatusUnprocessableEntity, f)
	}
	due := f.Values["due"]
	return h.actOnRequest(w, r, c, f, programme.RequestAct{Action: attest.RequestAssign, OwnerID: &owner, Due: &due}, "Request assigned.")
}

// reviewAuditRequest is the auditor's judgement: accept, flag with a
// reason, or not applicable with a reason.
func (h *Handler) reviewAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "action", "text")
	action := attest.RequestAction(f.Values["action"])
	if action != attest.RequestAccept && action != attest.RequestFlag && action != attest.RequestNA {
		f.Error = "Choose accept, flag or not applicable."
		return h.renderAuditRequest(w, r, c, http.StatusUnprocessableEntity, f)
	}
	done := map[attest.RequestAction]string{attest.RequestAccept: "Request accepted.", attest.RequestFlag: "Request flagged and sent back to its owner.",
		attest.RequestNA: "Request marked not applicable."}[action]
	return h.actOnRequest(w, r, c, f, programme.RequestAct{Action: action, Text: f.Values["text"]}, done)
}

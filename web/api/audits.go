package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// auditRoutes: audits, what each covers and their invited auditors. API
// tokens belong to members, so these are for the organization's own people;
// invited auditors use the audit's pages.
//
// The audit's package has the access of the page's download (web.Audit), so
// that the two cannot drift apart: for a token that is members who read,
// since a token of anyone else opens nothing in the organization.
func (h *Handler) auditRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/audits", web.Read, h.apiAudits),
		route("POST", "/orgs/{org}/audits", web.Edit, h.apiCreateAudit),
		route("GET", "/orgs/{org}/audits/{audit}", web.Read, h.apiAudit),
		route("PUT", "/orgs/{org}/audits/{audit}", web.Edit, h.apiUpdateAudit),
		route("POST", "/orgs/{org}/audits/{audit}/auditors", web.Edit, h.apiInviteAuditor),
		route("DELETE", "/orgs/{org}/audits/{audit}/auditors/{email}", web.Edit, h.apiRemoveAuditor),
		route("GET", "/orgs/{org}/audits/{audit}/package", web.Audit, h.AuditRecordExport),
	}
}

func pathAudit(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("audit"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "audit not found")
	}
	return id, nil
}

func (h *Handler) apiAudits(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Audits.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"audits": list})
	return nil
}

// auditIn is an audit as a request body gives it; on update, absent fields stay.
type auditIn struct {
	Name        *string `json:"name"`
	Framework   *string `json:"framework"`
	Type        *string `json:"type"`
	AsOf        *string `json:"as_of"`
	From        *string `json:"from"`
	To          *string `json:"to"`
	Firm        *string `json:"firm"`
	EarlyAccess *string `json:"early_access"`
	Status      *string `json:"status"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (h *Handler) apiCreateAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in auditIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Audits.Create(r.Context(), c.P, attest.Audit{Name: deref(in.Name), Framework: deref(in.Framework), Type: attest.AuditType(deref(in.Type)),
		AsOf: deref(in.AsOf), From: deref(in.From), To: deref(in.To), Firm: deref(in.Firm), Early: deref(in.EarlyAccess)})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, a)
	return nil
}

// apiAudit is the audit's workspace: its controls and the evidence of its period.
func (h *Handler) apiAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathAudit(r)
	if err != nil {
		return err
	}
	ws, err := h.Audits.Workspace(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, ws)
	return nil
}

func (h *Handler) apiUpdateAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathAudit(r)
	if err != nil {
		return err
	}
	var in auditIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Framework != nil {
		return attest.Invalid("framework", "an audit's framework does not change; start another audit")
	}
	a, err := h.Audits.Update(r.Context(), c.P, id, programme.AuditChange{Name: in.Name, Firm: in.Firm, Type: in.Type, AsOf: in.AsOf,
		From: in.From, To: in.To, Early: in.EarlyAccess, Status: in.Status})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (h *Handler) apiInviteAuditor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathAudit(r)
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, secret, err := h.Audits.InviteAuditor(r.Context(), c.P, id, in.Email)
	if err != nil {
		return err
	}
	emailed, err := h.Notify.Invite(r.Context(), c.P, inv, secret)
	if err != nil {
		h.Log.Warn("invitation email not queued", "invitation", inv.ID, "err", err)
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"audit_id": id, "email": inv.Email, "expires_at": web.RFC3339(inv.ExpiresAt),
		"link": h.BaseURL + "/invitations/" + secret, "emailed": emailed})
	return nil
}

func (h *Handler) apiRemoveAuditor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathAudit(r)
	if err != nil {
		return err
	}
	if err := h.Audits.RemoveAuditor(r.Context(), c.P, id, r.PathValue("email")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// auditRoutes: audits and their workspaces. Members who read the
// organization's data see every audit; auditors invited into one audit see
// that audit's pages alone (web.Audit, decided in web.permit); editors
// create audits, move them through their statuses and invite the firm's
// people.
func (h *Handler) auditRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/audits", web.Audit, h.auditsPage),
		route("POST", "/o/{org}/audits", web.Edit, h.createAudit),
		route("GET", "/o/{org}/audits/{audit}", web.Audit, h.auditPage),
		route("POST", "/o/{org}/audits/{audit}", web.Edit, h.saveAudit),
		route("POST", "/o/{org}/audits/{audit}/auditors", web.Edit, h.inviteAuditor),
		route("POST", "/o/{org}/audits/{audit}/auditors/remove", web.Edit, h.removeAuditor),
		route("GET", "/o/{org}/audits/{audit}/evidence/{id}", web.Audit, h.auditEvidence),
		route("GET", "/o/{org}/audits/{audit}/policies/{version}", web.Audit, h.auditPolicy),
		route("GET", "/o/{org}/audits/{audit}/package", web.Audit, h.AuditRecordExport),
	}
}

// auditFields are the fields of the audit form.
var auditFields = []string{"name", "framework", "type", "as_of", "from", "to", "firm", "early_access"}

// auditOf reads the audit form into an audit.
func auditOf(f *web.Form) attest.Audit {
	v := f.Values
	return attest.Audit{Name: v["name"], Framework: v["framework"], Type: attest.AuditType(v["type"]), AsOf: v["as_of"],
		From: v["from"], To: v["to"], Firm: v["firm"], Early: v["early_access"]}
}

// auditID reads the {audit} path value.
func auditID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("audit"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "audit not found")
	}
	return id, nil
}

func auditPath(c *web.Ctx, id int64) string {
	return "/o/" + c.Org.Slug + "/audits/" + strconv.FormatInt(id, 10)
}

// auditsView is the list page.
type auditsView struct {
	Audits     []attest.Audit
	Frameworks []string
	Types      []string
}

func (h *Handler) renderAudits(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	list, err := h.Audits.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(r)
		f.Values["framework"], f.Values["type"] = "soc2", string(attest.AuditType2)
	}
	v := auditsView{Audits: list, Types: []string{string(attest.AuditType2), string(attest.AuditType1)}}
	for _, fw := range h.Catalog.Frameworks {
		v.Frameworks = append(v.Frameworks, fw.ID)
	}
	h.RenderForm(w, r, c, status, "audits", v, f)
	return nil
}

// auditView is one audit's workspace page.
type auditView struct {
	programme.Workspace
	Statuses []attest.AuditStatus
	Invited  invited
}

package ui

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/web"
)

// policyRoutes are the policy pages. Those who read the programme see every
// policy, its versions and who accepted it; editors adopt, write, submit,
// publish and retire; a named approver decides (the service checks the
// name); everyone who works reads and accepts the policies that apply to
// them, and a manager sees who of their reports is overdue.
func (h *Handler) policyRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/policies", web.Read, h.policiesPage),
		route("POST", "/o/{org}/policies", web.Edit, h.adoptPolicy),
		route("POST", "/o/{org}/policy-values", web.Edit, h.savePolicyValues),
		route("GET", "/o/{org}/acknowledgements", web.Own, h.acknowledgementsPage),
		route("GET", "/o/{org}/acknowledgements/export", web.Own, h.AcknowledgementExport),
		route("GET", "/o/{org}/policy-export", web.Read, h.PolicySetExport),
		route("GET", "/o/{org}/policies/{key}/export", web.Read, h.PolicyExport),
		route("GET", "/o/{org}/policies/{key}", web.Read, h.policyPage),
		route("POST", "/o/{org}/policies/{key}", web.Edit, h.savePolicy),
		route("POST", "/o/{org}/policies/{key}/draft", web.Edit, h.savePolicyDraft),
		route("POST", "/o/{org}/policies/{key}/preview", web.Read, h.previewPolicy),
		route("GET", "/o/{org}/policies/{key}/diff", web.Read, h.policyDiff),
		route("POST", "/o/{org}/policies/{key}/retire", web.Edit, h.retirePolicy),
		route("POST", "/o/{org}/policy-versions/{id}/submit", web.Edit, h.submitPolicyVersion),
		route("POST", "/o/{org}/policy-versions/{id}/decide", web.Work, h.decidePolicyVersion),
		route("POST", "/o/{org}/policy-versions/{id}/publish", web.Edit, h.publishPolicyVersion),
		route("GET", "/o/{org}/my/policies", web.Own, h.myPoliciesPage),
		route("GET", "/o/{org}/my/policies/{key}", web.Own, h.myPolicyPage),
		route("POST", "/o/{org}/my/policies/{key}/accept", web.Work, h.acceptPolicy),
	}
}

// policyPath is the page of a policy.
func policyPath(c *web.Ctx, key string) string { return "/o/" + c.Org.Slug + "/policies/" + key }

// versionParam reads the {id} of a policy version's path.
func versionParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "policy version not found")
	}
	return id, nil
}

// versionOfPath reads the version a path names ({id}) and finds its policy,
// for the redirect after acting on the version.
func (h *Handler) versionOfPath(r *http.Request, c *web.Ctx) (int64, attest.Policy, error) {
	id, err := versionParam(r)
	if err != nil {
		return 0, attest.Policy{}, err
	}
	v, err := h.DB.PolicyVersion(r.Context(), c.P.OrgID, id)
	if err != nil {
		return 0, attest.Policy{}, err
	}
	pol, err := h.DB.Policy(r.Context(), c.P.OrgID, v.PolicyID)
	return id, pol, err
}

// policyHTML renders a version's text as people read it: the fixed text
// once submitted, else the draft with the organization's values filled in.
// The HTML is sanitized (templates.HTML), so it may be trusted by the page.
func (h *Handler) policyHTML(ctx context.Context, c *web.Ctx, v attest.PolicyVersion) (template.HTML, error) {
	var (
		s   string
		err error
	)
	if v.Content != "" {
		s, err = templates.HTML(v.Content)
	} else {
		s, err = h.Policies.Preview(ctx, c.P, v.Body)
	}
	return template.HTML(s), err
}

// backAfterDecision is where an approver goes after deciding: the policy's
// page if they read the programme, else their own policies page, where the
// versions awaiting them are listed.
func backAfterDecision(c *web.Ctx, key string) string {
	if c.Can(attest.ActRead) {
		return policyPath(c, key)
	}
	return "/o/" + c.Org.Slug + "/my/policies"
}

package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// policyRoutes are the routes of this area, with the access each needs.
// Those who read the programme see policies, versions, acceptances and the
// acknowledgement report; editors write, submit, publish and retire; a named
// approver decides (the service checks the name); everyone who works accepts
// the policies that apply to them and sees their own.
func (h *Handler) policyRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/policies", web.Read, h.apiPolicies),
		route("POST", "/orgs/{org}/policies", web.Edit, h.apiCreatePolicy),
		route("GET", "/orgs/{org}/policies/{key}", web.Read, h.apiPolicy),
		route("PATCH", "/orgs/{org}/policies/{key}", web.Edit, h.apiUpdatePolicy),
		route("POST", "/orgs/{org}/policies/{key}/draft", web.Edit, h.apiSaveDraft),
		route("POST", "/orgs/{org}/policies/{key}/retire", web.Edit, h.apiRetirePolicy),
		route("GET", "/orgs/{org}/policies/{key}/diff", web.Read, h.apiPolicyDiff),
		route("GET", "/orgs/{org}/policies/{key}/export", web.Read, h.PolicyExport),
		route("GET", "/orgs/{org}/policy-export", web.Read, h.PolicySetExport),
		route("GET", "/orgs/{org}/acknowledgements/export", web.Own, h.AcknowledgementExport),
		route("POST", "/orgs/{org}/policy-versions/{id}/submit", web.Edit, h.apiSubmitVersion),
		route("POST", "/orgs/{org}/policy-versions/{id}/decide", web.Work, h.apiDecideVersion),
		route("POST", "/orgs/{org}/policy-versions/{id}/publish", web.Edit, h.apiPublishVersion),
		route("GET", "/orgs/{org}/policy-templates", web.Read, h.apiPolicyTemplates),
		route("GET", "/orgs/{org}/policy-settings", web.Read, h.apiPolicySettings),
		route("PATCH", "/orgs/{org}/policy-settings", web.Edit, h.apiUpdatePolicySettings),
		route("GET", "/orgs/{org}/acceptances", web.Read, h.apiAcceptances),
		route("GET", "/orgs/{org}/acknowledgements", web.Own, h.apiAcknowledgements),
		route("GET", "/orgs/{org}/me/policies", web.Own, h.apiMyPolicies),
		route("GET", "/orgs/{org}/me/approvals", web.Work, h.apiMyApprovals),
		route("POST", "/orgs/{org}/me/policies/{key}/accept", web.Work, h.apiAcceptPolicy),
	}
}

// versionID reads the {id} of a policy version's path.
func versionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "policy version not found")
	}
	return id, nil
}

// policyByKey finds the policy a path names, for those who read the
// programme.
func (h *Handler) policyByKey(ctx context.Context, c *web.Ctx, key string) (attest.Policy, []attest.PolicyVersion, error) {
	return h.Policies.GetByKey(ctx, c.P, key)
}

// userIDsByEmail resolves members' emails to their user IDs; an email that
// is not a member's is an error naming the field.
func (h *Handler) userIDsByEmail(ctx context.Context, c *web.Ctx, field string, emails []string) ([]int64, error) {
	return h.Policies.MemberIDs(ctx, c.P, field, emails)
}

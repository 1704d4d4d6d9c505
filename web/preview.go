package web

import "net/http"

// previewCookie keeps a member's "preview as auditor" of one audit while they
// move between its pages. It is scoped to the audit's path and lasts the
// browser session. It can only narrow what the member sees: the pages render
// through the auditor's principal, and every request is still authorized as
// the member.
const previewCookie = "attest_audit_preview"

// AuditPreview reports whether the request previews the audit whose pages are
// under path as its invited auditors see them: ?preview=auditor turns the
// preview on, ?preview=off turns it off, and a cookie scoped to path keeps it
// in between.
func (s *Server) AuditPreview(w http.ResponseWriter, r *http.Request, path string) bool {
	switch r.URL.Query().Get("preview") {
	case "auditor":
		s.setStepCookie(w, previewCookie, path, http.SameSiteLaxMode, "auditor", 0)
		return true
	case "off":
		s.setStepCookie(w, previewCookie, path, http.SameSiteLaxMode, "", -1)
		return false
	}
	return presented(r, previewCookie) == "auditor"
}

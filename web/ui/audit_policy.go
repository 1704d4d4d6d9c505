package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// auditPolicy serves the text of a policy version in force during the
// audit's period, as Markdown; any other version is not found. An invited
// auditor's download is in the activity log.
func (h *Handler) auditPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	vID, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "policy version not found")
	}
	wp, v, err := h.Audits.Policy(r.Context(), c.P, id, vID)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/markdown; charset=utf-8")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(wp.Key+"-"+wp.Label+".md"))
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("X-Policy-SHA256", v.Hash)
	text := v.Content
	if text == "" {
		text = v.Body
	}
	_, err = w.Write([]byte(text))
	return err
}

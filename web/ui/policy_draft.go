package ui

import (
	"html/template"
	"net/http"

	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// savePolicyDraft saves the editor's text as the policy's draft, or (the
// "Preview" button, for browsers without script) shows it rendered as people
// will read it without saving.
func (h *Handler) savePolicyDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	pol, _, err := h.Policies.GetByKey(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	f := web.NewForm(r, "body", "change_note", "material", "action")
	if f.Values["action"] == "preview" {
		html, err := h.Policies.Preview(r.Context(), c.P, f.Values["body"])
		if web.UserError(err) {
			f.Fail(err)
			return h.renderPolicy(w, r, c, http.StatusUnprocessableEntity, f, "")
		}
		if err != nil {
			return err
		}
		return h.renderPolicy(w, r, c, http.StatusOK, f, template.HTML(html))
	}
	v, err := h.Policies.SaveDraft(r.Context(), c.P, pol.ID, policy.Draft{Body: f.Values["body"], ChangeNote: f.Values["change_note"],
		Material: f.Values["material"] != ""})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPolicy(w, r, c, http.StatusUnprocessableEntity, f, "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, policyPath(c, pol.Key)+"#editor", "Saved the draft "+v.Label+" of "+pol.Title)
}

// previewPolicy answers the editor's live preview: the posted text rendered
// as people will read it, as an HTML fragment (sanitized: no script, no
// styles, no remote images), or the error naming the line.
func (h *Handler) previewPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	html, err := h.Policies.Preview(r.Context(), c.P, r.PostFormValue("body"))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if web.UserError(err) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`<p class="flash flash-error">` + template.HTMLEscapeString(web.Sentence(err)) + `</p>`))
		return nil
	}
	if err != nil {
		return err
	}
	w.Write([]byte(html))
	return nil
}

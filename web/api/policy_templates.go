package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPolicyTemplates lists the shipped policy templates with their
// variables, controls and criteria (not their text; `attest policy render`
// prints it).
func (h *Handler) apiPolicyTemplates(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	out := make([]map[string]any, 0, len(h.Policies.Templates))
	for _, t := range h.Policies.Templates {
		out = append(out, map[string]any{"id": t.ID, "title": t.Title, "summary": t.Summary, "category": t.Category,
			"controls": t.Controls, "criteria": t.Criteria, "variables": t.Variables})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"templates": out})
	return nil
}

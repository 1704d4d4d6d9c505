package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// newTestExample is the form's starting text: a complete test to adapt.
const newTestExample = `tests:
  - id: own.repo_description
    title: Repositories say what they are
    description: Every repository has a description, so reviewers know what it holds.
    resource_type: github.repository
    applies: "!resource.archived"
    pass: resource.name != ''
    field: name
    expected: a name
    severity: low
    remediation: Add a description in the repository's settings.
    controls: [AST-3]
    reads: [archived, name]
`

// newTestPage shows the form for one of the organization's own tests.
func (h *Handler) newTestPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	h.RenderForm(w, r, c, http.StatusOK, "monitoring_test_new", nil, &web.Form{Values: map[string]string{"source": newTestExample}, Errors: map[string]string{}})
	return nil
}

// saveTest validates and saves an own test; errors name the key at fault.
func (h *Handler) saveTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "source")
	t, err := h.Monitor.SaveTest(r.Context(), c.P, []byte(f.Values["source"]))
	if err != nil {
		if !web.UserError(err) {
			return err
		}
		f.Error = err.Error()
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "monitoring_test_new", nil, f)
		return nil
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/monitoring/tests/"+t.ID, "Test saved. It runs at the next collection; run a connection now to see its results.")
}

// deleteTest removes an own test.
func (h *Handler) deleteTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Monitor.DeleteTest(r.Context(), c.P, r.PathValue("id")); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/monitoring", "Test removed; its past results stay in the history.")
}

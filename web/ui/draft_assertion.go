package ui

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// exportAssertion downloads the draft management assertion for the report
// the query names: ?type=type1&as_of=DAY or ?type=type2&from=DAY&to=DAY,
// Markdown or PDF (&format=pdf).
func (h *Handler) exportAssertion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	md, err := h.Drafts.Assertion(r.Context(), c.P, programme.AssertionInput{Type: q.Get("type"), AsOf: q.Get("as_of"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	return h.writeDraft(w, r, c, "management-assertion", "Management's assertion", md)
}

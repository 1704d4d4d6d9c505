package api

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// draftRoutes: the system description and management assertion drafts.
func (h *Handler) draftRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/drafts/system-description", web.Read, h.apiDescriptionDraft),
		route("GET", "/orgs/{org}/drafts/management-assertion", web.Read, h.apiAssertionDraft),
	}
}

func (h *Handler) apiDescriptionDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	md, err := h.Drafts.Description(r.Context(), c.P)
	if err != nil {
		return err
	}
	return h.writeDraft(w, r, c, "System description", md)
}

// apiAssertionDraft: ?type=type1&as_of=DAY or ?type=type2&from=DAY&to=DAY.
func (h *Handler) apiAssertionDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	md, err := h.Drafts.Assertion(r.Context(), c.P, programme.AssertionInput{Type: q.Get("type"), AsOf: q.Get("as_of"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	return h.writeDraft(w, r, c, "Management's assertion", md)
}

// writeDraft answers a draft as Markdown (?format=md, the default) or PDF.
func (h *Handler) writeDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx, title, md string) error {
	return web.WriteDraft(w, r.URL.Query().Get("format"), md, func() ([]byte, error) { return h.Drafts.PDF(c.Org.Name, title, md) }, nil)
}

package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// runConnection collects and tests a connection now. With a job worker the
// collection is queued and the monitoring page follows its progress; without
// one it runs before the answer.
func (h *Handler) runConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	base := "/o/" + c.Org.Slug + "/monitoring"
	if h.Jobs == nil {
		rep, err := h.Monitor.RunNow(r.Context(), c.P, conn.ID, nil)
		if err != nil {
			return err
		}
		return h.Redirect(w, r, base, fmt.Sprintf("Collected %s: %d resources, %d results, %d changed.", conn.Name,
			rep.Collection.Resources, len(rep.Results), rep.Changes))
	}
	job, err := h.Jobs.Enqueue(r.Context(), c.Org.ID, conn.ID, nil)
	if err != nil {
		return err
	}
	if err := h.Monitor.RunQueued(r.Context(), c.P, conn, job); err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("%s?job=%d", base, job), "")
}

// makeWebhookSecret makes a new webhook secret for a connection and shows it
// once, with the payload URL to give the provider.
func (h *Handler) makeWebhookSecret(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	secret, err := h.Connections.NewWebhookSecret(r.Context(), c.P, conn.ID)
	if err != nil {
		return err
	}
	return h.renderConnections(w, r, c, http.StatusOK, "", nil, &checkedView{Name: conn.Name,
		Webhook: &webhookView{URL: fmt.Sprintf("%s/hooks/%s/%d", h.BaseURL, conn.Type, conn.ID), Secret: secret}})
}

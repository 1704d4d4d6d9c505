// Package hooks receives providers' webhooks: POST /hooks/{type}/{connection}.
// A delivery is authenticated by its signature alone (the connection's
// webhook secret), names the resources it changed, and queues a collection
// of just those, so a pushed change shows as a new verdict within seconds.
package hooks

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// MaxDelivery bounds a webhook's body. GitHub caps payloads at 25 MB, but the
// events Attest listens to are far smaller; a larger body is refused unread.
const MaxDelivery = 5 << 20

// Handler holds what the webhook endpoint uses.
type Handler struct {
	*web.Server
	web.Services
}

// Routes is the webhook route table, for web.New.
func Routes(s *web.Server) ([]web.Route, error) {
	h := &Handler{Server: s, Services: s.Services()}
	return []web.Route{
		{Method: "POST", Path: "/hooks/{type}/{connection}", Access: web.Public, Handle: h.receive},
	}, nil
}

// receive verifies a delivery and queues the collection it calls for. Every
// refusal up to and including a bad signature is the same 404, so the
// endpoint tells a stranger nothing about which connections exist.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	notFound := attest.Errorf(attest.ENOTFOUND, "no webhook here")
	id, err := strconv.ParseInt(r.PathValue("connection"), 10, 64)
	if err != nil || id <= 0 || h.Connections == nil {
		return notFound
	}
	conn, secret, err := h.Connections.OpenWebhook(r.Context(), id)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return notFound
	}
	if err != nil {
		return err
	}
	defer clear(secret)
	if conn.Type != r.PathValue("type") {
		return notFound
	}
	connector, err := h.Connections.Registry.Get(conn.Type)
	if err != nil {
		return notFound
	}
	recv, ok := connector.(attest.WebhookReceiver)
	if !ok {
		return notFound
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxDelivery+1))
	if err != nil {
		return attest.Invalid("body", "reading the delivery: %v", err)
	}
	if len(body) > MaxDelivery {
		return attest.Errorf(attest.EINVALID, "the delivery is larger than %d MiB", MaxDelivery>>20)
	}
	refs, err := recv.Webhook(r.Header, body, secret)
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		h.Log.Warn("webhook refused: bad signature", "connection", conn.ID)
		return notFound // the same answer as for a connection that does not exist
	}
	if err != nil {
		if attest.ErrorCode(err) == attest.EINTERNAL {
			err = attest.Invalid("body", "%v", err)
		}
		return err
	}
	if len(refs) == 0 {
		w.WriteHeader(http.StatusNoContent) // a ping, or an event that changes nothing Attest reads
		return nil
	}
	if h.Jobs == nil {
		return errors.New("webhook: this server queues no jobs (start it with jobs, or run attest worker)")
	}
	if slices.ContainsFunc(refs, func(ref attest.ResourceRef) bool { return ref.Key == "*" }) {
		refs = nil // the change may touch every resource: collect them all
	}
	jobID, err := h.Jobs.Enqueue(r.Context(), conn.OrgID, conn.ID, refs)
	if err != nil {
		return err
	}
	h.Log.Info("webhook queued a collection", "connection", conn.ID, "resources", len(refs), "job", jobID)
	web.WriteJSON(w, http.StatusAccepted, map[string]any{"job": jobID, "resources": refs})
	return nil
}

package api

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/web"
)

// apiRequestException asks to exempt one resource from one test until a
// date; someone else approves it.
func (h *Handler) apiRequestException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Test         string `json:"test"`
		ResourceType string `json:"resource_type"`
		Resource     string `json:"resource"`
		Reason       string `json:"reason"`
		Expires      string `json:"expires"` // YYYY-MM-DD, the last day it holds
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, in.Expires)
	if err != nil {
		return attest.Invalid("expires", "must be a date YYYY-MM-DD (got %q)", in.Expires)
	}
	e, err := h.Monitor.RequestException(r.Context(), c.P, monitor.ExceptionRequest{Test: in.Test,
		Resource: attest.ResourceRef{Type: in.ResourceType, Key: in.Resource}, Reason: in.Reason, ExpiresAt: day.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, h.toExceptionJSON(e))
	return nil
}

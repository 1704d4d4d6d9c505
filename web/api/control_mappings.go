package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// mappingInput names a requirement of a framework, and how strongly the
// control meets it (equivalent, subset, superset or related).
type mappingInput struct {
	Framework   string `json:"framework"`
	Requirement string `json:"requirement"`
	Type        string `json:"type"`
}

func controlPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return id, nil
}

// apiMapControl maps a control to a requirement: {"framework", "requirement", "type"}.
func (h *Handler) apiMapControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.changeMapping(w, r, c, h.Controls.Map)
}

// apiRetypeMapping changes how strongly a control meets a requirement it
// maps to; a library mapping so changed becomes the organization's own.
func (h *Handler) apiRetypeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.changeMapping(w, r, c, h.Controls.Retype)
}

// changeMapping reads a mappingInput, applies change to the control of the
// path and answers the control.
func (h *Handler) changeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx,
	change func(ctx context.Context, p attest.Principal, id int64, framework, requirement, typ string) (attest.Control, error)) error {
	id, err := controlPathID(r)
	if err != nil {
		return err
	}
	var in mappingInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := change(r.Context(), c.P, id, in.Framework, in.Requirement, in.Type); err != nil {
		return err
	}
	return h.apiControl(w, r, c)
}

// apiUnmapControl removes a mapping: ?framework=&requirement=. A library
// mapping removed stays removed when the crosswalk is synced again.
func (h *Handler) apiUnmapControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := controlPathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if _, err := h.Controls.Unmap(r.Context(), c.P, id, q.Get("framework"), q.Get("requirement")); err != nil {
		return err
	}
	return h.apiControl(w, r, c)
}

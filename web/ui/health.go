package ui

import (
	"context"
	"net/http"
	"time"

	"github.com/attest-hq/attest/web"
)

// healthRoutes are the routes of this area, with the access each needs.
func (h *Handler) healthRoutes() []web.Route {
	return []web.Route{
		route("GET", "/healthz", web.Public, h.healthz),
		route("GET", "/readyz", web.Public, h.readyz),
	}
}

// healthz says the process is up; it touches nothing else.
func (h *Handler) healthz(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

// readyz says whether the server can do work: the database must answer.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := h.DB.Ping(ctx); err != nil {
		h.Log.Warn("readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return nil
	}
	w.Write([]byte("ready\n"))
	return nil
}

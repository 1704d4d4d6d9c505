package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request its client abandoned is not logged as a failure; a real failure
// still is.
func TestAbandonedRequestsAreNotFailures(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{cfg: Config{Services: Services{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/api/v1/orgs/acme/results", nil).WithContext(ctx)
	s.fail(httptest.NewRecorder(), r, &Ctx{Route: Route{API: true}}, fmt.Errorf("results: %w", context.Canceled))
	if strings.Contains(logs.String(), "request failed") {
		t.Errorf("an abandoned request was logged as failed: %s", logs.String())
	}
	w := httptest.NewRecorder()
	s.fail(w, httptest.NewRequest("GET", "/api/v1/orgs/acme/results", nil), &Ctx{Route: Route{API: true}}, fmt.Errorf("results: disk on fire"))
	if !strings.Contains(logs.String(), "request failed") || w.Code != http.StatusInternalServerError {
		t.Errorf("a real failure: %d, logged %q", w.Code, logs.String())
	}
}

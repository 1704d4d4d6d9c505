package api

import (
	_ "embed"
	"net/http"

	"github.com/attest-hq/attest/web"
)

//go:embed openapi.json
var openAPIDoc []byte

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}

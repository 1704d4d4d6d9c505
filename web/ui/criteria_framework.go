package ui

import (
	"net/http"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// The criteria pages (list, one requirement, coverage matrix, readiness CSV)
// serve every framework the organization pursues: SOC 2 by default, another
// with ?framework=iso27001. Requirement IDs do not collide between the two.

// frameworkNav is what the criteria pages need to link within one framework
// and to switch between frameworks.
type frameworkNav struct {
	Framework *catalog.Framework
	Pursued   []*catalog.Framework
	// Suffix ends a link to a page of this framework ("?framework=iso27001"
	// or ""); Param starts a query string that adds more ("framework=iso27001&").
	Suffix, Param string
}

func (h *Handler) frameworkNav(r *http.Request, c *web.Ctx, fw *catalog.Framework) (frameworkNav, error) {
	nav := frameworkNav{Framework: fw}
	if fw.ID != programme.Framework {
		nav.Suffix, nav.Param = "?framework="+fw.ID, "framework="+fw.ID+"&"
	}
	var err error
	nav.Pursued, err = programme.Pursued(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	return nav, err
}

// assessRequested assesses the framework named by ?framework= (SOC 2 when
// left out); one the organization does not pursue is EINVALID.
func (h *Handler) assessRequested(r *http.Request, c *web.Ctx) (programme.Assessment, frameworkNav, error) {
	a, err := h.Readiness.AssessFramework(r.Context(), c.Org.ID, r.URL.Query().Get("framework"))
	if err != nil {
		return a, frameworkNav{}, err
	}
	nav, err := h.frameworkNav(r, c, a.Framework)
	return a, nav, err
}

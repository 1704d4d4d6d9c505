package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// monitoringRoutes are the routes of continuous monitoring: tests, results
// with their history and replay, run summaries, exceptions, and running a
// connection now. Readers (auditors included) read; editors change.
func (h *Handler) monitoringRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/tests", web.Read, h.apiTests),
		route("POST", "/orgs/{org}/tests", web.Edit, h.apiSaveTest),
		route("GET", "/orgs/{org}/tests/{id}", web.Read, h.apiTest),
		route("DELETE", "/orgs/{org}/tests/{id}", web.Edit, h.apiDeleteTest),
		route("GET", "/orgs/{org}/results", web.Read, h.apiResults),
		route("GET", "/orgs/{org}/results/{id}", web.Read, h.apiResult),
		route("GET", "/orgs/{org}/results/{id}/history", web.Read, h.apiResultHistory),
		route("POST", "/orgs/{org}/results/{id}/replay", web.Read, h.apiReplay),
		route("GET", "/orgs/{org}/runs", web.Read, h.apiRuns),
		route("GET", "/orgs/{org}/exceptions", web.Read, h.apiExceptions),
		route("POST", "/orgs/{org}/exceptions", web.Edit, h.apiRequestException),
		route("POST", "/orgs/{org}/exceptions/{id}/approve", web.Edit, h.apiApproveException),
		route("POST", "/orgs/{org}/exceptions/{id}/revoke", web.Edit, h.apiRevokeException),
		route("POST", "/orgs/{org}/connections/{id}/run", web.Edit, h.apiRunConnection),
		route("GET", "/orgs/{org}/jobs/{id}", web.Read, h.apiJob),
	}
}

// exceptionJSON is an exception with its state now.
type exceptionJSON struct {
	attest.TestException
	State string `json:"state"`
}

func (h *Handler) toExceptionJSON(e attest.TestException) exceptionJSON {
	return exceptionJSON{TestException: e, State: e.State(h.Now())}
}

// pathID reads a numeric path parameter, naming it when it is not one.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, attest.Errorf(attest.ENOTFOUND, "no %s %q", name, r.PathValue(name))
	}
	return id, nil
}

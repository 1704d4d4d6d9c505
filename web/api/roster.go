package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// rosterRoutes: the people roster beside the accounts collected.
func (h *Handler) rosterRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/roster", web.Read, h.apiRoster),
		route("GET", "/orgs/{org}/roster/populations", web.Read, h.apiPopulations),
		route("POST", "/orgs/{org}/roster/links", web.Edit, h.apiLinkAccount),
		route("DELETE", "/orgs/{org}/roster/links", web.Edit, h.apiUnlinkAccount),
		route("PUT", "/orgs/{org}/roster/rules", web.Admin, h.apiSetRosterRules),
	}
}

func (h *Handler) apiRoster(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rep, err := h.Roster.Roster(r.Context(), c.P)
	if err != nil {
		return err
	}
	rep.People, rep.Unlinked, rep.Findings = nonNil(rep.People), nonNil(rep.Unlinked), nonNil(rep.Findings)
	for i := range rep.People {
		rep.People[i].Accounts = nonNil(rep.People[i].Accounts)
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// apiLinkAccount links an account to a person: {"connection_id", "key", "person_id"}.
func (h *Handler) apiLinkAccount(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.AccountLink
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Roster.Link(r.Context(), c.P, in); err != nil {
		return err
	}
	return h.apiRoster(w, r, c)
}

// apiUnlinkAccount removes a manual link: ?connection_id=…&key=….
func (h *Handler) apiUnlinkAccount(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	conn, err := strconv.ParseInt(q.Get("connection_id"), 10, 64)
	if err != nil {
		return attest.Invalid("connection_id", "want the connection's ID")
	}
	if err := h.Roster.Unlink(r.Context(), c.P, conn, q.Get("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) apiSetRosterRules(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.RosterRules
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Roster.SetRules(r.Context(), c.P, in); err != nil {
		return err
	}
	return h.apiRoster(w, r, c)
}

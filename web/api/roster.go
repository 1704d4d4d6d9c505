package api

import (
	"fmt"
	"net/http"
	"slices"
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

// apiRoster is the roster: its people, the accounts nobody on it owns, and
// its findings, each list a page at a time (limit items each; the cursor of
// a list's next page in next_people_cursor, next_unlinked_cursor or
// next_findings_cursor, passed back as people_cursor, unlinked_cursor or
// findings_cursor). A large organization's roster holds thousands of each.
// totals counts every item of each list.
func (h *Handler) apiRoster(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	limit, err := pageLimit(q, listPageSize, listPageMax)
	if err != nil {
		return err
	}
	rep, err := h.Roster.Roster(r.Context(), c.P)
	if err != nil {
		return err
	}
	resp := map[string]any{"today": rep.Today, "rules": rep.Rules, "identity_providers": rep.IdentityProviders, "sources": rep.Sources,
		"totals": map[string]int{"people": len(rep.People), "unlinked": len(rep.Unlinked), "findings": len(rep.Findings)}}
	people, next, err := keyPage(q, "people_cursor", limit, slices.Values(rep.People), func(row attest.RosterRow) pageKey { return pageKey{N: row.Person.ID} })
	if err != nil {
		return err
	}
	for i := range people {
		people[i].Accounts = nonNil(people[i].Accounts)
	}
	resp["people"] = people
	if next != "" {
		resp["next_people_cursor"] = next
	}
	unlinked, next, err := keyPage(q, "unlinked_cursor", limit, slices.Values(rep.Unlinked), accountKey)
	if err != nil {
		return err
	}
	resp["unlinked"] = unlinked
	if next != "" {
		resp["next_unlinked_cursor"] = next
	}
	findings, next, err := keyPage(q, "findings_cursor", limit, slices.Values(rep.Findings), func(f attest.RosterFinding) pageKey {
		k := pageKey{S: f.Kind}
		if f.Account != nil {
			a := accountKey(*f.Account)
			k.S += "\x00" + a.S + "\x00" + fmt.Sprintf("%020d", a.N)
		}
		if f.Person != nil {
			k.N = f.Person.ID
		}
		return k
	})
	if err != nil {
		return err
	}
	resp["findings"] = findings
	if next != "" {
		resp["next_findings_cursor"] = next
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// accountKey names an account among every connection's: its key there and
// its connection.
func accountKey(a attest.Account) pageKey { return pageKey{S: a.Key, N: a.ConnectionID} }

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

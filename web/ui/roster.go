package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/web"
)

// rosterRoutes: the people roster beside the accounts collected, its manual
// links and its deadlines.
func (h *Handler) rosterRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/people/roster", web.Read, h.rosterPage),
		route("GET", "/o/{org}/people/populations", web.Read, h.populationsPage),
		route("POST", "/o/{org}/people/roster/links", web.Edit, h.linkAccount),
		route("POST", "/o/{org}/people/roster/links/remove", web.Edit, h.unlinkAccount),
		route("POST", "/o/{org}/people/roster/rules", web.Admin, h.saveRosterRules),
	}
}

// rosterView is the roster a page of each list at a time: a large
// organization has thousands of people, accounts and findings, and the page
// once offered every person in a list beside every unlinked account (2,000 of
// each made a 165 MB page). An account is linked from a form of its own,
// opened from its row (?link=KEY&connection=ID).
type rosterView struct {
	Report        roster.Report
	Findings      []attest.RosterFinding
	FindingsPager web.Pager
	People        []attest.RosterRow
	PeoplePager   web.Pager
	Unlinked      []attest.Account
	UnlinkedPager web.Pager
	Linking       *attest.Account // the account whose link form is open
}

func (h *Handler) rosterPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderRoster(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderRoster(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	rep, err := h.Roster.Roster(r.Context(), c.P)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"leaver_days": strconv.Itoa(rep.Rules.LeaverDays), "joiner_days": strconv.Itoa(rep.Rules.JoinerDays)},
			Errors: map[string]string{}}
	}
	q := r.URL.Query()
	v := rosterView{Report: rep}
	// The page's links name its path: a refused link or rules form renders
	// it at the form's address.
	path := "/o/" + c.Org.Slug + "/people/roster"
	v.Findings, v.FindingsPager = web.PaginateNamed(rep.Findings, q, web.PageSize, "findings")
	v.People, v.PeoplePager = web.PaginateNamed(rep.People, q, web.PageSize, "people")
	v.Unlinked, v.UnlinkedPager = web.PaginateNamed(rep.Unlinked, q, web.PageSize, "accounts")
	v.FindingsPager, v.PeoplePager, v.UnlinkedPager = v.FindingsPager.At(path), v.PeoplePager.At(path), v.UnlinkedPager.At(path)
	key, conn := q.Get("link"), q.Get("connection")
	if f.Values["key"] != "" { // a refused link keeps its form open
		key, conn = f.Values["key"], f.Values["connection_id"]
	}
	for i, a := range rep.Unlinked {
		if a.Key == key && strconv.FormatInt(a.ConnectionID, 10) == conn {
			v.Linking = &rep.Unlinked[i]
			break
		}
	}
	h.RenderForm(w, r, c, status, "roster", v, f)
	return nil
}

func (h *Handler) linkAccount(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "connection_id", "key", "person_id")
	conn, _ := strconv.ParseInt(f.Values["connection_id"], 10, 64)
	person, _ := strconv.ParseInt(f.Values["person_id"], 10, 64)
	err := h.Roster.Link(r.Context(), c.P, attest.AccountLink{ConnectionID: conn, Key: f.Values["key"], PersonID: person})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRoster(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/roster", "Account "+f.Values["key"]+" linked.")
}

func (h *Handler) unlinkAccount(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "connection_id", "key")
	conn, _ := strconv.ParseInt(f.Values["connection_id"], 10, 64)
	if err := h.Roster.Unlink(r.Context(), c.P, conn, f.Values["key"]); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/roster", "Link removed.")
}

func (h *Handler) saveRosterRules(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "leaver_days", "joiner_days")
	leaver, err1 := strconv.Atoi(f.Values["leaver_days"])
	joiner, err2 := strconv.Atoi(f.Values["joiner_days"])
	var err error
	switch {
	case err1 != nil:
		err = attest.Invalid("leaver_days", "want a number of days")
	case err2 != nil:
		err = attest.Invalid("joiner_days", "want a number of days")
	default:
		err = h.Roster.SetRules(r.Context(), c.P, attest.RosterRules{LeaverDays: leaver, JoinerDays: joiner})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRoster(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/roster", "Deadlines saved.")
}

package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/web"
)

// changeRoutes: the changes register.
func (h *Handler) changeRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/changes", web.Read, h.apiChanges),
		route("POST", "/orgs/{org}/changes/deploy-log", web.Edit, h.apiImportDeployLog),
		route("PUT", "/orgs/{org}/changes/rules", web.Admin, h.apiSetChangeRules),
		route("POST", "/orgs/{org}/changes/bank", web.Edit, h.apiBankChanges),
	}
}

// apiChanges answers the register over ?days= (default 90), as JSON, or
// as CSV with ?format=csv.
func (h *Handler) apiChanges(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	days := 0
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return attest.Invalid("days", "must be a whole number of days (got %q)", v)
		}
		days = n
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return attest.Invalid("format", "must be json or csv (got %q)", format)
	}
	rep, err := h.Changes.Report(r.Context(), c.P, days)
	if err != nil {
		return err
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return change.WriteCSV(w, rep)
	}
	for i := range rep.Changes {
		rep.Changes[i].Pulls = nonNil(rep.Changes[i].Pulls)
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// apiImportDeployLog stores a deploy log sent as the body (Content-Type:
// text/csv), all or nothing.
func (h *Handler) apiImportDeployLog(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the deploy log as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	if r.ContentLength > change.MaxLogSize {
		return attest.Invalid("file", "is larger than %d MiB", change.MaxLogSize>>20)
	}
	read, added, err := h.Changes.ImportLog(r.Context(), c.P, r.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]int{"read": read, "added": added})
	return nil
}

func (h *Handler) apiSetChangeRules(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.ChangeRules
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Changes.SetRules(r.Context(), c.P, in); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, in)
	return nil
}

// apiBankChanges stores the register over ?days= (default 90) as evidence
// of the change controls and answers the evidence.
func (h *Handler) apiBankChanges(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	days := 0
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return attest.Invalid("days", "must be a whole number of days (got %q)", v)
		}
		days = n
	}
	ev, _, err := h.Changes.Bank(r.Context(), c.P, days)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toEvidenceJSON(ev))
	return nil
}

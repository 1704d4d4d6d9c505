package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/requestlist"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// auditRequestRoutes: an audit's request list for members with a token.
// The auditors' own actions (accept, flag, not applicable) are theirs, in
// the UI: API tokens belong to members.
func (h *Handler) auditRequestRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/audits/{audit}/requests", web.Read, h.apiAuditRequests),
		route("POST", "/orgs/{org}/audits/{audit}/requests", web.Edit, h.apiAddAuditRequest),
		route("POST", "/orgs/{org}/audits/{audit}/requests/generate", web.Edit, h.apiGenerateAuditRequests),
		route("POST", "/orgs/{org}/audits/{audit}/requests/import", web.Edit, h.apiImportAuditRequests),
		route("GET", "/orgs/{org}/audits/{audit}/requests/{request}", web.Read, h.apiAuditRequest),
		route("POST", "/orgs/{org}/audits/{audit}/requests/{request}/actions", web.Edit, h.apiActOnAuditRequest),
	}
}

// apiAuditRequests lists the audit's requests with their tally by status;
// ?status= and ?owner= (a user ID) narrow the list.
func (h *Handler) apiAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	f := store.RequestFilter{Status: attest.RequestStatus(r.URL.Query().Get("status"))}
	if v := r.URL.Query().Get("owner"); v != "" {
		if f.OwnerID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return attest.Invalid("owner", "want a user's ID, got %q", v)
		}
	}
	list, err := h.Audits.Requests(r.Context(), c.P, aid, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, list)
	return nil
}

// requestIn is a request added through the API.
type requestIn struct {
	Ref       string `json:"ref"`
	Title     string `json:"title"`
	Details   string `json:"details"`
	Expected  string `json:"expected"`
	ControlID int64  `json:"control_id"`
	Period    string `json:"period"`
	OwnerID   int64  `json:"owner_id"`
	Due       string `json:"due"`
}

// apiAddAuditRequest adds a request by hand.
func (h *Handler) apiAddAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	var in requestIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := h.Audits.AddRequest(r.Context(), c.P, aid, attest.AuditRequest{Ref: in.Ref, Title: in.Title, Details: in.Details, Expected: in.Expected,
		ControlID: in.ControlID, Period: in.Period, OwnerID: in.OwnerID, Due: in.Due})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"request": req})
	return nil
}

// apiGenerateAuditRequests adds the default requests the list lacks.
func (h *Handler) apiGenerateAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	n, err := h.Audits.GenerateRequests(r.Context(), c.P, aid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"added": n})
	return nil
}

// apiImportAuditRequests adds the requests of a CSV body (Content-Type:
// text/csv), all or nothing; a refused file is 422 naming its line.
func (h *Handler) apiImportAuditRequests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, err := pathAudit(r)
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the CSV file as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	if r.ContentLength > requestlist.MaxSize {
		return attest.Invalid("file", "is larger than %d MiB", requestlist.MaxSize>>20)
	}
	n, err := h.Audits.ImportRequests(r.Context(), c.P, aid, r.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"imported": n})
	return nil
}

// apiAuditRequest returns one request with its history and the evidence
// provided for it.
func (h *Handler) apiAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := pathRequest(r)
	if err != nil {
		return err
	}
	d, err := h.Audits.Request(r.Context(), c.P, aid, id)
	if err != nil {
		return err
	}
	d.Events = nonNil(d.Events)
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// actionIn is an action on a request: comment, submit (with evidence IDs
// and an answer), or assign (owner_id, due; absent fields stay).
type actionIn struct {
	Action   attest.RequestAction `json:"action"`
	Text     string               `json:"text"`
	Evidence []int64              `json:"evidence"`
	OwnerID  *int64               `json:"owner_id"`
	Due      *string              `json:"due"`
}

// apiActOnAuditRequest applies an action to a request and returns it.
func (h *Handler) apiActOnAuditRequest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	aid, id, err := pathRequest(r)
	if err != nil {
		return err
	}
	var in actionIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req, err := h.Audits.ActOnRequest(r.Context(), c.P, aid, id, programme.RequestAct{Action: in.Action, Text: in.Text, Evidence: in.Evidence,
		OwnerID: in.OwnerID, Due: in.Due})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"request": req})
	return nil
}

// pathRequest reads the {audit} and {request} path values.
func pathRequest(r *http.Request) (auditID, id int64, err error) {
	if auditID, err = pathAudit(r); err != nil {
		return 0, 0, err
	}
	if id, err = strconv.ParseInt(r.PathValue("request"), 10, 64); err != nil {
		return 0, 0, attest.Errorf(attest.ENOTFOUND, "request not found")
	}
	return auditID, id, nil
}

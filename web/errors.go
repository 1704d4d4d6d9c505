package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// statusOf maps an error code to an HTTP status. It is the only such mapping.
func statusOf(code string) int {
	switch code {
	case attest.EINVALID:
		return http.StatusUnprocessableEntity
	case attest.ENOTFOUND:
		return http.StatusNotFound
	case attest.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case attest.EFORBIDDEN, attest.EENROL, attest.ESSO:
		return http.StatusForbidden
	case attest.ECONFLICT:
		return http.StatusConflict
	case attest.ETHROTTLED:
		return http.StatusTooManyRequests
	case attest.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers a request that ended in err: JSON for the API, a page for the UI.
// Internal errors are logged with their detail and shown without it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c *Ctx, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (a closed tab, a load generator stopping):
		// nothing failed, and nobody reads the answer.
		s.cfg.Log.Debug("request abandoned by the client", "method", r.Method, "path", logPath(r))
		return
	}
	err = store.Unavailable(err) // a lost database or a full disk is 503, not 500
	code := attest.ErrorCode(err)
	status := statusOf(code)
	switch code {
	case attest.EINTERNAL:
		s.cfg.Log.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	case attest.EUNAVAILABLE:
		s.cfg.Log.Warn("request refused: unavailable", "method", r.Method, "path", logPath(r), "err", errors.Unwrap(err))
		w.Header().Set("Retry-After", "5")
	}
	if c.Route.API {
		body := apiErrorBody{Code: code, Message: attest.ErrorMessage(err), Field: attest.ErrorField(err)}
		var d *detailedError
		if errors.As(err, &d) && code != attest.EINTERNAL {
			WriteJSON(w, status, map[string]any{"error": body, d.key: d.detail})
			return
		}
		WriteJSON(w, status, apiError{Error: body})
		return
	}
	if code == attest.EUNAUTHORIZED {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/"
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if code == attest.EENROL && c.Org != nil {
		// Sent to set up a second factor, then back to the organization.
		http.Redirect(w, r, "/account/two-step?required="+url.QueryEscape(c.Org.Slug), http.StatusSeeOther)
		return
	}
	if code == attest.ESSO && c.Org != nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/o/" + c.Org.Slug
		}
		http.Redirect(w, r, "/login/sso/"+url.PathEscape(c.Org.Slug)+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	s.Render(w, r, c, status, "error", map[string]any{"Status": status, "StatusText": http.StatusText(status), "Message": attest.ErrorMessage(err)})
}

// notFound answers paths that match no route.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	c := &Ctx{}
	if len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/" {
		c.Route.API = true
	} else if sess, u, err := s.sessionFromCookie(r); err == nil && sess != nil {
		c.User, c.Session = &u, sess // so the page keeps its navigation
	}
	s.fail(w, r, c, attest.Errorf(attest.ENOTFOUND, "There is nothing at %s.", r.URL.Path))
}

// crossOriginDenied answers a state-changing request from another origin.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.cfg.Log.Warn("cross-origin request refused", "method", r.Method, "path", logPath(r), "origin", r.Header.Get("Origin"), "ip", s.clientIP(r))
	c := &Ctx{}
	c.Route.API = len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/"
	s.fail(w, r, c, attest.Errorf(attest.EFORBIDDEN, "This request came from another site and was refused (cross-site request forgery protection)."))
}

// WithDetail attaches detail to an API error's body, beside "error" under
// key: a refused import answers with its report of the rows at fault, so
// that the client need not ask again. The status still comes from err's code;
// an internal error never carries detail.
func WithDetail(err error, key string, detail any) error {
	if err == nil || key == "error" {
		return err
	}
	return &detailedError{err: err, key: key, detail: detail}
}

type detailedError struct {
	err    error
	key    string
	detail any
}

func (d *detailedError) Error() string { return d.err.Error() }
func (d *detailedError) Unwrap() error { return d.err }

// apiError is the body of every API error response.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// FailJSON answers a UI route that a page's script calls (passkeys) with a
// JSON error, as the API would: the status from the error's code, internal
// details logged and not shown.
func (s *Server) FailJSON(w http.ResponseWriter, r *http.Request, err error) {
	code := attest.ErrorCode(err)
	if code == attest.EINTERNAL {
		s.cfg.Log.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	}
	WriteJSON(w, statusOf(code), apiError{Error: apiErrorBody{Code: code, Message: attest.ErrorMessage(err), Field: attest.ErrorField(err)}})
}

package ui

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/web"
)

// addConnection creates a connection from the form of one connector type.
// The credential is typed in a password field or uploaded as a key file (a
// GitHub App's PEM key has line breaks a password field would drop); it is
// never put back in the page, even when the form comes back with errors.
func (h *Handler) addConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, connection.MaxSecret+1<<20)
	if err := r.ParseMultipartForm(connection.MaxSecret + 2<<20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return attest.Errorf(attest.EINVALID, "The form could not be read: %v", err)
	}
	typ := r.PostFormValue("type")
	conn, err := h.Connections.Registry.Get(typ)
	if err != nil {
		return err
	}
	spec := conn.Spec()
	fields := []string{"type", "name", "interval"}
	for _, s := range spec.Settings {
		fields = append(fields, settingField(s.Key))
	}
	f := web.NewForm(r, fields...)
	in := connection.Input{Type: typ, Name: f.Values["name"], Settings: map[string]string{}, Secret: []byte(r.PostFormValue("secret"))}
	for _, s := range spec.Settings {
		if v := strings.TrimSpace(f.Values[settingField(s.Key)]); v != "" {
			in.Settings[s.Key] = v
		}
	}
	if strings.TrimSpace(f.Values["interval"]) == "" {
		f.Values["interval"] = strconv.Itoa(connection.DefaultInterval)
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Values["interval"]))
	if err != nil {
		f.Errors["interval"] = "must be a whole number of minutes"
		return h.renderConnections(w, r, c, http.StatusUnprocessableEntity, typ, f, nil)
	}
	in.IntervalMinutes = n
	if len(strings.TrimSpace(string(in.Secret))) == 0 {
		if file, _, err := r.FormFile("secret_file"); err == nil {
			b, err := io.ReadAll(io.LimitReader(file, connection.MaxSecret+1))
			file.Close()
			if err != nil {
				return err
			}
			in.Secret = b
		}
	}
	added, err := h.Connections.Add(r.Context(), c.P, in)
	if web.UserError(err) {
		var ae *attest.Error
		if errors.As(err, &ae) && ae.Field != "" {
			err = &attest.Error{Code: ae.Code, Field: formField(ae.Field, spec), Message: ae.Message}
		}
		f.Fail(err)
		return h.renderConnections(w, r, c, http.StatusUnprocessableEntity, typ, f, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/connections", "The connection "+added.Name+" was added. Check it to see whether its credential works.")
}
